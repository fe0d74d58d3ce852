"""What held on a date: `as_at` (both ends inclusive, open ends unbounded) and `current()`."""

import datetime as dt

import pytest

from ics_registry.as_at import today
from organisations.models import Area, Organisation, PartnershipMembership, Post, PostHolding, Succession

from .factories import (
    LocalityFactory,
    MembershipFactory,
    OrganisationFactory,
    PostFactory,
    PostHoldingFactory,
    SuccessionFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
START, END = D(2020, 4, 1), D(2022, 6, 30)


def _dated(factory):
    """Four records: closed period, open start, open end, open both ends."""
    return {
        "closed": factory(start_date=START, end_date=END),
        "open_start": factory(start_date=None, end_date=END),
        "open_end": factory(start_date=START, end_date=None),
        "always": factory(start_date=None, end_date=None),
    }


CASES = [
    (D(1900, 1, 1), {"open_start", "always"}),
    (START - dt.timedelta(days=1), {"open_start", "always"}),
    (START, {"closed", "open_start", "open_end", "always"}),  # first day counts
    (D(2021, 6, 1), {"closed", "open_start", "open_end", "always"}),
    (END, {"closed", "open_start", "open_end", "always"}),  # last day counts
    (END + dt.timedelta(days=1), {"open_end", "always"}),
    (D(2100, 1, 1), {"open_end", "always"}),
]


@pytest.mark.parametrize(
    "model, factory",
    [
        (Organisation, OrganisationFactory),
        (Area, LocalityFactory),
        (PartnershipMembership, MembershipFactory),
        (Post, PostFactory),
        (PostHolding, PostHoldingFactory),
    ],
    ids=lambda v: getattr(v, "__name__", str(v)),
)
def test_as_at_includes_both_ends_and_treats_open_ends_as_unbounded(model, factory):
    records = _dated(factory)
    names = {record.pk: name for name, record in records.items()}

    for on, expected in CASES:
        held = model.objects.filter(pk__in=names).as_at(on)
        assert {names[pk] for pk in held.values_list("pk", flat=True)} == expected, on


def test_current_is_as_at_today():
    day = today()
    yesterday, tomorrow = day - dt.timedelta(days=1), day + dt.timedelta(days=1)
    records = {
        "ended_yesterday": OrganisationFactory(end_date=yesterday),
        "ends_today": OrganisationFactory(end_date=day),
        "starts_today": OrganisationFactory(start_date=day),
        "starts_tomorrow": OrganisationFactory(start_date=tomorrow),
        "always": OrganisationFactory(),
    }
    names = {record.pk: name for name, record in records.items()}

    current = Organisation.objects.filter(pk__in=names).current()

    assert {names[pk] for pk in current.values_list("pk", flat=True)} == {
        "ends_today",
        "starts_today",
        "always",
    }


def test_reference_organisations_on_the_day_icbs_became_statutory(reference):
    before = set(
        Organisation.objects.as_at(D(2022, 6, 30))
        .filter(kind__in=["ccg", "icb"])
        .values_list("kind", flat=True)
    )
    after = set(
        Organisation.objects.as_at(D(2022, 7, 1))
        .filter(kind__in=["ccg", "icb"])
        .values_list("kind", flat=True)
    )

    assert before == {"ccg"}
    assert after == {"icb"}


def test_successions_as_at_are_those_in_effect_by_then():
    succession = SuccessionFactory(effective_date=D(2022, 7, 1))
    mine = Succession.objects.filter(pk=succession.pk)

    assert not mine.as_at(D(2022, 6, 30)).exists()
    assert mine.as_at(D(2022, 7, 1)).exists()
