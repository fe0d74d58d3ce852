"""delegation_update: a change to a delegation is checked as a new one would be, and is refused
when it would leave one of its sub-delegations granting more than it (naming that one)."""

from decimal import Decimal

import pytest

from delegations.choices import DelegationStatus
from delegations.services import delegation_update
from tests.governance.factories import BodyFactory

from .helpers import D, Stockport, assert_recorded, last_event, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff_user):
    return Stockport(staff_user)


@pytest.fixture
def chain(world):
    """The ICB's delegation to the locality board, and the board's to the place-based lead."""
    parent = world.delegate()
    return parent, world.to_lead(parent, functions=[world.nursing], area=world.heatons)


def fits(child, message):
    return f"Delegation {child.pk} (Stockport Locality Board → Place-based lead) would no longer fit within this one: {message}"


def test_changes_a_delegation_and_records_who_did_it(world, chain):
    parent, _ = chain

    delegation_update(
        parent, conditions="Report quarterly.", financial_limit=Decimal("2000000"), actor=world.actor
    )

    parent.refresh_from_db()
    assert parent.conditions == "Report quarterly."
    assert parent.financial_limit == Decimal("2000000")
    assert_recorded(parent, "updated", world.actor, service="delegation_update")


def test_replaces_the_functions(world):
    delegation = world.delegate()

    delegation_update(delegation, functions=[world.nursing, world.primary], actor=world.actor)

    assert set(delegation.functions.all()) == {world.nursing, world.primary}
    assert delegation.function_links.count() == 2
    assert_recorded(
        delegation.function_links.get(function=world.primary), "created", world.actor, "delegation_update"
    )


def test_a_change_is_checked_as_a_new_delegation_would_be(world):
    delegation = world.delegate()

    errors = refused(
        lambda: delegation_update(delegation, start_date=D(2022, 4, 1), actor=world.actor), delegation
    )

    assert errors == {
        "delegator_organisation": [
            "NHS Greater Manchester Integrated Care did not hold Community services for Stockport on every day "
            "of this period: it holds it by statute from 1 Jul 2022."
        ]
    }


def test_choosing_another_kind_of_delegate_clears_the_first(world, chain):
    _, child = chain

    delegation_update(child, delegate_organisation=world.council, actor=world.actor)

    child.refresh_from_db()
    assert (child.delegate_organisation, child.delegate_post) == (world.council, None)


def test_a_lower_limit_than_a_childs_is_refused_naming_the_child(world, chain):
    parent, child = chain

    errors = refused(
        lambda: delegation_update(parent, financial_limit=Decimal("100000"), actor=world.actor), parent, child
    )

    assert errors == {
        "financial_limit": [
            fits(child, "The financial limit cannot exceed the parent delegation's limit of £100,000.00.")
        ]
    }


def test_the_limit_reaches_down_the_whole_chain(world, chain):
    parent, child = chain
    delegation_update(child, financial_limit=None, onward_delegation_permitted=True, actor=world.actor)
    deputy = world.delegate(
        delegator_post=world.lead,
        delegate_organisation=world.council,
        parent=child,
        functions=[world.nursing],
        area=world.heatons,
        financial_limit=Decimal("400000"),
    )

    errors = refused(lambda: delegation_update(parent, financial_limit=Decimal("300000"), actor=world.actor))

    assert errors == {
        "financial_limit": [
            f"Delegation {deputy.pk} (Place-based lead → Stockport Council) would no longer fit within this one: "
            "The financial limit cannot exceed the parent delegation's limit of £300,000.00."
        ]
    }


def test_narrowing_the_functions_below_a_childs_is_refused(world, chain):
    parent, child = chain

    errors = refused(lambda: delegation_update(parent, functions=[world.primary], actor=world.actor), parent)

    assert errors == {
        "functions": [
            fits(
                child,
                "A sub-delegation cannot cover District nursing: the parent delegation covers only Primary care.",
            )
        ]
    }
    assert list(parent.functions.all()) == [world.community]


def test_narrowing_the_area_below_a_childs_is_refused(world, chain):
    parent, child = chain
    other = type(world.heatons).objects.create(
        name="Marple PCN", system=world.system, tier="neighbourhood", kind="pcn", parent=world.stockport
    )

    errors = refused(lambda: delegation_update(parent, area=other, actor=world.actor), parent)

    assert errors == {
        "area": [
            fits(
                child,
                "A sub-delegation cannot cover Heatons PCN: the parent delegation applies only to Marple PCN.",
            )
        ]
    }


def test_ending_before_a_child_ends_is_refused(world, chain):
    parent, child = chain

    errors = refused(lambda: delegation_update(parent, end_date=D(2023, 3, 31), actor=world.actor), parent)

    assert errors == {
        "end_date": [
            fits(child, "A sub-delegation must fall within its parent's period (1 Jul 2022 – 31 Mar 2023).")
        ]
    }


def test_forbidding_onward_delegation_with_children_is_refused(world, chain):
    parent, child = chain

    errors = refused(
        lambda: delegation_update(parent, onward_delegation_permitted=False, actor=world.actor), parent
    )

    assert errors == {
        "onward_delegation_permitted": [
            fits(child, "The parent delegation does not permit onward delegation.")
        ]
    }


def test_taking_a_parent_out_of_force_under_a_child_in_force_is_refused(world, chain):
    parent, child = chain

    errors = refused(
        lambda: delegation_update(parent, status=DelegationStatus.AGREED, actor=world.actor), parent
    )

    assert errors == {
        "status": [fits(child, "The parent delegation is not in force on every day of this period.")]
    }


def test_changing_the_delegate_under_a_child_is_refused(world, chain):
    parent, child = chain
    other = BodyFactory(
        name="Other board", system=world.system, areas=[world.stockport], status="established"
    )

    errors = refused(lambda: delegation_update(parent, delegate_body=other, actor=world.actor), parent)

    assert errors == {
        "delegate_body": [
            fits(child, "The delegator must be the parent delegation's delegate (Other board).")
        ]
    }


def test_a_delegation_cannot_sit_under_its_own_child(world, chain):
    parent, child = chain
    delegation_update(child, onward_delegation_permitted=True, actor=world.actor)

    errors = refused(lambda: delegation_update(parent, parent=child, actor=world.actor), parent)

    assert errors == {"parent": ["A delegation cannot sit under itself or under a delegation made under it."]}


def test_a_delegation_cannot_sit_under_itself(world):
    delegation = world.delegate()

    errors = refused(lambda: delegation_update(delegation, parent=delegation, actor=world.actor), delegation)

    assert errors == {"parent": ["A delegation cannot sub-delegate itself."]}


def test_a_field_that_cannot_change_is_refused(world):
    delegation = world.delegate()

    errors = refused(lambda: delegation_update(delegation, id=999, actor=world.actor), delegation)

    assert errors == {"id": ["This field cannot be changed here."]}


def test_a_change_that_keeps_the_children_within_is_accepted(world, chain):
    parent, child = chain

    delegation_update(child, end_date=D(2030, 3, 31), actor=world.actor)
    delegation_update(parent, end_date=D(2030, 3, 31), actor=world.actor)

    parent.refresh_from_db()
    assert parent.end_date == D(2030, 3, 31)
    assert last_event(parent).end_date == D(2030, 3, 31)
