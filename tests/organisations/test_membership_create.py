"""membership_create: an organisation joining a system's partnership, in a category."""

import datetime as dt

import pytest

from organisations.choices import MembershipCategory
from organisations.models import PartnershipMembership
from organisations.services import membership_create

from .factories import MembershipFactory, OrganisationFactory, SystemFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date
OVERLAP = "This organisation is already a partner of this system in that period."


def test_membership_create_adds_a_partner(staff_user, reference):
    org = OrganisationFactory(name="Innovation Agency")

    membership = membership_create(
        system=reference.cm,
        organisation=org,
        category=MembershipCategory.OTHER_PARTNERS,
        start_date=D(2021, 4, 1),
        sources=[{"document": "003", "section": "MoU Annex A"}],
        actor=staff_user,
    )

    assert PartnershipMembership.objects.filter(system=reference.cm, organisation=org).count() == 1
    assert_recorded(membership, "created", staff_user, service="membership_create")


@pytest.mark.parametrize(
    "start, end",
    [(D(2021, 12, 31), None), (None, D(2021, 1, 1)), (None, None), (D(2021, 6, 1), D(2021, 6, 30))],
)
def test_membership_create_refuses_an_overlap_in_the_same_system(staff_user, refused, start, end):
    existing = MembershipFactory(start_date=D(2021, 1, 1), end_date=D(2021, 12, 31))

    errors = refused(
        lambda: membership_create(
            system=existing.system,
            organisation=existing.organisation,
            category=MembershipCategory.OTHER_PARTNERS,
            start_date=start,
            end_date=end,
            actor=staff_user,
        ),
        existing,
    )

    assert errors == {"start_date": [OVERLAP]}


def test_membership_create_refuses_a_second_open_membership_of_a_reference_partner(
    staff_user, refused, reference
):
    errors = refused(
        lambda: membership_create(
            system=reference.cm,
            organisation=reference.org("Cheshire East Council"),
            category=MembershipCategory.LOCAL_AUTHORITIES,
            start_date=D(2023, 1, 1),
            actor=staff_user,
        )
    )

    assert errors == {"start_date": [OVERLAP]}


def test_membership_create_allows_consecutive_periods_and_other_systems(staff_user):
    existing = MembershipFactory(start_date=D(2021, 1, 1), end_date=D(2021, 12, 31))

    membership_create(
        system=existing.system,
        organisation=existing.organisation,
        category=existing.category,
        start_date=D(2022, 1, 1),
        actor=staff_user,
    )
    membership_create(
        system=SystemFactory(),
        organisation=existing.organisation,
        category=existing.category,
        start_date=D(2021, 1, 1),
        actor=staff_user,
    )

    assert existing.organisation.memberships.count() == 3


def test_membership_create_refuses_a_period_when_the_organisation_did_not_exist(staff_user, refused):
    org = OrganisationFactory(name="NHS Old CCG", end_date=D(2022, 6, 30))
    system = SystemFactory()

    errors = refused(
        lambda: membership_create(
            system=system,
            organisation=org,
            category=MembershipCategory.NHS_COMMISSIONERS,
            start_date=D(2022, 7, 1),
            actor=staff_user,
        )
    )

    assert errors == {"start_date": ["NHS Old CCG did not exist during this period."]}


def test_membership_create_refuses_end_before_start(staff_user, refused):
    org, system = OrganisationFactory(), SystemFactory()

    errors = refused(
        lambda: membership_create(
            system=system,
            organisation=org,
            category=MembershipCategory.OTHER_PARTNERS,
            start_date=D(2022, 1, 1),
            end_date=D(2021, 1, 1),
            actor=staff_user,
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_membership_create_refuses_an_unknown_category(staff_user, refused):
    org, system = OrganisationFactory(), SystemFactory()

    errors = refused(
        lambda: membership_create(system=system, organisation=org, category="friends", actor=staff_user)
    )

    assert errors == {"category": ["Value 'friends' is not a valid choice."]}
