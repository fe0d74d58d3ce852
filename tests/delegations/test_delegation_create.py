"""delegation_create: a holder grants a function, for an area, to a body, post or organisation.

The delegator holds every function it delegates on every day (by statute, or through the parent
delegation it sub-delegates); a sub-delegation never grants more than its parent; chains never loop;
reserved matters are never delegated; the delegate exists throughout.
"""

from decimal import Decimal

import pytest

from delegations.choices import DelegationStatus
from delegations.models import Delegation
from governance.choices import Status
from organisations.choices import AreaKind
from tests.governance.factories import BodyFactory, BodyStatusFactory
from tests.organisations.factories import AreaMemberFactory, LocalityFactory, OrganisationFactory

from .factories import DelegationFactory, FunctionFactory, ReservedMatterFactory, StatutoryHoldingFactory
from .helpers import D, Stockport, assert_recorded, refused

pytestmark = pytest.mark.django_db

PROPOSED, AGREED, IN_FORCE, REVOKED = "proposed", "agreed", "in_force", "revoked"


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


# --- Accepted ------------------------------------------------------------------------------


def test_the_icb_delegates_community_services_to_the_locality_board(world):
    delegation = world.delegate(conditions="Within the locality plan.", statutory_basis="NHS Act 2006 s65Z5")

    delegation.refresh_from_db()
    assert delegation.delegator == world.icb
    assert delegation.delegate == world.board
    assert list(delegation.functions.all()) == [world.community]
    assert (delegation.area, delegation.status) == (world.stockport, DelegationStatus.IN_FORCE)
    assert (delegation.start_date, delegation.end_date) == (D(2022, 7, 1), None)
    assert delegation.financial_limit == Decimal("1000000")
    assert delegation.conditions == "Within the locality plan."
    assert delegation.sources == [{"document": "001", "section": "§6.5"}]
    assert_recorded(delegation, "created", world.actor, service="delegation_create")
    assert_recorded(delegation.function_links.get(), "created", world.actor, service="delegation_create")


def test_the_ccg_delegates_up_to_its_last_day(world):
    delegation = world.delegate(
        delegator_organisation=world.ccg, start_date=D(2022, 4, 1), end_date=D(2022, 6, 30)
    )

    assert delegation.delegator == world.ccg


def test_a_holding_with_an_open_start_covers_every_earlier_day(world):
    world.board.statuses.update(start_date=None)

    delegation = world.delegate(delegator_organisation=world.ccg, start_date=None, end_date=D(2022, 6, 30))

    assert delegation.start_date is None


def test_holding_a_wider_function_covers_the_functions_within_it(world):
    delegation = world.delegate(functions=[world.nursing, world.primary])

    assert set(delegation.functions.all()) == {world.nursing, world.primary}


def test_holding_for_the_system_covers_its_places_and_neighbourhoods(world):
    for area in (world.footprint, world.bury, world.heatons):
        assert world.delegate(area=area).area == area


def test_an_all_england_holding_covers_any_area(world):
    nhse = OrganisationFactory(name="NHS England (test)")
    specialised = FunctionFactory(name="Specialised commissioning")
    StatutoryHoldingFactory(function=specialised, holder=nhse, area=None)

    delegation = world.delegate(delegator_organisation=nhse, functions=[specialised], area=world.heatons)

    assert delegation.delegator == nhse


def test_a_holding_for_a_footprint_of_places_covers_each_of_them(world):
    pooled = LocalityFactory(
        system=world.system, parent=world.footprint, name="Pennine places", kind=AreaKind.OTHER
    )
    AreaMemberFactory(footprint=pooled, member=world.bury)
    trust = OrganisationFactory(name="Pennine trust")
    StatutoryHoldingFactory(function=world.primary, holder=trust, area=pooled)

    delegation = world.delegate(delegator_organisation=trust, functions=[world.primary], area=world.bury)

    assert delegation.area == world.bury


