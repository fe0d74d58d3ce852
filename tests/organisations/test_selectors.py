"""Selectors: "who took over X's functions on D", and lists that cost a fixed number of queries."""

import datetime as dt

import pytest

from organisations import selectors

from .factories import (
    LocalityFactory,
    OrganisationFactory,
    PostFactory,
    PostHoldingFactory,
    SuccessionFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date


def successors(org, on):
    return [o.name for o in selectors.successors_on(org, on)]


def test_a_ccg_holds_its_own_functions_until_the_day_it_closed(reference):
    assert successors(reference.org("NHS Stockport CCG"), D(2022, 6, 30)) == ["NHS Stockport CCG"]


def test_the_gm_icb_holds_a_gm_ccgs_functions_from_1_july_2022(reference):
    assert successors(reference.org("NHS Stockport CCG"), D(2022, 7, 1)) == [
        "NHS Greater Manchester Integrated Care"
    ]
    assert successors(reference.org("NHS Bury CCG"), D(2024, 1, 1)) == [
        "NHS Greater Manchester Integrated Care"
    ]


def test_eastern_cheshire_ccg_passed_to_cheshire_ccg_then_the_cm_icb(reference):
    eastern = reference.org("NHS Eastern Cheshire CCG")

    assert successors(eastern, D(2020, 3, 31)) == ["NHS Eastern Cheshire CCG"]
    assert successors(eastern, D(2021, 1, 1)) == ["NHS Cheshire CCG"]
    assert successors(eastern, D(2022, 7, 1)) == ["NHS Cheshire and Merseyside Integrated Care Board"]


def test_an_organisation_closed_without_a_successor_answers_nobody():
    org = OrganisationFactory(name="Closed for good", end_date=D(2020, 12, 31))

    assert successors(org, D(2020, 12, 31)) == ["Closed for good"]
    assert successors(org, D(2021, 1, 1)) == []


def test_an_organisation_split_between_two_successors_answers_both():
    org = OrganisationFactory(end_date=D(2021, 3, 31))
    SuccessionFactory(
        predecessor=org, successor=OrganisationFactory(name="North"), effective_date=D(2021, 4, 1)
    )
    SuccessionFactory(
        predecessor=org, successor=OrganisationFactory(name="South"), effective_date=D(2021, 4, 1)
    )

    assert successors(org, D(2021, 4, 1)) == ["North", "South"]


def test_organisation_list_costs_two_queries_however_many_rows(django_assert_num_queries):
    with django_assert_num_queries(2):
        first = [list(o.areas.all()) for o in selectors.organisation_list()]
    place = LocalityFactory()
    for _ in range(5):
        OrganisationFactory(areas=[place])
    with django_assert_num_queries(2):
        second = [list(o.areas.all()) for o in selectors.organisation_list()]
    assert len(second) == len(first) + 5


def test_post_list_costs_two_queries_however_many_rows(django_assert_num_queries):
    for _ in range(5):
        PostHoldingFactory(post=PostFactory(), start_date=D(2021, 1, 1))
    with django_assert_num_queries(2):
        rows = [
            (p.title, p.organisation, p.area, [h.person.name for h in p.holdings_shown])
            for p in selectors.post_list(D(2022, 1, 1))
        ]
    assert len(rows) >= 5


def test_system_detail_costs_a_fixed_number_of_queries(reference, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        detail = selectors.system_detail(reference.gm, D(2022, 7, 1))

    assert [p["place"].name for p in detail["tiers"]] == [
        "Bolton",
        "Bury",
        "Manchester",
        "Oldham",
        "Rochdale",
        "Salford",
        "Stockport",
        "Tameside",
        "Trafford",
        "Wigan",
    ]
    assert [a.name for a in detail["footprints"]] == [
        "Northern Care Alliance footprint (Bury, Rochdale, Oldham, Salford)"
    ]
