"""delegation_revoke: a delegation stops on the day it is revoked; the day before is its last day
in force. One revoked before it ever took effect has no last day at all."""

import datetime as dt

import pytest

from delegations.choices import DelegationStatus
from delegations.models import Delegation
from delegations.services import delegation_revoke

from .helpers import D, Stockport, assert_recorded, refused

pytestmark = pytest.mark.django_db

REVOKED = DelegationStatus.REVOKED


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


def test_the_day_before_revocation_is_the_last_day_in_force(world):
    delegation = world.delegate()

    delegation_revoke(delegation, on=D(2023, 4, 1), actor=world.actor)

    delegation.refresh_from_db()
    assert (delegation.status, delegation.end_date) == (REVOKED, D(2023, 3, 31))
    assert delegation.in_force_on(D(2023, 3, 31))
    assert not delegation.in_force_on(D(2023, 4, 1))
    assert delegation in Delegation.objects.in_force(D(2023, 3, 31))
    assert_recorded(delegation, "updated", world.actor, service="delegation_revoke")


def test_revoked_on_its_first_day_it_never_took_effect(world):
    delegation = world.delegate()

    delegation_revoke(delegation, on=D(2022, 7, 1), actor=world.actor)

    delegation.refresh_from_db()
    assert (delegation.status, delegation.end_date) == (REVOKED, None)
    assert not delegation.in_force_on(D(2022, 7, 1))
    assert delegation not in Delegation.objects.in_force(D(2022, 7, 1))


def test_revoked_before_its_first_day_it_never_took_effect(world):
    delegation = world.delegate(start_date=D(2022, 8, 1))

    delegation_revoke(delegation, on=D(2022, 7, 15), actor=world.actor)

    delegation.refresh_from_db()
    assert (delegation.status, delegation.start_date, delegation.end_date) == (REVOKED, D(2022, 8, 1), None)


@pytest.mark.parametrize("status", [DelegationStatus.PROPOSED, DelegationStatus.AGREED])
def test_a_delegation_never_in_force_never_took_effect(world, status):
    delegation = world.delegate(status=status)

    delegation_revoke(delegation, on=D(2023, 4, 1), actor=world.actor)

    delegation.refresh_from_db()
    assert (delegation.status, delegation.end_date) == (REVOKED, None)
    assert not Delegation.objects.in_force(D(2022, 12, 1)).filter(pk=delegation.pk).exists()


def test_revoking_after_it_ended_keeps_its_end(world):
    delegation = world.delegate(end_date=D(2023, 3, 31))

    delegation_revoke(delegation, on=D(2023, 6, 1), actor=world.actor)

    delegation.refresh_from_db()
    assert (delegation.status, delegation.end_date) == (REVOKED, D(2023, 3, 31))


def test_revoking_twice_is_refused(world):
    delegation = world.delegate()
    delegation_revoke(delegation, on=D(2023, 4, 1), actor=world.actor)

    errors = refused(lambda: delegation_revoke(delegation, on=D(2023, 5, 1), actor=world.actor), delegation)

    assert errors == {"on": ["This delegation is already revoked."]}


def test_sub_delegations_are_left_as_they_are(world):
    parent = world.delegate()
    child = world.to_lead(parent)

    delegation_revoke(parent, on=D(2023, 4, 1), actor=world.actor)

    child.refresh_from_db()
    assert (child.status, child.end_date) == (DelegationStatus.IN_FORCE, None)


def test_revoking_from_the_first_day_there_is_means_it_never_took_effect(world):
    """No day comes before 1 January of year 1: the delegation simply never took effect."""
    delegation = world.delegate()

    delegation_revoke(delegation, on=dt.date.min, actor=world.actor)

    delegation.refresh_from_db()
    assert (delegation.status, delegation.end_date) == (REVOKED, None)
