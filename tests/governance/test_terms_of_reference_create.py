"""terms_of_reference_create, _update, _delete: versions of a body's terms of reference.

An approved version names the body that approved it, which must have been meeting (shadow or
established) on the day.
"""

import datetime as dt

import pytest

from governance.choices import Status
from governance.models import TermsOfReference
from governance.services import (
    terms_of_reference_create,
    terms_of_reference_delete,
    terms_of_reference_update,
)

from .factories import BodyFactory, BodyStatusFactory, TermsOfReferenceFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def board():
    """Proposed in 2020, shadow from April 2021, established July 2022 to March 2024, then stood down."""
    body = BodyFactory(name="Partnership Board")
    for status, start, end in [
        (Status.PROPOSED, D(2020, 1, 1), D(2021, 3, 31)),
        (Status.SHADOW, D(2021, 4, 1), D(2022, 6, 30)),
        (Status.ESTABLISHED, D(2022, 7, 1), D(2024, 3, 31)),
        (Status.STOOD_DOWN, D(2024, 4, 1), None),
    ]:
        BodyStatusFactory(body=body, status=status, start_date=start, end_date=end)
    return body


@pytest.fixture
def executive(board):
    return BodyFactory(name="Partnership Executive", system=board.system)


def test_records_a_draft_version_and_who_did_it(staff_user, executive):
    terms = terms_of_reference_create(
        body=executive,
        version="Draft, November 2020",
        text="The Executive leads delivery of the strategy.",
        document_url="https://example.org/tor.pdf",
        actor=staff_user,
    )

    terms.refresh_from_db()
    assert (terms.body, terms.version, terms.approved_on, terms.approved_by) == (
        executive,
        "Draft, November 2020",
        None,
        None,
    )
    assert_recorded(terms, "created", staff_user, service="terms_of_reference_create")


@pytest.mark.parametrize("approved_on", [D(2021, 4, 1), D(2022, 6, 30), D(2022, 7, 1), D(2024, 3, 31)])
def test_a_version_approved_by_a_body_in_shadow_or_established(staff_user, board, executive, approved_on):
    terms = terms_of_reference_create(
        body=executive,
        version="1.0",
        approved_on=approved_on,
        approved_by=board,
        review_due=D(2025, 3, 31),
        actor=staff_user,
    )

    terms.refresh_from_db()
    assert (terms.approved_on, terms.approved_by, terms.review_due) == (approved_on, board, D(2025, 3, 31))


def test_a_body_may_approve_its_own_terms_of_reference(staff_user, board):
    terms = terms_of_reference_create(
        body=board, version="1.0", approved_on=D(2022, 7, 1), approved_by=board, actor=staff_user
    )

    assert terms.approved_by == board


@pytest.mark.parametrize(
    "approved_on, state",
    [
        (D(2021, 3, 31), "it was only proposed then"),
        (D(2024, 4, 1), "it had stood down"),
        (D(2019, 12, 31), "no status is recorded for it on that date"),
    ],
)
def test_approval_by_a_body_that_was_not_meeting_is_refused(staff_user, board, executive, approved_on, state):
    errors = refused(
        lambda: terms_of_reference_create(
            body=executive, version="1.0", approved_on=approved_on, approved_by=board, actor=staff_user
        )
    )

    day = approved_on.strftime("%-d %b %Y")
    assert errors == {
        "approved_by": [
            f"Partnership Board did not exist on {day} ({state}), so it cannot have approved these terms of reference."
        ]
    }


def test_approval_by_a_body_with_no_status_at_all_is_refused(staff_user, executive):
    newcomer = BodyFactory(name="People Board", system=executive.system)

    errors = refused(
        lambda: terms_of_reference_create(
            body=executive, version="1.0", approved_on=D(2022, 1, 1), approved_by=newcomer, actor=staff_user
        )
    )

    assert errors == {
        "approved_by": [
            "People Board did not exist on 1 Jan 2022 (no status is recorded for it on that date), "
            "so it cannot have approved these terms of reference."
        ]
    }


def test_an_approval_date_needs_the_approving_body(staff_user, executive):
    errors = refused(
        lambda: terms_of_reference_create(
            body=executive, version="1.0", approved_on=D(2022, 1, 1), actor=staff_user
        )
    )

    assert errors == {"approved_by": ["Say which body approved this version."]}


