"""system_create: adding an integrated care system."""

import datetime as dt

import pytest

from organisations.services import system_create

from .factories import SystemFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db


def test_system_create_records_the_system_and_the_actor(staff_user):
    system = system_create(
        name="Lancashire and South Cumbria",
        short_name="L&SC",
        ods_code="qe1",
        population_estimate=1_700_000,
        icb_statutory_from=dt.date(2022, 7, 1),
        sources=[{"document": "001"}],
        actor=staff_user,
    )

    system.refresh_from_db()
    assert (system.ods_code, system.population_estimate) == ("QE1", 1_700_000)
    assert_recorded(system, "created", staff_user, service="system_create")


@pytest.mark.parametrize("code", ["QX1", "qx1"])
def test_system_create_refuses_a_duplicate_ods_code_whatever_its_case(staff_user, refused, code):
    SystemFactory(ods_code="QX1")

    errors = refused(lambda: system_create(name="Another", short_name="AN", ods_code=code, actor=staff_user))

    assert errors == {"ods_code": ["Another system already has this ODS code."]}


def test_system_create_refuses_a_duplicate_short_name(staff_user, refused):
    errors = refused(lambda: system_create(name="Greater Manchester 2", short_name="GM", actor=staff_user))

    assert errors == {"short_name": ["System with this Short name already exists."]}


def test_system_create_refuses_invalid_sources(staff_user, refused):
    errors = refused(lambda: system_create(name="X", short_name="X", sources=[1, 2], actor=staff_user))

    assert errors == {"sources": ["Give sources as a list of {document, section, note} entries."]}
