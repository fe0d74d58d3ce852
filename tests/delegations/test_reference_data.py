"""The delegations reference data (delegations/reference/delegations.yaml) says what the source papers
say: who held commissioning before and after 1 July 2022, the GM ICB's delegation to the ten locality
boards, Stockport's pooled budget, the place-based lead arrangements and the GM tier table."""

import datetime as dt
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command, get_commands

from delegations.models import (
    Delegation,
    Function,
    PlaceLeadArrangement,
    ReservedMatter,
    StatutoryHolding,
    TierAssignment,
)
from delegations.reference import load_reference_data
from delegations.selectors.rights import decision_rights
from governance.models import Body, BodyStatus
from organisations.models import Area, Organisation

pytestmark = pytest.mark.django_db

D = dt.date
CLOSURE, GO_LIVE = D(2022, 6, 30), D(2022, 7, 1)
GM_LOCALITIES = [
    "Bolton",
    "Bury",
    "Manchester",
    "Oldham",
    "Rochdale",
    "Salford",
    "Stockport",
    "Tameside",
    "Trafford",
    "Wigan",
]
SEFTON_CCGS = {"NHS South Sefton CCG", "NHS Southport and Formby CCG"}
SOURCED_MODELS = ["Function", "StatutoryHolding", "ReservedMatter", "Delegation", "DelegationFunction",
                  "PlaceLeadArrangement", "PlaceLeadPost", "TierAssignment"]  # fmt: skip


def function(name):
    return Function.objects.get(name=name)


def covers(delegation, function_name):
    """Whether the delegation covers the function (directly or through a wider one)."""
    target = function(function_name)
    lineage = {*target.ancestor_ids, target.pk}
    return delegation.function_links.filter(function_id__in=lineage).exists()


# ------------------------------------------------------------------ the catalogue


def test_district_nursing_sits_in_community_health_services_within_commissioning():
    nursing = function("District nursing")

    assert nursing.parent.name == "Community health services"
    assert [Function.objects.get(pk=pk).name for pk in nursing.ancestor_ids] == [
        "Commissioning",
        "Community health services",
    ]
    assert nursing.spatial_level == "locality"
    assert "001 §6.5" in nursing.level_rationale


def test_the_place_leaders_four_roles_are_functions_of_place_leadership():
    roles = Function.objects.filter(parent__name="Place leadership").order_by("name")

    assert roles.count() == 4
    assert {r.spatial_level for r in roles} == {"locality"}
    assert all(any(s["document"] == "003" and s["section"] == "§2.18" for s in r.sources) for r in roles)


def test_specialised_commissioning_is_led_at_the_level_each_service_needs():
    parts = {
        f.name: f.spatial_level for f in Function.objects.filter(parent__name="Specialised commissioning")
    }

    assert parts == {
        "National specifications and eligibility policies for specialised services": "national",
        "Specialised services commissioned at ICS level": "system",
        "Specialised services commissioned jointly across several ICSs": "several_systems",
        "Specialised services commissioned nationally": "national",
    }


def test_the_ics_functions_of_003_1_12_are_system_level():
    names = set(
        Function.objects.filter(parent__name="ICS collective functions").values_list("name", flat=True)
    )

    assert names == {
        "Distribution of financial resources",
        "Improvement and transformation resource",
        "Operational delivery arrangements",
        "Workforce planning, commissioning and development",
        "Emergency planning and response",
        "Digital and data",
    }
    assert set(
        Function.objects.filter(parent__name="ICS collective functions").values_list(
            "spatial_level", flat=True
        )
    ) == {"system"}


def test_a_level_is_given_only_with_its_rationale():
    for f in Function.objects.all():
        assert bool(f.spatial_level) == bool(f.level_rationale), f.name


# ------------------------------------------------------------------ statutory holders


