"""statutory_holding_update and statutory_holding_delete: a holding cannot change or go while a
delegation made under it relies on it."""

import pytest

from delegations.models import StatutoryHolding
from delegations.services import statutory_holding_delete, statutory_holding_update

from .factories import StatutoryHoldingFactory
from .helpers import D, Stockport, assert_recorded, refused

pytestmark = pytest.mark.django_db

ICB = "NHS Greater Manchester Integrated Care"


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


def test_changes_a_holding_and_records_who_did_it(world):
    statutory_holding_update(world.icb_holding, basis="Health and Care Act 2022", actor=world.actor)

    world.icb_holding.refresh_from_db()
    assert world.icb_holding.basis == "Health and Care Act 2022"
    assert_recorded(world.icb_holding, "updated", world.actor, service="statutory_holding_update")


def test_ending_a_holding_a_delegation_relies_on_is_refused(world):
    delegation = world.delegate()

    errors = refused(
        lambda: statutory_holding_update(world.icb_holding, end_date=D(2023, 3, 31), actor=world.actor),
        world.icb_holding,
    )

    assert errors == {
        "end_date": [
            f"Delegation {delegation.pk} ({ICB} → Stockport Locality Board) relies on this holding: {ICB} did not "
            "hold Community services for Stockport on every day of this period: it held it until 31 Mar 2023."
        ]
    }


def test_narrowing_the_area_under_a_delegation_is_refused(world):
    world.delegate(area=world.bury)

    errors = refused(
        lambda: statutory_holding_update(world.icb_holding, area=world.stockport, actor=world.actor),
        world.icb_holding,
    )

    assert list(errors) == ["area"]


def test_a_change_that_still_covers_its_delegations_is_accepted(world):
    world.delegate(end_date=D(2023, 3, 31))

    statutory_holding_update(world.icb_holding, end_date=D(2023, 3, 31), actor=world.actor)

    world.icb_holding.refresh_from_db()
    assert world.icb_holding.end_date == D(2023, 3, 31)


def test_holding_it_twice_on_the_same_day_is_refused(world):
    earlier = StatutoryHoldingFactory(
        function=world.commissioning, holder=world.icb, area=world.footprint, end_date=D(2022, 3, 31)
    )

    errors = refused(lambda: statutory_holding_update(earlier, end_date=None, actor=world.actor), earlier)

    assert errors == {
        "start_date": ["This organisation already holds this function for this area on some of these dates."]
    }


def test_deletes_a_holding_nothing_relies_on(world):
    holding = StatutoryHoldingFactory()
    pk = holding.pk

    statutory_holding_delete(holding, actor=world.actor)

    assert not StatutoryHolding.objects.filter(pk=pk).exists()


def test_deleting_a_holding_a_delegation_relies_on_is_refused(world):
    delegation = world.delegate()

    errors = refused(
        lambda: statutory_holding_delete(world.icb_holding, actor=world.actor), world.icb_holding
    )

    assert errors == {
        "__all__": [
            f"Delegation {delegation.pk} ({ICB} → Stockport Locality Board) relies on this holding: {ICB} did not "
            "hold Community services for Stockport on every day of this period: it does not hold it by statute."
        ]
    }
