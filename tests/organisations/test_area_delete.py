"""area_delete: removing an area recorded in error."""

import pytest

from organisations.models import Area, AreaMember
from organisations.services import area_delete

from .factories import AreaMemberFactory, NeighbourhoodFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_deletes_a_footprint_and_its_member_links(staff_user):
    link = AreaMemberFactory()
    footprint = link.footprint
    pk = footprint.pk

    area_delete(footprint, actor=staff_user)

    assert not Area.objects.filter(pk=pk).exists()
    assert not AreaMember.objects.filter(footprint_id=pk).exists()
    assert Area.objects.filter(pk=link.member_id).exists()  # the member itself stays


def test_an_area_with_children_cannot_be_deleted(staff_user, refused):
    pcn = NeighbourhoodFactory()
    place = pcn.parent

    errors = refused(lambda: area_delete(place, actor=staff_user), place, pcn)

    assert errors == {
        "__all__": [
            "This area cannot be deleted while other records refer to it (areas). "
            "End its period instead, or remove those records first."
        ]
    }


def test_an_area_organisations_serve_cannot_be_deleted(staff_user, refused):
    pcn = NeighbourhoodFactory()
    OrganisationFactory(areas=[pcn])

    errors = refused(lambda: area_delete(pcn, actor=staff_user), pcn)

    assert errors == {
        "__all__": [
            "This area cannot be deleted while other records refer to it (organisation areas). "
            "End its period instead, or remove those records first."
        ]
    }


def test_a_reference_place_cannot_be_deleted(staff_user, refused, reference):
    bury = reference.area("Bury")

    errors = refused(lambda: area_delete(bury, actor=staff_user), bury)

    assert errors["__all__"][0].startswith("This area cannot be deleted while other records refer to it")