def test_consecutive_holdings_together_cover_the_period(world):
    StatutoryHoldingFactory(
        function=world.primary, holder=world.council, area=world.stockport, end_date=D(2022, 3, 31)
    )
    StatutoryHoldingFactory(
        function=world.primary, holder=world.council, area=world.stockport, start_date=D(2022, 4, 1)
    )
    world.board.statuses.update(start_date=None)

    delegation = world.delegate(
        delegator_organisation=world.council, functions=[world.primary], start_date=None
    )

    assert delegation.delegator == world.council


def test_a_sub_delegation_within_its_parent_is_accepted(world):
    parent = world.delegate()

    child = world.to_lead(parent, functions=[world.nursing], area=world.heatons, end_date=D(2023, 3, 31))

    child.refresh_from_db()
    assert (child.parent, child.delegator, child.delegate) == (parent, world.board, world.lead)
    assert child.financial_limit == Decimal("250000")


def test_a_sub_delegation_may_set_no_limit_of_its_own(world):
    parent = world.delegate()

    child = world.to_lead(parent, financial_limit=None)

    assert child.financial_limit is None


def test_a_proposed_sub_delegation_may_sit_under_a_proposed_parent(world):
    parent = world.delegate(status=PROPOSED)

    child = world.to_lead(parent, status=PROPOSED)

    assert child.parent == parent


def test_an_agreed_sub_delegation_may_sit_under_a_parent_in_force(world):
    child = world.to_lead(world.delegate(), status=AGREED)

    assert child.status == AGREED


def test_a_body_exists_through_consecutive_statuses(world):
    council_board = BodyFactory(system=world.system, areas=[world.stockport])
    BodyStatusFactory(body=council_board, status=Status.PROPOSED, start_date=None, end_date=D(2022, 6, 30))
    BodyStatusFactory(
        body=council_board, status=Status.SHADOW, start_date=D(2022, 7, 1), end_date=D(2022, 9, 30)
    )
    BodyStatusFactory(body=council_board, status=Status.ESTABLISHED, start_date=D(2022, 10, 1))

    delegation = world.delegate(
        delegator_organisation=world.ccg,
        delegate_body=council_board,
        start_date=None,
        end_date=D(2022, 6, 30),
    )

    assert delegation.delegate == council_board


def test_a_reservation_elsewhere_or_at_another_time_does_not_stop_a_delegation(world):
    ReservedMatterFactory(function=world.community, area=world.bury)
    ReservedMatterFactory(function=world.community, area=world.stockport, end_date=D(2022, 6, 30))
    ReservedMatterFactory(function=world.nursing, area=world.stockport)  # within, not around, the function

    delegation = world.delegate()

    assert delegation.pk is not None


# --- The delegator holds the function ------------------------------------------------------


def held(delegator, function, area, detail):
    return f"{delegator} did not hold {function} for {area} on every day of this period: {detail}."


def test_a_ccg_cannot_delegate_after_it_closed(world):
    errors = refused(lambda: world.delegate(delegator_organisation=world.ccg, start_date=D(2022, 7, 1)))

    assert errors == {
        "delegator_organisation": [
            "NHS Stockport CCG did not hold Community services for Stockport on every day of this period: "
            "it held it until 30 Jun 2022."
        ]
    }


def test_a_delegation_running_past_the_ccgs_closure_is_refused(world):
    errors = refused(lambda: world.delegate(delegator_organisation=world.ccg, start_date=D(2022, 4, 1)))

    assert errors == {
        "delegator_organisation": [
            held("NHS Stockport CCG", "Community services", "Stockport", "it held it until 30 Jun 2022")
        ]
    }


def test_the_icb_cannot_delegate_before_it_holds_the_function(world):
    errors = refused(lambda: world.delegate(start_date=D(2022, 4, 1)))

    assert errors == {
        "delegator_organisation": [
            held(
                "NHS Greater Manchester Integrated Care",
                "Community services",
                "Stockport",
                "it holds it by statute from 1 Jul 2022",
            )
        ]
    }


