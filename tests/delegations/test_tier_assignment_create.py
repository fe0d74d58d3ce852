"""tier_assignment_create: one entry of a system's tier table (001 Appendix 2)."""

import pytest

from delegations.choices import TierColumn
from delegations.models import TierAssignment
from tests.governance.factories import BodyFactory
from tests.organisations.factories import SystemFactory

from .factories import FunctionFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def system():
    return SystemFactory(name="Greater Manchester (test)")


def create(**given):
    from delegations.services import tier_assignment_create

    return tier_assignment_create(**given)


def test_records_a_function_at_a_tier(staff_user, system):
    function = FunctionFactory(name="District nursing")

    entry = create(
        system=system,
        tier="locality",
        column=TierColumn.DELIVERY_FUNCTION,
        order=2,
        function=function,
        sources=[{"document": "001", "section": "Appendix 2"}],
        actor=staff_user,
    )

    entry.refresh_from_db()
    assert (entry.system, entry.tier, entry.column, entry.order, entry.function) == (
        system,
        "locality",
        TierColumn.DELIVERY_FUNCTION,
        2,
        function,
    )
    assert_recorded(entry, "created", staff_user, service="tier_assignment_create")


def test_records_a_body_or_a_label(staff_user, system):
    body = BodyFactory(system=system)

    by_body = create(
        system=system, tier="locality", column=TierColumn.GOVERNANCE, body=body, actor=staff_user
    )
    by_label = create(
        system=system, tier="locality", column=TierColumn.TEAM, label="Locality team", actor=staff_user
    )

    assert (by_body.body, by_label.label) == (body, "Locality team")


def test_an_empty_entry_is_refused(staff_user, system):
    errors = refused(lambda: create(system=system, tier="locality", column=TierColumn.TEAM, actor=staff_user))

    assert errors == {"label": ["Give a function, a body or a label."]}


def test_a_body_of_another_system_is_refused(staff_user, system):
    body = BodyFactory(name="Elsewhere board")

    errors = refused(
        lambda: create(
            system=system, tier="locality", column=TierColumn.GOVERNANCE, body=body, actor=staff_user
        )
    )

    assert errors == {"body": ["Elsewhere board is not a body of Greater Manchester (test)."]}


@pytest.mark.parametrize("field, value", [("tier", "region"), ("column", "budget")])
def test_an_unknown_tier_or_column_is_refused(staff_user, system, field, value):
    given = {"tier": "locality", "column": TierColumn.TEAM, "label": "Team", field: value}

    errors = refused(lambda: create(system=system, actor=staff_user, **given))

    assert errors == {field: [f"Value '{value}' is not a valid choice."]}
    assert not TierAssignment.objects.filter(system=system).exists()
