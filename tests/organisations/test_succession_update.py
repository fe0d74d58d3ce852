"""succession_update: correcting a recorded succession."""

import datetime as dt

import pytest

from organisations.services import succession_update

from .factories import OrganisationFactory, SuccessionFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date


def test_corrects_the_date_and_note(staff_user):
    succession = SuccessionFactory(effective_date=D(2022, 4, 1))

    succession_update(succession, effective_date=D(2022, 7, 1), note="delayed", actor=staff_user)

    succession.refresh_from_db()
    assert (succession.effective_date, succession.note) == (D(2022, 7, 1), "delayed")
    assert_recorded(succession, "updated", staff_user, service="succession_update")
    assert succession.events.filter(pgh_label="deleted").count() == 0  # the loop check leaves no trace


def test_turning_a_succession_into_a_loop_is_refused(staff_user, refused):
    a, b, c = (OrganisationFactory(name=f"Org {x}") for x in "ABC")
    SuccessionFactory(predecessor=a, successor=b)
    b_to_c = SuccessionFactory(predecessor=b, successor=c)

    errors = refused(lambda: succession_update(b_to_c, successor=a, actor=staff_user), b_to_c)

    assert errors == {
        "successor": ["Org A already passes its functions on to Org B: this would make a succession loop."]
    }


def test_pointing_at_itself_is_refused(staff_user, refused):
    succession = SuccessionFactory()

    errors = refused(
        lambda: succession_update(succession, successor=succession.predecessor, actor=staff_user), succession
    )

    assert errors == {"successor": ["An organisation cannot succeed itself."]}


def test_moving_the_date_after_the_successor_closed_is_refused(staff_user, refused):
    succession = SuccessionFactory(
        successor=OrganisationFactory(name="NHS Short CCG", end_date=D(2022, 6, 30)),
        effective_date=D(2020, 4, 1),
    )

    errors = refused(
        lambda: succession_update(succession, effective_date=D(2022, 7, 1), actor=staff_user), succession
    )

    assert errors == {"effective_date": ["NHS Short CCG had closed by this date (30 June 2022)."]}


def test_duplicating_another_succession_is_refused(staff_user, refused):
    first = SuccessionFactory()
    second = SuccessionFactory(predecessor=first.predecessor)

    errors = refused(lambda: succession_update(second, successor=first.successor, actor=staff_user), second)

    assert errors == {"successor": ["This succession is already recorded."]}