def test_an_open_start_means_every_earlier_day(world):
    errors = refused(lambda: world.delegate(start_date=None))

    assert errors["delegator_organisation"] == [
        held(
            "NHS Greater Manchester Integrated Care",
            "Community services",
            "Stockport",
            "it holds it by statute from 1 Jul 2022",
        )
    ]


def test_an_organisation_without_a_holding_is_refused(world):
    errors = refused(lambda: world.delegate(delegator_organisation=world.council))

    assert errors == {
        "delegator_organisation": [
            held("Stockport Council", "Community services", "Stockport", "it does not hold it by statute")
        ]
    }


def test_a_holding_for_one_place_does_not_cover_another(world):
    errors = refused(
        lambda: world.delegate(
            delegator_organisation=world.ccg,
            area=world.bury,
            start_date=D(2022, 4, 1),
            end_date=D(2022, 6, 30),
        )
    )

    assert errors == {
        "delegator_organisation": [
            held("NHS Stockport CCG", "Community services", "Bury", "it does not hold it by statute")
        ]
    }


def test_a_holding_for_one_place_does_not_cover_the_whole_system(world):
    errors = refused(
        lambda: world.delegate(
            delegator_organisation=world.ccg,
            area=world.footprint,
            start_date=D(2022, 4, 1),
            end_date=D(2022, 6, 30),
        )
    )

    assert errors == {
        "delegator_organisation": [
            held(
                "NHS Stockport CCG",
                "Community services",
                "Greater Manchester (test)",
                "it does not hold it by statute",
            )
        ]
    }


def test_holding_a_narrower_function_does_not_cover_the_wider_one(world):
    StatutoryHoldingFactory(function=world.nursing, holder=world.council, area=world.stockport)

    errors = refused(lambda: world.delegate(delegator_organisation=world.council))

    assert errors == {
        "delegator_organisation": [
            held("Stockport Council", "Community services", "Stockport", "it does not hold it by statute")
        ]
    }


def test_each_function_it_does_not_hold_is_named(world):
    StatutoryHoldingFactory(function=world.nursing, holder=world.council, area=world.stockport)

    errors = refused(
        lambda: world.delegate(delegator_organisation=world.council, functions=[world.nursing, world.primary])
    )

    assert errors == {
        "delegator_organisation": [
            held("Stockport Council", "Primary care", "Stockport", "it does not hold it by statute")
        ]
    }


def test_a_body_holding_through_a_delegation_must_name_it_as_the_parent(world):
    world.delegate()

    errors = refused(lambda: world.delegate(delegator_body=world.board, delegate_post=world.lead))

    assert errors == {
        "delegator_body": [
            held(
                "Stockport Locality Board",
                "Community services",
                "Stockport",
                "it holds it only through a delegation; choose that delegation as the parent",
            )
        ]
    }


def test_a_post_with_nothing_delegated_to_it_holds_nothing(world):
    errors = refused(lambda: world.delegate(delegator_post=world.lead, delegate_body=world.board))

    assert errors == {
        "delegator_post": [
            held("Place-based lead", "Community services", "Stockport", "it does not hold it by statute")
        ]
    }


# --- A sub-delegation never widens its parent ----------------------------------------------


def test_the_delegator_must_be_the_parents_delegate(world):
    parent = world.delegate()

    errors = refused(
        lambda: world.delegate(
            delegator_organisation=world.council,
            delegate_post=world.lead,
            parent=parent,
            financial_limit=None,
        )
    )

    assert errors == {
        "parent": ["The delegator must be the parent delegation's delegate (Stockport Locality Board)."]
    }


def test_a_parent_that_forbids_onward_delegation_refuses_a_child(world):
    parent = world.delegate(onward_delegation_permitted=False)

    errors = refused(lambda: world.to_lead(parent), parent)

    assert errors == {"parent": ["The parent delegation does not permit onward delegation."]}