def test_every_ccg_holds_commissioning_for_its_areas_until_30_june_2022():
    commissioning = function("Commissioning")
    ccgs = Organisation.objects.filter(kind="ccg", end_date=CLOSURE).prefetch_related("areas")
    assert ccgs.count() == 19  # the ten GM CCGs and the nine C&M CCGs

    for ccg in ccgs:
        holdings = StatutoryHolding.objects.filter(function=commissioning, holder=ccg)
        assert {h.area_id for h in holdings} == {a.pk for a in ccg.areas.all()}, ccg.name
        for holding in holdings:
            assert (holding.start_date, holding.end_date) == (ccg.start_date, CLOSURE), ccg.name
            assert holding.is_incomplete == (holding.start_date is None), ccg.name


def test_sefton_has_both_its_ccgs_as_holders_each_for_part_of_it(reference):
    answer = decision_rights(
        function=function("District nursing"), area=reference.area("Sefton", "C&M"), on=dt.date(2022, 6, 1)
    )
    assert {h.party.name for h in answer.holders} == SEFTON_CCGS
    for holding in StatutoryHolding.objects.filter(holder__name__in=SEFTON_CCGS):
        assert "part of Sefton" in holding.incomplete_note


@pytest.mark.parametrize(
    "icb, system",
    [
        ("NHS Greater Manchester Integrated Care", "Greater Manchester"),
        ("NHS Cheshire and Merseyside Integrated Care Board", "Cheshire and Merseyside"),
    ],
)
def test_the_icb_holds_commissioning_for_its_system_from_1_july_2022(icb, system):
    holding = StatutoryHolding.objects.get(function__name="Commissioning", holder__name=icb)

    assert holding.area == Area.objects.get(name=system, tier="system")
    assert (holding.start_date, holding.end_date) == (GO_LIVE, None)


def test_nhs_england_holds_specialised_and_direct_commissioning_for_england_since_an_unrecorded_date():
    holdings = StatutoryHolding.objects.filter(holder__kind="nhs_england").select_related("function")

    assert {h.function.name for h in holdings} == {"Specialised commissioning", "Direct commissioning"}
    for holding in holdings:
        assert holding.area is None  # all England
        assert (holding.start_date, holding.end_date) == (None, None)
        assert holding.is_incomplete and "not given" in holding.incomplete_note


def test_no_reserved_matter_is_recorded_because_no_source_states_one():
    assert not ReservedMatter.objects.exists()


# ------------------------------------------------------------------ delegations


@pytest.mark.parametrize("locality", GM_LOCALITIES)
def test_the_gm_icb_delegates_to_each_locality_board_from_1_july_2022(locality):
    area = Area.objects.get(name=locality, tier="locality", system__short_name="GM")

    delegations = Delegation.objects.in_force(GO_LIVE).filter(
        delegator_organisation__name="NHS Greater Manchester Integrated Care", area=area
    )

    assert delegations.count() == 1
    delegation = delegations.get()
    board = delegation.delegate_body
    assert board.kind == "locality_board" and area in board.areas.all()
    assert (delegation.status, delegation.start_date, delegation.end_date) == ("in_force", GO_LIVE, None)
    assert (delegation.vehicle, delegation.financial_limit, delegation.parent) == ("not_recorded", None, None)
    assert covers(delegation, "District nursing")
    assert covers(delegation, "Oversight of pooled budgets")
    assert not covers(delegation, "Specialised commissioning")
    assert (
        delegation.is_incomplete and "limits and instrument not given" in delegation.incomplete_note.lower()
    )
    assert not Delegation.objects.in_force(CLOSURE).filter(pk=delegation.pk).exists()


def test_the_eight_locality_boards_the_sources_do_not_name_are_flagged_incomplete():
    named_in_sources = {"Stockport Locality Board", "Bury Locality System Board"}
    boards = Body.objects.filter(kind="locality_board", system__short_name="GM").exclude(
        name__in=named_in_sources
    )

    assert sorted(boards.values_list("name", flat=True)) == [
        f"{place} Locality Board" for place in GM_LOCALITIES if place not in ("Bury", "Stockport")
    ]
    for board in boards:
        assert board.is_incomplete and "do not give this one's name" in board.incomplete_note
        status = BodyStatus.objects.get(body=board)
        assert (status.status, status.start_date, status.end_date) == ("established", GO_LIVE, None)
        assert status.is_incomplete
        assert any(s["section"] == "§10.4" for s in status.sources)


