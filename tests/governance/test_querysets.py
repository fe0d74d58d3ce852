"""What held on a date: a body exists while proposed, shadow or established; its status on a day;
dated seats, holdings, relations and constituency; the terms of reference in force."""

import datetime as dt

import pytest

from governance.choices import Status
from governance.models import (
    AccountabilityRelation,
    Body,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)
from tests.organisations.factories import SystemFactory

from .factories import (
    BodyFactory,
    BodyStatusFactory,
    ConstituencyMemberFactory,
    RelationFactory,
    SeatFactory,
    SeatHoldingFactory,
    TermsOfReferenceFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.fixture
def lives():
    """Bodies of one system, each with a different life."""
    system = SystemFactory()

    def body(name, *stages):
        made = BodyFactory(name=name, system=system)
        for status, start, end in stages:
            BodyStatusFactory(body=made, status=status, start_date=start, end_date=end)
        return made

    return {
        "board": body(
            "Board",
            (Status.PROPOSED, D(2020, 1, 1), D(2021, 3, 31)),
            (Status.SHADOW, D(2021, 4, 1), D(2022, 6, 30)),
            (Status.ESTABLISHED, D(2022, 7, 1), None),
        ),
        "ccg committee": body(
            "CCG committee",
            (Status.ESTABLISHED, None, D(2022, 6, 30)),
            (Status.STOOD_DOWN, D(2022, 7, 1), None),
        ),
        "unrecorded": body("Unrecorded"),
        "gap": body(
            "Gap",
            (Status.PROPOSED, D(2020, 1, 1), D(2020, 12, 31)),
            (Status.ESTABLISHED, D(2022, 1, 1), None),
        ),
    }


def names(queryset):
    return set(queryset.values_list("name", flat=True))


def in_system(lives):
    return Body.objects.filter(system=lives["board"].system)


@pytest.mark.parametrize(
    "on, expected",
    [
        (D(2019, 12, 31), {"CCG committee"}),
        (D(2020, 1, 1), {"Board", "CCG committee", "Gap"}),  # proposed counts
        (D(2021, 4, 1), {"Board", "CCG committee"}),  # shadow counts; Gap has no status that day
        (D(2022, 6, 30), {"Board", "CCG committee", "Gap"}),
        (D(2022, 7, 1), {"Board", "Gap"}),  # stood down is out
        (D(2030, 1, 1), {"Board", "Gap"}),
    ],
)
def test_as_at_is_the_bodies_that_existed_on_the_day(lives, on, expected):
    assert names(in_system(lives).as_at(on)) == expected


def test_a_body_with_no_status_never_exists(lives):
    for year in (2000, 2021, 2040):
        assert lives["unrecorded"] not in Body.objects.as_at(D(year, 6, 1))


@pytest.mark.parametrize(
    "on, expected",
    [
        (D(2019, 12, 31), {"Board": None, "CCG committee": "established", "Unrecorded": None, "Gap": None}),
        (
            D(2021, 4, 1),
            {"Board": "shadow", "CCG committee": "established", "Unrecorded": None, "Gap": None},
        ),
        (
            D(2022, 7, 1),
            {"Board": "established", "CCG committee": "stood_down", "Unrecorded": None, "Gap": "established"},
        ),
    ],
)
def test_with_status_gives_each_bodys_status_on_the_day(lives, on, expected):
    assert dict(in_system(lives).with_status(on).values_list("name", "status_on")) == expected


def test_in_status_finds_the_bodies_in_one_status_on_the_day(lives):
    assert names(in_system(lives).in_status(Status.SHADOW, D(2021, 4, 1))) == {"Board"}
    assert names(in_system(lives).in_status(Status.SHADOW, D(2022, 7, 1))) == set()
    assert names(in_system(lives).in_status(Status.STOOD_DOWN, D(2022, 7, 1))) == {"CCG committee"}
    assert names(in_system(lives).in_status(Status.PROPOSED, D(2020, 6, 1))) == {"Board", "Gap"}


def test_search_matches_name_or_short_name():
    system = SystemFactory()
    BodyFactory(name="Greater Manchester Partnership Board", short_name="GMPB", system=system)
    BodyFactory(name="Partnership Assembly", short_name="Assembly", system=system)
    mine = Body.objects.filter(system=system)

    assert names(mine.search("board")) == {"Greater Manchester Partnership Board"}
    assert names(mine.search("gmpb")) == {"Greater Manchester Partnership Board"}
    assert names(mine.search("ASSEMBLY")) == {"Partnership Assembly"}
    assert names(mine.search("partnership")) == {
        "Greater Manchester Partnership Board",
        "Partnership Assembly",
    }


START, END = D(2021, 4, 1), D(2022, 6, 30)
CASES = [
    (D(1900, 1, 1), {"open_start", "always"}),
    (START - dt.timedelta(days=1), {"open_start", "always"}),
    (START, {"closed", "open_start", "open_end", "always"}),  # first day counts
    (END, {"closed", "open_start", "open_end", "always"}),  # last day counts
    (END + dt.timedelta(days=1), {"open_end", "always"}),
]


@pytest.mark.parametrize(
    "model, make",
    [
        (Seat, lambda **dates: SeatFactory(**dates)),
        (SeatHolding, lambda **dates: SeatHoldingFactory(**dates)),
        (AccountabilityRelation, lambda **dates: RelationFactory(**dates)),
        (ConstituencyMember, lambda **dates: ConstituencyMemberFactory(**dates)),
    ],
    ids=lambda value: getattr(value, "__name__", ""),
)
@pytest.mark.parametrize("on, expected", CASES)
def test_dated_records_as_at_a_day(model, make, on, expected):
    made = {
        "closed": make(start_date=START, end_date=END),
        "open_start": make(start_date=None, end_date=END),
        "open_end": make(start_date=START, end_date=None),
        "always": make(start_date=None, end_date=None),
    }
    by_pk = {record.pk: name for name, record in made.items()}

    found = model.objects.filter(pk__in=by_pk).as_at(on).values_list("pk", flat=True)

    assert {by_pk[pk] for pk in found} == expected


def test_relations_involving_some_bodies():
    system = SystemFactory()
    a, b, c, d = (BodyFactory(name=n, system=system) for n in "ABCD")
    ab = RelationFactory(from_body=a, to_body=b)
    cb = RelationFactory(from_body=c, to_body=b)
    RelationFactory(from_body=c, to_body=d)

    assert set(AccountabilityRelation.objects.involving([a.pk])) == {ab}
    assert set(AccountabilityRelation.objects.involving([b.pk])) == {ab, cb}


# --- Terms of reference --------------------------------------------------------------------


@pytest.fixture
def versions():
    body = BodyFactory(status=Status.ESTABLISHED)
    return {
        "v1": TermsOfReferenceFactory(
            body=body, version="1.0", approved_on=D(2020, 4, 1), approved_by=body, review_due=D(2021, 4, 1)
        ),
        "v2": TermsOfReferenceFactory(
            body=body, version="2.0", approved_on=D(2022, 4, 1), approved_by=body, review_due=D(2023, 4, 1)
        ),
        "draft": TermsOfReferenceFactory(body=body, version="3.0 draft"),
    }


def versions_on(versions, method, on):
    by_pk = {terms.pk: name for name, terms in versions.items()}
    found = getattr(TermsOfReference.objects.filter(pk__in=by_pk), method)(on)
    return {by_pk[terms.pk] for terms in found}


def test_as_at_is_the_versions_approved_by_the_day_and_the_drafts(versions):
    assert versions_on(versions, "as_at", D(2020, 3, 31)) == {"draft"}
    assert versions_on(versions, "as_at", D(2020, 4, 1)) == {"v1", "draft"}
    assert versions_on(versions, "as_at", D(2022, 4, 1)) == {"v1", "v2", "draft"}


def test_latest_approved_is_the_newest_version_approved_by_the_day(versions):
    assert versions_on(versions, "latest_approved", D(2020, 3, 31)) == set()
    assert versions_on(versions, "latest_approved", D(2021, 1, 1)) == {"v1"}
    assert versions_on(versions, "latest_approved", D(2022, 4, 1)) == {"v2"}


def test_of_two_versions_approved_the_same_day_the_later_recorded_is_latest():
    body = BodyFactory(status=Status.ESTABLISHED)
    TermsOfReferenceFactory(body=body, approved_on=D(2021, 1, 1), approved_by=body)
    second = TermsOfReferenceFactory(body=body, approved_on=D(2021, 1, 1), approved_by=body)

    assert list(TermsOfReference.objects.filter(body=body).latest_approved(D(2021, 6, 1))) == [second]


def test_overdue_is_the_latest_approved_version_past_its_review(versions):
    assert versions_on(versions, "overdue", D(2021, 4, 1)) == set()  # due that day, not yet overdue
    assert versions_on(versions, "overdue", D(2021, 4, 2)) == {"v1"}
    assert versions_on(versions, "overdue", D(2022, 4, 1)) == set()  # v2 replaced it
    assert versions_on(versions, "overdue", D(2023, 4, 2)) == {"v2"}
