"""system_update: correcting a system."""

import pytest

from organisations.services import system_update

from .factories import SystemFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db


def test_system_update_changes_the_population(staff_user, reference):
    gm = reference.gm

    system_update(gm, population_estimate=2_800_000, actor=staff_user)

    gm.refresh_from_db()
    assert gm.population_estimate == 2_800_000
    assert_recorded(gm, "updated", staff_user, service="system_update")


def test_system_update_refuses_another_systems_ods_code(staff_user, refused):
    SystemFactory(ods_code="QX2")
    system = SystemFactory()

    errors = refused(lambda: system_update(system, ods_code="qx2", actor=staff_user), system)

    assert errors == {"ods_code": ["Another system already has this ODS code."]}
