"""post_update: correcting a post's title, owner, places or period."""

import datetime as dt

import pytest

from organisations.services import post_update

from .factories import PostFactory, PostHoldingFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date


def test_renames_a_post_and_records_the_actor(staff_user):
    post = PostFactory(title="Chief Officer")

    post_update(post, title="Accountable Officer", actor=staff_user)

    post.refresh_from_db()
    assert post.title == "Accountable Officer"
    event = assert_recorded(post, "updated", staff_user, service="post_update")
    assert event.title == "Accountable Officer"


def test_reducing_places_below_those_filled_is_refused(staff_user, refused):
    post = PostFactory(capacity=2)
    PostHoldingFactory(post=post, position=2)

    errors = refused(lambda: post_update(post, capacity=1, actor=staff_user), post)

    assert errors == {"capacity": ["Some holdings fill places beyond this number; end them first."]}


def test_removing_the_posts_only_owner_is_refused(staff_user, refused):
    post = PostFactory()

    errors = refused(lambda: post_update(post, organisation=None, actor=staff_user), post)

    assert errors == {"organisation": ["A post belongs to an organisation or an area (or both)."]}


def test_end_before_start_is_refused(staff_user, refused):
    post = PostFactory(start_date=D(2021, 1, 1))

    errors = refused(lambda: post_update(post, end_date=D(2020, 1, 1), actor=staff_user), post)

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_ending_a_post_before_its_holding_ends_is_refused(staff_user, refused):
    """A holding falls within its post's period; closing the post must not leave one outside."""
    post = PostFactory(start_date=D(2020, 1, 1))
    PostHoldingFactory(post=post, start_date=D(2020, 1, 1), end_date=D(2022, 6, 30))

    errors = refused(lambda: post_update(post, end_date=D(2021, 12, 31), actor=staff_user), post)

    assert errors == {"end_date": ["Some holdings fall outside this period; change or end them first."]}


def test_a_holding_with_unrecorded_dates_does_not_block_dating_the_post(staff_user):
    post = PostFactory()
    PostHoldingFactory(post=post, start_date=None, end_date=None)

    post_update(post, start_date=D(2020, 1, 1), end_date=D(2022, 6, 30), actor=staff_user)

    post.refresh_from_db()
    assert (post.start_date, post.end_date) == (D(2020, 1, 1), D(2022, 6, 30))
