"""area_update: correcting an area, its parent and the areas a footprint is made of."""

import datetime as dt

import pytest

from organisations.services import area_update

from .factories import AreaMemberFactory, LocalityFactory, NeighbourhoodFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date


def test_renames_an_area_and_records_the_actor(staff_user):
    pcn = NeighbourhoodFactory(name="PCN 1")

    area_update(pcn, name="Heatons PCN", population_estimate=42000, actor=staff_user)

    pcn.refresh_from_db()
    assert (pcn.name, pcn.population_estimate) == ("Heatons PCN", 42000)
    assert_recorded(pcn, "updated", staff_user, service="area_update")


def test_changes_the_members_of_a_footprint(staff_user):
    link = AreaMemberFactory()
    footprint = link.footprint
    newcomer = LocalityFactory(system=footprint.system, parent=footprint.parent)

    area_update(footprint, members=[newcomer], actor=staff_user)

    assert list(footprint.members.all()) == [newcomer]


def test_a_footprint_containing_itself_is_refused(staff_user, refused):
    link = AreaMemberFactory()
    footprint = link.footprint

    errors = refused(
        lambda: area_update(footprint, members=[link.member, footprint], actor=staff_user), footprint
    )

    assert errors == {"members": ["A footprint cannot contain itself."]}


def test_moving_to_a_parent_in_another_system_is_refused(staff_user, refused, reference):
    pcn = NeighbourhoodFactory(parent=reference.area("Stockport"))

    errors = refused(
        lambda: area_update(pcn, parent=reference.area("Cheshire East", system="C&M"), actor=staff_user), pcn
    )

    assert errors == {"parent": ["The parent area must be in the same system."]}


def test_moving_to_a_parent_of_the_wrong_tier_is_refused(staff_user, refused):
    pcn = NeighbourhoodFactory()

    errors = refused(lambda: area_update(pcn, parent=pcn.parent.parent, actor=staff_user), pcn)

    assert errors == {
        "parent": ["A neighbourhood area sits within a locality / place area, not a system area."]
    }


def test_taking_another_areas_ons_code_is_refused(staff_user, refused):
    place = LocalityFactory(ons_code="E99000001")

    errors = refused(lambda: area_update(place, ons_code="e08000002", actor=staff_user), place)

    assert errors == {"ons_code": ["Another area already has this ONS code."]}


def test_end_before_start_is_refused(staff_user, refused):
    place = LocalityFactory(start_date=D(2020, 1, 1))

    errors = refused(lambda: area_update(place, end_date=D(2019, 1, 1), actor=staff_user), place)

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_unknown_kind_is_refused(staff_user, refused):
    place = LocalityFactory()

    errors = refused(lambda: area_update(place, kind="county", actor=staff_user), place)

    assert errors == {"kind": ["Value 'county' is not a valid choice."]}


def test_a_refused_update_keeps_the_members(staff_user, refused):
    link = AreaMemberFactory()
    footprint = link.footprint
    other = LocalityFactory(system=footprint.system, parent=footprint.parent)

    refused(lambda: area_update(footprint, kind="bogus", members=[other], actor=staff_user), footprint)

    assert list(footprint.members.all()) == [link.member]


def test_an_area_editor_may_not_move_their_area_under_another(stockport_editor, reference):
    import pytest
    from django.core.exceptions import ValidationError

    from organisations.services import area_update

    stockport = reference.area("Stockport")
    with pytest.raises(ValidationError) as refused:
        area_update(stockport, actor=stockport_editor, parent=reference.area("Bury"))
    assert refused.value.message_dict == {"parent": ["You may not move an area outside the areas you edit."]}
    stockport.refresh_from_db()
    assert stockport.parent.tier == "system"
