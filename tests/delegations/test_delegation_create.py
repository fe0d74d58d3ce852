"""delegation_create: a holder grants a function, for an area, to a body, post or organisation.

The delegator holds every function it delegates on every day (by statute, or through the parent
delegation it sub-delegates); a sub-delegation never grants more than its parent; chains never loop;
reserved matters are never delegated; the delegate exists throughout.
"""

from decimal import Decimal

import pytest

from delegations.choices import DelegationStatus

from .helpers import D, Stockport, assert_recorded, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


def test_the_icb_delegates_community_services_to_the_locality_board(world):
    delegation = world.delegate()

    delegation.refresh_from_db()
    assert delegation.delegator == world.icb
    assert delegation.delegate == world.board
    assert list(delegation.functions.all()) == [world.community]
    assert delegation.status == DelegationStatus.IN_FORCE
    assert delegation.financial_limit == Decimal("1000000")
    assert_recorded(delegation, "created", world.actor, service="delegation_create")
    assert_recorded(delegation.function_links.get(), "created", world.actor, service="delegation_create")


def test_a_ccg_cannot_delegate_after_it_closed(world):
    errors = refused(lambda: world.delegate(delegator_organisation=world.ccg, start_date=D(2022, 7, 1)))

    assert errors == {
        "delegator_organisation": [
            "NHS Stockport CCG did not hold Community services for Stockport on every day of this period: "
            "it held it until 30 Jun 2022."
        ]
    }
