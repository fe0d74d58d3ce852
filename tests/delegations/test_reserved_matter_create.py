"""reserved_matter_create, _update, _delete: a function reserved to a holder is never delegated,
so a reservation cannot be made over a delegation already proposed, agreed or in force."""

import pytest

from delegations.models import ReservedMatter
from delegations.services import (
    delegation_revoke,
    reserved_matter_create,
    reserved_matter_delete,
    reserved_matter_update,
)
from tests.governance.factories import BodyFactory

from .factories import ReservedMatterFactory
from .helpers import D, Stockport, assert_recorded, refused

pytestmark = pytest.mark.django_db

ONE_HOLDER = "Give the organisation or the body the matter is reserved to (one of them)."


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


@pytest.fixture
def gm_board(world):
    return BodyFactory(name="GM ICB board (test)", system=world.system, areas=[world.footprint])


def test_reserves_a_function_to_a_body_and_records_who_did_it(world, gm_board):
    matter = reserved_matter_create(
        function=world.primary,
        reserved_to_body=gm_board,
        area=world.footprint,
        start_date=D(2022, 7, 1),
        note="Reserved to the board.",
        sources=[{"document": "001", "section": "§6.6"}],
        actor=world.actor,
    )

    matter.refresh_from_db()
    assert (matter.function, matter.holder, matter.area) == (world.primary, gm_board, world.footprint)
    assert_recorded(matter, "created", world.actor, service="reserved_matter_create")


def test_reserves_a_function_to_an_organisation_everywhere(world):
    matter = reserved_matter_create(
        function=world.primary, reserved_to_organisation=world.icb, actor=world.actor
    )

    assert (matter.holder, matter.area) == (world.icb, None)


def test_a_reservation_names_one_holder(world, gm_board):
    errors = refused(
        lambda: reserved_matter_create(
            function=world.primary,
            reserved_to_organisation=world.icb,
            reserved_to_body=gm_board,
            actor=world.actor,
        )
    )

    assert errors == {"reserved_to_organisation": [ONE_HOLDER]}


def test_a_reservation_needs_a_holder(world):
    errors = refused(lambda: reserved_matter_create(function=world.primary, actor=world.actor))

    assert errors == {"reserved_to_organisation": [ONE_HOLDER]}


def already(delegation, function="Community services"):
    return (
        f"Delegation {delegation.pk} (NHS Greater Manchester Integrated Care → Stockport Locality Board) already "
        f"delegates {function} here on some of these dates; end or revoke it before reserving this matter."
    )


@pytest.mark.parametrize("status", ["proposed", "agreed", "in_force"])
def test_a_function_already_delegated_cannot_be_reserved(world, status):
    delegation = world.delegate(status=status)

    errors = refused(
        lambda: reserved_matter_create(
            function=world.community,
            reserved_to_organisation=world.icb,
            area=world.stockport,
            actor=world.actor,
        )
    )

    assert errors == {"function": [already(delegation)]}


@pytest.mark.parametrize("where", ["everywhere", "footprint", "heatons"])
def test_a_wider_function_around_a_delegated_one_cannot_be_reserved_where_the_areas_meet(world, where):
    delegation = world.delegate(functions=[world.nursing])
    area = {"everywhere": None, "footprint": world.footprint, "heatons": world.heatons}[where]

    errors = refused(
        lambda: reserved_matter_create(
            function=world.commissioning, reserved_to_organisation=world.icb, area=area, actor=world.actor
        )
    )

    assert errors == {"function": [already(delegation, "Test commissioning")]}


def test_a_delegation_elsewhere_earlier_or_revoked_does_not_stop_a_reservation(world):
    world.delegate(area=world.bury)
    world.delegate(end_date=D(2023, 3, 31))
    delegation_revoke(
        world.delegate(status="proposed", start_date=D(2023, 4, 1)), on=D(2023, 4, 1), actor=world.actor
    )

    matter = reserved_matter_create(
        function=world.community,
        reserved_to_organisation=world.icb,
        area=world.stockport,
        start_date=D(2023, 4, 1),
        actor=world.actor,
    )

    assert matter.pk is not None


def test_a_function_within_a_delegated_one_may_be_reserved(world):
    world.delegate(functions=[world.community])

    matter = reserved_matter_create(
        function=world.nursing, reserved_to_organisation=world.icb, actor=world.actor
    )

    assert matter.function == world.nursing


def test_an_end_before_the_start_is_refused(world):
    errors = refused(
        lambda: reserved_matter_create(
            function=world.primary,
            reserved_to_organisation=world.icb,
            start_date=D(2022, 7, 1),
            end_date=D(2022, 6, 30),
            actor=world.actor,
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


# --- Changing and deleting -----------------------------------------------------------------


def test_changes_a_reservation_and_records_who_did_it(world, gm_board):
    matter = ReservedMatterFactory(function=world.primary, reserved_to_organisation=world.icb)

    reserved_matter_update(matter, reserved_to_body=gm_board, note="To the board.", actor=world.actor)

    matter.refresh_from_db()
    assert (matter.reserved_to_organisation, matter.reserved_to_body, matter.note) == (
        None,
        gm_board,
        "To the board.",
    )
    assert_recorded(matter, "updated", world.actor, service="reserved_matter_update")


def test_stretching_a_reservation_over_a_delegation_is_refused(world):
    delegation = world.delegate(start_date=D(2023, 4, 1))
    matter = ReservedMatterFactory(
        function=world.community,
        reserved_to_organisation=world.icb,
        area=world.stockport,
        end_date=D(2023, 3, 31),
    )

    errors = refused(lambda: reserved_matter_update(matter, end_date=None, actor=world.actor), matter)

    assert errors == {"function": [already(delegation)]}


def test_deletes_a_reservation(world):
    matter = ReservedMatterFactory(function=world.primary)
    pk = matter.pk

    reserved_matter_delete(matter, actor=world.actor)

    assert not ReservedMatter.objects.filter(pk=pk).exists()
