"""The database itself refuses bad governance rows, whatever writes them: raw SQL that breaks each
declared constraint raises IntegrityError naming the constraint."""

import datetime as dt

import pytest
from django.apps import apps
from django.db import IntegrityError, connection, transaction

from tests.organisations.factories import OrganisationFactory, PersonFactory, PostFactory

from .factories import (
    BodyFactory,
    BodyStatusFactory,
    CompositionRuleFactory,
    ConstituencyMemberFactory,
    RelationFactory,
    SeatFactory,
    SeatHoldingFactory,
    TermsOfReferenceFactory,
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
        for model in apps.get_app_config("governance").get_models()
        for constraint in model._meta.constraints
    }
    with connection.cursor() as cursor:
        present = {
            (table, name)
            for table in {t for t, _ in declared}
            for name in connection.introspection.get_constraints(cursor, table)
        }

    assert declared <= present, declared - present
    assert len(declared) >= 23


@pytest.mark.parametrize(
    "table, factory, constraint",
    [
        ("governance_bodystatus", BodyStatusFactory, "governance_bodystatus_period_ordered"),
        ("governance_accountabilityrelation", RelationFactory, "governance_relation_period_ordered"),
        ("governance_seat", SeatFactory, "governance_seat_period_ordered"),
        ("governance_seatholding", SeatHoldingFactory, "governance_seatholding_period_ordered"),
        (
            "governance_constituencymember",
            ConstituencyMemberFactory,
            "governance_constituency_period_ordered",
        ),
    ],
)
def test_period_check_refuses_an_end_before_the_start(table, factory, constraint):
    row = factory()

    refused_by(constraint, lambda: update(table, row.pk, start_date=D(2022, 7, 1), end_date=D(2022, 6, 30)))

    update(table, row.pk, start_date=D(2022, 7, 1), end_date=D(2022, 7, 1))  # a one-day period is fine
    update(table, row.pk, start_date=None, end_date=D(2022, 6, 30))  # and so are open ends


# --- Bodies --------------------------------------------------------------------------------


@pytest.mark.parametrize("meetings", [0, -1])
def test_meetings_a_year_must_be_positive(meetings):
    body = BodyFactory()

    refused_by(
        "governance_body_meetings_positive",
        lambda: update("governance_body", body.pk, meetings_per_year=meetings),
    )

    update("governance_body", body.pk, meetings_per_year=None)
    update("governance_body", body.pk, meetings_per_year=0.5)


def test_the_chair_is_not_the_vice_chair():
    body = BodyFactory()
    post, other = PostFactory(), PostFactory()

    refused_by(
        "governance_body_chair_not_vice_chair",
        lambda: update("governance_body", body.pk, chair_post_id=post.pk, vice_chair_post_id=post.pk),
    )

    update("governance_body", body.pk, chair_post_id=post.pk, vice_chair_post_id=other.pk)
    update("governance_body", body.pk, chair_post_id=post.pk, vice_chair_post_id=None)


def test_a_body_covers_an_area_once():
    body = BodyFactory()
    area = body.areas.get()

    refused_by(
        "governance_bodyarea_unique", lambda: insert("governance_bodyarea", body_id=body.pk, area_id=area.pk)
    )


def test_an_organisation_hosts_a_body_once():
    host = OrganisationFactory()
    body = BodyFactory(hosts=[host])

    refused_by(
        "governance_bodyhost_unique",
        lambda: insert("governance_bodyhost", body_id=body.pk, organisation_id=host.pk),
    )


# --- Statuses ------------------------------------------------------------------------------


def add_status(body, status, start, end, conflicting=""):
    insert(
        "governance_bodystatus",
        body_id=body.pk,
        status=status,
        note="",
        conflicting_status=conflicting,
        conflicting_note="",
        start_date=start,
        end_date=end,
    )


def test_a_conflicting_status_differs_from_the_status():
    body = BodyFactory()

    refused_by(
        "governance_bodystatus_conflict_differs",
        lambda: add_status(body, "shadow", None, None, conflicting="shadow"),
    )

    add_status(body, "shadow", None, None, conflicting="established")


def test_a_bodys_statuses_may_not_overlap():
    status = BodyStatusFactory(status="shadow", start_date=D(2021, 4, 1), end_date=D(2022, 6, 30))
    body = status.body
    overlap = "governance_bodystatus_no_overlap"

    refused_by(overlap, lambda: add_status(body, "established", D(2022, 6, 30), None))  # shares a day
    refused_by(overlap, lambda: add_status(body, "proposed", None, D(2021, 4, 1)))
    refused_by(overlap, lambda: add_status(body, "established", None, None))  # open ends overlap all
    add_status(body, "established", D(2022, 7, 1), None)  # the day after is fine
    add_status(BodyFactory(), "established", D(2022, 1, 1), None)  # another body is fine


# --- Relations -----------------------------------------------------------------------------


def add_relation(from_body, to_body, kind="accountable_to", start=None, end=None):
    insert(
        "governance_accountabilityrelation",
        from_body_id=from_body.pk,
        to_body_id=to_body.pk,
        kind=kind,
        note="",
        start_date=start,
        end_date=end,
    )


def test_a_body_does_not_stand_in_a_relation_to_itself():
    body = BodyFactory()

    refused_by("governance_relation_not_self", lambda: add_relation(body, body))


@pytest.mark.parametrize("start", [None, D(2021, 4, 1)])
def test_a_relation_is_recorded_once_from_a_date(start):
    relation = RelationFactory(start_date=start)

    refused_by(
        "governance_relation_unique",
        lambda: add_relation(relation.from_body, relation.to_body, start=start, end=D(2030, 1, 1)),
    )

    add_relation(relation.from_body, relation.to_body, kind="advises", start=start)


