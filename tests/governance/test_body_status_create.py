"""body_status_create, body_status_update, body_status_delete: a body's life, stage by stage.

A body moves forward through proposed → shadow → established → stood down, never back; its
stages never overlap; a stage may carry another source's conflicting claim, with a note.
"""

import datetime as dt

import pytest

from governance.choices import Status
from governance.models import BodyStatus
from governance.services import body_status_create, body_status_delete, body_status_update

from .factories import BodyFactory, BodyStatusFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db

D = dt.date
BACKWARDS = "A body cannot go from {0} back to {1}: its stages run proposed, shadow, established, stood down."


@pytest.fixture
def body():
    return BodyFactory(name="Partnership Board")


@pytest.fixture
def established(body):
    """Proposed in 2020, shadow from April 2021, established from July 2022, open-ended."""
    BodyStatusFactory(body=body, status=Status.PROPOSED, start_date=D(2020, 1, 1), end_date=D(2021, 3, 31))
    BodyStatusFactory(body=body, status=Status.SHADOW, start_date=D(2021, 4, 1), end_date=D(2022, 6, 30))
    return BodyStatusFactory(body=body, status=Status.ESTABLISHED, start_date=D(2022, 7, 1))


def test_records_a_status_and_who_did_it(staff_user, body):
    record = body_status_create(
        body=body,
        status=Status.SHADOW,
        start_date=D(2021, 4, 1),
        end_date=D(2022, 6, 30),
        note="Shadow form until the ICB is statutory.",
        sources=[{"document": "001", "section": "§3.2"}],
        actor=staff_user,
    )

    record.refresh_from_db()
    assert (record.body, record.status, record.start_date, record.end_date) == (
        body,
        Status.SHADOW,
        D(2021, 4, 1),
        D(2022, 6, 30),
    )
    assert record.note == "Shadow form until the ICB is statutory."
    assert_recorded(record, "created", staff_user, service="body_status_create")


def test_a_lifecycle_recorded_in_order_is_accepted(staff_user, body):
    for status, start, end in [
        (Status.PROPOSED, D(2020, 1, 1), D(2021, 3, 31)),
        (Status.SHADOW, D(2021, 4, 1), D(2022, 6, 30)),
        (Status.ESTABLISHED, D(2022, 7, 1), D(2023, 3, 31)),
        (Status.STOOD_DOWN, D(2023, 4, 1), None),
    ]:
        body_status_create(body=body, status=status, start_date=start, end_date=end, actor=staff_user)

    assert list(body.statuses.order_by("start_date").values_list("status", flat=True)) == [
        "proposed",
        "shadow",
        "established",
        "stood_down",
    ]


def test_stages_may_be_skipped(staff_user, body):
    body_status_create(body=body, status=Status.PROPOSED, end_date=D(2022, 6, 30), actor=staff_user)
    body_status_create(body=body, status=Status.ESTABLISHED, start_date=D(2022, 7, 1), actor=staff_user)

    assert body.statuses.count() == 2


@pytest.mark.parametrize(
    "start, end, clash",
    [
        (D(2022, 6, 30), D(2022, 12, 31), "shadow period (1 Apr 2021 – 30 Jun 2022)"),
        (D(2030, 1, 1), None, "established period (1 Jul 2022 – present)"),
        (None, D(2020, 1, 1), "proposed period (1 Jan 2020 – 31 Mar 2021)"),
    ],
)
def test_a_status_overlapping_another_is_refused(staff_user, body, established, start, end, clash):
    errors = refused(
        lambda: body_status_create(
            body=body, status=Status.STOOD_DOWN, start_date=start, end_date=end, actor=staff_user
        ),
        established,
    )

    assert errors == {"start_date": [f"This period overlaps the body's {clash}; end that one first."]}


def test_another_bodys_statuses_do_not_overlap_this_ones(staff_user, body, established):
    other = BodyFactory()

    body_status_create(body=other, status=Status.ESTABLISHED, start_date=D(2022, 7, 1), actor=staff_user)

    assert other.statuses.count() == 1


@pytest.mark.parametrize(
    "earlier, later",
    [
        (Status.ESTABLISHED, Status.SHADOW),
        (Status.SHADOW, Status.PROPOSED),
        (Status.STOOD_DOWN, Status.ESTABLISHED),
    ],
)
def test_a_status_never_goes_backwards(staff_user, body, earlier, later):
    first = BodyStatusFactory(body=body, status=earlier, start_date=D(2021, 1, 1), end_date=D(2021, 12, 31))

    errors = refused(
        lambda: body_status_create(body=body, status=later, start_date=D(2022, 1, 1), actor=staff_user),
        first,
    )

    assert errors == {"status": [BACKWARDS.format(earlier.label.lower(), later.label.lower())]}


