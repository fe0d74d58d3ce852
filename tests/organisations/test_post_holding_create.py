"""post_holding_create: appointing a person to a post for a period."""

import datetime as dt

import pytest

from organisations.models import PostHolding
from organisations.services import post_holding_create

from .factories import PersonFactory, PostFactory, PostHoldingFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date
OVERLAP = "Someone else holds this post on some of these dates."


def test_appoints_a_person_and_records_who_did_it(staff_user):
    post, person = PostFactory(), PersonFactory()

    holding = post_holding_create(
        post=post,
        person=person,
        start_date=D(2021, 4, 1),
        end_date=D(2022, 3, 31),
        is_acting=True,
        sources=[{"document": "002", "section": "§7"}],
        actor=staff_user,
    )

    holding.refresh_from_db()
    assert (holding.post, holding.person, holding.position, holding.is_acting) == (post, person, 1, True)
    assert (holding.start_date, holding.end_date) == (D(2021, 4, 1), D(2022, 3, 31))
    assert holding.sources == [{"document": "002", "section": "§7"}]
    assert_recorded(holding, "created", staff_user, service="post_holding_create")


def test_a_new_holder_may_start_the_day_after_the_last_one_ended(staff_user):
    post = PostFactory()
    PostHoldingFactory(post=post, start_date=D(2020, 1, 1), end_date=D(2021, 3, 31))

    holding = post_holding_create(
        post=post, person=PersonFactory(), start_date=D(2021, 4, 1), actor=staff_user
    )

    assert holding.position == 1
    assert post.holdings.count() == 2


@pytest.mark.parametrize(
    "start, end",
    [
        (D(2021, 3, 31), None),  # starts on the last day of the current holder
        (D(2020, 6, 1), D(2020, 6, 30)),  # wholly inside
        (None, D(2020, 1, 1)),  # open start reaching the first day
        (None, None),  # open both ends
    ],
)
def test_overlapping_holding_is_refused(staff_user, refused, start, end):
    post = PostFactory()
    current = PostHoldingFactory(post=post, start_date=D(2020, 1, 1), end_date=D(2021, 3, 31))

    person = PersonFactory()
    errors = refused(
        lambda: post_holding_create(
            post=post, person=person, start_date=start, end_date=end, actor=staff_user
        ),
        current,
        post,
    )

    assert errors == {"start_date": [OVERLAP]}


def test_an_open_ended_holding_blocks_any_later_start(staff_user, refused):
    post = PostFactory()
    PostHoldingFactory(post=post, start_date=D(2020, 1, 1), end_date=None)

    person = PersonFactory()
    errors = refused(
        lambda: post_holding_create(post=post, person=person, start_date=D(2030, 1, 1), actor=staff_user)
    )

    assert errors == {"start_date": [OVERLAP]}


def test_a_two_place_post_takes_two_holders_then_refuses_a_third(staff_user, refused):
    post = PostFactory(title="Co-chair", capacity=2)
    first = post_holding_create(post=post, person=PersonFactory(), start_date=D(2021, 1, 1), actor=staff_user)
    second = post_holding_create(
        post=post, person=PersonFactory(), start_date=D(2021, 6, 1), actor=staff_user
    )

    assert (first.position, second.position) == (1, 2)

    person = PersonFactory()
    errors = refused(
        lambda: post_holding_create(post=post, person=person, start_date=D(2021, 9, 1), actor=staff_user)
    )
    assert errors == {"start_date": ["All 2 places of this post are filled on some of these dates."]}


def test_a_two_place_post_gives_a_freed_place_to_the_next_holder(staff_user):
    post = PostFactory(capacity=2)
    PostHoldingFactory(post=post, position=1, start_date=D(2021, 1, 1))
    PostHoldingFactory(post=post, position=2, start_date=D(2021, 1, 1), end_date=D(2021, 12, 31))

    holding = post_holding_create(
        post=post, person=PersonFactory(), start_date=D(2022, 1, 1), actor=staff_user
    )

    assert holding.position == 2