def test_a_child_in_force_needs_a_parent_in_force(world):
    parent = world.delegate(status=AGREED)

    errors = refused(lambda: world.to_lead(parent, status=IN_FORCE))

    assert errors == {"parent": ["The parent delegation is not in force on every day of this period."]}


def test_a_parent_revoked_before_it_took_effect_refuses_any_child(world):
    parent = world.delegate(status=REVOKED, end_date=None)

    errors = refused(lambda: world.to_lead(parent, status=PROPOSED))

    assert errors == {"parent": ["The parent delegation is not in force on every day of this period."]}


def test_a_child_may_not_cover_a_function_outside_its_parents(world):
    parent = world.delegate(functions=[world.nursing, world.primary])

    errors = refused(lambda: world.to_lead(parent, functions=[world.community]))

    assert errors == {
        "functions": [
            "A sub-delegation cannot cover Community services: the parent delegation covers only "
            "District nursing, Primary care."
        ]
    }


def test_a_child_may_not_cover_a_wider_area(world):
    parent = world.delegate(area=world.heatons)

    errors = refused(lambda: world.to_lead(parent, area=world.stockport))

    assert errors == {
        "area": [
            "A sub-delegation cannot cover Stockport: the parent delegation applies only to Heatons PCN."
        ]
    }


def test_a_child_may_not_cover_a_neighbouring_area(world):
    parent = world.delegate()

    errors = refused(lambda: world.to_lead(parent, area=world.bury))

    assert errors == {
        "area": ["A sub-delegation cannot cover Bury: the parent delegation applies only to Stockport."]
    }


def test_a_child_may_not_have_a_larger_limit(world):
    parent = world.delegate()

    errors = refused(lambda: world.to_lead(parent, financial_limit=Decimal("1000000.01")))

    assert errors == {
        "financial_limit": [
            "The financial limit cannot exceed the parent delegation's limit of £1,000,000.00."
        ]
    }


def test_a_child_may_have_the_same_limit(world):
    parent = world.delegate()

    assert world.to_lead(parent, financial_limit=Decimal("1000000")).pk is not None


def test_the_limit_is_the_smallest_along_the_chain(world):
    parent = world.delegate(financial_limit=Decimal("500000"))
    middle = world.to_lead(parent, financial_limit=None, onward_delegation_permitted=True)
    deputy = OrganisationFactory(name="Stockport deputy provider")

    errors = refused(
        lambda: world.delegate(
            delegator_post=world.lead,
            delegate_organisation=deputy,
            parent=middle,
            financial_limit=Decimal("600000"),
        )
    )

    assert errors == {
        "financial_limit": ["The financial limit cannot exceed the parent delegation's limit of £500,000.00."]
    }


def test_a_child_may_not_start_before_its_parent(world):
    parent = world.delegate(start_date=D(2022, 8, 1), end_date=D(2023, 3, 31))

    errors = refused(lambda: world.to_lead(parent, start_date=D(2022, 7, 1), end_date=D(2023, 3, 31)))

    assert errors == {
        "start_date": ["A sub-delegation must fall within its parent's period (1 Aug 2022 – 31 Mar 2023)."]
    }


def test_a_child_may_not_outlast_its_parent(world):
    parent = world.delegate(end_date=D(2023, 3, 31))

    errors = refused(lambda: world.to_lead(parent, end_date=None))

    assert errors == {
        "end_date": ["A sub-delegation must fall within its parent's period (1 Jul 2022 – 31 Mar 2023)."]
    }


def test_a_child_with_open_ends_under_a_bounded_parent_is_refused_at_both_ends(world):
    parent = world.delegate(start_date=D(2022, 8, 1), end_date=D(2023, 3, 31))

    errors = refused(lambda: world.to_lead(parent, start_date=None, end_date=None))

    message = "A sub-delegation must fall within its parent's period (1 Aug 2022 – 31 Mar 2023)."
    assert errors == {"start_date": [message], "end_date": [message]}


