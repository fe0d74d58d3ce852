"""post_holding_update: correcting a holding's dates, holder or place."""

import datetime as dt

import pytest

from organisations.services import post_holding_update

from .factories import PersonFactory, PostFactory, PostHoldingFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date


def test_ends_a_holding_and_records_the_actor(staff_user):
    holding = PostHoldingFactory(start_date=D(2020, 1, 1))

    post_holding_update(holding, end_date=D(2022, 6, 30), is_acting=True, actor=staff_user)

    holding.refresh_from_db()
    assert (holding.end_date, holding.is_acting) == (D(2022, 6, 30), True)
    event = assert_recorded(holding, "updated", staff_user, service="post_holding_update")
    assert event.end_date == D(2022, 6, 30)


def test_extending_into_the_next_holders_dates_is_refused(staff_user, refused):
    post = PostFactory()
    first = PostHoldingFactory(post=post, start_date=D(2020, 1, 1), end_date=D(2020, 12, 31))
    PostHoldingFactory(post=post, start_date=D(2021, 1, 1))

    errors = refused(lambda: post_holding_update(first, end_date=D(2021, 1, 1), actor=staff_user), first)

    assert errors == {"start_date": ["Someone else holds this post on some of these dates."]}


def test_moving_to_a_filled_place_is_refused(staff_user, refused):
    post = PostFactory(capacity=2)
    first = PostHoldingFactory(post=post, position=1, start_date=D(2020, 1, 1))
    PostHoldingFactory(post=post, position=2, start_date=D(2020, 1, 1))

    errors = refused(lambda: post_holding_update(first, position=2, actor=staff_user), first)

    assert errors == {"start_date": ["Someone else holds this post on some of these dates."]}


def test_moving_outside_the_posts_period_is_refused(staff_user, refused):
    post = PostFactory(start_date=D(2020, 1, 1), end_date=D(2022, 6, 30))
    holding = PostHoldingFactory(post=post, start_date=D(2020, 1, 1), end_date=D(2022, 6, 30))

    errors = refused(lambda: post_holding_update(holding, end_date=D(2022, 7, 1), actor=staff_user), holding)

    assert errors == {
        "start_date": ["The holding must fall within the post's own period (1 Jan 2020 – 30 Jun 2022)."]
    }


def test_end_before_start_is_refused(staff_user, refused):
    holding = PostHoldingFactory(start_date=D(2021, 1, 1))

    errors = refused(
        lambda: post_holding_update(holding, end_date=D(2020, 12, 31), actor=staff_user), holding
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_moving_a_holding_to_another_post_is_not_a_correction(staff_user, refused):
    holding = PostHoldingFactory()
    other = PostFactory()

    errors = refused(lambda: post_holding_update(holding, post=other, actor=staff_user), holding)

    assert errors == {"post": ["A holding cannot move to another post; end it and record a new one."]}


def test_invalid_sources_are_refused(staff_user, refused):
    holding = PostHoldingFactory()

    errors = refused(
        lambda: post_holding_update(holding, sources={"document": "001"}, actor=staff_user), holding
    )

    assert errors == {"sources": ["Give sources as a list of {document, section, note} entries."]}


def test_changing_the_holder_is_recorded(staff_user):
    holding = PostHoldingFactory()
    new_person = PersonFactory(name="Cllr Jane Example")

    post_holding_update(holding, person=new_person, actor=staff_user)

    holding.refresh_from_db()
    assert holding.person == new_person
    assert_recorded(holding, "updated", staff_user)
