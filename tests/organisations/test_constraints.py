"""The database itself refuses bad rows, whatever writes them: raw SQL that breaks each declared
constraint raises IntegrityError naming the constraint."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from .factories import (
    AreaMemberFactory,
    LocalityFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    PostHoldingFactory,
    SuccessionFactory,
    SystemAreaFactory,
    SystemFactory,
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


def refused_by(constraint, sql, params=()):
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        run(sql, params) if isinstance(sql, str) else sql()


def test_every_declared_constraint_exists_in_the_database():
    declared = {
        (model._meta.db_table, constraint.name)
        for model in apps.get_app_config("organisations").get_models()
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
        ("organisations_area", LocalityFactory, "organisations_area_period_ordered"),
        ("organisations_organisation", OrganisationFactory, "organisations_organisation_period_ordered"),
        (
            "organisations_partnershipmembership",
            MembershipFactory,
            "organisations_partnershipmembership_period_ordered",
        ),
        ("organisations_post", PostFactory, "organisations_post_period_ordered"),
        ("organisations_postholding", PostHoldingFactory, "organisations_postholding_period_ordered"),
    ],
)
def test_period_check_refuses_an_end_before_the_start(table, factory, constraint):
    row = factory()
    sql = f'UPDATE "{table}" SET start_date = %s, end_date = %s WHERE id = %s'

    refused_by(constraint, sql, [D(2022, 7, 1), D(2022, 6, 30), row.pk])

    run(sql, [D(2022, 7, 1), D(2022, 7, 1), row.pk])  # a one-day period is fine
    run(sql, [None, D(2022, 6, 30), row.pk])  # and so are open ends


def test_post_holdings_may_not_overlap_in_the_same_place():
    holding = PostHoldingFactory(start_date=D(2020, 1, 1), end_date=D(2020, 12, 31))
    other = PersonFactory()

    def add(start, end, position=1):
        insert(
            "organisations_postholding",
            post_id=holding.post_id,
            person_id=other.pk,
            position=position,
            is_acting=False,
            start_date=start,
            end_date=end,
        )

    refused_by("organisations_postholding_no_overlap", lambda: add(D(2020, 12, 31), None))  # shares a day
    refused_by("organisations_postholding_no_overlap", lambda: add(None, None))  # open ends overlap all
    refused_by("organisations_postholding_no_overlap", lambda: add(None, D(2020, 1, 1)))
    add(D(2021, 1, 1), None)  # the day after is fine
    add(D(2020, 6, 1), D(2020, 6, 30), position=2)  # another place is fine (capacity is the service's rule)


def test_memberships_may_not_overlap_in_the_same_system():
    membership = MembershipFactory(start_date=D(2021, 1, 1), end_date=None)

    def add(system_id, start, end):
        insert(
            "organisations_partnershipmembership",
            system_id=system_id,
            organisation_id=membership.organisation_id,
            category="other_partners",
            note="",
            start_date=start,
            end_date=end,
        )

    refused_by("organisations_membership_no_overlap", lambda: add(membership.system_id, D(2030, 1, 1), None))
    refused_by("organisations_membership_no_overlap", lambda: add(membership.system_id, None, D(2021, 1, 1)))
    add(membership.system_id, None, D(2020, 12, 31))  # before it: fine
    add(SystemFactory().pk, D(2021, 1, 1), None)  # another system: fine


def test_ods_codes_are_unique_among_organisations(reference):
    org = OrganisationFactory()
    sql = 'UPDATE "organisations_organisation" SET ods_code = %s WHERE id = %s'

    refused_by("organisations_organisation_unique_ods_code", sql, ["01W", org.pk])  # NHS Stockport CCG's

    OrganisationFactory(ods_code="")  # organisations without a code may be many
    run(sql, ["", org.pk])


def test_ods_codes_are_unique_among_systems():
    first, second = SystemFactory(ods_code="QX9"), SystemFactory()

    refused_by(
        "organisations_system_unique_ods_code",
        'UPDATE "organisations_system" SET ods_code = %s WHERE id = %s',
        [first.ods_code, second.pk],
    )


def test_ons_codes_are_unique_among_areas():
    place = LocalityFactory()

    refused_by(
        "organisations_area_unique_ons_code",
        'UPDATE "organisations_area" SET ons_code = %s WHERE id = %s',
        ["E08000007", place.pk],
    )


def test_area_names_are_unique_within_their_parent_even_at_the_top():
    root = SystemAreaFactory()
    sql = 'UPDATE "organisations_area" SET name = %s WHERE id = %s'
    a, b = LocalityFactory(system=root.system, parent=root), LocalityFactory(system=root.system, parent=root)

    refused_by("organisations_area_unique_name_in_parent", sql, [a.name, b.pk])
    refused_by(  # a second root of the same name: NULL parents count as the same
        "organisations_area_unique_name_in_parent",
        lambda: insert(
            "organisations_area",
            name=root.name,
            system_id=root.system_id,
            tier="system",
            kind="system",
            ons_code="",
        ),
    )


def test_an_organisation_cannot_succeed_itself():
    succession = SuccessionFactory()

    refused_by(
        "organisations_succession_not_self",
        'UPDATE "organisations_succession" SET successor_id = predecessor_id WHERE id = %s',
        [succession.pk],
    )


def test_a_succession_is_recorded_once():
    s = SuccessionFactory()

    refused_by(
        "organisations_succession_unique_pair",
        lambda: insert(
            "organisations_succession",
            predecessor_id=s.predecessor_id,
            successor_id=s.successor_id,
            effective_date=D(2023, 1, 1),
            note="",
        ),
    )


def test_a_post_has_an_organisation_or_an_area():
    post = PostFactory()

    refused_by(
        "organisations_post_has_organisation_or_area",
        'UPDATE "organisations_post" SET organisation_id = NULL, area_id = NULL WHERE id = %s',
        [post.pk],
    )


def test_a_post_has_at_least_one_place_and_holdings_fill_a_real_place():
    holding = PostHoldingFactory()

    refused_by(
        "organisations_post_capacity_positive",
        'UPDATE "organisations_post" SET capacity = 0 WHERE id = %s',
        [holding.post_id],
    )
    refused_by(
        "organisations_postholding_position_positive",
        'UPDATE "organisations_postholding" SET position = 0 WHERE id = %s',
        [holding.pk],
    )


def test_a_footprint_cannot_contain_itself_or_a_member_twice():
    link = AreaMemberFactory()

    refused_by(
        "organisations_areamember_not_self",
        'UPDATE "organisations_areamember" SET member_id = footprint_id WHERE id = %s',
        [link.pk],
    )
    refused_by(
        "organisations_areamember_unique",
        lambda: insert("organisations_areamember", footprint_id=link.footprint_id, member_id=link.member_id),
    )


def test_an_organisation_serves_an_area_once():
    place = LocalityFactory()
    org = OrganisationFactory(areas=[place])

    refused_by(
        "organisations_organisationarea_unique",
        lambda: insert("organisations_organisationarea", organisation_id=org.pk, area_id=place.pk),
    )
