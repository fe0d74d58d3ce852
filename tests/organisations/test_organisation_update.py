"""organisation_update: correcting an organisation, its dates, codes and areas."""

import datetime as dt

import pytest

from organisations.models import Organisation
from organisations.services import organisation_update

from .factories import LocalityFactory, OrganisationFactory, SuccessionFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date


def test_renames_and_moves_an_organisation_between_areas(staff_user):
    old_area, new_area = LocalityFactory(), LocalityFactory()
    org = OrganisationFactory(name="Old name", areas=[old_area])

    organisation_update(org, name="New name", areas=[new_area], actor=staff_user)

    org = Organisation.objects.get(pk=org.pk)
    assert org.name == "New name"
    assert list(org.areas.all()) == [new_area]
    event = assert_recorded(org, "updated", staff_user, service="organisation_update")
    assert event.name == "New name"


def test_duplicate_ods_code_is_refused_whatever_its_case(staff_user, refused):
    org = OrganisationFactory(ods_code="X01")

    errors = refused(lambda: organisation_update(org, ods_code="rwj", actor=staff_user), org)

    assert errors == {"ods_code": ["Another organisation already has this ODS code."]}


def test_keeping_its_own_ods_code_is_fine(staff_user):
    org = OrganisationFactory(ods_code="X02")

    organisation_update(org, ods_code="x02", name="Renamed", actor=staff_user)

    org.refresh_from_db()
    assert (org.ods_code, org.name) == ("X02", "Renamed")


def test_end_before_start_is_refused(staff_user, refused):
    org = OrganisationFactory(start_date=D(2020, 4, 1))

    errors = refused(lambda: organisation_update(org, end_date=D(2020, 3, 31), actor=staff_user), org)

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_unknown_kind_is_refused(staff_user, refused):
    org = OrganisationFactory()

    errors = refused(lambda: organisation_update(org, kind="quango", actor=staff_user), org)

    assert errors == {"kind": ["Value 'quango' is not a valid choice."]}


def test_fields_outside_the_form_cannot_be_changed(staff_user, refused):
    org = OrganisationFactory()

    errors = refused(lambda: organisation_update(org, id=999999, actor=staff_user), org)

    assert errors == {"id": ["This field cannot be changed here."]}


def test_a_refused_update_keeps_the_areas(staff_user, refused):
    area, other = LocalityFactory(), LocalityFactory()
    org = OrganisationFactory(areas=[area])

    refused(lambda: organisation_update(org, ods_code="01w", areas=[other], actor=staff_user), org)

    assert list(Organisation.objects.get(pk=org.pk).areas.all()) == [area]


def test_closing_a_successor_before_it_took_over_is_refused(staff_user, refused):
    """A succession cannot take effect after its successor closed (see succession_create); closing
    the successor afterwards must not break that either."""
    icb = OrganisationFactory(name="NHS Example ICB")
    SuccessionFactory(successor=icb, effective_date=D(2022, 7, 1))

    errors = refused(lambda: organisation_update(icb, end_date=D(2022, 6, 30), actor=staff_user), icb)

    assert errors == {
        "end_date": [
            "NHS Example ICB takes over another organisation's functions on 1 July 2022; it cannot close before then."
        ]
    }
