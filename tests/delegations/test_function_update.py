"""function_update and function_delete: renaming and moving functions in the catalogue.

Moving a function carries every function within it along (their recorded ancestors change too);
a function cannot move within itself, nor in a way that would leave a delegation invalid.
"""

import pytest

from delegations.models import Function
from delegations.services import function_delete, function_update

from .factories import FunctionFactory, ReservedMatterFactory, StatutoryHoldingFactory
from .helpers import Stockport, assert_recorded, refused

pytestmark = pytest.mark.django_db

WITHIN_ITSELF = "A function cannot be part of itself or of a function within it."


@pytest.fixture
def tree():
    """Health → Community → Nursing → Night nursing; and Social care."""
    health = FunctionFactory(name="Health")
    community = FunctionFactory(name="Community", parent=health)
    nursing = FunctionFactory(name="Nursing", parent=community)
    night = FunctionFactory(name="Night nursing", parent=nursing)
    social = FunctionFactory(name="Social care")
    return health, community, nursing, night, social


def ancestors(function):
    function.refresh_from_db()
    return function.ancestor_ids


def test_renames_a_function_and_records_who_did_it(staff_user, tree):
    _, community, *_ = tree

    function_update(community, name="Community services", description="Out of hospital.", actor=staff_user)

    community.refresh_from_db()
    assert (community.name, community.description) == ("Community services", "Out of hospital.")
    assert_recorded(community, "updated", staff_user, service="function_update")


def test_moving_a_function_carries_the_functions_within_it(staff_user, tree):
    health, community, nursing, night, social = tree

    function_update(community, parent=social, actor=staff_user)

    assert ancestors(community) == [social.pk]
    assert ancestors(nursing) == [social.pk, community.pk]
    assert ancestors(night) == [social.pk, community.pk, nursing.pk]
    assert ancestors(health) == []
    assert_recorded(night, "updated", staff_user, service="function_update")
    assert set(Function.objects.within(social.pk)) == {social, community, nursing, night}


def test_moving_a_function_to_the_top_level(staff_user, tree):
    _, _, nursing, night, _ = tree

    function_update(nursing, parent=None, actor=staff_user)

    assert ancestors(nursing) == []
    assert ancestors(night) == [nursing.pk]


def test_a_function_cannot_be_part_of_itself(staff_user, tree):
    _, community, *_ = tree

    errors = refused(lambda: function_update(community, parent=community, actor=staff_user), community)

    assert errors == {"parent": [WITHIN_ITSELF]}


def test_a_function_cannot_move_within_a_function_within_it(staff_user, tree):
    _, community, nursing, night, _ = tree

    errors = refused(
        lambda: function_update(community, parent=night, actor=staff_user), community, nursing, night
    )

    assert errors == {"parent": [WITHIN_ITSELF]}


def test_the_same_name_twice_in_one_place_is_refused(staff_user, tree):
    health, community, *_ = tree
    other = FunctionFactory(name="Community", parent=FunctionFactory())

    errors = refused(lambda: function_update(other, parent=health, actor=staff_user), other)

    assert errors == {"name": ["A function with this name already exists here."]}


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


def test_a_move_that_takes_a_function_outside_its_parent_delegation_is_refused(world):
    child = world.to_lead(world.delegate(), functions=[world.nursing])

    errors = refused(
        lambda: function_update(world.nursing, parent=world.primary, actor=world.actor), world.nursing
    )

    assert errors == {
        "parent": [
            f"Delegation {child.pk} (Stockport Locality Board → Place-based lead) would no longer be valid: "
            "A sub-delegation cannot cover District nursing: the parent delegation covers only Community services."
        ]
    }


def test_a_move_that_leaves_a_sub_delegation_outside_its_parent_is_refused(world):
    parent = world.delegate(functions=[world.community])
    world.to_lead(parent, functions=[world.nursing])

    errors = refused(lambda: function_update(world.nursing, parent=None, actor=world.actor), world.nursing)

    assert list(errors) == ["parent"]


def test_a_move_that_takes_a_function_outside_what_its_delegator_holds_is_refused(world):
    delegation = world.delegate(functions=[world.primary])

    errors = refused(lambda: function_update(world.primary, parent=None, actor=world.actor), world.primary)

    assert errors == {
        "parent": [
            f"Delegation {delegation.pk} (NHS Greater Manchester Integrated Care → Stockport Locality Board) "
            "would no longer be valid: NHS Greater Manchester Integrated Care did not hold Primary care for "
            "Stockport on every day of this period: it does not hold it by statute."
        ]
    }


def test_a_move_into_a_reserved_function_is_refused(world):
    reserved = FunctionFactory(name="Reserved decisions", parent=world.commissioning)
    ReservedMatterFactory(function=reserved, reserved_to_organisation=world.icb, area=world.footprint)
    delegation = world.delegate(functions=[world.nursing])

    errors = refused(
        lambda: function_update(world.nursing, parent=reserved, actor=world.actor), world.nursing
    )

    assert errors == {
        "parent": [
            f"Delegation {delegation.pk} (NHS Greater Manchester Integrated Care → Stockport Locality Board) "
            "would no longer be valid: District nursing is reserved to NHS Greater Manchester Integrated Care: "
            "it cannot be delegated."
        ]
    }


def test_a_move_that_keeps_delegations_valid_is_accepted(world):
    world.delegate(functions=[world.nursing])

    function_update(world.nursing, parent=world.primary, actor=world.actor)

    assert ancestors(world.nursing) == [world.commissioning.pk, world.primary.pk]


# --- Deleting ------------------------------------------------------------------------------


def test_deletes_an_unused_function(staff_user):
    function = FunctionFactory()
    pk = function.pk

    function_delete(function, actor=staff_user)

    assert not Function.objects.filter(pk=pk).exists()


@pytest.mark.parametrize("use", ["child", "holding"])
def test_a_function_in_use_is_not_deleted(staff_user, use):
    function = FunctionFactory()
    if use == "child":
        FunctionFactory(parent=function)
    else:
        StatutoryHoldingFactory(function=function)

    errors = refused(lambda: function_delete(function, actor=staff_user), function)

    what = {"child": "functions", "holding": "statutory holdings"}[use]
    assert errors == {
        "__all__": [
            f"This function cannot be deleted while other records refer to it ({what}). "
            "End its period instead, or remove those records first."
        ]
    }
