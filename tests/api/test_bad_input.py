"""Bad input to the API is refused with a 400 and a JSON message beside the field at fault, and
changes nothing; odd ids, page sizes and dates never become a 500."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from ics_registry.api import router
from ics_registry.tokens import token_issue
from organisations import services
from organisations.choices import MembershipCategory
from organisations.models import (
    Area,
    Organisation,
    PartnershipMembership,
    Person,
    Post,
    PostHolding,
    Succession,
    System,
)

from .builders import RESOURCES, holding, organisation, post, snapshot

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def staff_api(api_as, staff_user):
    return api_as(staff_user)


def assert_field_error(response, field):
    assert response.status_code == 400, response.content
    assert response.headers["Content-Type"].startswith("application/json")
    body = response.json()
    assert field in body, body
    message = body[field]
    while isinstance(message, (list, dict)):  # nested: {"sources": {"0": {"document": [...]}}}
        message = next(iter(message.values())) if isinstance(message, dict) else message[0]
    assert isinstance(message, str) and message.strip()


# --- Creates ---------------------------------------------------------------------------------
# Each case: (url name, model, build(reference) -> payload, field that carries the message).


def _stockport(ref):
    return ref.area("Stockport")


def _overlapping_holding(ref):
    existing = holding(_stockport(ref), start_date=D(2023, 1, 1))
    return {"post": existing.post_id, "person": existing.person_id, "start_date": "2024-01-01"}


def _second_place_on_single_post(ref):
    existing = holding(_stockport(ref), start_date=D(2023, 1, 1))
    return {"post": existing.post_id, "person": existing.person_id, "start_date": "2020-01-01", "position": 2}


def _holding_outside_post(ref):
    p = post(_stockport(ref), start_date=D(2023, 1, 1), end_date=D(2023, 12, 31))
    return {
        "post": p.pk,
        "person": services.person_create(name="P", actor=None).pk,
        "start_date": "2022-01-01",
    }


def _holding_ends_before_start(ref):
    p = post(_stockport(ref))
    person = services.person_create(name="P", actor=None)
    return {"post": p.pk, "person": person.pk, "start_date": "2024-01-01", "end_date": "2023-01-01"}


def _succession_loop(ref):
    # NHS Stockport CCG passed its functions to the GM ICB: the ICB cannot pass them back.
    icb = ref.org("NHS Greater Manchester Integrated Care")
    ccg = ref.org("NHS Stockport CCG")
    assert Succession.objects.filter(predecessor=ccg, successor=icb).exists()
    return {"predecessor": icb.pk, "successor": ccg.pk, "effective_date": "2023-01-01"}


def _succession_self(ref):
    org = organisation(_stockport(ref))
    return {"predecessor": org.pk, "successor": org.pk, "effective_date": "2023-01-01"}


def _overlapping_membership(ref):
    org = organisation(_stockport(ref))
    services.membership_create(
        system=ref.gm,
        organisation=org,
        category=MembershipCategory.OTHER_PARTNERS,
        start_date=D(2023, 1, 1),
        actor=None,
    )
    return {
        "system": ref.gm.pk,
        "organisation": org.pk,
        "category": "other_partners",
        "start_date": "2024-01-01",
    }


CREATE_CASES = {
    "overlapping post holding": ("post-holding-list", PostHolding, _overlapping_holding, "start_date"),
    "holding in a place the post does not have": (
        "post-holding-list",
        PostHolding,
        _second_place_on_single_post,
        "position",
    ),
    "holding outside the post's period": (
        "post-holding-list",
        PostHolding,
        _holding_outside_post,
        "start_date",
    ),
    "holding ends before it starts": (
        "post-holding-list",
        PostHolding,
        _holding_ends_before_start,
        "end_date",
    ),
    "organisation ends before it starts": (
        "organisation-list",
        Organisation,
        lambda ref: {"name": "X", "kind": "ccg", "start_date": "2022-01-01", "end_date": "2021-12-31"},
        "end_date",
    ),
    "duplicate ODS code (any case, any spaces)": (
        "organisation-list",
        Organisation,
        lambda ref: {"name": "Another Stockport CCG", "kind": "ccg", "ods_code": " 01w "},
        "ods_code",
    ),
    "unknown organisation kind": (
        "organisation-list",
        Organisation,
        lambda ref: {"name": "X", "kind": "spaceship"},
        "kind",
    ),
    "organisation with no name": ("organisation-list", Organisation, lambda ref: {"kind": "ccg"}, "name"),
    "organisation name too long": (
        "organisation-list",
        Organisation,
        lambda ref: {"name": "x" * 256, "kind": "ccg"},
        "name",
    ),
    "organisation serving an area that does not exist": (
        "organisation-list",
        Organisation,
        lambda ref: {"name": "X", "kind": "ccg", "areas": [999_999_999]},
        "areas",
    ),
    "organisation date that is not a date": (
        "organisation-list",
        Organisation,
        lambda ref: {"name": "X", "kind": "ccg", "start_date": "1 July 2022"},
        "start_date",
    ),
    "duplicate system short name": (
        "system-list",
        System,
        lambda ref: {"name": "Greater Mancunia", "short_name": "GM"},
        "short_name",
    ),
    "negative population": (
        "system-list",
        System,
        lambda ref: {"name": "Nowhere", "short_name": "NW", "population_estimate": -1},
        "population_estimate",
    ),
    "area ends before it starts": (
        "area-list",
        Area,
        lambda ref: {
            "name": "N",
            "system": ref.gm.pk,
            "tier": "neighbourhood",
            "kind": "pcn",
            "parent": _stockport(ref).pk,
            "start_date": "2024-01-01",
            "end_date": "2023-01-01",
        },
        "end_date",
    ),
    "unknown area kind": (
        "area-list",
        Area,
        lambda ref: {
            "name": "N",
            "system": ref.gm.pk,
            "tier": "neighbourhood",
            "kind": "galaxy",
            "parent": _stockport(ref).pk,
        },
        "kind",
    ),
    "neighbourhood with no place": (
        "area-list",
        Area,
        lambda ref: {"name": "N", "system": ref.gm.pk, "tier": "neighbourhood", "kind": "pcn"},
        "parent",
    ),
    "duplicate ONS code": (
        "area-list",
        Area,
        lambda ref: {
            "name": "N",
            "system": ref.gm.pk,
            "tier": "neighbourhood",
            "kind": "pcn",
            "parent": _stockport(ref).pk,
            "ons_code": "e08000007",
        },
        "ons_code",
    ),
    "succession loop": ("succession-list", Succession, _succession_loop, "successor"),
    "organisation succeeding itself": ("succession-list", Succession, _succession_self, "successor"),
    "succession with no date": (
        "succession-list",
        Succession,
        lambda ref: {
            "predecessor": organisation(_stockport(ref)).pk,
            "successor": organisation(_stockport(ref)).pk,
        },
        "effective_date",
    ),
    "overlapping membership": (
        "membership-list",
        PartnershipMembership,
        _overlapping_membership,
        "start_date",
    ),
    "unknown membership category": (
        "membership-list",
        PartnershipMembership,
        lambda ref: {
            "system": ref.gm.pk,
            "organisation": organisation(_stockport(ref)).pk,
            "category": "vip",
        },
        "category",
    ),
    "post with neither organisation nor area": (
        "post-list",
        Post,
        lambda ref: {"title": "Chair"},
        "organisation",
    ),
    "post with no places": (
        "post-list",
        Post,
        lambda ref: {"title": "Chair", "area": _stockport(ref).pk, "capacity": 0},
        "capacity",
    ),
    "person with a blank name": ("person-list", Person, lambda ref: {"name": "  "}, "name"),
    "sources not a list": ("person-list", Person, lambda ref: {"name": "P", "sources": "minutes"}, "sources"),
    "source without a document": (
        "person-list",
        Person,
        lambda ref: {"name": "P", "sources": [{"section": "§1"}]},
        "sources",
    ),
    "source that is not an object": (
        "person-list",
        Person,
        lambda ref: {"name": "P", "sources": [1]},
        "sources",
    ),
    "source with unknown keys": (
        "person-list",
        Person,
        lambda ref: {"name": "P", "sources": [{"document": "001", "page": 4}]},
        "sources",
    ),
    "sources null": ("person-list", Person, lambda ref: {"name": "P", "sources": None}, "sources"),
    "completeness flag not a boolean": (
        "person-list",
        Person,
        lambda ref: {"name": "P", "is_incomplete": "maybe"},
        "is_incomplete",
    ),
}


@pytest.mark.parametrize("case", CREATE_CASES)
def test_bad_create_is_refused_and_adds_nothing(case, staff_api, reference):
    name, model, build, field = CREATE_CASES[case]
    payload = build(reference)
    before = model.objects.count()
    response = staff_api.post(reverse(f"api:{name}"), payload, format="json")
    assert_field_error(response, field)
    assert model.objects.count() == before


def test_duplicate_ods_code_says_so(staff_api):
    response = staff_api.post(
        reverse("api:organisation-list"), {"name": "X", "kind": "ccg", "ods_code": "01W"}, format="json"
    )
    assert response.json() == {"ods_code": ["Another organisation already has this ODS code."]}


def test_succession_loop_says_so(staff_api, reference):
    response = staff_api.post(reverse("api:succession-list"), _succession_loop(reference), format="json")
    assert "succession loop" in response.json()["successor"][0]


def test_overlapping_holding_says_so(staff_api, reference):
    response = staff_api.post(
        reverse("api:post-holding-list"), _overlapping_holding(reference), format="json"
    )
    assert response.json() == {"start_date": ["Someone else holds this post on some of these dates."]}


def test_body_that_is_not_json_is_refused(staff_api):
    before = Person.objects.count()
    response = staff_api.post(reverse("api:person-list"), "{not json", content_type="application/json")
    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert Person.objects.count() == before


# --- Updates ---------------------------------------------------------------------------------
# Each case: build(reference) -> (url name, record, payload), field.


def _patch_org_dates(ref):
    org = organisation(_stockport(ref), start_date=D(2020, 1, 1))
    return "organisation-detail", org, {"end_date": "2019-12-31"}


def _patch_org_ods(ref):
    org = organisation(_stockport(ref))
    return "organisation-detail", org, {"ods_code": "01w"}


def _patch_org_kind(ref):
    return "organisation-detail", organisation(_stockport(ref)), {"kind": "spaceship"}


def _patch_holding_overlap(ref):
    first = holding(_stockport(ref), start_date=D(2020, 1, 1), end_date=D(2020, 12, 31))
    second = services.post_holding_create(
        post=first.post, person=first.person, start_date=D(2022, 1, 1), actor=None
    )
    return "post-holding-detail", second, {"start_date": "2020-06-01"}


def _patch_holding_post(ref):
    h = holding(_stockport(ref))
    return "post-holding-detail", h, {"post": post(_stockport(ref)).pk}


def _patch_succession_loop(ref):
    a, b, c = (organisation(_stockport(ref)) for _ in range(3))
    services.succession_create(predecessor=a, successor=b, effective_date=D(2023, 1, 1), actor=None)
    b_to_c = services.succession_create(predecessor=b, successor=c, effective_date=D(2023, 6, 1), actor=None)
    return "succession-detail", b_to_c, {"successor": a.pk}


def _patch_area_into_itself(ref):
    neighbourhood = RESOURCES["area"].record(_stockport(ref))
    return "area-detail", _stockport(ref), {"parent": neighbourhood.pk}


def _patch_membership_category(ref):
    return "membership-detail", RESOURCES["membership"].record(_stockport(ref)), {"category": "vip"}


def _patch_post_capacity(ref):
    p = post(_stockport(ref), capacity=2)
    services.post_holding_create(post=p, person=services.person_create(name="A", actor=None), actor=None)
    services.post_holding_create(post=p, person=services.person_create(name="B", actor=None), actor=None)
    return "post-detail", p, {"capacity": 1}


def _patch_system_null_name(ref):
    return "system-detail", RESOURCES["system"].record(None), {"name": None}


UPDATE_CASES = {
    "organisation would end before it starts": (_patch_org_dates, "end_date"),
    "organisation would take another's ODS code": (_patch_org_ods, "ods_code"),
    "unknown kind": (_patch_org_kind, "kind"),
    "holding would overlap another": (_patch_holding_overlap, "start_date"),
    "holding would move to another post": (_patch_holding_post, "post"),
    "succession would close a loop": (_patch_succession_loop, "successor"),
    "area would sit within its own neighbourhood": (_patch_area_into_itself, "parent"),
    "unknown membership category": (_patch_membership_category, "category"),
    "post would have fewer places than holders": (_patch_post_capacity, "capacity"),
    "name set to null": (_patch_system_null_name, "name"),
}


@pytest.mark.parametrize("case", UPDATE_CASES)
def test_bad_update_is_refused_and_changes_nothing(case, staff_api, reference):
    build, field = UPDATE_CASES[case]
    name, obj, payload = build(reference)
    before = snapshot(obj)
    response = staff_api.patch(reverse(f"api:{name}", kwargs={"pk": obj.pk}), payload, format="json")
    assert_field_error(response, field)
    assert snapshot(obj) == before


def test_unknown_and_read_only_fields_in_a_patch_are_ignored(staff_api, reference):
    """DRF ignores fields an input does not declare; nothing they name changes."""
    org = reference.org("NHS Stockport CCG")
    before = snapshot(org)
    response = staff_api.patch(
        reverse("api:organisation-detail", kwargs={"pk": org.pk}),
        {"id": 1, "url": "http://elsewhere/", "kind_display": "x", "nonsense": True},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["id"] == org.pk
    assert snapshot(org) == before


# --- Deleting what others refer to ---------------------------------------------------------


def _org_with_successions(ref):
    return "organisation-detail", ref.org("NHS Stockport CCG"), "successions refer to it"


def _area_with_children(ref):
    return "area-detail", ref.area("Stockport"), "cannot be deleted while other records refer to it"


def _system_with_areas(ref):
    return "system-detail", ref.gm, "cannot be deleted while other records refer to it"


def _person_holding_a_post(ref):
    return "person-detail", holding(ref.area("Stockport")).person, "(post holdings)"


def _post_with_holders(ref):
    return "post-detail", holding(ref.area("Stockport")).post, "(post holdings)"


@pytest.mark.parametrize(
    "build",
    [
        _org_with_successions,
        _area_with_children,
        _system_with_areas,
        _person_holding_a_post,
        _post_with_holders,
    ],
)
def test_deleting_a_record_others_refer_to_is_refused_with_a_message(build, staff_api, reference):
    name, obj, says = build(reference)
    before = snapshot(obj)
    response = staff_api.delete(reverse(f"api:{name}", kwargs={"pk": obj.pk}))
    assert response.status_code == 400
    message = response.json()["non_field_errors"][0]
    assert says in message
    assert snapshot(obj) == before


# --- Ids, pages and dates --------------------------------------------------------------------

PREFIXES = [prefix for prefix, _, _ in router.registry]
VIEWSETS = {prefix: viewset for prefix, viewset, _ in router.registry}
ODD_IDS = ["abc", "1.5", "-1", "1e3", "0x10", "%20", "١", "99999999999999999999999"]
DETAIL_ACTIONS = {("get", ""): "retrieve", ("patch", ""): "partial_update", ("put", ""): "update"}
DETAIL_ACTIONS |= {("delete", ""): "destroy", ("get", "history/"): "history"}


@pytest.mark.parametrize("prefix", PREFIXES)
@pytest.mark.parametrize("odd", ODD_IDS)
def test_ids_that_are_not_record_ids_are_404(prefix, odd, staff_api):
    for (method, suffix), action in DETAIL_ACTIONS.items():
        response = getattr(staff_api, method)(f"/api/v1/{prefix}/{odd}/{suffix}", {}, format="json")
        if not hasattr(VIEWSETS[prefix], action):
            # A read-only resource: a write to a number is refused as a method it does not serve.
            assert response.status_code in (404, 405), (method, suffix, response.content)
            assert "detail" in response.json()
            continue
        assert response.status_code == 404, (method, suffix, response.content)
        assert response.json() == {"detail": "Not found."}


@pytest.fixture
def many_people(db):
    Person.objects.bulk_create(Person(name=f"Bulk person {i:04}") for i in range(520))


@pytest.mark.parametrize("size", ["1000000", "501", "99999999999999999999"])
def test_huge_page_sizes_are_capped_at_500(size, api, many_people):
    response = api.get(reverse("api:person-list"), {"page_size": size})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == Person.objects.count() > 500
    assert len(body["results"]) == 500


@pytest.mark.parametrize("size", ["0", "-5", "abc", "", "1.5", " "])
def test_page_sizes_that_are_not_whole_numbers_from_1_are_refused(size, api):
    response = api.get(reverse("api:organisation-list"), {"page_size": size})
    assert response.status_code == 400
    assert response.json() == {"page_size": ["A whole number between 1 and 500."]}


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", ""])
def test_pages_that_are_not_whole_numbers_from_1_are_refused(page, api):
    response = api.get(reverse("api:organisation-list"), {"page": page})
    assert response.status_code == 400
    assert response.json() == {"page": ["A whole number from 1."]}


def test_a_page_past_the_last_is_not_found(api):
    response = api.get(reverse("api:organisation-list"), {"page": 99999})
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}
    assert api.get(reverse("api:organisation-list"), {"page": "last"}).status_code == 200


DATED_LISTS = ["area", "organisation", "succession", "membership", "post", "post-holding"]


@pytest.mark.parametrize("basename", DATED_LISTS)
@pytest.mark.parametrize("value", ["2022-13-01", "30/06/2022", "yesterday", "2022-06-31", "2022-6-3x"])
def test_malformed_as_of_is_refused(basename, value, api):
    response = api.get(reverse(f"api:{basename}-list"), {"as_of": value})
    assert_field_error(response, "as_of")


@pytest.mark.parametrize(
    "name, query",
    [
        ("organisation-list", {"kind": "spaceship"}),
        ("organisation-list", {"area": "abc"}),
        ("organisation-list", {"area": "999999999"}),
        ("area-list", {"tier": "galaxy"}),
        ("area-list", {"system": "x"}),
        ("membership-list", {"category": "vip"}),
        ("post-list", {"organisation": "1.5"}),
        ("post-holding-list", {"person": "-1"}),
        ("succession-list", {"predecessor": "abc"}),
    ],
)
def test_filter_values_that_match_nothing_valid_are_refused_not_ignored(name, query, api):
    response = api.get(reverse(f"api:{name}"), query)
    assert_field_error(response, next(iter(query)))


@pytest.mark.parametrize(
    "name, param",
    [
        ("area-list", "as_of"),
        ("organisation-list", "as_of"),
        ("succession-list", "as_of"),
        ("membership-list", "as_of"),
        ("post-list", "as_of"),
        ("post-holding-list", "as_of"),
        ("organisation-list", "kind"),
        ("organisation-list", "area"),
        ("area-list", "system"),
        ("post-holding-list", "person"),
    ],
)
@pytest.mark.parametrize("blank", ["", "  "])
def test_a_typed_filter_sent_blank_is_refused_not_read_as_no_filter(name, param, blank, api):
    """`?as_of=` would otherwise answer for all time, as if no date had been asked for."""
    response = api.get(reverse(f"api:{name}"), {param: blank})
    assert response.status_code == 400
    assert response.json() == {param: ["Give a value, or leave this filter out."]}


def test_free_text_filters_may_be_blank(api):
    assert api.get(reverse("api:organisation-list"), {"q": "", "code": ""}).status_code == 200


# --- Types and encodings ---------------------------------------------------------------------

WRONG_TYPES = [
    ("person-list", {"name": 7}, "name"),
    ("person-list", {"name": "P", "incomplete_note": 0}, "incomplete_note"),
    ("person-list", {"name": "P", "is_incomplete": "true"}, "is_incomplete"),
    ("person-list", {"name": "P", "is_incomplete": 1}, "is_incomplete"),
    ("person-list", {"name": "P", "sources": [{"document": 1}]}, "sources"),
    ("system-list", {"name": "N", "short_name": "N", "population_estimate": "100"}, "population_estimate"),
    ("system-list", {"name": "N", "short_name": "N", "population_estimate": 1.5}, "population_estimate"),
    ("system-list", {"name": "N", "short_name": "N", "icb_statutory_from": 20220701}, "icb_statutory_from"),
    ("organisation-list", {"name": "X", "kind": "ccg", "areas": {}}, "areas"),
    ("organisation-list", {"name": "X", "kind": "ccg", "areas": ["8"]}, "areas"),
    ("organisation-list", {"name": "X", "kind": "ccg", "areas": [True]}, "areas"),
    ("post-list", {"title": "T", "area": "8"}, "area"),
    ("post-list", {"title": "T", "area": 8, "capacity": "2"}, "capacity"),
]


@pytest.mark.parametrize(
    ("name", "payload", "field"), WRONG_TYPES, ids=[f"{n}:{f}" for n, _, f in WRONG_TYPES]
)
def test_values_of_the_wrong_json_type_are_refused_not_coerced(name, payload, field, staff_api, reference):
    model = {
        "person-list": Person,
        "system-list": System,
        "organisation-list": Organisation,
        "post-list": Post,
    }[name]
    before = model.objects.count()
    response = staff_api.post(reverse(f"api:{name}"), payload, format="json")
    assert_field_error(response, field)
    assert model.objects.count() == before


@pytest.mark.parametrize(
    "content_type, body",
    [
        ("application/x-www-form-urlencoded", "name=Q&sources=%5B%7B%22document%22%3A%22001%22%7D%5D"),
        (
            "multipart/form-data; boundary=BoUnDaRy",
            '--BoUnDaRy\r\nContent-Disposition: form-data; name="name"\r\n\r\nQ\r\n--BoUnDaRy--\r\n',
        ),
        ("text/plain", '{"name": "Q"}'),
    ],
)
def test_the_api_takes_json_only(content_type, body, staff_api):
    """Form encodings cannot carry `sources`: they were dropped without a word. Now: 415."""
    before = Person.objects.count()
    response = staff_api.generic("POST", reverse("api:person-list"), body, content_type=content_type)
    assert response.status_code == 415
    assert "Unsupported media type" in response.json()["detail"]
    assert Person.objects.count() == before


# --- Tokens ----------------------------------------------------------------------------------


def test_a_revoked_token_is_refused_at_once(staff_user, reference):
    _, raw = token_issue(user=staff_user, name="partner")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {raw}")
    org = reference.org("NHS Stockport CCG")
    url = reverse("api:organisation-detail", kwargs={"pk": org.pk})
    assert client.patch(url, {"incomplete_note": "checked"}, format="json").status_code == 200

    call_command("revoke_api_token", token=raw, stdout=io.StringIO())

    before = snapshot(org)
    response = client.patch(url, {"incomplete_note": "again"}, format="json")
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has been revoked."}
    assert snapshot(org) == before
    # A revoked token is not silently treated as anonymous, even for reads.
    assert client.get(url).status_code == 401


@pytest.mark.parametrize("header", ["Token", "Token a b", "Token not-a-real-token", "Token \u00e9\u00e9"])
def test_malformed_or_unknown_tokens_are_401(header, api):
    api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get(reverse("api:organisation-list"))
    assert response.status_code == 401
    assert response.json()["detail"]


# --- "As of" answers -------------------------------------------------------------------------


def _names(api, as_of):
    response = api.get(reverse("api:organisation-list"), {"as_of": as_of, "page_size": 500})
    assert response.status_code == 200
    assert response.json()["count"] <= 500
    return {row["name"] for row in response.json()["results"]}


def test_organisations_as_of_the_last_day_of_the_ccgs(api):
    names = _names(api, "2022-06-30")
    assert "NHS Stockport CCG" in names
    assert "NHS Greater Manchester Integrated Care" not in names


def test_organisations_as_of_the_first_day_of_the_icb(api):
    names = _names(api, "2022-07-01")
    assert "NHS Stockport CCG" not in names
    assert "NHS Greater Manchester Integrated Care" in names