def test_a_chosen_place_already_filled_is_refused(staff_user, refused):
    post = PostFactory(capacity=2)
    PostHoldingFactory(post=post, position=2, start_date=D(2021, 1, 1))

    person = PersonFactory()
    errors = refused(
        lambda: post_holding_create(
            post=post, person=person, position=2, start_date=D(2021, 5, 1), actor=staff_user
        )
    )

    assert errors == {"start_date": [OVERLAP]}


def test_a_place_beyond_the_posts_capacity_is_refused(staff_user, refused):
    post = PostFactory(capacity=2)

    person = PersonFactory()
    errors = refused(lambda: post_holding_create(post=post, person=person, position=3, actor=staff_user))

    assert errors == {"position": ["This post has 2 place(s)."]}


@pytest.mark.parametrize(
    "start, end",
    [
        (D(2019, 12, 31), D(2020, 6, 30)),  # starts before the post existed
        (D(2020, 6, 1), D(2023, 1, 1)),  # ends after the post ended
        (D(2019, 1, 1), D(2023, 1, 1)),  # both
        (None, D(2023, 1, 1)),  # a known end after the post ended, whatever the start
    ],
)
def test_holding_outside_the_posts_period_is_refused(staff_user, refused, start, end):
    post = PostFactory(start_date=D(2020, 1, 1), end_date=D(2022, 6, 30))

    person = PersonFactory()
    errors = refused(
        lambda: post_holding_create(
            post=post, person=person, start_date=start, end_date=end, actor=staff_user
        )
    )

    assert errors == {
        "start_date": ["The holding must fall within the post's own period (1 Jan 2020 – 30 Jun 2022)."]
    }


@pytest.mark.parametrize("start, end", [(None, D(2020, 6, 30)), (D(2020, 6, 1), None), (None, None)])
def test_dates_not_recorded_are_unknown_not_outside_the_posts_period(staff_user, start, end):
    """A source often names a holder without dates: an unrecorded date is not taken to fall
    outside the post's period."""
    post = PostFactory(start_date=D(2020, 1, 1), end_date=D(2022, 6, 30))

    holding = post_holding_create(
        post=post, person=PersonFactory(), start_date=start, end_date=end, actor=staff_user
    )

    assert PostHolding.objects.filter(pk=holding.pk).exists()


def test_holding_on_the_posts_first_and_last_days_is_allowed(staff_user):
    post = PostFactory(start_date=D(2020, 1, 1), end_date=D(2022, 6, 30))

    holding = post_holding_create(
        post=post, person=PersonFactory(), start_date=D(2020, 1, 1), end_date=D(2022, 6, 30), actor=staff_user
    )

    assert PostHolding.objects.filter(pk=holding.pk).exists()


def test_end_before_start_is_refused(staff_user, refused):
    post = PostFactory()

    person = PersonFactory()
    errors = refused(
        lambda: post_holding_create(
            post=post, person=person, start_date=D(2021, 5, 1), end_date=D(2021, 4, 30), actor=staff_user
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


@pytest.mark.parametrize(
    "sources, message",
    [
        ("003", "Give sources as a list of {document, section, note} entries."),
        ({"document": "003"}, "Give sources as a list of {document, section, note} entries."),
        (["003"], "Give sources as a list of {document, section, note} entries."),
        ([{"section": "§2"}], "Each source names its document."),
        ([{"document": "  "}], "Each source names its document."),
        ([{"document": "003", "page": 4, "url": "x"}], "Unknown source keys: page, url."),
    ],
)
def test_invalid_sources_are_refused(staff_user, refused, sources, message):
    post = PostFactory()

    person = PersonFactory()
    errors = refused(lambda: post_holding_create(post=post, person=person, sources=sources, actor=staff_user))

    assert errors == {"sources": [message]}
