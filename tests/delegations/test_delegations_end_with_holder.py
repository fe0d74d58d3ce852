"""delegations_end_with_holder: when an organisation closes, the delegations it made end on its
closing day, and so do the sub-delegations below them. Running it again changes nothing."""

import pytest

from delegations.choices import DelegationStatus
from delegations.services import delegations_end_with_holder
from tests.organisations.factories import OrganisationFactory

from .factories import DelegationFactory
from .helpers import D, Stockport, assert_recorded, nothing_changes, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


def made_before_closure_was_known(world, **given):
    """A delegation recorded as running on, before the CCG's closing date was known."""
    values = {
        "delegator_organisation": world.ccg,
        "delegate_organisation": None,
        "delegate_body": world.board,
        "area": world.stockport,
        "start_date": D(2022, 4, 1),
        "functions": [world.community],
    }
    values.update(given)
    return DelegationFactory(**values)


def below(world, parent, **given):
    values = {
        "parent": parent,
        "delegator_organisation": None,
        "delegator_body": world.board,
        "delegate_organisation": None,
        "delegate_post": world.lead,
        "area": world.stockport,
        "start_date": D(2022, 4, 1),
        "functions": [world.nursing],
    }
    values.update(given)
    return DelegationFactory(**values)


def test_ends_the_closed_holders_delegations_and_those_below_them(world):
    root = made_before_closure_was_known(world)
    child = below(world, root)
    grandchild = below(
        world,
        child,
        delegator_body=None,
        delegator_post=world.lead,
        delegate_post=None,
        delegate_organisation=world.council,
    )

    changed = delegations_end_with_holder(holder=world.ccg, actor=world.actor)

    assert changed == [root, child, grandchild]
    for delegation in changed:
        delegation.refresh_from_db()
        assert (delegation.status, delegation.end_date) == (DelegationStatus.IN_FORCE, D(2022, 6, 30))
        assert_recorded(delegation, "updated", world.actor, service="delegations_end_with_holder")


def test_running_it_again_changes_nothing(world):
    root = made_before_closure_was_known(world)
    below(world, root)
    delegations_end_with_holder(holder=world.ccg, actor=world.actor)

    with nothing_changes(root):
        assert delegations_end_with_holder(holder=world.ccg, actor=world.actor) == []


def test_delegations_already_over_by_the_closure_are_left_alone(world):
    over = made_before_closure_was_known(world, end_date=D(2022, 5, 31))
    on_the_day = made_before_closure_was_known(world, end_date=D(2022, 6, 30))

    with nothing_changes(over, on_the_day):
        assert delegations_end_with_holder(holder=world.ccg, actor=world.actor) == []


def test_a_sub_delegation_ending_before_the_closure_is_left_alone(world):
    root = made_before_closure_was_known(world)
    early = below(world, root, end_date=D(2022, 5, 31))

    assert delegations_end_with_holder(holder=world.ccg, actor=world.actor) == [root]
    early.refresh_from_db()
    assert early.end_date == D(2022, 5, 31)


def test_a_delegation_due_to_start_after_the_closure_never_takes_effect(world):
    later = made_before_closure_was_known(world, start_date=D(2022, 9, 1), status=DelegationStatus.AGREED)

    assert delegations_end_with_holder(holder=world.ccg, actor=world.actor) == [later]

    later.refresh_from_db()
    assert (later.status, later.start_date, later.end_date) == (DelegationStatus.REVOKED, D(2022, 9, 1), None)


def test_other_holders_delegations_are_not_touched(world):
    other = made_before_closure_was_known(world, delegator_organisation=world.council)

    with nothing_changes(other):
        assert delegations_end_with_holder(holder=world.ccg, actor=world.actor) == []


def test_an_organisation_with_no_closing_date_is_refused(world):
    open_org = OrganisationFactory(name="Still open")

    errors = refused(lambda: delegations_end_with_holder(holder=open_org, actor=world.actor))

    assert errors == {"holder": ["Still open has no closing date recorded; record when it closed first."]}