def test_every_way_a_child_widens_its_parent_is_reported_at_once(world):
    parent = world.delegate(area=world.heatons, end_date=D(2023, 3, 31))

    errors = refused(
        lambda: world.to_lead(
            parent,
            functions=[world.primary],
            area=world.stockport,
            financial_limit=Decimal("2000000"),
            end_date=D(2023, 4, 1),
        )
    )

    assert set(errors) == {"functions", "area", "financial_limit", "end_date"}


# --- No cycles -----------------------------------------------------------------------------


def test_a_chain_cannot_come_back_to_its_root(world):
    child = world.to_lead(world.delegate(), onward_delegation_permitted=True)

    errors = refused(
        lambda: world.delegate(
            delegator_post=world.lead, delegate_organisation=world.icb, parent=child, financial_limit=None
        )
    )

    assert errors == {
        "delegate_organisation": [
            "NHS Greater Manchester Integrated Care already holds this authority earlier in the chain: "
            "a delegation cannot go back up it."
        ]
    }


def test_a_chain_cannot_come_back_to_a_delegate_earlier_in_it(world):
    child = world.to_lead(world.delegate(), onward_delegation_permitted=True)

    errors = refused(
        lambda: world.delegate(
            delegator_post=world.lead, delegate_body=world.board, parent=child, financial_limit=None
        )
    )

    assert errors == {
        "delegate_body": [
            "Stockport Locality Board already holds this authority earlier in the chain: "
            "a delegation cannot go back up it."
        ]
    }


def test_a_holder_cannot_delegate_to_itself(world):
    errors = refused(lambda: world.delegate(delegate_organisation=world.icb))

    assert errors == {"delegate_organisation": ["A holder cannot delegate to itself."]}


# --- Reserved matters ----------------------------------------------------------------------


def test_a_reserved_function_cannot_be_delegated(world):
    gm_board = BodyFactory(name="GM ICB board (test)", system=world.system, areas=[world.footprint])
    ReservedMatterFactory(
        function=world.community,
        reserved_to_organisation=None,
        reserved_to_body=gm_board,
        area=world.stockport,
    )

    errors = refused(lambda: world.delegate())

    assert errors == {
        "functions": ["Community services is reserved to GM ICB board (test): it cannot be delegated."]
    }


@pytest.mark.parametrize("where", ["everywhere", "footprint", "stockport", "heatons"])
def test_a_function_within_a_reserved_one_cannot_be_delegated_where_the_areas_meet(world, where):
    area = {
        "everywhere": None,
        "footprint": world.footprint,
        "stockport": world.stockport,
        "heatons": world.heatons,
    }
    ReservedMatterFactory(function=world.commissioning, reserved_to_organisation=world.icb, area=area[where])

    errors = refused(lambda: world.delegate(functions=[world.nursing]))

    assert errors == {
        "functions": [
            "District nursing is reserved to NHS Greater Manchester Integrated Care: it cannot be delegated."
        ]
    }


def test_a_reservation_overlapping_the_period_is_enough(world):
    ReservedMatterFactory(
        function=world.community, reserved_to_organisation=world.icb, start_date=D(2024, 4, 1)
    )

    errors = refused(lambda: world.delegate(end_date=None))

    assert list(errors) == ["functions"]
    assert world.delegate(end_date=D(2024, 3, 31)).pk is not None


# --- The delegate exists throughout --------------------------------------------------------


def test_a_delegate_organisation_must_exist_from_the_start(world):
    errors = refused(
        lambda: world.delegate(
            delegator_organisation=world.ccg,
            delegate_organisation=world.icb,
            start_date=D(2022, 4, 1),
            end_date=D(2022, 6, 30),
        )
    )

    assert errors == {
        "delegate_organisation": [
            "NHS Greater Manchester Integrated Care does not exist on every day of this period "
            "(its first day is 1 Jul 2022)."
        ]
    }


