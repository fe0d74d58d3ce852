"""seat_holding_create, _update, _delete: who sits in a seat, as its member or as a deputy.

One member per place of a seat on any day; a deputy or substitute sits beside the member. A
seat for an organisation (or a kind of organisation) takes holders from it.
"""

import datetime as dt

import pytest

from governance.choices import HoldingRole
from governance.models import SeatHolding
from governance.services import HoldingResult, seat_holding_create, seat_holding_delete, seat_holding_update
from organisations.choices import OrganisationKind
from tests.organisations.factories import OrganisationFactory, PersonFactory

from .factories import SeatFactory, SeatHoldingFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db

D = dt.date
DEPUTY = HoldingRole.DEPUTY


@pytest.fixture
def council():
    return OrganisationFactory(name="Stockport Council", kind=OrganisationKind.LOCAL_AUTHORITY)


@pytest.fixture
def trust():
    return OrganisationFactory(
        name="Stockport NHS Foundation Trust", kind=OrganisationKind.NHS_FOUNDATION_TRUST
    )


@pytest.fixture
def person():
    return PersonFactory(name="Ann Example")


def test_appoints_a_member_and_records_who_did_it(staff_user, council, person):
    seat = SeatFactory(represents_kind=OrganisationKind.LOCAL_AUTHORITY)

    result = seat_holding_create(
        seat=seat,
        person=person,
        organisation=council,
        start_date=D(2021, 4, 1),
        sources=[{"document": "000", "section": "Appendix 1"}],
        actor=staff_user,
    )

    assert isinstance(result, HoldingResult)
    assert result.warnings == []
    holding = result.holding
    holding.refresh_from_db()
    assert (holding.seat, holding.person, holding.organisation, holding.role, holding.position) == (
        seat,
        person,
        council,
        "principal",
        1,
    )
    assert holding.start_date == D(2021, 4, 1)
    assert_recorded(holding, "created", staff_user, service="seat_holding_create")


def test_a_seat_for_one_organisation_fills_in_the_holders_organisation(staff_user, council, person):
    seat = SeatFactory(represents_organisation=council)

    holding = seat_holding_create(seat=seat, person=person, actor=staff_user).holding

    holding.refresh_from_db()
    assert holding.organisation == council


def test_an_overlapping_member_in_the_same_place_is_refused(staff_user, person):
    seat = SeatFactory()
    current = SeatHoldingFactory(seat=seat, person=person, start_date=D(2021, 4, 1), end_date=D(2022, 3, 31))

    newcomer = PersonFactory()
    errors = refused(
        lambda: seat_holding_create(
            seat=seat, person=newcomer, position=1, start_date=D(2022, 3, 31), actor=staff_user
        ),
        current,
    )

    assert errors == {
        "start_date": [
            "Ann Example is the member in this place of the seat 1 Apr 2021 – 31 Mar 2022; end that holding first."
        ]
    }


def test_an_overlapping_member_of_a_single_place_seat_is_refused(staff_user):
    seat = SeatFactory()
    SeatHoldingFactory(seat=seat, start_date=D(2021, 4, 1))

    newcomer = PersonFactory()
    errors = refused(
        lambda: seat_holding_create(seat=seat, person=newcomer, start_date=D(2023, 1, 1), actor=staff_user)
    )

    assert errors == {"start_date": ["Someone else holds this seat on some of these dates."]}


def test_the_next_member_may_start_the_day_after_the_last_one_ended(staff_user):
    seat = SeatFactory()
    SeatHoldingFactory(seat=seat, start_date=D(2021, 4, 1), end_date=D(2022, 3, 31))

    holding = seat_holding_create(
        seat=seat, person=PersonFactory(), start_date=D(2022, 4, 1), actor=staff_user
    )

    assert holding.holding.position == 1


def test_a_two_place_seat_gives_the_free_place(staff_user):
    seat = SeatFactory(capacity=2)
    first = seat_holding_create(seat=seat, person=PersonFactory(), start_date=D(2021, 4, 1), actor=staff_user)
    second = seat_holding_create(
        seat=seat, person=PersonFactory(), start_date=D(2021, 6, 1), actor=staff_user
    )

    assert (first.holding.position, second.holding.position) == (1, 2)