def test_an_approving_body_needs_the_approval_date(staff_user, board, executive):
    errors = refused(
        lambda: terms_of_reference_create(body=executive, version="1.0", approved_by=board, actor=staff_user)
    )

    assert errors == {"approved_on": ["Give the date it was approved."]}


def test_the_review_date_may_not_be_before_the_approval(staff_user, board, executive):
    errors = refused(
        lambda: terms_of_reference_create(
            body=executive,
            version="1.0",
            approved_on=D(2022, 7, 1),
            approved_by=board,
            review_due=D(2022, 6, 30),
            actor=staff_user,
        )
    )

    assert errors == {"review_due": ["The review date must be on or after the approval date."]}


def test_a_version_name_is_used_once_per_body(staff_user, executive):
    existing = TermsOfReferenceFactory(body=executive, version="1.0")

    errors = refused(
        lambda: terms_of_reference_create(body=executive, version="1.0", actor=staff_user), existing
    )

    assert errors == {"version": ["This body already has a version with this name."]}


def test_another_body_may_use_the_same_version_name(staff_user, board, executive):
    TermsOfReferenceFactory(body=executive, version="1.0")

    terms_of_reference_create(body=board, version="1.0", actor=staff_user)

    assert TermsOfReference.objects.filter(version="1.0", body__in=[board, executive]).count() == 2


def test_a_version_is_required(staff_user, executive):
    errors = refused(lambda: terms_of_reference_create(body=executive, version="", actor=staff_user))

    assert errors == {"version": ["This field cannot be blank."]}


def test_a_document_link_must_be_a_web_address(staff_user, executive):
    errors = refused(
        lambda: terms_of_reference_create(
            body=executive, version="1.0", document_url="not a url", actor=staff_user
        )
    )

    assert errors == {"document_url": ["Enter a valid URL."]}


# --- Update and delete ---------------------------------------------------------------------


def test_approving_a_draft_and_recording_who_did_it(staff_user, board, executive):
    draft = TermsOfReferenceFactory(body=executive, version="Draft")

    terms_of_reference_update(
        draft,
        version="1.0",
        approved_on=D(2022, 9, 1),
        approved_by=board,
        review_due=D(2023, 9, 1),
        actor=staff_user,
    )

    draft.refresh_from_db()
    assert (draft.version, draft.approved_on, draft.approved_by) == ("1.0", D(2022, 9, 1), board)
    assert_recorded(draft, "updated", staff_user, service="terms_of_reference_update")


def test_moving_an_approval_to_a_day_the_approver_was_stood_down_is_refused(staff_user, board, executive):
    terms = TermsOfReferenceFactory(body=executive, approved_on=D(2022, 9, 1), approved_by=board)

    errors = refused(
        lambda: terms_of_reference_update(terms, approved_on=D(2024, 6, 1), actor=staff_user), terms
    )

    assert errors == {
        "approved_by": [
            "Partnership Board did not exist on 1 Jun 2024 (it had stood down), "
            "so it cannot have approved these terms of reference."
        ]
    }


def test_renaming_to_another_versions_name_is_refused(staff_user, executive):
    TermsOfReferenceFactory(body=executive, version="1.0")
    second = TermsOfReferenceFactory(body=executive, version="2.0")

    errors = refused(lambda: terms_of_reference_update(second, version="1.0", actor=staff_user), second)

    assert errors == {"version": ["This body already has a version with this name."]}


def test_terms_of_reference_cannot_move_to_another_body(staff_user, board, executive):
    terms = TermsOfReferenceFactory(body=executive)

    errors = refused(lambda: terms_of_reference_update(terms, body=board, actor=staff_user), terms)

    assert errors == {"body": ["Terms of reference cannot move to another body."]}


def test_deletes_a_version_and_records_who_did_it(staff_user, executive):
    terms = TermsOfReferenceFactory(body=executive)
    pk = terms.pk

    terms_of_reference_delete(terms, actor=staff_user)

    assert not TermsOfReference.objects.filter(pk=pk).exists()
    event = TermsOfReference.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "terms_of_reference_delete"}
