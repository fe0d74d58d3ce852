"""membership_update: correcting or ending a partnership membership."""

import datetime as dt

import pytest

from organisations.services import membership_update

from .factories import MembershipFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date
OVERLAP = "This organisation is already a partner of this system in that period."


def test_membership_update_ends_a_membership(staff_user):
    membership = MembershipFactory(start_date=D(2021, 1, 1))

    membership_update(membership, end_date=D(2022, 6, 30), actor=staff_user)

    membership.refresh_from_db()
    assert membership.end_date == D(2022, 6, 30)
    assert_recorded(membership, "updated", staff_user, service="membership_update")


def test_membership_update_refuses_stretching_into_another_membership(staff_user, refused):
    first = MembershipFactory(start_date=D(2020, 1, 1), end_date=D(2020, 12, 31))
    MembershipFactory(system=first.system, organisation=first.organisation, start_date=D(2021, 1, 1))

    errors = refused(lambda: membership_update(first, end_date=None, actor=staff_user), first)

    assert errors == {"start_date": [OVERLAP]}


def test_membership_update_refuses_end_before_start(staff_user, refused):
    membership = MembershipFactory(start_date=D(2021, 1, 1))

    errors = refused(
        lambda: membership_update(membership, end_date=D(2020, 12, 31), actor=staff_user), membership
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}