def test_stockports_integrated_commissioning_board_held_the_pooled_budget_until_july_2022():
    delegation = Delegation.objects.get(
        delegate_body__name="Stockport Health & Care Integrated Commissioning Board"
    )

    assert delegation.delegator_organisation.name == "NHS Stockport CCG"
    assert [f.name for f in delegation.functions.all()] == ["Oversight of pooled budgets"]
    assert delegation.vehicle == "section_75"
    assert (delegation.status, delegation.start_date, delegation.end_date) == ("in_force", None, CLOSURE)
    assert delegation.is_incomplete
    assert delegation.in_force_on(D(2022, 6, 15)) and not delegation.in_force_on(GO_LIVE)


def test_who_decides_district_nursing_in_stockport_before_and_after_1_july_2022():
    nursing = function("District nursing")
    stockport = Area.objects.get(name="Stockport", tier="locality", system__short_name="GM")

    before = decision_rights(function=nursing, area=stockport, on=D(2022, 6, 15))
    after = decision_rights(function=nursing, area=stockport, on=D(2022, 8, 1))

    assert [(h.party.name, h.basis) for h in before.holders] == [("NHS Stockport CCG", "statute")]
    assert [(h.party.name, h.basis) for h in after.holders] == [
        ("NHS Greater Manchester Integrated Care", "statute"),
        ("Stockport Locality Board", "delegation"),
    ]
    chain = after.holders[1].chain
    assert [(link.delegator.name, link.delegate.name) for link in chain] == [
        ("NHS Greater Manchester Integrated Care", "Stockport Locality Board")
    ]
    assert after.holders[1].effective_limit is None


# ------------------------------------------------------------------ place-based leads


def test_stockport_and_bury_each_have_one_place_lead_arrangement_not_yet_decided():
    arrangements = PlaceLeadArrangement.objects.select_related("area", "host_organisation")

    assert sorted(a.area.name for a in arrangements) == ["Bury", "Stockport"]
    assert {a.model for a in arrangements} == {"not_yet_decided"}
    assert {a.status for a in arrangements} == {"proposed"}
    assert all(a.is_incomplete for a in arrangements)


def test_stockports_place_lead_is_proposed_within_the_council_under_one_of_three_models():
    arrangement = PlaceLeadArrangement.objects.get(area__name="Stockport")

    assert arrangement.models_considered == [
        "council_chief_executive",
        "dedicated_officer",
        "split_across_council_roles",
    ]
    assert arrangement.host_organisation.name == "Stockport Council"
    assert arrangement.relationship_to_icb == "mutual accountability"
    assert arrangement.start_date == D(2022, 3, 1)  # the date of the paper (001)
    link = arrangement.post_links.select_related("post").get()
    assert link.post.title == "Place-based lead, Stockport"
    assert len(link.roles) == 4


def test_bury_had_not_discussed_its_place_lead():
    arrangement = PlaceLeadArrangement.objects.get(area__name="Bury")

    assert arrangement.models_considered == []
    assert arrangement.host_organisation is None
    assert not arrangement.post_links.exists()
    assert "same person" in arrangement.note
    assert [s["document"] for s in arrangement.sources] == ["002", "002"]


# ------------------------------------------------------------------ the GM tier table