def test_a_two_place_seat_gives_a_freed_place_to_the_next_member(staff_user):
    seat = SeatFactory(capacity=2)
    SeatHoldingFactory(seat=seat, position=1, start_date=D(2021, 4, 1), end_date=D(2021, 12, 31))
    SeatHoldingFactory(seat=seat, position=2, start_date=D(2021, 4, 1))

    holding = seat_holding_create(
        seat=seat, person=PersonFactory(), start_date=D(2022, 1, 1), actor=staff_user
    )

    assert holding.holding.position == 1


def test_a_seat_with_every_place_filled_refuses_another_member(staff_user):
    seat = SeatFactory(capacity=2)
    SeatHoldingFactory(seat=seat, position=1, start_date=D(2021, 4, 1))
    SeatHoldingFactory(seat=seat, position=2, start_date=D(2021, 4, 1))

    newcomer = PersonFactory()
    errors = refused(
        lambda: seat_holding_create(seat=seat, person=newcomer, start_date=D(2022, 1, 1), actor=staff_user)
    )

    assert errors == {"start_date": ["All 2 places of this seat are filled on some of these dates."]}


def test_a_place_beyond_the_seats_capacity_is_refused(staff_user, person):
    seat = SeatFactory(capacity=2)

    errors = refused(lambda: seat_holding_create(seat=seat, person=person, position=3, actor=staff_user))

    assert errors == {"position": ["This seat has 2 place(s)."]}


def test_a_deputy_beyond_the_seats_capacity_is_refused(staff_user, person):
    seat = SeatFactory(capacity=1)

    errors = refused(
        lambda: seat_holding_create(seat=seat, person=person, role=DEPUTY, position=2, actor=staff_user)
    )

    assert errors == {"position": ["This seat has 1 place(s)."]}


def test_the_same_person_twice_in_a_seat_is_refused(staff_user, person):
    seat = SeatFactory(capacity=2)
    SeatHoldingFactory(seat=seat, person=person, position=1, start_date=D(2021, 4, 1))

    errors = refused(
        lambda: seat_holding_create(seat=seat, person=person, start_date=D(2022, 1, 1), actor=staff_user)
    )

    assert errors == {"person": ["Ann Example already holds this seat on some of these dates."]}


def test_a_deputy_sits_beside_the_member(staff_user, person):
    seat = SeatFactory()
    SeatHoldingFactory(seat=seat, person=person, start_date=D(2021, 4, 1))

    deputy = seat_holding_create(
        seat=seat, person=PersonFactory(), role=DEPUTY, start_date=D(2021, 4, 1), actor=staff_user
    ).holding
    substitute = seat_holding_create(
        seat=seat,
        person=PersonFactory(),
        role=HoldingRole.SUBSTITUTE,
        start_date=D(2021, 4, 1),
        actor=staff_user,
    ).holding

    assert (deputy.position, deputy.role) == (1, "deputy")
    assert (substitute.position, substitute.role) == (1, "substitute")
    assert SeatHolding.objects.filter(seat=seat).count() == 3


def test_the_member_cannot_also_be_their_own_deputy(staff_user, person):
    seat = SeatFactory()
    SeatHoldingFactory(seat=seat, person=person, start_date=D(2021, 4, 1))

    errors = refused(
        lambda: seat_holding_create(
            seat=seat, person=person, role=DEPUTY, start_date=D(2021, 4, 1), actor=staff_user
        )
    )

    assert errors == {"person": ["Ann Example is the member in this place; a deputy is someone else."]}


def test_a_holder_from_another_organisation_than_the_seat_represents_is_refused(
    staff_user, council, trust, person
):
    seat = SeatFactory(represents_organisation=council)

    errors = refused(
        lambda: seat_holding_create(seat=seat, person=person, organisation=trust, actor=staff_user)
    )

    assert errors == {
        "organisation": [
            "This seat represents Stockport Council; Stockport NHS Foundation Trust is not that organisation."
        ]
    }


def test_a_holder_from_the_wrong_kind_of_organisation_is_refused(staff_user, trust, person):
    seat = SeatFactory(represents_kind=OrganisationKind.LOCAL_AUTHORITY)

    errors = refused(
        lambda: seat_holding_create(seat=seat, person=person, organisation=trust, actor=staff_user)
    )

    assert errors == {
        "organisation": [
            "Stockport NHS Foundation Trust is an NHS foundation trust; this seat represents a local authority."
        ]
    }


