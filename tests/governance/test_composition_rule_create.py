"""composition_rule_create, _update, _delete, and the warnings a holding gets when it leaves a rule
broken: the rules are shown, never refused."""

import datetime as dt

import pytest

from governance.choices import CompositionRuleKind, HoldingRole, VotingRight
from governance.models import CompositionRule, SeatHolding
from governance.services import (
    composition_rule_create,
    composition_rule_delete,
    composition_rule_update,
    seat_holding_create,
    seat_holding_update,
)
from organisations.choices import OrganisationKind
from tests.organisations.factories import (
    OrganisationFactory,
    PersonFactory,
    PostFactory,
    PostHoldingFactory,
    SystemFactory,
)

from .factories import BodyFactory, CompositionRuleFactory, SeatFactory, SeatHoldingFactory
from .helpers import assert_recorded, refused

pytestmark = pytest.mark.django_db

D = dt.date
APRIL = D(2021, 4, 1)
NOT_MAJORITY = CompositionRuleKind.NOT_MAJORITY_FROM_BODY
RULE_TEXT = "Partnership Executive members must not form a majority of the Partnership Board."


@pytest.fixture
def board():
    return BodyFactory(name="Partnership Board", system=SystemFactory())


@pytest.fixture
def executive(board):
    return BodyFactory(name="Partnership Executive", system=board.system)


def test_records_a_majority_rule_and_who_did_it(staff_user, board, executive):
    rule = composition_rule_create(
        body=board, kind=NOT_MAJORITY, other_body=executive, description=RULE_TEXT, actor=staff_user
    )

    rule.refresh_from_db()
    assert (rule.body, rule.kind, rule.other_body, str(rule)) == (board, NOT_MAJORITY, executive, RULE_TEXT)
    assert_recorded(rule, "created", staff_user, service="composition_rule_create")


def test_records_a_count_rule(staff_user, board):
    rule = composition_rule_create(
        body=board,
        kind=CompositionRuleKind.MIN_FROM_ORGANISATION_KIND,
        organisation_kind=OrganisationKind.LOCAL_AUTHORITY,
        count=2,
        voting_only=True,
        actor=staff_user,
    )

    rule.refresh_from_db()
    assert (rule.organisation_kind, rule.count, rule.voting_only) == ("local_authority", 2, True)


def test_a_majority_rule_needs_the_other_body(staff_user, board):
    errors = refused(lambda: composition_rule_create(body=board, kind=NOT_MAJORITY, actor=staff_user))

    assert errors == {"other_body": ["Choose the body whose members must not form a majority."]}


def test_a_majority_rule_names_a_different_body(staff_user, board):
    errors = refused(
        lambda: composition_rule_create(body=board, kind=NOT_MAJORITY, other_body=board, actor=staff_user)
    )

    assert errors == {"other_body": ["The other body must be a different body."]}


@pytest.mark.parametrize(
    "kind", [CompositionRuleKind.MIN_FROM_ORGANISATION_KIND, CompositionRuleKind.MAX_FROM_ORGANISATION_KIND]
)
def test_a_count_rule_needs_the_kind_and_the_count(staff_user, board, kind):
    errors = refused(lambda: composition_rule_create(body=board, kind=kind, actor=staff_user))

    assert errors == {
        "organisation_kind": ["Choose the kind of organisation counted."],
        "count": ["Give how many."],
    }


def test_updates_a_rule_and_records_who_did_it(staff_user, board):
    rule = CompositionRuleFactory(
        body=board,
        kind=CompositionRuleKind.MAX_FROM_ORGANISATION_KIND,
        other_body=None,
        organisation_kind="nhs_trust",
        count=3,
    )

    composition_rule_update(rule, count=4, actor=staff_user)

    rule.refresh_from_db()
    assert rule.count == 4
    assert_recorded(rule, "updated", staff_user, service="composition_rule_update")