# --- Terms of reference --------------------------------------------------------------------


def add_terms(body, version, approved_on=None, approved_by=None, review_due=None):
    insert(
        "governance_termsofreference",
        body_id=body.pk,
        version=version,
        approved_on=approved_on,
        approved_by_id=approved_by.pk if approved_by else None,
        review_due=review_due,
        text="",
        document_url="",
    )


def test_a_version_name_is_used_once_per_body():
    terms = TermsOfReferenceFactory(version="1.0")

    refused_by("governance_tor_unique_version", lambda: add_terms(terms.body, "1.0"))

    add_terms(BodyFactory(), "1.0")


def test_an_approved_version_names_its_approver():
    body = BodyFactory()

    refused_by(
        "governance_tor_approved_by_someone", lambda: add_terms(body, "1.0", approved_on=D(2022, 1, 1))
    )


def test_the_review_is_due_on_or_after_the_approval():
    body = BodyFactory()

    refused_by(
        "governance_tor_review_after_approval",
        lambda: add_terms(
            body, "1.0", approved_on=D(2022, 1, 1), approved_by=body, review_due=D(2021, 12, 31)
        ),
    )

    add_terms(body, "2.0", approved_on=D(2022, 1, 1), approved_by=body, review_due=D(2022, 1, 1))


# --- Seats and holdings --------------------------------------------------------------------


def test_a_seat_takes_at_least_one_member():
    seat = SeatFactory()

    refused_by("governance_seat_capacity_positive", lambda: update("governance_seat", seat.pk, capacity=0))


def test_a_holding_is_in_place_one_or_later():
    holding = SeatHoldingFactory()

    refused_by(
        "governance_seatholding_position_positive",
        lambda: update("governance_seatholding", holding.pk, position=0),
    )


def add_holding(seat, person, role="principal", position=1, start=None, end=None):
    insert(
        "governance_seatholding",
        seat_id=seat.pk,
        person_id=person.pk,
        role=role,
        position=position,
        start_date=start,
        end_date=end,
    )


def test_one_member_per_place_of_a_seat_on_any_day():
    holding = SeatHoldingFactory(start_date=D(2021, 1, 1), end_date=D(2021, 12, 31))
    seat, other = holding.seat, PersonFactory()
    overlap = "governance_seatholding_one_member"

    refused_by(overlap, lambda: add_holding(seat, other, start=D(2021, 12, 31)))  # shares a day
    refused_by(overlap, lambda: add_holding(seat, other))  # open ends overlap all
    refused_by(overlap, lambda: add_holding(seat, other, end=D(2021, 1, 1)))
    add_holding(seat, other, start=D(2022, 1, 1))  # the day after is fine
    add_holding(
        seat, other, position=2, start=D(2021, 6, 1)
    )  # another place is fine (capacity is the service's)
    add_holding(SeatFactory(), other, start=D(2021, 6, 1))  # another seat is fine


def test_deputies_are_not_held_to_one_per_place():
    holding = SeatHoldingFactory(start_date=D(2021, 1, 1))
    seat = holding.seat

    add_holding(seat, PersonFactory(), role="deputy", start=D(2021, 1, 1))
    add_holding(seat, PersonFactory(), role="deputy", start=D(2021, 6, 1))
    add_holding(seat, PersonFactory(), role="substitute")

    assert seat.holdings.count() == 4


# --- Composition rules ---------------------------------------------------------------------


def add_rule(body, kind, other_body=None, organisation_kind="", count=None):
    insert(
        "governance_compositionrule",
        body_id=body.pk,
        kind=kind,
        other_body_id=other_body.pk if other_body else None,
        organisation_kind=organisation_kind,
        count=count,
        voting_only=False,
        description="",
    )


@pytest.mark.parametrize(
    "kind, organisation_kind, count, other",
    [
        ("not_majority_from_body", "", None, False),
        ("min_from_organisation_kind", "", 2, False),
        ("max_from_organisation_kind", "nhs_trust", None, False),
        ("min_from_organisation_kind", "", None, True),
    ],
)
def test_a_rule_is_complete(kind, organisation_kind, count, other):
    body = BodyFactory()
    other_body = BodyFactory(system=body.system) if other else None

    refused_by(
        "governance_rule_complete",
        lambda: add_rule(body, kind, other_body=other_body, organisation_kind=organisation_kind, count=count),
    )


def test_a_majority_rule_is_about_another_body():
    rule = CompositionRuleFactory()

    refused_by(
        "governance_rule_other_body_differs",
        lambda: update("governance_compositionrule", rule.pk, other_body_id=rule.body_id),
    )


# --- Constituency --------------------------------------------------------------------------


def add_member(body, organisation=None, label="", decided_on=None, decided_by=None):
    insert(
        "governance_constituencymember",
        body_id=body.pk,
        organisation_id=organisation.pk if organisation else None,
        label=label,
        decided_on=decided_on,
        decided_by_id=decided_by.pk if decided_by else None,
    )


def test_a_constituency_member_is_named():
    body = BodyFactory()

    refused_by("governance_constituency_named", lambda: add_member(body))

    add_member(body, label="Universities")


def test_a_decision_date_has_its_deciding_body():
    body = BodyFactory()

    refused_by(
        "governance_constituency_decision_has_body",
        lambda: add_member(body, label="Universities", decided_on=D(2021, 5, 20)),
    )


def test_an_organisation_is_in_a_constituency_once():
    member = ConstituencyMemberFactory()

    refused_by(
        "governance_constituency_unique_organisation",
        lambda: add_member(member.body, organisation=member.organisation),
    )

    add_member(member.body, label="Universities")
    add_member(member.body, label="Universities")  # labels alone may repeat
