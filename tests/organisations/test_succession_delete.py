"""succession_delete: removing a succession recorded in error."""

import pytest

from organisations.models import Succession
from organisations.services import succession_delete

from .factories import SuccessionFactory

pytestmark = pytest.mark.django_db


def test_delete_removes_a_succession_recorded_in_error(staff_user):
    succession = SuccessionFactory()
    pk = succession.pk

    succession_delete(succession, actor=staff_user)

    assert not Succession.objects.filter(pk=pk).exists()
    event = Succession.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata["user"] == staff_user.pk
