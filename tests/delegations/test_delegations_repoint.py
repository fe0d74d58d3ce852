"""delegations_repoint: a closed organisation's delegations pass to its successor when asked. Each
ends on the closing day and is made again by the successor from the next day, its sub-delegations
carried on beneath; all or nothing, and the report says what changed in words."""

from decimal import Decimal

import pytest

from delegations.choices import DelegationStatus
from delegations.models import Delegation
from delegations.services import RepointReport, delegations_repoint
from tests.organisations.factories import OrganisationFactory

from .factories import DelegationFactory, FunctionFactory
from .helpers import D, Stockport, assert_recorded, nothing_changes, refused

pytestmark = pytest.mark.django_db

CCG_TO_BOARD = "NHS Stockport CCG → Stockport Locality Board"
BOARD_TO_LEAD = "Stockport Locality Board → Place-based lead"
ICB = "NHS Greater Manchester Integrated Care"


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


@pytest.fixture
def chain(world):
    """The CCG's delegation to the board from 1 Apr 2022 and the board's to the lead, recorded as
    running on (before anyone re-pointed them)."""
    root = DelegationFactory(
        delegator_organisation=world.ccg,
        delegate_organisation=None,
        delegate_body=world.board,
        area=world.stockport,
        start_date=D(2022, 4, 1),
        financial_limit=Decimal("1000000"),
        onward_delegation_permitted=True,
        conditions="Within the locality plan.",
        functions=[world.community],
    )
    child = DelegationFactory(
        parent=root,
        delegator_organisation=None,
        delegator_body=world.board,
        delegate_organisation=None,
        delegate_post=world.lead,
        area=world.heatons,
        start_date=D(2022, 4, 1),
        financial_limit=Decimal("250000"),
        functions=[world.nursing],
    )
    return root, child


def test_ends_each_delegation_and_makes_it_again_from_the_successor(world, chain):
    root, child = chain

    report = delegations_repoint(closed=world.ccg, successor=world.icb, actor=world.actor)

    assert isinstance(report, RepointReport)
    new_root, new_child = report.created
    assert report.ended == [root, child]
    assert report.changes == [
        f"Ended delegation {root.pk} ({CCG_TO_BOARD}) on 30 Jun 2022; "
        f"created delegation {new_root.pk} from {ICB} from 1 Jul 2022.",
        f"Ended delegation {child.pk} ({BOARD_TO_LEAD}) on 30 Jun 2022; "
        f"created delegation {new_child.pk} under delegation {new_root.pk} from 1 Jul 2022.",
    ]
    for old in (root, child):
        old.refresh_from_db()
        assert (old.status, old.end_date) == (DelegationStatus.IN_FORCE, D(2022, 6, 30))
        assert_recorded(old, "updated", world.actor, service="delegations_repoint")
    new_root.refresh_from_db()
    assert (new_root.delegator, new_root.delegate, new_root.parent) == (world.icb, world.board, None)
    assert (new_root.start_date, new_root.end_date) == (D(2022, 7, 1), None)
    assert (new_root.financial_limit, new_root.conditions) == (
        Decimal("1000000"),
        "Within the locality plan.",
    )
    assert list(new_root.functions.all()) == [world.community]
    new_child.refresh_from_db()
    assert (new_child.parent, new_child.delegator, new_child.delegate) == (new_root, world.board, world.lead)
    assert (new_child.area, new_child.financial_limit) == (world.heatons, Decimal("250000"))
    assert list(new_child.functions.all()) == [world.nursing]
    assert_recorded(new_child, "created", world.actor, service="delegations_repoint")


def test_running_it_again_changes_nothing(world, chain):
    delegations_repoint(closed=world.ccg, successor=world.icb, actor=world.actor)

    with nothing_changes(*chain):
        report = delegations_repoint(closed=world.ccg, successor=world.icb, actor=world.actor)

    assert report == RepointReport()


