"""The delegations API: functions, statutory holdings, delegations (with money as decimal strings,
both parties nested, filters and the chain up and down), reserved matters, place-based lead
arrangements with their posts, the tier table, who may decide, and schemes of delegation out as
CSV or XLSX and in by upload, polled until done.

The world (`scene`) is built through the services: a function tree Commissioning → Community
services → District nursing; a CCG holding Commissioning for Stockport until 30 Jun 2022 and an
ICB holding it for Greater Manchester from 1 Jul 2022; the ICB delegating Community services for
Stockport to a locality board (limit £1,000,000, onward delegation permitted), which sub-delegates
District nursing to a post (limit £250,000)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from delegations import services
from delegations.choices import DelegationStatus, ImportState, PlaceLeadRole, TierColumn
from delegations.models import Delegation, Function, SordImport
from governance.models import Body
from organisations.choices import OrganisationKind, Tier
from organisations.models import Area, Organisation, Post

from .builders import (
    delegation,
    function,
    holder,
    locality,
    place_lead_arrangement,
    post,
    sord_csv,
    standing_body,
    statutory_holding,
    uid,
)

pytestmark = pytest.mark.django_db

D = dt.date
GO_LIVE = D(2022, 7, 1)


@dataclass
class Scene:
    stockport: Area
    gm: Area
    commissioning: Function
    community: Function
    nursing: Function
    ccg: Organisation
    icb: Organisation
    board: Body
    lead: Post
    top: Delegation
    sub: Delegation


@pytest.fixture
def scene(reference) -> Scene:
    stockport = reference.area("Stockport")
    gm = Area.objects.get(system=reference.gm, tier=Tier.SYSTEM)
    commissioning = function()
    community = function(parent=commissioning)
    nursing = function(parent=community)
    ccg = holder(stockport, kind=OrganisationKind.CCG, end_date=D(2022, 6, 30))
    icb = holder(gm, kind=OrganisationKind.ICB, start_date=GO_LIVE)
    statutory_holding(stockport, fn=commissioning, by=ccg, end_date=D(2022, 6, 30))
    icb_holding = statutory_holding(gm, fn=commissioning, by=icb, start_date=GO_LIVE)
    board = standing_body(stockport)
    lead = post(stockport)
    top = delegation(
        stockport,
        holding=icb_holding,
        delegate_body=board,
        functions=[community],
        status=DelegationStatus.IN_FORCE,
        start_date=GO_LIVE,
        financial_limit=Decimal("1000000"),
        onward_delegation_permitted=True,
    )
    sub = delegation(
        stockport,
        holding=icb_holding,
        delegator_body=board,
        delegate_post=lead,
        parent=top,
        functions=[nursing],
        status=DelegationStatus.IN_FORCE,
        start_date=GO_LIVE,
        financial_limit=Decimal("250000"),
    )
    return Scene(stockport, gm, commissioning, community, nursing, ccg, icb, board, lead, top, sub)


@pytest.fixture
def staff_api(api_as, staff_user):
    return api_as(staff_user)


@pytest.fixture
def gm_api(api_as, gm_editor):
    return api_as(gm_editor)


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def detail(name, pk):
    return reverse(f"api:{name}-detail", kwargs={"pk": pk})


# --- Delegations -----------------------------------------------------------------------------

DELEGATION_FIELDS = {
    "id",
    "url",
    "display",
    "delegator",
    "delegator_organisation",
    "delegator_body",
    "delegator_post",
    "delegate",
    "delegate_organisation",
    "delegate_body",
    "delegate_post",
    "functions",
    "area",
    "financial_limit",
    "conditions",
    "vehicle",
    "vehicle_display",
    "statutory_basis",
    "parent",
    "onward_delegation_permitted",
    "status",
    "status_display",
    "start_date",
    "end_date",
    "sources",
    "is_incomplete",
    "incomplete_note",
}


def test_a_delegation_shows_both_parties_its_functions_and_its_limit_as_a_decimal_string(api, scene):
    row = api.get(detail("delegation", scene.sub.pk)).json()
    assert set(row) == DELEGATION_FIELDS
    assert row["financial_limit"] == "250000.00"
    assert row["delegator"] == {
        "kind": "body",
        "id": scene.board.pk,
        "url": f"http://testserver{detail('body', scene.board.pk)}",
        "display": scene.board.name,
    }
    assert row["delegate"]["kind"] == "post" and row["delegate"]["display"] == scene.lead.title
    assert row["delegate"]["url"].endswith(detail("post", scene.lead.pk))
    assert (row["delegator_organisation"], row["delegator_body"], row["delegator_post"]) == (
        None,
        scene.board.pk,
        None,
    )
    assert (row["delegate_organisation"], row["delegate_body"], row["delegate_post"]) == (
        None,
        None,
        scene.lead.pk,
    )
    assert [f["id"] for f in row["functions"]] == [scene.nursing.pk]
    assert row["area"]["id"] == scene.stockport.pk
    assert row["parent"]["id"] == scene.top.pk
    assert row["status"] == "in_force" and row["status_display"] == "In force"
    assert row["vehicle"] == "scheme_of_delegation"
    assert row["vehicle_display"] == "Scheme of reservation and delegation"
    assert row["start_date"] == "2022-07-01" and row["end_date"] is None
    top = api.get(detail("delegation", scene.top.pk)).json()
    assert top["delegator"]["kind"] == "organisation" and top["delegator_organisation"] == scene.icb.pk
    assert top["financial_limit"] == "1000000.00" and top["parent"] is None


def test_an_area_editor_adds_a_delegation_with_a_limit_in_pounds(gm_api, scene):
    delegate = standing_body(scene.stockport)
    response = gm_api.post(
        reverse("api:delegation-list"),
        {
            "delegator_organisation": scene.icb.pk,
            "delegate_body": delegate.pk,
            "functions": [scene.nursing.pk],
            "area": scene.stockport.pk,
            "vehicle": "section_75",
            "financial_limit": "500000.50",
            "status": "agreed",
            "start_date": "2022-07-01",
            "sources": [{"document": "001", "section": "§10.2"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["financial_limit"] == "500000.50"
    assert row["delegate"]["id"] == delegate.pk and row["status"] == "agreed"
    assert row["sources"] == [{"document": "001", "section": "§10.2"}]
    made = Delegation.objects.get(pk=row["id"])
    assert made.financial_limit == Decimal("500000.50")
    assert list(made.functions.all()) == [scene.nursing]


def test_naming_a_party_of_another_kind_replaces_the_old_one(gm_api, scene):
    proposed = delegation(scene.stockport, holding=statutory_holding(scene.stockport))
    other = post(scene.stockport)
    response = gm_api.patch(detail("delegation", proposed.pk), {"delegate_post": other.pk}, format="json")
    assert response.status_code == 200, response.content
    row = response.json()
    assert row["delegate"]["kind"] == "post" and row["delegate_body"] is None
    proposed.refresh_from_db()
    assert proposed.delegate == other and proposed.delegate_body_id is None


def test_the_list_filters_by_function_and_the_functions_it_covers(api, scene):
    url = reverse("api:delegation-list")
    assert sorted(ids(api.get(url, {"function": scene.commissioning.pk}))) == [scene.top.pk, scene.sub.pk]
    assert ids(api.get(url, {"function": scene.nursing.pk})) == [scene.sub.pk]


def test_the_list_filters_by_date_place_party_parent_and_words(api, scene, reference):
    url = reverse("api:delegation-list")
    mine = {"function": scene.commissioning.pk}
    assert ids(api.get(url, {**mine, "as_of": "2022-06-15"})) == []
    assert sorted(ids(api.get(url, {**mine, "as_of": "2022-08-01"}))) == [scene.top.pk, scene.sub.pk]
    assert sorted(ids(api.get(url, {**mine, "system": reference.gm.pk}))) == [scene.top.pk, scene.sub.pk]
    assert ids(api.get(url, {**mine, "system": reference.cm.pk})) == []
    assert ids(api.get(url, {**mine, "area": reference.area("Bury").pk})) == []
    assert ids(api.get(url, {"delegate_body": scene.board.pk})) == [scene.top.pk]
    assert ids(api.get(url, {"delegator_body": scene.board.pk})) == [scene.sub.pk]
    assert ids(api.get(url, {"delegator_organisation": scene.icb.pk})) == [scene.top.pk]
    assert ids(api.get(url, {"delegate_post": scene.lead.pk})) == [scene.sub.pk]
    assert ids(api.get(url, {"parent": scene.top.pk})) == [scene.sub.pk]
    assert sorted(ids(api.get(url, {"q": scene.board.name}))) == [scene.top.pk, scene.sub.pk]
    assert ids(api.get(url, {**mine, "status": "proposed"})) == []
    assert sorted(ids(api.get(url, {**mine, "vehicle": "scheme_of_delegation"}))) == [
        scene.top.pk,
        scene.sub.pk,
    ]


def test_a_delegation_read_on_a_date_it_was_not_in_force_is_not_there(api, scene):
    assert api.get(detail("delegation", scene.top.pk), {"as_of": "2022-08-01"}).status_code == 200
    assert api.get(detail("delegation", scene.top.pk), {"as_of": "2022-06-30"}).status_code == 404


def test_the_chain_reads_up_to_the_statutory_holder_and_down_every_sub_delegation(api, scene):
    response = api.get(reverse("api:delegation-chain", kwargs={"pk": scene.sub.pk}))
    assert response.status_code == 200
    chain = response.json()
    assert chain["delegation"] == scene.sub.pk
    assert [link["id"] for link in chain["up"]] == [scene.top.pk, scene.sub.pk]
    assert chain["up"][0]["delegator"]["id"] == scene.icb.pk
    assert chain["up"][0]["functions"] == [scene.community.name]
    assert chain["up"][0]["financial_limit"] == "1000000.00"
    assert chain["down"] == []
    down = api.get(reverse("api:delegation-chain", kwargs={"pk": scene.top.pk})).json()["down"]
    assert [(link["id"], link["depth"], link["parent"]) for link in down] == [(scene.sub.pk, 1, scene.top.pk)]
    assert down[0]["delegate"] == {
        "kind": "post",
        "id": scene.lead.pk,
        "url": f"http://testserver{detail('post', scene.lead.pk)}",
        "display": scene.lead.title,
    }
    assert api.get(reverse("api:delegation-chain", kwargs={"pk": 999_999_999})).status_code == 404


def test_a_delegation_history_names_who_changed_what(gm_api, gm_editor, scene):
    response = gm_api.patch(
        detail("delegation", scene.sub.pk), {"conditions": "Report quarterly"}, format="json"
    )
    assert response.status_code == 200
    events = gm_api.get(reverse("api:delegation-history", kwargs={"pk": scene.sub.pk})).json()
    assert events[0]["label"] == "created"
    assert events[-1]["label"] == "updated" and events[-1]["actor"] == gm_editor.username
    assert {"field": "conditions", "before": "", "after": "Report quarterly"} in [
        {k: c[k] for k in ("field", "before", "after")} for c in events[-1]["changes"]
    ]


def test_a_revoked_delegation_stays_in_force_until_the_day_before(gm_api, api, scene):
    response = gm_api.post(
        reverse("api:delegation-revoke", kwargs={"pk": scene.sub.pk}), {"on": "2023-04-01"}, format="json"
    )
    assert response.status_code == 200, response.content
    row = response.json()
    assert (row["status"], row["end_date"]) == ("revoked", "2023-03-31")
    assert rights(api, scene, "2023-03-31")["holders"][-1]["party"]["id"] == scene.lead.pk
    assert scene.lead.pk not in {h["party"]["id"] for h in rights(api, scene, "2023-04-01")["holders"]}


def test_revoking_is_a_change_of_status_and_end_date(gm_api, scene):
    """Over the API a revocation is an update: status revoked, with the last day in force."""
    response = gm_api.patch(
        detail("delegation", scene.sub.pk), {"status": "revoked", "end_date": "2023-03-31"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "revoked" and response.json()["end_date"] == "2023-03-31"


# --- The catalogue, holdings, reserved matters ------------------------------------------------


def test_staff_build_the_function_catalogue(staff_api, api_as, stockport_editor):
    url = reverse("api:function-list")
    top = staff_api.post(url, {"name": f"Policy area {uid()}", "spatial_level": "system"}, format="json")
    assert top.status_code == 201, top.content
    child = staff_api.post(
        url,
        {
            "name": f"Part {uid()}",
            "parent": top.json()["id"],
            "spatial_level": "locality",
            "level_rationale": "Decided closest to the people it serves.",
        },
        format="json",
    )
    assert child.status_code == 201, child.content
    row = child.json()
    assert row["parent"]["id"] == top.json()["id"] and row["ancestor_ids"] == [top.json()["id"]]
    assert row["spatial_level_display"] == "Locality / place"
    assert ids(staff_api.get(url, {"parent": top.json()["id"]})) == [row["id"]]
    assert row["id"] in ids(staff_api.get(url, {"spatial_level": "locality", "page_size": 500}))
    assert ids(staff_api.get(url, {"q": row["name"]})) == [row["id"]]
    response = api_as(stockport_editor).post(url, {"name": "Not theirs"}, format="json")
    assert response.status_code == 403


def test_statutory_holdings_answer_for_a_date(api, scene):
    url = reverse("api:statutory-holding-list")
    mine = {"function": scene.commissioning.pk}

    def holders(on):
        response = api.get(url, {**mine, "as_of": on})
        assert response.status_code == 200
        return [row["holder"]["id"] for row in response.json()["results"]]

    assert holders("2022-06-15") == [scene.ccg.pk]
    assert holders("2022-08-01") == [scene.icb.pk]
    row = api.get(url, {**mine, "as_of": "2022-08-01"}).json()["results"][0]
    assert row["area"]["id"] == scene.gm.pk and row["start_date"] == "2022-07-01"
    assert ids(api.get(url, {**mine, "holder": scene.ccg.pk, "area": scene.stockport.pk})) != []


def test_a_reserved_matter_names_who_it_is_reserved_to(gm_api, api, scene):
    board = standing_body(scene.gm)
    response = gm_api.post(
        reverse("api:reserved-matter-list"),
        {"function": scene.nursing.pk, "reserved_to_body": board.pk, "area": scene.stockport.pk},
        format="json",
    )
    # The nursing function is already delegated (the sub-delegation), so reserving it is refused.
    assert response.status_code == 400
    assert list(response.json()) == ["function"]
    fresh = function()
    response = gm_api.post(
        reverse("api:reserved-matter-list"),
        {
            "function": fresh.pk,
            "reserved_to_body": board.pk,
            "area": scene.stockport.pk,
            "note": "The board's",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    row = response.json()
    assert row["reserved_to"]["kind"] == "body" and row["reserved_to"]["id"] == board.pk
    assert row["reserved_to_body"]["id"] == board.pk and row["reserved_to_organisation"] is None
    listed = api.get(reverse("api:reserved-matter-list"), {"function": fresh.pk, "as_of": "2024-01-01"})
    assert ids(listed) == [row["id"]]


# --- Place-based lead arrangements -----------------------------------------------------------


def test_an_arrangement_takes_and_shows_its_posts_with_their_roles(staff_api, api, reference):
    place = locality(reference.area("Stockport"))
    chief, officer = post(place), post(place)
    response = staff_api.post(
        reverse("api:place-lead-arrangement-list"),
        {
            "area": place.pk,
            "model": "split_across_council_roles",
            "status": "in_force",
            "start_date": "2023-04-01",
            "relationship_to_icb": "mutual accountability",
            "posts": [
                {"post": chief.pk, "roles": ["primary_care_networks", "join_up_care"]},
                {"post": officer.pk, "roles": ["population_health"]},
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    row = response.json()
    shown = {p["post"]["id"]: p for p in row["posts"]}
    assert shown[chief.pk]["roles"] == ["primary_care_networks", "join_up_care"]
    assert shown[chief.pk]["roles_display"] == [
        PlaceLeadRole.PRIMARY_CARE_NETWORKS.label,
        PlaceLeadRole.JOIN_UP_CARE.label,
    ]
    assert shown[officer.pk]["roles"] == ["population_health"]
    assert row["model_display"] == "Split across several council roles"
    # A change's list of posts replaces the old one.
    response = staff_api.patch(
        detail("place-lead-arrangement", row["id"]), {"posts": [{"post": officer.pk}]}, format="json"
    )
    assert response.status_code == 200, response.content
    assert [(p["post"]["id"], p["roles"]) for p in response.json()["posts"]] == [(officer.pk, [])]
    url = reverse("api:place-lead-arrangement-list")
    assert ids(api.get(url, {"area": place.pk, "as_of": "2023-04-01"})) == [row["id"]]
    assert ids(api.get(url, {"area": place.pk, "as_of": "2023-03-31"})) == []
    assert ids(api.get(url, {"area": place.pk, "model": "dedicated_officer"})) == []
    assert ids(api.get(url, {"area": place.pk, "status": "in_force", "system": reference.gm.pk})) == [
        row["id"]
    ]


def test_an_arrangement_under_consideration_lists_the_models(api, reference):
    place = locality(reference.area("Stockport"))
    arrangement = place_lead_arrangement(
        place,
        model="not_yet_decided",
        models_considered=["council_chief_executive", "dedicated_officer"],
        posts=[],
    )
    row = api.get(detail("place-lead-arrangement", arrangement.pk)).json()
    assert row["model"] == "not_yet_decided" and row["posts"] == []
    assert row["models_considered"] == ["council_chief_executive", "dedicated_officer"]
    assert row["host_organisation"] is None


# --- The tier table --------------------------------------------------------------------------


def test_the_tier_table_is_read_by_system_tier_and_column(api, reference):
    fn = function()
    entry = services.tier_assignment_create(
        system=reference.gm, tier=Tier.LOCALITY, column=TierColumn.DELIVERY_FUNCTION, function=fn, actor=None
    )
    url = reverse("api:tier-assignment-list")
    assert ids(api.get(url, {"function": fn.pk})) == [entry.pk]
    row = api.get(detail("tier-assignment", entry.pk)).json()
    assert row["system"]["id"] == reference.gm.pk and row["function"]["id"] == fn.pk
    assert row["column_display"] == "Delivery functions" and row["body"] is None
    assert ids(api.get(url, {"function": fn.pk, "system": reference.cm.pk})) == []
    assert entry.pk in ids(
        api.get(url, {"system": reference.gm.pk, "column": "delivery_function", "page_size": 500})
    )
    assert api.post(url, {"label": "x"}, format="json").status_code in (401, 405)


# --- Who may decide --------------------------------------------------------------------------


def rights(api, scene, on, fn=None):
    response = api.get(
        reverse("api:decision-rights-list"),
        {"function": (fn or scene.nursing).pk, "area": scene.stockport.pk, "on": on},
    )
    assert response.status_code == 200, response.content
    return response.json()


def test_before_1_july_2022_the_ccg_decides(api, scene):
    answer = rights(api, scene, "2022-06-15")
    assert answer["on"] == "2022-06-15"
    assert answer["function"]["id"] == scene.nursing.pk and answer["area"]["id"] == scene.stockport.pk
    assert [(h["party"]["id"], h["basis"], h["chain"]) for h in answer["holders"]] == [
        (scene.ccg.pk, "statute", [])
    ]
    assert answer["holders"][0]["root"]["holder"]["id"] == scene.ccg.pk
    assert answer["holders"][0]["root"]["end_date"] == "2022-06-30"
    assert answer["reserved_to"] is None and answer["reason"] == ""


def test_after_1_july_2022_the_chain_runs_from_the_icb_through_the_board_to_the_post(api, scene):
    answer = rights(api, scene, "2022-08-01")
    holders = {h["party"]["id"]: h for h in answer["holders"]}
    assert set(holders) == {scene.icb.pk, scene.board.pk, scene.lead.pk}
    assert holders[scene.icb.pk]["basis"] == "statute" and holders[scene.icb.pk]["effective_limit"] is None
    board, lead = holders[scene.board.pk], holders[scene.lead.pk]
    assert board["basis"] == "delegation" and [link["id"] for link in board["chain"]] == [scene.top.pk]
    assert board["effective_limit"] == "1000000.00"
    assert [link["id"] for link in lead["chain"]] == [scene.top.pk, scene.sub.pk]
    assert lead["effective_limit"] == "250000.00"
    assert lead["chain"][1]["financial_limit"] == "250000.00"
    assert lead["chain"][0]["delegator"]["kind"] == "organisation"
    assert lead["chain"][0]["url"].endswith(detail("delegation", scene.top.pk))
    assert lead["root"]["holder"]["id"] == scene.icb.pk and lead["root"]["area"] == scene.gm.name
    assert lead["root"]["url"].endswith(detail("statutory-holding", scene.icb.statutory_holdings.get().pk))


def test_nobody_may_decide_says_why(api, scene):
    fn = function()
    answer = rights(api, scene, "2022-08-01", fn=fn)
    assert answer["holders"] == []
    assert answer["reason"] == f"No statutory holder of {fn.name} for Stockport is recorded."


def test_a_reserved_matter_is_answered_with_who_it_is_reserved_to(api, scene):
    fresh = function(parent=scene.commissioning)
    services.reserved_matter_create(function=fresh, reserved_to_organisation=scene.icb, actor=None)
    answer = rights(api, scene, "2022-08-01", fn=fresh)
    assert answer["reserved_to"]["id"] == scene.icb.pk and answer["reserved_to"]["kind"] == "organisation"
    assert answer["notes"] == [f"{fresh.name} is reserved to {scene.icb.name}: it cannot be delegated."]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        (
            {},
            {
                "function": ["Choose the function: give its id, e.g. ?function=1."],
                "area": ["Choose the area: give its id, e.g. ?area=1."],
                "on": ["Give the date asked about, e.g. ?on=2022-08-01."],
            },
        ),
        (
            {"function": "abc", "area": "1", "on": "2022-08-01"},
            {"function": ["A function id: a whole number."]},
        ),
        (
            {"function": "1", "area": "1", "on": "2022-13-01"},
            {"on": ["A date as YYYY-MM-DD, e.g. 2022-08-01."]},
        ),
        (
            {"function": "1", "area": "1", "on": "01/08/2022"},
            {"on": ["A date as YYYY-MM-DD, e.g. 2022-08-01."]},
        ),
        (
            {"function": "", "area": "1", "on": "2022-08-01"},
            {"function": ["Give a value, or leave this filter out."]},
        ),
        (
            {"function": "0", "area": "1", "on": "2022-08-01"},
            {"function": ["A function id: a whole number from 1."]},
        ),
        (
            {"function": str(2**70), "area": "1", "on": "2022-08-01"},
            {"function": ["There is no function with this id."]},
        ),
    ],
)
def test_decision_rights_refuses_missing_or_bad_parameters(api, reference, query, errors):
    # "1" stands for a record that exists: ids depend on what earlier tests created and removed.
    real = {
        "area": str(reference.area("Stockport").pk),
        "function": str(Function.objects.order_by("pk").first().pk),
    }
    query = {k: (real[k] if v == "1" else v) for k, v in query.items()}
    response = api.get(reverse("api:decision-rights-list"), query)
    assert response.status_code == 400
    assert response.json() == errors


def test_decision_rights_refuses_unknown_records(api, scene):
    response = api.get(
        reverse("api:decision-rights-list"),
        {"function": 999_999_999, "area": 999_999_998, "on": "2022-08-01"},
    )
    assert response.status_code == 400
    assert response.json() == {
        "function": ["There is no function with id 999999999."],
        "area": ["There is no area with id 999999998."],
    }


# --- Schemes of reservation and delegation ---------------------------------------------------


def test_an_area_scheme_exports_as_csv_with_a_file_name(api, scene):
    response = api.get(reverse("api:sord-export"), {"area": scene.stockport.pk, "as_of": "2022-08-01"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert (
        response["Content-Disposition"]
        == 'attachment; filename="scheme-of-delegation-stockport-2022-08-01.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["policy area", "function", "reserved to", "delegated to"]
    mine = [row for row in rows[1:] if row[1] == scene.community.name]
    assert mine and mine[0][3] == scene.board.name


def test_a_system_scheme_exports_as_xlsx(api, scene, reference):
    response = api.get(reverse("api:sord-export"), {"system": reference.gm.pk, "format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"] == 'attachment; filename="scheme-of-delegation-gm.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:2] == ["policy area", "function"]
    assert scene.community.name in {row[1] for row in sheet.iter_rows(min_row=2, values_only=True)}


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({}, {"area": ["Choose the area or the system to export, e.g. ?area=1."]}),
        (
            {"area": "STOCKPORT", "system": "GM"},
            {"area": ["An area id: a whole number."], "system": ["A system id: a whole number."]},
        ),
        ({"area": "STOCKPORT"}, {"area": ["An area id: a whole number."]}),
        ({"area": "999999999"}, {"area": ["There is no area with id 999999999."]}),
        (
            {"area": "STOCK", "format": "pdf"},
            {"area": ["An area id: a whole number."], "format": ["csv or xlsx."]},
        ),
        (
            {"system": "GM_ID", "as_of": "yesterday"},
            {"system": ["A system id: a whole number."], "as_of": ["A date as YYYY-MM-DD, e.g. 2022-08-01."]},
        ),
        ({"area": ""}, {"area": ["Give a value, or leave this filter out."]}),
    ],
)
def test_the_export_refuses_bad_parameters_in_json(api, query, errors):
    response = api.get(reverse("api:sord-export"), query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == errors


def test_the_export_refuses_an_area_and_a_system_together(api, reference):
    response = api.get(
        reverse("api:sord-export"), {"area": reference.area("Stockport").pk, "system": reference.gm.pk}
    )
    assert response.status_code == 400
    assert response.json() == {"system": ["Give an area or a system, not both."]}


def upload(content: bytes, name="scheme.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_an_import_is_accepted_then_polled_until_it_has_imported_the_scheme(
    gm_api, gm_editor, api_as, stockport_editor, staff_user, scene, django_capture_on_commit_callbacks
):
    delegate = standing_body(scene.stockport)
    content = sord_csv(
        f"{scene.commissioning.name},{scene.nursing.name},,{delegate.name},,,£5000,2022-07-01,,001"
    )
    response = gm_api.post(
        reverse("api:sord-import-list"),
        {"file": upload(content), "area": scene.stockport.pk, "status": "agreed"},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    accepted = response.json()
    assert set(accepted) == {"id", "url", "state"} and accepted["state"] == "queued"
    assert response["Location"] == accepted["url"]
    polled = gm_api.get(accepted["url"]).json()
    assert (polled["state"], polled["rows_total"], polled["percent"], polled["report"]) == (
        "queued",
        1,
        0,
        {},
    )
    assert polled["file_name"] == "scheme.csv" and polled["area"]["id"] == scene.stockport.pk

    services.sord_import_run(accepted["id"])  # what the worker does

    polled = gm_api.get(accepted["url"]).json()
    assert polled["state"] == "succeeded" and polled["state_display"] == "Imported"
    assert (polled["rows_done"], polled["percent"]) == (1, 100)
    assert polled["report"]["created"] == {"delegations": 1, "sub_delegations": 0, "reserved_matters": 0}
    assert polled["report"]["errors"] == []
    made = Delegation.objects.get(delegate_body=delegate)
    assert made.status == DelegationStatus.AGREED and made.financial_limit == Decimal("5000")
    # Staff see it too; another editor does not.
    assert api_as(staff_user).get(accepted["url"]).status_code == 200
    assert api_as(stockport_editor).get(accepted["url"]).status_code == 404


def test_an_exported_scheme_imports_back_and_exports_unchanged(gm_api, api, reference):
    place = locality(reference.area("Stockport"))
    holding = statutory_holding(place, start_date=GO_LIVE)
    made = delegation(
        place,
        holding=holding,
        status=DelegationStatus.IN_FORCE,
        start_date=GO_LIVE,
        financial_limit=Decimal("1000"),
    )
    exported = api.get(reverse("api:sord-export"), {"area": place.pk}).content
    services.delegation_delete(made, actor=None)
    response = gm_api.post(
        reverse("api:sord-import-list"),
        {"file": upload(exported), "area": place.pk, "status": "in_force"},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    job = services.sord_import_run(response.json()["id"])
    assert job.state == ImportState.SUCCEEDED, job.report
    assert api.get(reverse("api:sord-export"), {"area": place.pk}).content == exported


def test_only_the_uploader_and_staff_see_an_import(api, api_as, reader, scene):
    job = SordImport.objects.create(uploaded_by=reader, file_name="x.csv", content=b"", area=scene.stockport)
    url = detail("sord-import", job.pk)
    assert api.get(url).status_code == 404
    assert api_as(reader).get(url).status_code == 200
    assert api_as(reader).get("/api/v1/sord/imports/12x/").status_code == 404