APPENDIX_2 = {
    "neighbourhood": {
        "accountability": [
            "Delivery of local priorities through integrated teams",
            "Population health management",
            "Links across neighbourhood services and community",
            "Primary Care Network requirements",
        ],
        "governance": [
            "Neighbourhood governance as each locality determines, working with the locality boards and "
            "Primary Care Networks"
        ],
        "delivery_function": [
            "Public service integrated multidisciplinary teams and networks",
            "Primary Care Networks",
            "Neighbourhood delivery of prevention, early intervention and integrated community urgent care",
        ],
        "team": [
            "Multidisciplinary team staff, including primary care, social care, community mental health, VCSE "
            "and others",
            "Neighbourhood management capacity",
        ],
    },
    "locality": {
        "accountability": [
            "Local strategy and priority setting",
            "Oversight of neighbourhood delivery",
            "Oversight of pooled budgets",
            "Link with local authority and wider partners",
            "Delegations from the ICS NHS body",
        ],
        "governance": ["Locality Board"],
        "delivery_function": [
            "Place-based provider collaborative, alliance or local care organisation",
            "Locality-level clinical and care professional leadership",
            "Locality-level delivery of specific functions and programmes",
        ],
        "team": ["Place-based lead", "Locally deployed dedicated teams"],
    },
    "system": {
        "accountability": [
            "GM-wide strategy and priority setting",
            "Delivery of nationally set statutory functions",
            "System oversight and liaison with NHS North West",
            "Delivery of national standards",
            "Direct commissioning",
            "Link with GMCA, the Mayor, the wider city region and national partners",
            "Resource allocation to enable place-based working and provider collaboration",
        ],
        "governance": [
            "Integrated Partnership Board",
            "Integrated Care Board",
            "Joint Planning and Delivery Committee",
        ],
        "delivery_function": [
            "GM provider collaboratives",
            "GM-level clinical and care professional leadership",
            "GM-level delivery of specific functions and programmes",
        ],
        "team": ["ICS chief officer and senior ICS team", "GM-level deployed dedicated teams"],
    },
}


def test_the_gm_tier_table_reproduces_appendix_2_cell_by_cell_in_order():
    rows = TierAssignment.objects.filter(system__short_name="GM").select_related("function", "body")
    table: dict = {}
    for row in rows.order_by("tier", "column", "order"):
        text = row.label or (row.function.name if row.function else row.body.name)
        table.setdefault(row.tier, {}).setdefault(row.column, []).append(text)

    assert table == APPENDIX_2


def test_the_gm_tier_tables_governance_links_the_gm_bodies():
    rows = TierAssignment.objects.filter(system__short_name="GM", column="governance", tier="system")

    assert [r.body.name for r in rows.order_by("order")] == [
        "Greater Manchester Integrated Care Partnership Board",
        "Greater Manchester Integrated Care Board",
        "Greater Manchester Joint Planning and Delivery Committee",
    ]


def test_the_tier_tables_functions_are_placed_at_their_tier():
    for row in TierAssignment.objects.filter(function__isnull=False).select_related("function"):
        assert row.function.spatial_level == row.tier, row.function.name


# ------------------------------------------------------------------ every record


@pytest.mark.parametrize("model_name", SOURCED_MODELS)
def test_every_record_has_a_source_and_every_gap_a_note(model_name):
    model = apps.get_model("delegations", model_name)

    for record in model.objects.all():
        assert record.sources, record
        assert all(s.get("document") for s in record.sources), record
        if record.is_incomplete:
            assert record.incomplete_note.strip(), record


def _counts():
    from pghistory.models import Events

    counts = {
        m._meta.label: m.objects.count()
        for label in ("organisations", "governance", "delegations")
        for m in apps.get_app_config(label).get_models()
    }
    counts["events"] = Events.objects.count()
    return counts


def test_loading_twice_changes_nothing():
    before = _counts()

    created = load_reference_data()
    again = load_reference_data()

    assert not any(created.values()) and not any(again.values())
    assert _counts() == before  # no records, and no history events either


def test_one_command_loads_everything():
    assert get_commands()["load_reference_data"] == "delegations"
    out = StringIO()

    call_command("load_reference_data", stdout=out)

    assert out.getvalue().strip() == "Reference data already loaded; nothing to add."