def test_a_successor_that_does_not_hold_the_function_refuses_the_whole_change(world, chain):
    root, child = chain

    errors = refused(
        lambda: delegations_repoint(closed=world.ccg, successor=world.council, actor=world.actor), root, child
    )

    assert errors == {
        "successor": [
            f"Delegation {root.pk} ({CCG_TO_BOARD}) could not be re-pointed: Stockport Council did not hold "
            "Community services for Stockport on every day of this period: it does not hold it by statute."
        ]
    }


def test_one_delegation_that_cannot_pass_stops_the_others(world, chain):
    root, child = chain
    specialised = FunctionFactory(name="Specialised services")
    other = DelegationFactory(
        delegator_organisation=world.ccg,
        delegate_organisation=world.council,
        area=world.bury,
        start_date=D(2022, 4, 1),
        functions=[specialised],
    )

    errors = refused(
        lambda: delegations_repoint(closed=world.ccg, successor=world.icb, actor=world.actor),
        root,
        child,
        other,
    )

    assert errors == {
        "successor": [
            f"Delegation {other.pk} (NHS Stockport CCG → Stockport Council) could not be re-pointed: "
            f"{ICB} did not hold Specialised services for Bury on every day of this period: "
            "it does not hold it by statute."
        ]
    }


def test_delegations_over_before_the_closure_stay_with_the_closed_holder(world):
    over = DelegationFactory(
        delegator_organisation=world.ccg,
        delegate_body=world.board,
        delegate_organisation=None,
        area=world.stockport,
        end_date=D(2022, 6, 30),
        functions=[world.community],
    )

    with nothing_changes(over):
        assert (
            delegations_repoint(closed=world.ccg, successor=world.icb, actor=world.actor) == RepointReport()
        )


def test_a_delegation_due_to_start_after_the_closure_is_made_by_the_successor(world):
    later = DelegationFactory(
        delegator_organisation=world.ccg,
        delegate_body=world.board,
        delegate_organisation=None,
        area=world.stockport,
        start_date=D(2022, 9, 1),
        status=DelegationStatus.AGREED,
        functions=[world.community],
    )

    report = delegations_repoint(closed=world.ccg, successor=world.icb, actor=world.actor)

    later.refresh_from_db()
    assert later.delegator == world.icb
    assert report.changes == [
        f"Delegation {later.pk} ({CCG_TO_BOARD}) starts after NHS Stockport CCG closed; it is now made by {ICB}."
    ]
    assert (report.ended, report.created) == ([], [])


def test_a_sub_delegation_due_to_start_after_the_closure_moves_under_the_new_one(world, chain):
    root, child = chain
    Delegation.objects.filter(pk=child.pk).update(start_date=D(2022, 9, 1))

    report = delegations_repoint(closed=world.ccg, successor=world.icb, actor=world.actor)

    (new_root,) = report.created
    child.refresh_from_db()
    assert child.parent == new_root
    assert (
        report.changes[1]
        == f"Delegation {child.pk} ({BOARD_TO_LEAD}) now sits under delegation {new_root.pk}."
    )


def test_an_organisation_with_no_closing_date_is_refused(world):
    errors = refused(
        lambda: delegations_repoint(closed=world.council, successor=world.icb, actor=world.actor)
    )

    assert errors == {
        "closed": ["Stockport Council has no closing date recorded; record when it closed first."]
    }


def test_the_successor_is_another_organisation(world):
    errors = refused(lambda: delegations_repoint(closed=world.ccg, successor=world.ccg, actor=world.actor))

    assert errors == {"successor": ["Choose another organisation as the successor."]}


def test_a_successor_not_yet_open_is_refused(world, chain):
    late = OrganisationFactory(name="Late ICB", start_date=D(2022, 8, 1))

    errors = refused(lambda: delegations_repoint(closed=world.ccg, successor=late, actor=world.actor), *chain)

    assert list(errors) == ["successor"]