def test_a_later_stage_recorded_before_an_earlier_one_is_refused(staff_user, body):
    BodyStatusFactory(body=body, status=Status.SHADOW, start_date=D(2022, 1, 1))

    errors = refused(
        lambda: body_status_create(
            body=body,
            status=Status.ESTABLISHED,
            start_date=D(2021, 1, 1),
            end_date=D(2021, 12, 31),
            actor=staff_user,
        )
    )

    assert errors == {"status": [BACKWARDS.format("established", "shadow")]}


def test_a_body_cannot_be_stood_down_twice(staff_user, body):
    BodyStatusFactory(body=body, status=Status.STOOD_DOWN, start_date=D(2021, 1, 1), end_date=D(2021, 12, 31))

    errors = refused(
        lambda: body_status_create(
            body=body, status=Status.STOOD_DOWN, start_date=D(2022, 1, 1), actor=staff_user
        )
    )

    assert errors == {"status": ["The body is already recorded as stood down."]}


def test_a_conflicting_status_is_recorded_with_its_note(staff_user, body):
    record = body_status_create(
        body=body,
        status=Status.SHADOW,
        start_date=D(2021, 4, 1),
        conflicting_status=Status.ESTABLISHED,
        conflicting_note="Paper 000 says the board was established in April 2021.",
        actor=staff_user,
    )

    record.refresh_from_db()
    assert (record.conflicting_status, record.conflicting_note) == (
        "established",
        "Paper 000 says the board was established in April 2021.",
    )


@pytest.mark.parametrize("note", ["", "   "])
def test_a_conflicting_status_needs_a_note(staff_user, body, note):
    errors = refused(
        lambda: body_status_create(
            body=body,
            status=Status.SHADOW,
            conflicting_status=Status.ESTABLISHED,
            conflicting_note=note,
            actor=staff_user,
        )
    )

    assert errors == {"conflicting_note": ["Say which source gives the other status, and what it says."]}


def test_a_conflicting_status_must_differ_from_the_status(staff_user, body):
    errors = refused(
        lambda: body_status_create(
            body=body,
            status=Status.SHADOW,
            conflicting_status=Status.SHADOW,
            conflicting_note="Paper 000 agrees.",
            actor=staff_user,
        )
    )

    assert errors == {"conflicting_status": ["A conflicting status differs from the status recorded."]}


def test_end_before_start_is_refused(staff_user, body):
    errors = refused(
        lambda: body_status_create(
            body=body,
            status=Status.SHADOW,
            start_date=D(2021, 4, 1),
            end_date=D(2021, 3, 31),
            actor=staff_user,
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_an_unknown_status_is_refused(staff_user, body):
    errors = refused(lambda: body_status_create(body=body, status="dissolved", actor=staff_user))

    assert errors == {"status": ["Value 'dissolved' is not a valid choice."]}


# --- Update --------------------------------------------------------------------------------


def test_ending_the_current_stage_and_recording_the_next(staff_user, body, established):
    body_status_update(established, end_date=D(2024, 3, 31), actor=staff_user)
    body_status_create(body=body, status=Status.STOOD_DOWN, start_date=D(2024, 4, 1), actor=staff_user)

    established.refresh_from_db()
    assert established.end_date == D(2024, 3, 31)
    assert_recorded(established, "updated", staff_user, service="body_status_update")
    assert body.statuses.count() == 4


def test_an_update_may_not_make_the_lifecycle_run_backwards(staff_user, established):
    errors = refused(
        lambda: body_status_update(established, status=Status.PROPOSED, actor=staff_user), established
    )

    assert errors == {"status": [BACKWARDS.format("shadow", "proposed")]}


def test_an_update_may_not_overlap_another_stage(staff_user, established):
    errors = refused(
        lambda: body_status_update(established, start_date=D(2022, 1, 1), actor=staff_user), established
    )

    assert errors == {
        "start_date": [
            "This period overlaps the body's shadow period (1 Apr 2021 – 30 Jun 2022); end that one first."
        ]
    }


def test_clearing_a_conflicting_status(staff_user, body):
    record = BodyStatusFactory(
        body=body, status=Status.SHADOW, conflicting_status=Status.ESTABLISHED, conflicting_note="Paper 000."
    )

    body_status_update(record, conflicting_status=None, conflicting_note="", actor=staff_user)

    record.refresh_from_db()
    assert (record.conflicting_status, record.conflicting_note) == ("", "")


def test_a_status_cannot_move_to_another_body(staff_user, established):
    other = BodyFactory()

    errors = refused(lambda: body_status_update(established, body=other, actor=staff_user), established)

    assert errors == {"body": ["A status cannot move to another body; delete it and record a new one."]}


# --- Delete --------------------------------------------------------------------------------


def test_deletes_a_status_and_records_who_did_it(staff_user, established):
    pk = established.pk

    body_status_delete(established, actor=staff_user)

    assert not BodyStatus.objects.filter(pk=pk).exists()
    event = BodyStatus.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "body_status_delete"}
