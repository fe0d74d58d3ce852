"""relation_create, relation_update, relation_delete: how one body stands to another over time.

Sub-committee links may never form a cycle among links in force at the same time.
"""

import datetime as dt

import pytest

from governance.choices import RelationKind
from governance.models import AccountabilityRelation
from governance.services import relation_create, relation_delete, relation_update
from tests.organisations.factories import SystemFactory

from .factories import BodyFactory, RelationFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db

D = dt.date
SUB = RelationKind.SUB_COMMITTEE_OF


def bodies(*names):
    """Bodies of one new system."""
    system = SystemFactory()
    return [BodyFactory(name=name, system=system) for name in names]


def sub_committee(child, parent, start=None, end=None):
    return RelationFactory(from_body=child, to_body=parent, kind=SUB, start_date=start, end_date=end)


def test_records_a_relation_and_who_did_it(staff_user):
    executive, board = bodies("Partnership Executive", "Partnership Board")

    relation = relation_create(
        from_body=executive,
        to_body=board,
        kind=RelationKind.ACCOUNTABLE_TO,
        start_date=D(2021, 4, 1),
        note="The Executive reports to each Board meeting.",
        sources=[{"document": "000", "section": "§7.3"}],
        actor=staff_user,
    )

    relation.refresh_from_db()
    assert (relation.from_body, relation.to_body, relation.kind, relation.start_date) == (
        executive,
        board,
        "accountable_to",
        D(2021, 4, 1),
    )
    assert str(relation) == "Partnership Executive is accountable to Partnership Board"
    assert_recorded(relation, "created", staff_user, service="relation_create")


def test_a_body_cannot_stand_in_a_relation_to_itself(staff_user):
    (board,) = bodies("Partnership Board")

    errors = refused(
        lambda: relation_create(
            from_body=board, to_body=board, kind=RelationKind.REPORTS_TO, actor=staff_user
        )
    )

    assert errors == {"to_body": ["A body cannot stand in a relation to itself."]}


@pytest.mark.parametrize(
    "start, end",
    [(D(2022, 1, 1), None), (None, D(2021, 4, 1)), (None, None), (D(2021, 6, 1), D(2021, 6, 30))],
)
def test_the_same_relation_overlapping_in_time_is_refused(staff_user, start, end):
    executive, board = bodies("Executive", "Board")
    existing = RelationFactory(from_body=executive, to_body=board, start_date=D(2021, 4, 1))

    errors = refused(
        lambda: relation_create(
            from_body=executive,
            to_body=board,
            kind=RelationKind.ACCOUNTABLE_TO,
            start_date=start,
            end_date=end,
            actor=staff_user,
        ),
        existing,
    )

    assert errors == {"start_date": ["This relation is already recorded for 1 Apr 2021 – present."]}


def test_the_same_relation_again_after_it_ended_is_accepted(staff_user):
    executive, board = bodies("Executive", "Board")
    RelationFactory(from_body=executive, to_body=board, start_date=D(2021, 4, 1), end_date=D(2022, 6, 30))

    relation_create(
        from_body=executive,
        to_body=board,
        kind=RelationKind.ACCOUNTABLE_TO,
        start_date=D(2022, 7, 1),
        actor=staff_user,
    )

    assert AccountabilityRelation.objects.filter(from_body=executive, to_body=board).count() == 2


def test_a_different_kind_of_relation_between_the_same_bodies_is_accepted(staff_user):
    executive, board = bodies("Executive", "Board")
    RelationFactory(from_body=executive, to_body=board, kind=RelationKind.ACCOUNTABLE_TO)

    relation_create(from_body=executive, to_body=board, kind=RelationKind.ADVISES, actor=staff_user)

    assert AccountabilityRelation.objects.filter(from_body=executive, to_body=board).count() == 2


# --- Sub-committee cycles ------------------------------------------------------------------


def test_a_direct_sub_committee_cycle_is_refused(staff_user):
    finance, board = bodies("Finance Group", "Partnership Board")
    sub_committee(finance, board)

    errors = refused(lambda: relation_create(from_body=board, to_body=finance, kind=SUB, actor=staff_user))

    assert errors == {
        "to_body": [
            "This would make a cycle of sub-committees: Partnership Board → Finance Group → Partnership Board "
            "(each a sub-committee of the next)."
        ]
    }