def test_a_delegate_post_must_exist_to_the_end(world):
    world.lead.end_date = D(2023, 3, 31)
    world.lead.save()

    errors = refused(lambda: world.delegate(delegate_post=world.lead))

    assert errors == {
        "delegate_post": [
            "Place-based lead does not exist on every day of this period (its last day is 31 Mar 2023)."
        ]
    }


def test_a_delegate_body_needs_a_recorded_status(world):
    body = BodyFactory(name="Unrecorded board", system=world.system, areas=[world.stockport])

    errors = refused(lambda: world.delegate(delegate_body=body))

    assert errors == {
        "delegate_body": [
            "Unrecorded board does not exist on every day of this period (no status is recorded for it)."
        ]
    }


def test_a_delegate_body_must_be_recorded_from_the_start(world):
    errors = refused(
        lambda: world.delegate(
            delegator_organisation=world.ccg, start_date=D(2022, 1, 1), end_date=D(2022, 6, 30)
        )
    )

    assert errors == {
        "delegate_body": [
            "Stockport Locality Board does not exist on every day of this period "
            "(its recorded status starts on 1 Apr 2022)."
        ]
    }


def test_a_delegate_body_that_stood_down_is_refused(world):
    world.board.statuses.update(end_date=D(2023, 3, 31))
    BodyStatusFactory(body=world.board, status=Status.STOOD_DOWN, start_date=D(2023, 4, 1))

    errors = refused(lambda: world.delegate())

    assert errors == {
        "delegate_body": [
            "Stockport Locality Board does not exist on every day of this period (it stood down on 1 Apr 2023)."
        ]
    }
    assert world.delegate(end_date=D(2023, 3, 31)).pk is not None


# --- Fields --------------------------------------------------------------------------------


def test_at_least_one_function_is_delegated(world):
    errors = refused(lambda: world.delegate(functions=[]))

    assert errors == {"functions": ["Choose at least one function to delegate."]}


def test_only_one_delegator(world):
    errors = refused(
        lambda: world.delegate(
            delegator_organisation=world.icb, delegator_body=world.board, delegate_post=world.lead
        )
    )

    assert errors == {"delegator_organisation": ["Give who delegates: one organisation, body or post."]}


def test_someone_is_delegated_to(world):
    errors = refused(lambda: world.delegate(delegate_body=None))

    assert errors == {"delegate_organisation": ["Give who is delegated to: one organisation, body or post."]}


def test_a_negative_limit_is_refused(world):
    errors = refused(lambda: world.delegate(financial_limit=Decimal("-1")))

    assert errors == {"financial_limit": ["A financial limit cannot be negative."]}


def test_an_unknown_vehicle_is_refused(world):
    errors = refused(lambda: world.delegate(vehicle="handshake"))

    assert errors == {"vehicle": ["Value 'handshake' is not a valid choice."]}


def test_an_end_before_the_start_is_refused(world):
    errors = refused(lambda: world.delegate(end_date=D(2022, 6, 30)))

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_nothing_is_saved_when_refused(world):
    before = Delegation.objects.count()

    refused(lambda: world.delegate(delegator_organisation=world.council))

    assert Delegation.objects.count() == before
    assert DelegationFactory._meta.model is Delegation


def test_a_body_cannot_delegate_to_itself_and_is_told_beside_the_body(world):
    parent = world.delegate()

    errors = refused(
        lambda: world.delegate(delegator_body=world.board, delegate_body=world.board, parent=parent)
    )

    assert errors == {"delegate_body": ["A holder cannot delegate to itself."]}


def test_functions_not_in_the_catalogue_are_refused(world):
    errors = refused(lambda: world.delegate(functions=["district nursing"]))

    assert errors == {"functions": ["Choose functions from the catalogue."]}
