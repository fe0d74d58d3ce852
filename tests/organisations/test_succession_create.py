"""succession_create: one organisation taking over another's functions from a date."""

import datetime as dt

import pytest

from organisations.services import succession_create

from .factories import OrganisationFactory, SuccessionFactory
from .helpers import assert_recorded

pytestmark = pytest.mark.django_db

D = dt.date


def test_records_a_succession(staff_user):
    ccg = OrganisationFactory(name="NHS Old CCG", end_date=D(2022, 6, 30))
    icb = OrganisationFactory(name="NHS New ICB", start_date=D(2022, 7, 1))

    succession = succession_create(
        predecessor=ccg,
        successor=icb,
        effective_date=D(2022, 7, 1),
        note="functions and staff",
        sources=[{"document": "001", "section": "§3.2"}],
        actor=staff_user,
    )

    succession.refresh_from_db()
    assert (succession.predecessor, succession.successor, succession.effective_date) == (
        ccg,
        icb,
        D(2022, 7, 1),
    )
    assert list(ccg.successions_out.all()) == [succession]
    assert_recorded(succession, "created", staff_user, service="succession_create")


def test_succession_to_itself_is_refused(staff_user, refused):
    org = OrganisationFactory()

    errors = refused(
        lambda: succession_create(
            predecessor=org, successor=org, effective_date=D(2022, 7, 1), actor=staff_user
        )
    )

    assert errors == {"successor": ["An organisation cannot succeed itself."]}


def test_a_direct_loop_is_refused(staff_user, refused):
    a, b = OrganisationFactory(name="Org A"), OrganisationFactory(name="Org B")
    SuccessionFactory(predecessor=a, successor=b, effective_date=D(2020, 4, 1))

    errors = refused(
        lambda: succession_create(predecessor=b, successor=a, effective_date=D(2021, 4, 1), actor=staff_user)
    )

    assert errors == {
        "successor": ["Org A already passes its functions on to Org B: this would make a succession loop."]
    }


def test_a_longer_loop_is_refused(staff_user, refused):
    a, b, c = (OrganisationFactory(name=f"Org {x}") for x in "ABC")
    SuccessionFactory(predecessor=a, successor=b, effective_date=D(2020, 4, 1))
    SuccessionFactory(predecessor=b, successor=c, effective_date=D(2021, 4, 1))

    errors = refused(
        lambda: succession_create(predecessor=c, successor=a, effective_date=D(2022, 4, 1), actor=staff_user)
    )

    assert errors == {
        "successor": ["Org A already passes its functions on to Org C: this would make a succession loop."]
    }


def test_a_chain_without_a_loop_is_fine(staff_user):
    a, b, c = (OrganisationFactory() for _ in range(3))
    SuccessionFactory(predecessor=a, successor=b, effective_date=D(2020, 4, 1))

    succession_create(predecessor=b, successor=c, effective_date=D(2022, 7, 1), actor=staff_user)

    assert c.successions_in.count() == 1


def test_taking_effect_after_the_successor_closed_is_refused(staff_user, refused):
    pred = OrganisationFactory()
    succ = OrganisationFactory(name="NHS Closed CCG", end_date=D(2022, 6, 30))

    errors = refused(
        lambda: succession_create(
            predecessor=pred, successor=succ, effective_date=D(2022, 7, 1), actor=staff_user
        )
    )

    assert errors == {"effective_date": ["NHS Closed CCG had closed by this date (30 June 2022)."]}


def test_taking_effect_on_the_successors_last_day_is_allowed(staff_user):
    pred, succ = OrganisationFactory(), OrganisationFactory(end_date=D(2022, 6, 30))

    succession_create(predecessor=pred, successor=succ, effective_date=D(2022, 6, 30), actor=staff_user)


def test_taking_effect_before_the_successor_existed_is_refused(staff_user, refused):
    pred = OrganisationFactory()
    succ = OrganisationFactory(name="NHS New ICB", start_date=D(2022, 7, 1))

    errors = refused(
        lambda: succession_create(
            predecessor=pred, successor=succ, effective_date=D(2022, 4, 1), actor=staff_user
        )
    )

    assert errors == {"effective_date": ["NHS New ICB was not yet established on this date (1 July 2022)."]}


def test_taking_effect_before_the_predecessor_existed_is_refused(staff_user, refused):
    pred = OrganisationFactory(name="NHS Cheshire CCG", start_date=D(2020, 4, 1))
    succ = OrganisationFactory()

    errors = refused(
        lambda: succession_create(
            predecessor=pred, successor=succ, effective_date=D(2020, 4, 1), actor=staff_user
        )
    )

    assert errors == {
        "effective_date": ["This is not after NHS Cheshire CCG was established (1 April 2020)."]
    }


def test_the_same_succession_twice_is_refused(staff_user, refused, reference):
    stockport_ccg = reference.org("NHS Stockport CCG")
    gm_icb = reference.org("NHS Greater Manchester Integrated Care")

    errors = refused(
        lambda: succession_create(
            predecessor=stockport_ccg, successor=gm_icb, effective_date=D(2022, 7, 1), actor=staff_user
        )
    )

    assert errors == {"successor": ["This succession is already recorded."]}


def test_an_effective_date_is_required(staff_user, refused):
    pred, succ = OrganisationFactory(), OrganisationFactory()

    errors = refused(
        lambda: succession_create(predecessor=pred, successor=succ, effective_date=None, actor=staff_user)
    )

    assert errors == {"effective_date": ["This field cannot be null."]}


def test_invalid_sources_are_refused(staff_user, refused):
    pred, succ = OrganisationFactory(), OrganisationFactory()

    errors = refused(
        lambda: succession_create(
            predecessor=pred, successor=succ, effective_date=D(2022, 7, 1), sources="001", actor=staff_user
        )
    )

    assert errors == {"sources": ["Give sources as a list of {document, section, note} entries."]}
