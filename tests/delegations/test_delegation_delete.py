"""delegation_delete: a delegation recorded in error is removed with its functions; one with
sub-delegations is not."""

import pytest

from delegations.models import Delegation, DelegationFunction
from delegations.services import delegation_delete

from .helpers import Stockport, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


def test_deletes_the_delegation_and_its_functions_recording_who_did_it(world):
    delegation = world.delegate(functions=[world.nursing, world.primary])
    pk = delegation.pk

    delegation_delete(delegation, actor=world.actor)

    assert not Delegation.objects.filter(pk=pk).exists()
    assert not DelegationFunction.objects.filter(delegation_id=pk).exists()
    event = Delegation.pgh_event_model.objects.filter(pgh_obj_id=pk).order_by("-pgh_id").first()
    assert event.pgh_label == "deleted"
    assert event.pgh_context.metadata["user"] == world.actor.pk
    assert event.pgh_context.metadata["service"] == "delegation_delete"


def test_a_delegation_with_sub_delegations_is_not_deleted(world):
    parent = world.delegate()
    child = world.to_lead(parent)

    errors = refused(lambda: delegation_delete(parent, actor=world.actor), parent, child)

    assert errors == {
        "__all__": [
            "This delegation has sub-delegations; it cannot be deleted. Revoke it, or delete those first."
        ]
    }
