"""Bad input to the governance API is refused with a 400 and a JSON message beside the field at
fault, and changes nothing: no row added, changed or removed, and no history written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from governance import services
from governance.choices import RelationKind, Status
from governance.models import Seat
from organisations.choices import OrganisationKind
from tests.governance.helpers import nothing_changes

from .builders import body, person, seat, seat_holding, snapshot

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def staff_api(api_as, staff_user):
    return api_as(staff_user)


def refused(response, field) -> str:
    """The message beside `field` of a 400 JSON answer."""
    assert response.status_code == 400, response.content
    assert response.headers["Content-Type"].startswith("application/json")
    body_ = response.json()
    assert field in body_, body_
    message = body_[field]
    while isinstance(message, (list, dict)):
        message = next(iter(message.values())) if isinstance(message, dict) else message[0]
    assert isinstance(message, str) and message.strip()
    return message


def stockport(ref):
    return ref.area("Stockport")


def statuses(b, *periods):
    for status, start, end in periods:
        services.body_status_create(body=b, status=status, start_date=start, end_date=end, actor=None)
    return b


# --- The rules -------------------------------------------------------------------------------
# Each case: build(reference) -> (method, url name, pk or None, payload); field; what the message says.


def _second_member_of_a_seat(ref):
    existing = seat_holding(stockport(ref), start_date=D(2023, 1, 1))
    return (
        "post",
        "seat-holding-list",
        None,
        {"seat": existing.seat_id, "person": person().pk, "start_date": "2024-01-01"},
    )


def _second_member_in_the_same_place(ref):
    existing = seat_holding(stockport(ref), start_date=D(2023, 1, 1))
    payload = {"seat": existing.seat_id, "person": person().pk, "start_date": "2024-01-01", "position": 1}
    return "post", "seat-holding-list", None, payload


def _holding_moved_over_another(ref):
    first = seat_holding(stockport(ref), start_date=D(2020, 1, 1), end_date=D(2020, 12, 31))
    second = services.seat_holding_create(
        seat=first.seat, person=person(), start_date=D(2022, 1, 1), actor=None
    )
    return "patch", "seat-holding-detail", second.holding.pk, {"start_date": "2020-06-01"}


def _holder_from_another_organisation(ref):
    council = ref.org("Stockport Council")
    s = seat(stockport(ref), represents_organisation=council)
    trust = ref.org("Stockport NHS Foundation Trust")
    return "post", "seat-holding-list", None, {"seat": s.pk, "person": person().pk, "organisation": trust.pk}


def _holder_from_another_kind(ref):
    s = seat(stockport(ref), represents_kind=OrganisationKind.LOCAL_AUTHORITY)
    trust = ref.org("Stockport NHS Foundation Trust")
    return "post", "seat-holding-list", None, {"seat": s.pk, "person": person().pk, "organisation": trust.pk}


def _sub_committee_cycle(ref):
    a, b, c = (body(stockport(ref)) for _ in range(3))
    for lower, upper in ((a, b), (b, c)):
        services.relation_create(
            from_body=lower, to_body=upper, kind=RelationKind.SUB_COMMITTEE_OF, actor=None
        )
    return (
        "post",
        "accountability-relation-list",
        None,
        {"from_body": c.pk, "to_body": a.pk, "kind": "sub_committee_of"},
    )


def _sub_committee_cycle_by_update(ref):
    a, b = body(stockport(ref)), body(stockport(ref))
    services.relation_create(from_body=a, to_body=b, kind=RelationKind.SUB_COMMITTEE_OF, actor=None)
    other = services.relation_create(from_body=b, to_body=a, kind=RelationKind.REPORTS_TO, actor=None)
    return "patch", "accountability-relation-detail", other.pk, {"kind": "sub_committee_of"}


def _relation_to_itself(ref):
    a = body(stockport(ref))
    return (
        "post",
        "accountability-relation-list",
        None,
        {"from_body": a.pk, "to_body": a.pk, "kind": "reports_to"},
    )


def _overlapping_status(ref):
    b = statuses(body(stockport(ref)), (Status.ESTABLISHED, D(2020, 1, 1), None))
    return (
        "post",
        "body-status-list",
        None,
        {"body": b.pk, "status": "stood_down", "start_date": "2021-01-01"},
    )


def _status_backwards(ref):
    b = statuses(body(stockport(ref)), (Status.ESTABLISHED, D(2020, 1, 1), D(2021, 12, 31)))
    return "post", "body-status-list", None, {"body": b.pk, "status": "shadow", "start_date": "2022-01-01"}


def _status_moved_backwards(ref):
    b = statuses(
        body(stockport(ref)),
        (Status.SHADOW, D(2020, 1, 1), D(2020, 12, 31)),
        (Status.ESTABLISHED, D(2021, 1, 1), None),
    )
    first = b.statuses.order_by("start_date").first()
    return "patch", "body-status-detail", first.pk, {"status": "stood_down"}


def _conflict_without_a_note(ref):
    b = body(stockport(ref))
    payload = {"body": b.pk, "status": "established", "conflicting_status": "shadow"}
    return "post", "body-status-list", None, payload


def _approved_before_the_approver_existed(ref):
    approver = statuses(
        body(stockport(ref)),
        (Status.PROPOSED, D(2020, 1, 1), D(2020, 12, 31)),
        (Status.ESTABLISHED, D(2021, 1, 1), None),
    )
    payload = {
        "body": body(stockport(ref)).pk,
        "version": "1.0",
        "approved_on": "2020-06-01",
        "approved_by": approver.pk,
    }
    return "post", "terms-of-reference-list", None, payload


def _approved_by_nobody(ref):
    return (
        "post",
        "terms-of-reference-list",
        None,
        {"body": body(stockport(ref)).pk, "version": "1.0", "approved_on": "2020-06-01"},
    )


def _review_before_approval(ref):
    approver = statuses(body(stockport(ref)), (Status.ESTABLISHED, D(2019, 1, 1), None))
    payload = {
        "body": approver.pk,
        "version": "2.0",
        "approved_on": "2021-06-01",
        "approved_by": approver.pk,
        "review_due": "2021-01-01",
    }
    return "post", "terms-of-reference-list", None, payload


def _duplicate_version(ref):
    b = body(stockport(ref))
    services.terms_of_reference_create(body=b, version="1.0", actor=None)
    return "post", "terms-of-reference-list", None, {"body": b.pk, "version": "1.0"}


def _seat_capacity_below_its_holders(ref):
    s = seat(stockport(ref), capacity=2)
    for _ in range(2):
        services.seat_holding_create(seat=s, person=person(), actor=None)
    return "patch", "seat-detail", s.pk, {"capacity": 1}


def _seat_moved_to_another_body(ref):
    s = seat(stockport(ref))
    return "patch", "seat-detail", s.pk, {"body": body(stockport(ref)).pk}


def _body_in_areas_of_another_system(ref):
    payload = {
        "name": "B",
        "kind": "other",
        "tier": "locality",
        "system": ref.cm.pk,
        "areas": [stockport(ref).pk],
    }
    return "post", "body-list", None, payload


def _body_covering_nothing(ref):
    return (
        "post",
        "body-list",
        None,
        {"name": "B", "kind": "other", "tier": "locality", "system": ref.gm.pk, "areas": []},
    )


def _chair_is_vice_chair(ref):
    from organisations import services as organisation_services

    chair = organisation_services.post_create(title="Chair", area=stockport(ref), actor=None)
    b = body(stockport(ref))
    return "patch", "body-detail", b.pk, {"chair_post": chair.pk, "vice_chair_post": chair.pk}


def _majority_rule_without_other_body(ref):
    return (
        "post",
        "composition-rule-list",
        None,
        {"body": body(stockport(ref)).pk, "kind": "not_majority_from_body"},
    )


def _constituency_decided_before_the_body_existed(ref):
    assembly = statuses(body(stockport(ref)), (Status.ESTABLISHED, D(2021, 1, 1), None))
    payload = {
        "body": assembly.pk,
        "label": "Hospices",
        "decided_on": "2020-06-01",
        "decided_by": assembly.pk,
    }
    return "post", "constituency-member-list", None, payload


RULES = {
    "a second member of a single-member seat": (
        _second_member_of_a_seat,
        "start_date",
        "Someone else holds this seat",
    ),
    "a second member in the same place": (
        _second_member_in_the_same_place,
        "start_date",
        "end that holding first",
    ),
    "a holding moved over another": (_holding_moved_over_another, "start_date", "end that holding first"),
    "a holder from an organisation the seat does not represent": (
        _holder_from_another_organisation,
        "organisation",
        "This seat represents Stockport Council; Stockport NHS Foundation Trust is not that organisation.",
    ),
    "a holder from a kind of organisation the seat does not represent": (
        _holder_from_another_kind,
        "organisation",
        "this seat represents a local authority",
    ),
    "a cycle of sub-committees": (
        _sub_committee_cycle,
        "to_body",
        "This would make a cycle of sub-committees",
    ),
    "a cycle of sub-committees made by an update": (
        _sub_committee_cycle_by_update,
        "to_body",
        "This would make a cycle of sub-committees",
    ),
    "a relation of a body to itself": (
        _relation_to_itself,
        "to_body",
        "A body cannot stand in a relation to itself.",
    ),
    "a status period overlapping another": (
        _overlapping_status,
        "start_date",
        "This period overlaps the body's established period (1 Jan 2020 – present); end that one first.",
    ),
    "a status going backwards": (
        _status_backwards,
        "status",
        "A body cannot go from established back to shadow",
    ),
    "a status changed so that it goes backwards": (
        _status_moved_backwards,
        "status",
        "A body cannot go from stood down back to established",
    ),
    "a conflicting status with no note": (_conflict_without_a_note, "conflicting_note", "Say which source"),
    "terms approved by a body that did not exist that day": (
        _approved_before_the_approver_existed,
        "approved_by",
        "did not exist on 1 Jun 2020 (it was only proposed then), so it cannot have approved these terms of reference.",
    ),
    "terms approved by nobody": (_approved_by_nobody, "approved_by", "Say which body approved this version."),
    "terms due for review before they were approved": (
        _review_before_approval,
        "review_due",
        "The review date must be on or after the approval date.",
    ),
    "a version that already exists": (
        _duplicate_version,
        "version",
        "This body already has a version with this name.",
    ),
    "a seat with fewer places than its members": (
        _seat_capacity_below_its_holders,
        "capacity",
        "the seat needs at least 2 places",
    ),
    "a seat moved to another body": (
        _seat_moved_to_another_body,
        "body",
        "A seat cannot move to another body",
    ),
    "a body covering areas of another system": (
        _body_in_areas_of_another_system,
        "areas",
        "not in the body's system",
    ),
    "a body covering no area": (_body_covering_nothing, "areas", "Choose at least one area the body covers."),
    "a chair who is also the vice-chair": (_chair_is_vice_chair, "vice_chair_post", "different posts"),
    "a majority rule naming no other body": (
        _majority_rule_without_other_body,
        "other_body",
        "Choose the body whose members must not form a majority.",
    ),
    "a constituency added by a body before it existed": (
        _constituency_decided_before_the_body_existed,
        "decided_by",
        "did not exist on 1 Jun 2020, so it cannot have decided this.",
    ),
}


@pytest.mark.parametrize("case", RULES)
def test_a_change_the_rules_forbid_is_refused_and_changes_nothing(case, staff_api, reference):
    build, field, says = RULES[case]
    method, name, pk, payload = build(reference)
    url = reverse(f"api:{name}", kwargs={"pk": pk}) if pk else reverse(f"api:{name}")
    with nothing_changes():
        response = getattr(staff_api, method)(url, payload, format="json")
    assert says in refused(response, field)


def test_an_overlapping_holding_says_who_holds_the_place(staff_api, reference):
    existing = seat_holding(stockport(reference), start_date=D(2023, 1, 1))
    response = staff_api.post(
        reverse("api:seat-holding-list"),
        {"seat": existing.seat_id, "person": person().pk, "start_date": "2024-01-01", "position": 1},
        format="json",
    )
    assert response.json() == {
        "start_date": [
            f"{existing.person.name} is the member in this place of the seat 1 Jan 2023 – present; "
            "end that holding first."
        ]
    }


def test_a_status_going_backwards_says_the_order(staff_api, reference):
    _, name, _, payload = _status_backwards(reference)
    response = staff_api.post(reverse(f"api:{name}"), payload, format="json")
    assert response.json() == {
        "status": [
            "A body cannot go from established back to shadow: its stages run proposed, shadow, "
            "established, stood down."
        ]
    }


# --- Deleting what others rely on ------------------------------------------------------------


def test_a_seat_with_holders_cannot_be_deleted(staff_api, reference):
    holding = seat_holding(stockport(reference))
    with nothing_changes(holding.seat):
        response = staff_api.delete(reverse("api:seat-detail", kwargs={"pk": holding.seat_id}))
    assert refused(response, "non_field_errors").startswith("This seat has holders recorded")


def test_a_body_that_approved_another_body_terms_cannot_be_deleted(staff_api, reference):
    approver = statuses(body(stockport(reference)), (Status.ESTABLISHED, D(2019, 1, 1), None))
    services.terms_of_reference_create(
        body=body(stockport(reference)),
        version="1.0",
        approved_on=D(2020, 1, 1),
        approved_by=approver,
        actor=None,
    )
    with nothing_changes(approver):
        response = staff_api.delete(reverse("api:body-detail", kwargs={"pk": approver.pk}))
    assert "Record it as stood down instead." in refused(response, "non_field_errors")


# --- A secretary and another body ------------------------------------------------------------


def test_a_secretary_editing_another_body_seat_finds_nothing(api_as, secretary_of, reference):
    mine, theirs = body(stockport(reference)), body(stockport(reference))
    client = api_as(secretary_of(mine))
    their_seat = services.seat_create(body=theirs, label="Chair", actor=None)
    their_holding = services.seat_holding_create(seat=their_seat, person=person(), actor=None).holding
    for name, obj, payload in (
        ("seat-detail", their_seat, {"label": "Mine now"}),
        ("seat-holding-detail", their_holding, {"end_date": "2024-01-01"}),
    ):
        url = reverse(f"api:{name}", kwargs={"pk": obj.pk})
        missing = reverse(f"api:{name}", kwargs={"pk": 999_999_999})
        for method in ("patch", "put", "delete"):
            with nothing_changes(obj):
                response = getattr(client, method)(url, payload, format="json")
            assert response.status_code == 404
            assert response.json() == getattr(client, method)(missing, payload, format="json").json()
    # Nor may they add a holder to another body's seat.
    payload = {"seat": their_seat.pk, "person": person().pk}
    with nothing_changes():
        response = client.post(reverse("api:seat-holding-list"), payload, format="json")
    assert response.status_code == 403
    assert response.json() == {"detail": "You may not add records here."}


# --- Ids, types and dates --------------------------------------------------------------------


def _seat_payload(ref, **changes):
    return {"body": body(stockport(ref)).pk, "label": "Chair", **changes}


def _body_payload(ref, **changes):
    return {
        "name": "B",
        "kind": "other",
        "tier": "locality",
        "system": ref.gm.pk,
        "areas": [stockport(ref).pk],
        **changes,
    }


BAD_VALUES = [
    (
        "seat-list",
        lambda ref: _seat_payload(ref, body=999_999_999),
        "body",
        'Invalid pk "999999999" - object does not exist.',
    ),
    ("seat-list", lambda ref: _seat_payload(ref, body="12"), "body", "A whole number."),
    ("seat-list", lambda ref: _seat_payload(ref, capacity="2"), "capacity", "A whole number."),
    (
        "seat-list",
        lambda ref: _seat_payload(ref, capacity=0),
        "capacity",
        "Ensure this value is greater than or equal to 1.",
    ),
    (
        "seat-list",
        lambda ref: _seat_payload(ref, voting="loudly"),
        "voting",
        '"loudly" is not a valid choice.',
    ),
    (
        "seat-list",
        lambda ref: _seat_payload(ref, represents_kind="guild"),
        "represents_kind",
        '"guild" is not a valid choice.',
    ),
    ("seat-list", lambda ref: _seat_payload(ref, label=7), "label", "A string."),
    (
        "seat-list",
        lambda ref: _seat_payload(ref, start_date="1 July 2022"),
        "start_date",
        "Date has wrong format",
    ),
    (
        "seat-list",
        lambda ref: _seat_payload(ref, start_date="2022-02-30"),
        "start_date",
        "Date has wrong format",
    ),
    (
        "seat-list",
        lambda ref: _seat_payload(ref, start_date="2023-01-01", end_date="2022-01-01"),
        "end_date",
        "on or after the start date",
    ),
    (
        "seat-list",
        lambda ref: _seat_payload(ref, sources=[{"document": "001", "page": 3}]),
        "sources",
        "Unknown source keys: page.",
    ),
    (
        "body-list",
        lambda ref: _body_payload(ref, kind="spaceship"),
        "kind",
        '"spaceship" is not a valid choice.',
    ),
    ("body-list", lambda ref: _body_payload(ref, areas={}), "areas", "Give a list of ids (whole numbers)."),
    (
        "body-list",
        lambda ref: _body_payload(ref, areas=[999_999_999]),
        "areas",
        'Invalid pk "999999999" - object does not exist.',
    ),
    ("body-list", lambda ref: _body_payload(ref, is_statutory="yes"), "is_statutory", "true or false."),
    (
        "body-list",
        lambda ref: _body_payload(ref, meetings_per_year="12"),
        "meetings_per_year",
        "A valid number is required.",
    ),
    (
        "body-list",
        lambda ref: _body_payload(ref, meetings_per_year=0),
        "meetings_per_year",
        "greater than or equal to 0.1",
    ),
    (
        "body-list",
        lambda ref: _body_payload(ref, meetings_per_year=1.25),
        "meetings_per_year",
        "no more than 1 decimal place",
    ),
    (
        "body-list",
        lambda ref: {k: v for k, v in _body_payload(ref).items() if k != "areas"},
        "areas",
        "This field is required.",
    ),
    (
        "body-status-list",
        lambda ref: {"body": body(stockport(ref)).pk, "status": "asleep"},
        "status",
        '"asleep" is not a valid choice.',
    ),
    (
        "seat-holding-list",
        lambda ref: {"seat": seat(stockport(ref)).pk, "person": "1"},
        "person",
        "A whole number.",
    ),
    (
        "seat-holding-list",
        lambda ref: {"seat": seat(stockport(ref)).pk, "person": person().pk, "role": "boss"},
        "role",
        '"boss" is not a valid choice.',
    ),
    (
        "seat-holding-list",
        lambda ref: {"seat": seat(stockport(ref)).pk, "person": person().pk, "position": 2},
        "position",
        "This seat has 1 place(s).",
    ),
    (
        "accountability-relation-list",
        lambda ref: {
            "from_body": body(stockport(ref)).pk,
            "to_body": body(stockport(ref)).pk,
            "kind": "owns",
        },
        "kind",
        '"owns" is not a valid choice.',
    ),
    (
        "terms-of-reference-list",
        lambda ref: {"body": body(stockport(ref)).pk, "version": "1", "document_url": "not a url"},
        "document_url",
        "Enter a valid URL.",
    ),
    (
        "composition-rule-list",
        lambda ref: {
            "body": body(stockport(ref)).pk,
            "kind": "max_from_organisation_kind",
            "organisation_kind": "local_authority",
            "count": "2",
        },
        "count",
        "A whole number.",
    ),
    (
        "constituency-member-list",
        lambda ref: {"body": body(stockport(ref)).pk},
        "organisation",
        "Choose an organisation or give the constituency's name.",
    ),
]


@pytest.mark.parametrize(
    ("name", "build", "field", "says"),
    BAD_VALUES,
    ids=[f"{n}:{f}:{i}" for i, (n, _, f, _) in enumerate(BAD_VALUES)],
)
def test_unknown_ids_wrong_types_and_bad_dates_are_refused(name, build, field, says, staff_api, reference):
    payload = build(reference)
    with nothing_changes():
        response = staff_api.post(reverse(f"api:{name}"), payload, format="json")
    assert says in refused(response, field)


# The dated lists (composition rules are not dated).
DATED_PREFIXES = [
    "bodies",
    "body-statuses",
    "accountability-relations",
    "terms-of-reference",
    "seats",
    "seat-holdings",
    "constituency-members",
]


@pytest.mark.parametrize("prefix", DATED_PREFIXES)
@pytest.mark.parametrize("value", ["2022-13-01", "30/06/2022", "yesterday", " "])
def test_a_bad_as_of_is_refused(prefix, value, api):
    response = api.get(f"/api/v1/{prefix}/", {"as_of": value})
    refused(response, "as_of")


@pytest.mark.parametrize(
    "prefix, query",
    [
        ("bodies", {"area": "999999999"}),
        ("bodies", {"tier": "galaxy"}),
        ("body-statuses", {"body": "abc"}),
        ("accountability-relations", {"kind": "owns"}),
        ("terms-of-reference", {"overdue_on": "soon"}),
        ("seats", {"voting": "loudly"}),
        ("seat-holdings", {"person": "-1"}),
        ("seat-holdings", {"role": "boss"}),
        ("constituency-members", {"organisation": "1.5"}),
    ],
)
def test_filter_values_that_match_nothing_valid_are_refused_not_ignored(prefix, query, api):
    refused(api.get(f"/api/v1/{prefix}/", query), next(iter(query)))


def test_a_refused_update_leaves_the_record_and_its_history_as_they_were(staff_api, reference):
    s = seat(stockport(reference))
    before = snapshot(s)
    history = staff_api.get(reverse("api:seat-history", kwargs={"pk": s.pk})).json()
    with nothing_changes(s):
        response = staff_api.patch(
            reverse("api:seat-detail", kwargs={"pk": s.pk}), {"capacity": -1, "label": ""}, format="json"
        )
    assert response.status_code == 400 and set(response.json()) == {"capacity", "label"}
    assert snapshot(s) == before
    assert staff_api.get(reverse("api:seat-history", kwargs={"pk": s.pk})).json() == history
    assert Seat.objects.filter(pk=s.pk).exists()
