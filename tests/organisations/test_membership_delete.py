"""membership_delete: removing a membership recorded in error."""

import pytest

from organisations.models import PartnershipMembership
from organisations.services import membership_delete

from .factories import MembershipFactory

pytestmark = pytest.mark.django_db

OVERLAP = "This organisation is already a partner of this system in that period."


def test_membership_delete_removes_it(staff_user):
    membership = MembershipFactory()
    pk = membership.pk

    membership_delete(membership, actor=staff_user)

    assert not PartnershipMembership.objects.filter(pk=pk).exists()
