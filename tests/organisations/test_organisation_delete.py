"""organisation_delete: removing an organisation recorded in error."""

import datetime as dt

import pytest

from organisations.models import Organisation, OrganisationArea
from organisations.services import organisation_delete

from .factories import LocalityFactory, MembershipFactory, OrganisationFactory, PostFactory, SuccessionFactory

pytestmark = pytest.mark.django_db


def test_deletes_an_organisation_and_the_areas_it_served(staff_user):
    org = OrganisationFactory(areas=[LocalityFactory()])
    pk = org.pk

    organisation_delete(org, actor=staff_user)

    assert not Organisation.objects.filter(pk=pk).exists()
    assert not OrganisationArea.objects.filter(organisation_id=pk).exists()
    event = Organisation.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "organisation_delete"}


@pytest.mark.parametrize("side", ["predecessor", "successor"])
def test_an_organisation_in_a_succession_cannot_be_deleted(staff_user, refused, side):
    succession = SuccessionFactory(effective_date=dt.date(2022, 7, 1))
    org = getattr(succession, side)

    errors = refused(lambda: organisation_delete(org, actor=staff_user), org, succession)

    assert errors == {
        "__all__": [
            "This organisation cannot be deleted while successions refer to it. Record its closing date instead."
        ]
    }


def test_a_reference_ccg_cannot_be_deleted(staff_user, refused, reference):
    ccg = reference.org("NHS Stockport CCG")

    errors = refused(lambda: organisation_delete(ccg, actor=staff_user), ccg)

    assert "successions refer to it" in errors["__all__"][0]


def test_an_organisation_with_memberships_or_posts_cannot_be_deleted(staff_user, refused):
    org = OrganisationFactory(areas=[LocalityFactory()])
    MembershipFactory(organisation=org)
    PostFactory(organisation=org)

    errors = refused(lambda: organisation_delete(org, actor=staff_user), org)

    assert errors == {
        "__all__": [
            "This organisation cannot be deleted while other records refer to it "
            "(partnership memberships, posts). End its period instead, or remove those records first."
        ]
    }
