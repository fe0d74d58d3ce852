"""post_holding_delete: removing a holding recorded in error."""

import pytest

from organisations.models import PostHolding
from organisations.services import post_holding_delete

from .factories import PostHoldingFactory

pytestmark = pytest.mark.django_db


def test_deletes_the_holding_and_keeps_its_history(staff_user):
    holding = PostHoldingFactory()
    pk = holding.pk

    post_holding_delete(holding, actor=staff_user)

    assert not PostHolding.objects.filter(pk=pk).exists()
    event = PostHolding.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata["user"] == staff_user.pk
    assert event.pgh_context.metadata["service"] == "post_holding_delete"