def test_an_indirect_sub_committee_cycle_through_three_bodies_is_refused(staff_user):
    a, b, c = bodies("A", "B", "C")
    sub_committee(a, b, start=D(2021, 1, 1))
    sub_committee(b, c, start=D(2021, 6, 1))

    errors = refused(
        lambda: relation_create(from_body=c, to_body=a, kind=SUB, start_date=D(2022, 1, 1), actor=staff_user)
    )

    assert errors == {
        "to_body": [
            "This would make a cycle of sub-committees: C → A → B → C (each a sub-committee of the next)."
        ]
    }


def test_a_cycle_whose_links_are_never_in_force_together_is_accepted(staff_user):
    """A was a sub-committee of B in 2020-21; B became a sub-committee of C in 2022; C a
    sub-committee of A from 2021: no day has all three links."""
    a, b, c = bodies("A", "B", "C")
    sub_committee(a, b, start=D(2020, 1, 1), end=D(2021, 12, 31))
    sub_committee(b, c, start=D(2022, 1, 1))

    relation = relation_create(from_body=c, to_body=a, kind=SUB, start_date=D(2021, 1, 1), actor=staff_user)

    assert AccountabilityRelation.objects.filter(pk=relation.pk).exists()


def test_a_direct_reversal_after_the_first_link_ended_is_accepted(staff_user):
    finance, board = bodies("Finance Group", "Partnership Board")
    sub_committee(finance, board, end=D(2021, 12, 31))

    relation_create(from_body=board, to_body=finance, kind=SUB, start_date=D(2022, 1, 1), actor=staff_user)

    assert AccountabilityRelation.objects.filter(kind=SUB, from_body=board).count() == 1


def test_other_kinds_of_relation_may_run_both_ways(staff_user):
    senate, board = bodies("Senate", "Board")
    RelationFactory(from_body=senate, to_body=board, kind=RelationKind.ADVISES)

    relation_create(from_body=board, to_body=senate, kind=RelationKind.HOLDS_TO_ACCOUNT, actor=staff_user)
    relation_create(from_body=board, to_body=senate, kind=RelationKind.ADVISES, actor=staff_user)

    assert AccountabilityRelation.objects.filter(from_body=board).count() == 2


def test_changing_a_relation_into_a_sub_committee_link_that_closes_a_cycle_is_refused(staff_user):
    a, b = bodies("A", "B")
    sub_committee(a, b)
    advice = RelationFactory(from_body=b, to_body=a, kind=RelationKind.ADVISES)

    errors = refused(lambda: relation_update(advice, kind=SUB, actor=staff_user), advice)

    assert errors == {
        "to_body": [
            "This would make a cycle of sub-committees: B → A → B (each a sub-committee of the next)."
        ]
    }


# --- Update and delete ---------------------------------------------------------------------


def test_ends_a_relation_and_records_who_did_it(staff_user):
    relation = RelationFactory(start_date=D(2021, 4, 1))

    relation_update(relation, end_date=D(2022, 6, 30), actor=staff_user)

    relation.refresh_from_db()
    assert relation.end_date == D(2022, 6, 30)
    assert_recorded(relation, "updated", staff_user, service="relation_update")


def test_an_update_pointing_a_relation_at_its_own_body_is_refused(staff_user):
    relation = RelationFactory()

    errors = refused(
        lambda: relation_update(relation, to_body=relation.from_body, actor=staff_user), relation
    )

    assert errors == {"to_body": ["A body cannot stand in a relation to itself."]}


def test_end_before_start_is_refused(staff_user):
    relation = RelationFactory(start_date=D(2021, 4, 1))

    errors = refused(lambda: relation_update(relation, end_date=D(2021, 3, 31), actor=staff_user), relation)

    assert errors == {"end_date": ["The end date must be on or after the start date."]}


def test_deletes_a_relation_and_records_who_did_it(staff_user):
    relation = RelationFactory()
    pk = relation.pk

    relation_delete(relation, actor=staff_user)

    assert not AccountabilityRelation.objects.filter(pk=pk).exists()
    event = AccountabilityRelation.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "relation_delete"}