def test_changing_a_rule_into_an_incomplete_one_is_refused(staff_user, board, executive):
    rule = CompositionRuleFactory(body=board, other_body=executive)

    errors = refused(
        lambda: composition_rule_update(
            rule, kind=CompositionRuleKind.MIN_FROM_ORGANISATION_KIND, actor=staff_user
        ),
        rule,
    )

    assert errors == {
        "organisation_kind": ["Choose the kind of organisation counted."],
        "count": ["Give how many."],
    }


def test_a_rule_cannot_move_to_another_body(staff_user, board, executive):
    rule = CompositionRuleFactory(body=board, other_body=executive)
    elsewhere = BodyFactory(system=board.system)

    errors = refused(lambda: composition_rule_update(rule, body=elsewhere, actor=staff_user), rule)

    assert errors == {"body": ["A rule cannot move to another body."]}


def test_deletes_a_rule_and_records_who_did_it(staff_user, board, executive):
    rule = CompositionRuleFactory(body=board, other_body=executive)
    pk = rule.pk

    composition_rule_delete(rule, actor=staff_user)

    assert not CompositionRule.objects.filter(pk=pk).exists()
    event = CompositionRule.pgh_event_models["deleted"].objects.get(pgh_obj_id=pk, pgh_label="deleted")
    assert event.pgh_context.metadata == {"user": staff_user.pk, "service": "composition_rule_delete"}


# --- Warnings when holdings change ---------------------------------------------------------


@pytest.fixture
def majority_rule(board, executive):
    return CompositionRuleFactory(body=board, kind=NOT_MAJORITY, other_body=executive, description=RULE_TEXT)


def members(body, people, start=APRIL, voting=VotingRight.VOTING):
    seat = SeatFactory(body=body, capacity=len(people), voting=voting)
    for position, person in enumerate(people, start=1):
        SeatHoldingFactory(seat=seat, person=person, position=position, start_date=start)
    return seat


def test_no_warning_while_executive_members_are_exactly_half(staff_user, board, executive, majority_rule):
    shared = PersonFactory.create_batch(2)
    members(executive, shared)
    members(board, [shared[0], PersonFactory(), PersonFactory()])
    seat = SeatFactory(body=board)

    result = seat_holding_create(seat=seat, person=shared[1], start_date=APRIL, actor=staff_user)

    assert result.warnings == []
    assert SeatHolding.objects.filter(seat__body=board).count() == 4


def test_a_warning_when_executive_members_become_a_majority(staff_user, board, executive, majority_rule):
    shared = PersonFactory.create_batch(3)
    members(executive, shared)
    members(board, [shared[0], shared[1], PersonFactory(), PersonFactory()])
    seat = SeatFactory(body=board)

    result = seat_holding_create(seat=seat, person=shared[2], start_date=APRIL, actor=staff_user)

    assert result.warnings == [
        "On 1 Apr 2021, 3 of the 5 members of Partnership Board are members of Partnership Executive, "
        f"a majority. {RULE_TEXT}"
    ]
    # shown, not refused: the holding is saved
    assert SeatHolding.objects.filter(pk=result.holding.pk).exists()


def test_the_other_bodys_chair_counts_as_one_of_its_members(staff_user, board, executive, majority_rule):
    chair = PersonFactory()
    executive.chair_post = PostFactory(title="Partnership Chair")
    executive.save()
    PostHoldingFactory(post=executive.chair_post, person=chair, start_date=D(2021, 1, 1))
    exec_member = PersonFactory()
    members(executive, [exec_member])
    members(board, [exec_member, PersonFactory()])
    seat = SeatFactory(body=board)

    result = seat_holding_create(seat=seat, person=chair, start_date=APRIL, actor=staff_user)

    assert len(result.warnings) == 1
    assert result.warnings[0].startswith("On 1 Apr 2021, 2 of the 3 members of Partnership Board")


def test_executive_members_who_have_left_do_not_count(staff_user, board, executive, majority_rule):
    shared = PersonFactory.create_batch(3)
    seat = SeatFactory(body=executive, capacity=3)
    for position, person in enumerate(shared, start=1):
        SeatHoldingFactory(
            seat=seat, person=person, position=position, start_date=D(2020, 1, 1), end_date=D(2021, 3, 31)
        )
    members(board, [shared[0], shared[1], PersonFactory(), PersonFactory()])

    result = seat_holding_create(
        seat=SeatFactory(body=board), person=shared[2], start_date=APRIL, actor=staff_user
    )

    assert result.warnings == []


