"""system_delete: removing a system recorded in error."""

import pytest

from organisations.models import System
from organisations.services import system_delete

from .factories import SystemAreaFactory, SystemFactory

pytestmark = pytest.mark.django_db


def test_system_delete_removes_an_empty_system(staff_user):
    system = SystemFactory()
    pk = system.pk

    system_delete(system, actor=staff_user)

    assert not System.objects.filter(pk=pk).exists()


def test_system_delete_refuses_a_system_with_areas(staff_user, refused):
    area = SystemAreaFactory()

    errors = refused(lambda: system_delete(area.system, actor=staff_user), area.system, area)

    assert errors == {
        "__all__": [
            "This system cannot be deleted while other records refer to it (areas). "
            "End its period instead, or remove those records first."
        ]
    }
