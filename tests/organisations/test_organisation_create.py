"""organisation_create: adding an organisation, the areas it serves, and its identifiers."""

import datetime as dt

import pytest

from organisations.choices import OrganisationKind
from organisations.models import Organisation, OrganisationArea
from organisations.services import organisation_create

from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date
DUPLICATE_ODS = "Another organisation already has this ODS code."


def test_creates_an_organisation_serving_its_areas(staff_user, reference):
    org = organisation_create(
        name="Stockport Provider Partnership",
        kind=OrganisationKind.OTHER,
        ods_code=" x99 ",
        start_date=D(2021, 4, 1),
        areas=[reference.area("Stockport")],
        sources=[{"document": "001", "section": "§8.4"}],
        actor=staff_user,
    )

    org.refresh_from_db()
    assert org.ods_code == "X99"  # codes are kept in upper case, without spaces
    assert list(org.areas.all()) == [reference.area("Stockport")]
    assert_recorded(org, "created", staff_user, service="organisation_create")
    link = OrganisationArea.objects.get(organisation=org)
    assert_recorded(link, "created", staff_user, service="organisation_areas")
    assert link.sources == [
        {"document": "001", "section": "§8.4"}
    ]  # the link cites its organisation's sources


@pytest.mark.parametrize("code", ["01W", "01w", " 01w "])
def test_duplicate_ods_code_is_refused_whatever_its_case(staff_user, refused, code):
    """NHS Stockport CCG has ODS code 01W."""
    errors = refused(
        lambda: organisation_create(
            name="Another CCG", kind=OrganisationKind.CCG, ods_code=code, actor=staff_user
        )
    )

    assert errors == {"ods_code": [DUPLICATE_ODS]}


def test_organisations_without_an_ods_code_may_be_many(staff_user):
    first = organisation_create(name="Partner A", kind=OrganisationKind.VCFSE, actor=staff_user)
    second = organisation_create(
        name="Partner B", kind=OrganisationKind.VCFSE, ods_code="  ", actor=staff_user
    )

    assert first.ods_code == second.ods_code == ""


def test_unknown_kind_is_refused(staff_user, refused):
    errors = refused(lambda: organisation_create(name="Something", kind="charity", actor=staff_user))

    assert errors == {"kind": ["Value 'charity' is not a valid choice."]}


def test_end_before_start_is_refused(staff_user, refused):
    errors = refused(
        lambda: organisation_create(
            name="Short-lived CCG",
            kind=OrganisationKind.CCG,
            start_date=D(2022, 7, 1),
            end_date=D(2022, 6, 30),
            actor=staff_user,
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_a_name_is_required(staff_user, refused):
    errors = refused(lambda: organisation_create(name="", kind=OrganisationKind.OTHER, actor=staff_user))

    assert errors == {"name": ["This field cannot be blank."]}


def test_invalid_sources_are_refused(staff_user, refused):
    errors = refused(
        lambda: organisation_create(
            name="X", kind=OrganisationKind.OTHER, sources=[{"document": "001", "url": "x"}], actor=staff_user
        )
    )

    assert errors == {"sources": ["Unknown source keys: url."]}


def test_a_refused_organisation_records_no_areas(staff_user, refused, reference):
    """The areas are not linked when the organisation itself is refused."""
    bury = reference.area("Bury")
    before = OrganisationArea.objects.filter(area=bury).count()

    refused(
        lambda: organisation_create(
            name="Dup", kind=OrganisationKind.CCG, ods_code="00v", areas=[bury], actor=staff_user
        )
    )

    assert OrganisationArea.objects.filter(area=bury).count() == before
    assert not Organisation.objects.filter(name="Dup").exists()
