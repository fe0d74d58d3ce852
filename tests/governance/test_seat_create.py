"""seat_create, seat_update, seat_delete: the places on a body and whom they are for."""

import datetime as dt

import pytest

from governance.choices import VotingRight
from governance.models import Seat
from governance.services import seat_create, seat_delete, seat_update
from organisations.choices import OrganisationKind
from tests.organisations.factories import OrganisationFactory, PersonFactory

from .factories import BodyFactory, SeatFactory, SeatHoldingFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def body():
    return BodyFactory(name="Partnership Board")


def test_records_a_seat_and_who_did_it(staff_user, body):
    council = OrganisationFactory(name="Stockport Council", kind=OrganisationKind.LOCAL_AUTHORITY)

    seat = seat_create(
        body=body,
        label="Local authority — Stockport",
        group="Local authority",
        voting=VotingRight.VOTING,
        represents_kind=OrganisationKind.LOCAL_AUTHORITY,
        represents_organisation=council,
        capacity=2,
        start_date=D(2021, 4, 1),
        sources=[{"document": "000", "section": "Appendix 1"}],
        actor=staff_user,
    )

    seat.refresh_from_db()
    assert (seat.body, seat.label, seat.group, seat.voting) == (
        body,
        "Local authority — Stockport",
        "Local authority",
        "voting",
    )
    assert (seat.represents_kind, seat.represents_organisation, seat.capacity) == (
        "local_authority",
        council,
        2,
    )
    assert_recorded(seat, "created", staff_user, service="seat_create")


def test_new_seats_are_listed_after_the_last(staff_user, body):
    SeatFactory(body=body, order=4)

    first = seat_create(body=body, label="Healthwatch", actor=staff_user)
    second = seat_create(body=body, label="VCFSE", actor=staff_user)
    elsewhere = seat_create(body=BodyFactory(), label="Chair", actor=staff_user)

    assert (first.order, second.order, elsewhere.order) == (5, 6, 1)


def test_a_seat_for_an_organisation_of_another_kind_is_refused(staff_user, body):
    trust = OrganisationFactory(
        name="Stockport NHS Foundation Trust", kind=OrganisationKind.NHS_FOUNDATION_TRUST
    )

    errors = refused(
        lambda: seat_create(
            body=body,
            label="Local authority",
            represents_kind=OrganisationKind.LOCAL_AUTHORITY,
            represents_organisation=trust,
            actor=staff_user,
        )
    )

    assert errors == {
        "represents_organisation": [
            "Stockport NHS Foundation Trust is not of the kind the seat is for (local authority)."
        ]
    }


def test_an_acronym_in_a_kind_keeps_its_capitals(staff_user, body):
    council = OrganisationFactory(name="Bury Council", kind=OrganisationKind.LOCAL_AUTHORITY)

    errors = refused(
        lambda: seat_create(
            body=body,
            label="Acute trust",
            represents_kind=OrganisationKind.NHS_TRUST,
            represents_organisation=council,
            actor=staff_user,
        )
    )

    assert errors == {
        "represents_organisation": ["Bury Council is not of the kind the seat is for (NHS trust)."]
    }


def test_a_seat_takes_at_least_one_member(staff_user, body):
    errors = refused(lambda: seat_create(body=body, label="Nobody", capacity=0, actor=staff_user))

    assert errors == {"capacity": ["A seat takes at least one member."]}


def test_a_label_is_required(staff_user, body):
    errors = refused(lambda: seat_create(body=body, label="", actor=staff_user))

    assert errors == {"label": ["This field cannot be blank."]}


def test_end_before_start_is_refused(staff_user, body):
    errors = refused(
        lambda: seat_create(
            body=body, label="Chair", start_date=D(2021, 4, 1), end_date=D(2021, 3, 31), actor=staff_user
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


# --- Update --------------------------------------------------------------------------------


def test_updates_a_seat_and_records_who_did_it(staff_user, body):
    seat = SeatFactory(body=body, label="Healthwatch")

    seat_update(seat, label="Healthwatch (non-voting)", voting=VotingRight.NON_VOTING, actor=staff_user)

    seat.refresh_from_db()
    assert (seat.label, seat.voting) == ("Healthwatch (non-voting)", "non_voting")
    assert_recorded(seat, "updated", staff_user, service="seat_update")


def test_lowering_the_capacity_below_a_place_in_use_is_refused(staff_user, body):
    seat = SeatFactory(body=body, capacity=3)
    SeatHoldingFactory(seat=seat, position=1)
    holding = SeatHoldingFactory(seat=seat, position=2, person=PersonFactory(name="Ann Example"))

    errors = refused(lambda: seat_update(seat, capacity=1, actor=staff_user), seat, holding)

    assert errors == {
        "capacity": ["Place 2 of this seat is recorded (Ann Example); the seat needs at least 2 places."]
    }


def test_lowering_the_capacity_to_the_places_in_use_is_accepted(staff_user, body):
    seat = SeatFactory(body=body, capacity=3)
    SeatHoldingFactory(seat=seat, position=2)

    seat_update(seat, capacity=2, actor=staff_user)

    seat.refresh_from_db()
    assert seat.capacity == 2


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"start_date": D(2021, 1, 1)}, "start_date"),
        ({"end_date": D(2021, 6, 30)}, "end_date"),
        ({"start_date": D(2020, 7, 1), "end_date": D(2020, 12, 31)}, "start_date"),
    ],
)
def test_shrinking_the_seats_period_around_a_holding_is_refused(staff_user, body, changes, field):
    seat = SeatFactory(body=body, start_date=D(2020, 1, 1))
    holding = SeatHoldingFactory(
        seat=seat,
        person=PersonFactory(name="Ann Example"),
        start_date=D(2020, 6, 1),
        end_date=D(2021, 12, 31),
    )

    errors = refused(lambda: seat_update(seat, actor=staff_user, **changes), seat, holding)

    assert errors == {
        field: [
            "Ann Example holds the seat 1 Jun 2020 – 31 Dec 2021, outside this period; change that holding first."
        ]
    }


def test_a_holding_with_unrecorded_dates_does_not_block_dating_the_seat(staff_user, body):
    seat = SeatFactory(body=body)
    SeatHoldingFactory(seat=seat)

    seat_update(seat, start_date=D(2021, 4, 1), end_date=D(2023, 3, 31), actor=staff_user)

    seat.refresh_from_db()
    assert (seat.start_date, seat.end_date) == (D(2021, 4, 1), D(2023, 3, 31))


def test_a_seat_cannot_move_to_another_body(staff_user, body):
    seat, other = SeatFactory(body=body), BodyFactory()

    errors = refused(lambda: seat_update(seat, body=other, actor=staff_user), seat)

    assert errors == {"body": ["A seat cannot move to another body; end it and create one there."]}


# --- Delete --------------------------------------------------------------------------------


def test_deletes_an_empty_seat_and_records_who_did_it(staff_user, body):
    seat = SeatFactory(body=body)
    pk = seat.pk

    seat_delete(seat, actor=staff_user)

    assert not Seat.objects.filter(pk=pk).exists()
    event = Seat.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "seat_delete"}


def test_a_seat_with_holders_cannot_be_deleted(staff_user, body):
    holding = SeatHoldingFactory(seat=SeatFactory(body=body), end_date=D(2021, 3, 31))

    errors = refused(lambda: seat_delete(holding.seat, actor=staff_user), holding.seat, holding)

    assert errors == {
        "__all__": [
            "This seat has holders recorded; end the seat's period instead, so that who sat in it stays on record."
        ]
    }
