"""function_create: the catalogue of functions, each within the wider function it is part of."""

import pytest

from delegations.choices import SpatialLevel
from delegations.services import function_create

from .factories import FunctionFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db


def test_a_top_level_function_has_no_ancestors(staff_user):
    function = function_create(
        name="Test commissioning",
        description="Commissioning of NHS services.",
        spatial_level=SpatialLevel.SYSTEM,
        level_rationale="A larger footprint is needed.",
        sources=[{"document": "001", "section": "Appendix 2"}],
        actor=staff_user,
    )

    function.refresh_from_db()
    assert (function.name, function.parent, function.ancestor_ids) == ("Test commissioning", None, [])
    assert function.spatial_level == SpatialLevel.SYSTEM
    assert_recorded(function, "created", staff_user, service="function_create")


def test_a_function_records_every_wider_function_outermost_first(staff_user):
    top = function_create(name="Test commissioning", actor=staff_user)
    community = function_create(name="Community services", parent=top, actor=staff_user)

    nursing = function_create(name="District nursing", parent=community, actor=staff_user)

    nursing.refresh_from_db()
    assert nursing.ancestor_ids == [top.pk, community.pk]


def test_the_same_name_twice_in_one_place_is_refused(staff_user):
    top = FunctionFactory(name="Test commissioning")
    FunctionFactory(name="District nursing", parent=top)

    errors = refused(lambda: function_create(name="District nursing", parent=top, actor=staff_user))

    assert errors == {"name": ["A function with this name already exists here."]}


def test_the_same_name_twice_at_the_top_level_is_refused(staff_user):
    FunctionFactory(name="Test commissioning")

    errors = refused(lambda: function_create(name="Test commissioning", actor=staff_user))

    assert errors == {"name": ["A function with this name already exists here."]}


def test_the_same_name_under_another_function_is_accepted(staff_user):
    FunctionFactory(name="Planning", parent=FunctionFactory())

    function = function_create(name="Planning", parent=FunctionFactory(), actor=staff_user)

    assert function.pk is not None


def test_an_unknown_spatial_level_is_refused(staff_user):
    errors = refused(lambda: function_create(name="Test", spatial_level="galactic", actor=staff_user))

    assert errors == {"spatial_level": ["Value 'galactic' is not a valid choice."]}


def test_a_blank_name_is_refused(staff_user):
    errors = refused(lambda: function_create(name="", actor=staff_user))

    assert errors == {"name": ["This field cannot be blank."]}


def test_bad_sources_are_refused(staff_user):
    errors = refused(lambda: function_create(name="Test", sources=[{"section": "x"}], actor=staff_user))

    assert errors == {"sources": ["Each source names its document."]}
