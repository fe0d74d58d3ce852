"""The database itself refuses bad delegation rows, whatever writes them: raw SQL that breaks each
declared constraint raises IntegrityError naming the constraint."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from tests.governance.factories import BodyFactory
from tests.organisations.factories import LocalityFactory, OrganisationFactory, PostFactory

from .factories import (
    DelegationFactory,
    FunctionFactory,
    PlaceLeadArrangementFactory,
    PlaceLeadPostFactory,
    ReservedMatterFactory,
    StatutoryHoldingFactory,
    TierAssignmentFactory,
)

pytestmark = pytest.mark.django_db

D = dt.date
SOURCED = {"sources": "[]", "is_incomplete": False, "incomplete_note": ""}


def run(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def insert(table, **values):
    values = {**SOURCED, **values}
    columns = ", ".join(f'"{c}"' for c in values)
    marks = ", ".join(["%s"] * len(values))
    run(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(values.values()))


def update(table, pk, **values):
    assignments = ", ".join(f'"{c}" = %s' for c in values)
    run(f'UPDATE "{table}" SET {assignments} WHERE id = %s', [*values.values(), pk])


def refused_by(constraint, write):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        write()


def test_every_declared_constraint_exists_in_the_database():
    declared = {
        (model._meta.db_table, constraint.name)
        for model in apps.get_app_config("delegations").get_models()
        for constraint in model._meta.constraints
    }
    with connection.cursor() as cursor:
        present = {
            (table, name)
            for table in {t for t, _ in declared}
            for name in connection.introspection.get_constraints(cursor, table)
        }

    assert declared <= present, declared - present
    assert len(declared) >= 17


@pytest.mark.parametrize(
    "table, factory, constraint",
    [
        (
            "delegations_statutoryholding",
            StatutoryHoldingFactory,
            "delegations_statutoryholding_period_ordered",
        ),
        ("delegations_reservedmatter", ReservedMatterFactory, "delegations_reservedmatter_period_ordered"),
        ("delegations_delegation", DelegationFactory, "delegations_delegation_period_ordered"),
        (
            "delegations_placeleadarrangement",
            PlaceLeadArrangementFactory,
            "delegations_placeleadarrangement_period_ordered",
        ),
    ],
)
def test_period_check_refuses_an_end_before_the_start(table, factory, constraint):
    row = factory()

    refused_by(constraint, lambda: update(table, row.pk, start_date=D(2022, 7, 1), end_date=D(2022, 6, 30)))

    update(table, row.pk, start_date=D(2022, 7, 1), end_date=D(2022, 7, 1))  # a one-day period is fine
    update(table, row.pk, start_date=None, end_date=D(2022, 6, 30))  # and so are open ends


# --- Functions -----------------------------------------------------------------------------


def add_function(name, parent=None):
    insert(
        "delegations_function",
        name=name,
        parent_id=parent,
        ancestor_ids=[],
        description="",
        spatial_level="",
        level_rationale="",
    )


def test_a_name_is_used_once_within_a_function_and_once_at_the_top_level():
    top = FunctionFactory(name="Top (constraint test)")
    FunctionFactory(name="Nursing", parent=top)
    unique = "delegations_function_unique_name_in_parent"

    refused_by(unique, lambda: add_function("Nursing", top.pk))
    refused_by(unique, lambda: add_function("Top (constraint test)"))  # top-level names are unique too
    add_function("Nursing", FunctionFactory().pk)


def test_a_function_is_not_its_own_parent():
    function = FunctionFactory()

    refused_by(
        "delegations_function_not_own_parent",
        lambda: update("delegations_function", function.pk, parent_id=function.pk),
    )


# --- Statutory holdings --------------------------------------------------------------------


def add_holding(function, holder, area, start, end):
    insert(
        "delegations_statutoryholding",
        function_id=function.pk,
        holder_id=holder.pk,
        area_id=area.pk if area else None,
        basis="",
        start_date=start,
        end_date=end,
    )


def test_an_organisation_holds_a_function_for_an_area_once_a_day():
    holding = StatutoryHoldingFactory(area=LocalityFactory(), end_date=D(2022, 6, 30))
    function, holder, area = holding.function, holding.holder, holding.area
    overlap = "delegations_statutoryholding_no_overlap"

    refused_by(overlap, lambda: add_holding(function, holder, area, D(2022, 6, 30), None))
    refused_by(overlap, lambda: add_holding(function, holder, area, None, None))
    add_holding(function, holder, area, D(2022, 7, 1), None)  # from the next day
    add_holding(function, OrganisationFactory(), area, None, None)  # another organisation at once
    add_holding(function, holder, LocalityFactory(), None, None)  # another area


def test_an_all_england_holding_is_held_once_a_day():
    holding = StatutoryHoldingFactory(area=None)

    refused_by(
        "delegations_statutoryholding_no_overlap",
        lambda: add_holding(holding.function, holding.holder, None, D(2022, 1, 1), None),
    )


# --- Reserved matters ----------------------------------------------------------------------


@pytest.mark.parametrize("both", [True, False])
def test_a_reservation_has_exactly_one_holder(both):
    matter = ReservedMatterFactory()
    body = BodyFactory()
    values = {"reserved_to_body_id": body.pk} if both else {"reserved_to_organisation_id": None}

    refused_by(
        "delegations_reservedmatter_one_holder",
        lambda: update("delegations_reservedmatter", matter.pk, **values),
    )

    update(
        "delegations_reservedmatter", matter.pk, reserved_to_organisation_id=None, reserved_to_body_id=body.pk
    )


# --- Delegations ---------------------------------------------------------------------------


@pytest.mark.parametrize("side", ["delegator", "delegate"])
def test_a_delegation_has_exactly_one_party_on_each_side(side):
    delegation = DelegationFactory()
    constraint = f"delegations_delegation_one_{side}"

    refused_by(
        constraint,
        lambda: update("delegations_delegation", delegation.pk, **{f"{side}_organisation_id": None}),
    )
    refused_by(
        constraint,
        lambda: update("delegations_delegation", delegation.pk, **{f"{side}_post_id": PostFactory().pk}),
    )
    update(
        "delegations_delegation",
        delegation.pk,
        **{f"{side}_organisation_id": None, f"{side}_body_id": BodyFactory().pk},
    )


def test_a_limit_is_not_negative():
    delegation = DelegationFactory()

    refused_by(
        "delegations_delegation_limit_not_negative",
        lambda: update("delegations_delegation", delegation.pk, financial_limit=-1),
    )
    update("delegations_delegation", delegation.pk, financial_limit=0)
    update("delegations_delegation", delegation.pk, financial_limit=None)


def test_a_delegation_does_not_sub_delegate_itself():
    delegation = DelegationFactory()

    refused_by(
        "delegations_delegation_not_own_parent",
        lambda: update("delegations_delegation", delegation.pk, parent_id=delegation.pk),
    )


@pytest.mark.parametrize("kind", ["organisation", "body", "post"])
def test_a_holder_does_not_delegate_to_itself(kind):
    party = {"organisation": OrganisationFactory, "body": BodyFactory, "post": PostFactory}[kind]().pk
    delegation = DelegationFactory()
    table = "delegations_delegation"

    sides = {"delegator_organisation_id": None, "delegate_organisation_id": None}
    refused_by(
        "delegations_delegation_not_to_self",
        lambda: update(
            table, delegation.pk, **{**sides, f"delegator_{kind}_id": party, f"delegate_{kind}_id": party}
        ),
    )


def test_a_delegation_covers_a_function_once():
    function = FunctionFactory()
    delegation = DelegationFactory(functions=[function])

    refused_by(
        "delegations_delegationfunction_unique",
        lambda: insert(
            "delegations_delegationfunction", delegation_id=delegation.pk, function_id=function.pk
        ),
    )


# --- Place-based lead arrangements ---------------------------------------------------------


def add_arrangement(area, start, end, status="proposed"):
    insert(
        "delegations_placeleadarrangement",
        area_id=area.pk,
        model="other",
        models_considered=[],
        host_organisation_id=None,
        relationship_to_icb="",
        status=status,
        note="",
        start_date=start,
        end_date=end,
    )


def test_a_locality_has_one_arrangement_a_day_whatever_its_status():
    first = PlaceLeadArrangementFactory(status="in_force", start_date=D(2022, 7, 1), end_date=D(2023, 3, 31))
    overlap = "delegations_placeleadarrangement_one_per_day"

    refused_by(overlap, lambda: add_arrangement(first.area, D(2023, 3, 31), None))
    refused_by(overlap, lambda: add_arrangement(first.area, None, None, status="proposed"))
    add_arrangement(first.area, D(2023, 4, 1), None)
    add_arrangement(LocalityFactory(), None, None)


def test_a_post_is_part_of_an_arrangement_once():
    link = PlaceLeadPostFactory()

    refused_by(
        "delegations_placeleadpost_unique",
        lambda: insert(
            "delegations_placeleadpost", arrangement_id=link.arrangement_id, post_id=link.post_id, roles=[]
        ),
    )


# --- The tier table ------------------------------------------------------------------------


def test_a_tier_table_entry_says_something():
    entry = TierAssignmentFactory()

    refused_by(
        "delegations_tierassignment_says_something",
        lambda: update("delegations_tierassignment", entry.pk, label="", function_id=None, body_id=None),
    )
    update("delegations_tierassignment", entry.pk, label="", function_id=FunctionFactory().pk)