def test_a_seat_for_a_kind_of_organisation_needs_the_holders_organisation(staff_user, person):
    seat = SeatFactory(represents_kind=OrganisationKind.NHS_TRUST)

    errors = refused(lambda: seat_holding_create(seat=seat, person=person, actor=staff_user))

    assert errors == {
        "organisation": ["Say which organisation the holder comes from: the seat is for an NHS trust."]
    }


@pytest.mark.parametrize(
    "start, end",
    [
        (D(2021, 3, 31), D(2021, 6, 30)),  # starts before the seat existed
        (D(2021, 6, 1), D(2023, 4, 1)),  # ends after the seat ended
        (None, D(2023, 4, 1)),  # a known end after the seat ended
    ],
)
def test_a_holding_outside_the_seats_period_is_refused(staff_user, person, start, end):
    seat = SeatFactory(start_date=D(2021, 4, 1), end_date=D(2023, 3, 31))

    errors = refused(
        lambda: seat_holding_create(
            seat=seat, person=person, start_date=start, end_date=end, actor=staff_user
        )
    )

    assert errors == {
        "start_date": ["The holding must fall within the seat's own period (1 Apr 2021 – 31 Mar 2023)."]
    }


def test_a_holding_on_the_seats_first_and_last_days_is_accepted(staff_user, person):
    seat = SeatFactory(start_date=D(2021, 4, 1), end_date=D(2023, 3, 31))

    result = seat_holding_create(
        seat=seat, person=person, start_date=D(2021, 4, 1), end_date=D(2023, 3, 31), actor=staff_user
    )

    assert SeatHolding.objects.filter(pk=result.holding.pk).exists()


def test_end_before_start_is_refused(staff_user, person):
    seat = SeatFactory()

    errors = refused(
        lambda: seat_holding_create(
            seat=seat, person=person, start_date=D(2021, 4, 1), end_date=D(2021, 3, 31), actor=staff_user
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


# --- Update and delete ---------------------------------------------------------------------


def test_ends_a_holding_and_records_who_did_it(staff_user, person):
    holding = SeatHoldingFactory(person=person, start_date=D(2021, 4, 1))

    result = seat_holding_update(holding, end_date=D(2022, 3, 31), actor=staff_user)

    holding.refresh_from_db()
    assert holding.end_date == D(2022, 3, 31)
    assert result.warnings == []
    assert_recorded(holding, "updated", staff_user, service="seat_holding_update")


def test_moving_a_member_into_a_filled_place_is_refused(staff_user, person):
    seat = SeatFactory(capacity=2)
    SeatHoldingFactory(seat=seat, person=person, position=1, start_date=D(2021, 4, 1))
    other = SeatHoldingFactory(seat=seat, position=2, start_date=D(2021, 4, 1))

    errors = refused(lambda: seat_holding_update(other, position=1, actor=staff_user), other)

    assert errors == {
        "start_date": [
            "Ann Example is the member in this place of the seat 1 Apr 2021 – present; end that holding first."
        ]
    }


def test_an_update_may_ask_for_any_free_place(staff_user):
    seat = SeatFactory(capacity=3)
    SeatHoldingFactory(seat=seat, position=1, start_date=D(2021, 4, 1))
    holding = SeatHoldingFactory(seat=seat, position=3, start_date=D(2021, 4, 1))

    seat_holding_update(holding, position=None, actor=staff_user)

    holding.refresh_from_db()
    assert holding.position == 2


def test_a_holding_cannot_move_to_another_seat(staff_user):
    holding = SeatHoldingFactory()
    other = SeatFactory()

    errors = refused(lambda: seat_holding_update(holding, seat=other, actor=staff_user), holding)

    assert errors == {"seat": ["A holding cannot move to another seat; end it and record a new one."]}


def test_deletes_a_holding_and_records_who_did_it(staff_user):
    holding = SeatHoldingFactory()
    pk = holding.pk

    seat_holding_delete(holding, actor=staff_user)

    assert not SeatHolding.objects.filter(pk=pk).exists()
    event = SeatHolding.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "seat_holding_delete"}
