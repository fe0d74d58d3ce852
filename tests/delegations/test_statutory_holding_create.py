"""statutory_holding_create: who holds a function by statute, for which area, over which period."""

import pytest

from delegations.services import statutory_holding_create
from tests.organisations.factories import LocalityFactory, OrganisationFactory

from .factories import FunctionFactory, StatutoryHoldingFactory
from .helpers import D, assert_recorded, refused

pytestmark = pytest.mark.django_db


def test_records_a_holding_and_who_did_it(staff_user):
    function, holder, place = FunctionFactory(), OrganisationFactory(), LocalityFactory()

    holding = statutory_holding_create(
        function=function,
        holder=holder,
        area=place,
        end_date=D(2022, 6, 30),
        basis="National Health Service Act 2006",
        sources=[{"document": "001", "section": "§10.2"}],
        actor=staff_user,
    )

    holding.refresh_from_db()
    assert (holding.function, holding.holder, holding.area) == (function, holder, place)
    assert (holding.start_date, holding.end_date) == (None, D(2022, 6, 30))
    assert_recorded(holding, "created", staff_user, service="statutory_holding_create")


def test_no_area_means_all_england(staff_user):
    holding = statutory_holding_create(
        function=FunctionFactory(), holder=OrganisationFactory(), actor=staff_user
    )

    assert holding.area is None


def test_one_holder_holding_a_function_twice_for_one_area_on_the_same_day_is_refused(staff_user):
    function, place, holder = FunctionFactory(), LocalityFactory(), OrganisationFactory()
    StatutoryHoldingFactory(function=function, holder=holder, area=place, end_date=D(2022, 6, 30))

    errors = refused(
        lambda: statutory_holding_create(
            function=function, holder=holder, area=place, start_date=D(2022, 6, 30), actor=staff_user
        )
    )

    assert errors == {
        "start_date": ["This organisation already holds this function for this area on some of these dates."]
    }


def test_it_may_hold_it_again_from_the_next_day(staff_user):
    function, place, holder = FunctionFactory(), LocalityFactory(), OrganisationFactory()
    StatutoryHoldingFactory(function=function, holder=holder, area=place, end_date=D(2022, 6, 30))

    holding = statutory_holding_create(
        function=function, holder=holder, area=place, start_date=D(2022, 7, 1), actor=staff_user
    )

    assert holding.pk is not None


def test_two_organisations_may_hold_a_function_for_one_area_at_once(staff_user):
    # Two CCGs each commissioned for part of one borough.
    function, place, holder = FunctionFactory(), LocalityFactory(), OrganisationFactory()
    StatutoryHoldingFactory(function=function, area=place)

    holding = statutory_holding_create(function=function, holder=holder, area=place, actor=staff_user)

    assert holding.pk is not None


def test_one_holder_twice_for_all_england_on_the_same_day_is_refused(staff_user):
    function, holder = FunctionFactory(), OrganisationFactory()
    StatutoryHoldingFactory(function=function, holder=holder)

    errors = refused(lambda: statutory_holding_create(function=function, holder=holder, actor=staff_user))

    assert errors == {
        "start_date": ["This organisation already holds this function for this area on some of these dates."]
    }


def test_an_end_before_the_start_is_refused(staff_user):
    function, holder = FunctionFactory(), OrganisationFactory()

    errors = refused(
        lambda: statutory_holding_create(
            function=function,
            holder=holder,
            start_date=D(2022, 7, 1),
            end_date=D(2022, 6, 30),
            actor=staff_user,
        )
    )

    assert errors == {"end_date": ["The end date must be on or after the start date."]}