def test_an_update_that_breaks_the_rule_is_warned_about(staff_user, board, executive, majority_rule):
    shared = PersonFactory.create_batch(2)
    members(executive, shared)
    members(board, [shared[0], PersonFactory()])
    holding = SeatHoldingFactory(seat=SeatFactory(body=board), start_date=APRIL)

    result = seat_holding_update(holding, person=shared[1], actor=staff_user)

    assert result.warnings == [
        "On 1 Apr 2021, 2 of the 3 members of Partnership Board are members of Partnership Executive, "
        f"a majority. {RULE_TEXT}"
    ]


def test_deputies_are_not_counted_as_members(staff_user, board, executive, majority_rule):
    shared = PersonFactory.create_batch(3)
    members(executive, shared)
    seat = members(board, [PersonFactory(), PersonFactory()])

    for person in shared:
        result = seat_holding_create(
            seat=seat, person=person, role=HoldingRole.DEPUTY, start_date=APRIL, actor=staff_user
        )
        assert result.warnings == []


def test_a_minimum_from_a_kind_of_organisation(staff_user, board):
    CompositionRuleFactory(
        body=board,
        kind=CompositionRuleKind.MIN_FROM_ORGANISATION_KIND,
        other_body=None,
        organisation_kind=OrganisationKind.LOCAL_AUTHORITY,
        count=2,
    )
    seat = SeatFactory(body=board, capacity=3, represents_kind=OrganisationKind.LOCAL_AUTHORITY)

    def appoint(name):
        council = OrganisationFactory(name=name, kind=OrganisationKind.LOCAL_AUTHORITY)
        return seat_holding_create(
            seat=seat, person=PersonFactory(), organisation=council, start_date=APRIL, actor=staff_user
        )

    assert appoint("Bury Council").warnings == [
        "On 1 Apr 2021, Partnership Board has 1 member(s) from a local authority; it needs at least 2."
    ]
    assert appoint("Stockport Council").warnings == []


def test_a_maximum_from_a_kind_of_organisation(staff_user, board):
    CompositionRuleFactory(
        body=board,
        kind=CompositionRuleKind.MAX_FROM_ORGANISATION_KIND,
        other_body=None,
        organisation_kind=OrganisationKind.NHS_TRUST,
        count=1,
    )
    seat = SeatFactory(body=board, capacity=2)
    first, second = OrganisationFactory.create_batch(2, kind=OrganisationKind.NHS_TRUST)

    assert (
        seat_holding_create(
            seat=seat, person=PersonFactory(), organisation=first, start_date=APRIL, actor=staff_user
        ).warnings
        == []
    )
    assert seat_holding_create(
        seat=seat, person=PersonFactory(), organisation=second, start_date=APRIL, actor=staff_user
    ).warnings == [
        "On 1 Apr 2021, Partnership Board has 2 member(s) from an NHS trust; at most 1 are allowed."
    ]


def test_a_voting_only_rule_ignores_non_voting_seats(staff_user, board):
    CompositionRuleFactory(
        body=board,
        kind=CompositionRuleKind.MAX_FROM_ORGANISATION_KIND,
        other_body=None,
        organisation_kind=OrganisationKind.NHS_TRUST,
        count=1,
        voting_only=True,
    )
    trusts = OrganisationFactory.create_batch(2, kind=OrganisationKind.NHS_TRUST)
    voting = SeatFactory(body=board)
    advisory = SeatFactory(body=board, voting=VotingRight.NON_VOTING)

    seat_holding_create(
        seat=voting, person=PersonFactory(), organisation=trusts[0], start_date=APRIL, actor=staff_user
    )
    result = seat_holding_create(
        seat=advisory, person=PersonFactory(), organisation=trusts[1], start_date=APRIL, actor=staff_user
    )

    assert result.warnings == []
