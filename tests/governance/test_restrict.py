"""restrict(user, action) for governance records: who may see and who may change what.

Reading is public. Staff editors and superusers change everything. An area editor changes the
bodies covering their areas and every record of those bodies. A body's secretary changes that
body's statuses, seats, holdings and terms of reference — not the body itself, its relations,
composition rules or constituency, and nothing of any other body.
"""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser

from governance.choices import RelationKind, Status
from governance.models import (
    AccountabilityRelation,
    Body,
    BodyStatus,
    CompositionRule,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)
from governance.services import body_secretary_revoke, seat_update
from ics_registry.permissions import can_write_in_areas, may_write_at_all
from tests.organisations.factories import NeighbourhoodFactory

from .factories import (
    BodyFactory,
    BodyStatusFactory,
    CompositionRuleFactory,
    ConstituencyMemberFactory,
    RelationFactory,
    SeatFactory,
    SeatHoldingFactory,
    TermsOfReferenceFactory,
    system_root,
)
from .helpers import refused

pytestmark = pytest.mark.django_db

D = dt.date
MODELS = [
    Body,
    BodyStatus,
    AccountabilityRelation,
    TermsOfReference,
    Seat,
    SeatHolding,
    CompositionRule,
    ConstituencyMember,
]
SECRETARY_MODELS = [BodyStatus, TermsOfReference, Seat, SeatHolding]
NOT_SECRETARY_MODELS = [Body, AccountabilityRelation, CompositionRule, ConstituencyMember]


def records_of(body, board):
    """One record of every governance model belonging to the body (its relation and rule point
    at `board`)."""
    seat = SeatFactory(body=body)
    return {
        Body: body,
        BodyStatus: BodyStatusFactory(body=body, status=Status.ESTABLISHED, start_date=D(2021, 4, 1)),
        AccountabilityRelation: RelationFactory(from_body=body, to_body=board),
        TermsOfReference: TermsOfReferenceFactory(body=body),
        Seat: seat,
        SeatHolding: SeatHoldingFactory(seat=seat),
        CompositionRule: CompositionRuleFactory(body=body, other_body=board),
        ConstituencyMember: ConstituencyMemberFactory(body=body),
    }


@pytest.fixture
def world(reference):
    """A Stockport body (A), a Bury body (B), a body covering both, and the GM board above them,
    each with one record of every kind."""
    gm = reference.gm
    board = BodyFactory(name="GM Partnership Board", system=gm, areas=[system_root(gm)])
    stockport = BodyFactory(name="Stockport Locality Board", system=gm, areas=[reference.area("Stockport")])
    bury = BodyFactory(name="Bury Locality Board", system=gm, areas=[reference.area("Bury")])
    shared = BodyFactory(
        name="Pennine board", system=gm, areas=[reference.area("Stockport"), reference.area("Bury")]
    )
    return {
        "board": records_of(board, stockport),
        "stockport": records_of(stockport, board),
        "bury": records_of(bury, board),
        "shared": records_of(shared, board),
    }


def ours(world, model):
    """The world's records of a model (the registry may hold others)."""
    return {records[model].pk for records in world.values()}


def editable(user, model, world, action="change"):
    """Which of the world's bodies' records of this model the user may act on."""
    allowed = set(
        model.objects.restrict(user, action).filter(pk__in=ours(world, model)).values_list("pk", flat=True)
    )
    return {name for name, records in world.items() if records[model].pk in allowed}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", ["anonymous", "reader", "stockport_editor", "staff_user", "superuser"])
def test_everyone_may_view_every_record(request, world, model, who):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    assert model.objects.restrict(user, "view").count() == model.objects.count()


def test_a_secretary_may_view_every_record(world, secretary_of):
    secretary = secretary_of(world["stockport"][Body])

    for model in MODELS:
        assert model.objects.restrict(secretary, "view").count() == model.objects.count()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["add", "change", "delete"])
@pytest.mark.parametrize("who", ["anonymous", "reader"])
def test_readers_and_visitors_change_nothing(request, world, model, action, who):
    user = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)

    assert not model.objects.restrict(user, action).exists()


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("who", ["staff_user", "superuser"])
def test_staff_editors_and_superusers_change_everything(request, world, model, who):
    user = request.getfixturevalue(who)

    assert model.objects.restrict(user, "change").count() == model.objects.count()
    assert model.objects.restrict(user, "delete").count() == model.objects.count()
    assert editable(user, model, world) == {"board", "stockport", "bury", "shared"}


# --- Area editors --------------------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["change", "delete"])
def test_stockport_editor_changes_the_bodies_covering_stockport_and_their_records(
    world, stockport_editor, model, action
):
    assert editable(stockport_editor, model, world, action) == {"stockport", "shared"}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_bury_editor_changes_burys_not_stockports(world, bury_editor, model):
    assert editable(bury_editor, model, world) == {"bury", "shared"}


def test_stockport_editor_changes_a_body_covering_only_a_stockport_neighbourhood(
    world, stockport_editor, bury_editor, reference
):
    pcn = NeighbourhoodFactory(parent=reference.area("Stockport"), name="Stockport PCN")
    body = BodyFactory(name="Stockport PCN board", system=reference.gm, areas=[pcn])
    seat = SeatFactory(body=body)

    assert body in Body.objects.restrict(stockport_editor, "change")
    assert seat in Seat.objects.restrict(stockport_editor, "change")
    assert body not in Body.objects.restrict(bury_editor, "change")


def test_a_relation_belongs_to_the_body_it_runs_from(world, stockport_editor):
    board, stockport = world["board"][Body], world["stockport"][Body]
    down = RelationFactory(from_body=board, to_body=stockport, kind=RelationKind.HOLDS_TO_ACCOUNT)

    editable_relations = AccountabilityRelation.objects.restrict(stockport_editor, "change")

    assert world["stockport"][AccountabilityRelation] in editable_relations
    assert down not in editable_relations


# --- Body secretaries ----------------------------------------------------------------------


@pytest.mark.parametrize("model", SECRETARY_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["add", "change", "delete"])
def test_a_secretary_maintains_their_bodys_statuses_seats_holdings_and_terms(
    world, secretary_of, model, action
):
    secretary = secretary_of(world["stockport"][Body])

    assert editable(secretary, model, world, action) == {"stockport"}


@pytest.mark.parametrize("model", NOT_SECRETARY_MODELS, ids=lambda m: m.__name__)
@pytest.mark.parametrize("action", ["add", "change", "delete"])
def test_a_secretary_does_not_change_the_body_its_relations_rules_or_constituency(
    world, secretary_of, model, action
):
    secretary = secretary_of(world["stockport"][Body])

    assert not model.objects.restrict(secretary, action).exists()


def test_a_secretary_of_two_bodies_maintains_both(world, secretary_of):
    from governance.services import body_secretary_grant

    secretary = secretary_of(world["stockport"][Body])
    body_secretary_grant(user=secretary, body=world["bury"][Body])

    assert editable(secretary, Seat, world) == {"stockport", "bury"}


def test_a_revoked_secretary_maintains_nothing(world, secretary_of):
    body = world["stockport"][Body]
    secretary = secretary_of(body)

    body_secretary_revoke(user=secretary, body=body)

    assert not Seat.objects.restrict(secretary, "change").exists()


def test_an_inactive_secretary_maintains_nothing(world, secretary_of):
    secretary = secretary_of(world["stockport"][Body])
    secretary.is_active = False
    secretary.save()

    assert not Seat.objects.restrict(secretary, "change").exists()


def test_secretary_restrict_costs_a_fixed_number_of_queries(
    world, secretary_of, django_assert_max_num_queries
):
    secretary = secretary_of(world["stockport"][Body])

    # model permissions (user, groups), the area grants, the maintained bodies, then the rows
    with django_assert_max_num_queries(6):
        list(SeatHolding.objects.restrict(secretary, "change"))
    with django_assert_max_num_queries(1):  # the grants are remembered
        list(Seat.objects.restrict(secretary, "change"))


def test_a_secretary_moving_a_seat_to_another_body_is_refused(world, secretary_of):
    secretary = secretary_of(world["stockport"][Body])
    seat, bury = world["stockport"][Seat], world["bury"][Body]

    errors = refused(lambda: seat_update(seat, body=bury, actor=secretary), seat)

    assert errors == {"body": ["A seat cannot move to another body; end it and create one there."]}


# --- can_write_in_areas and may_write_at_all -------------------------------------------------


def test_a_secretary_may_write_only_in_their_own_body(world, secretary_of, reference):
    stockport, bury = world["stockport"][Body], world["bury"][Body]
    secretary = secretary_of(stockport)
    area = [reference.area("Stockport").pk]

    for model in SECRETARY_MODELS:
        assert can_write_in_areas(secretary, model, "add", area, container_ids=[stockport.pk])
        assert not can_write_in_areas(secretary, model, "add", area, container_ids=[bury.pk])
        assert not can_write_in_areas(secretary, model, "add", area, container_ids=[stockport.pk, bury.pk])
        assert not can_write_in_areas(secretary, model, "add", area)
    for model in NOT_SECRETARY_MODELS:
        assert not can_write_in_areas(secretary, model, "add", area, container_ids=[stockport.pk])


def test_an_area_editor_may_write_in_their_areas_whatever_the_body(world, stockport_editor, reference):
    stockport, bury = reference.area("Stockport").pk, reference.area("Bury").pk

    for model in MODELS:
        assert can_write_in_areas(stockport_editor, model, "add", [stockport])
        assert not can_write_in_areas(stockport_editor, model, "add", [stockport, bury])
        assert not can_write_in_areas(stockport_editor, model, "add", [])
        assert not can_write_in_areas(
            stockport_editor, model, "add", [bury], container_ids=[world["bury"][Body].pk]
        )


@pytest.mark.parametrize("who", ["staff_user", "superuser"])
def test_staff_may_write_anywhere(request, world, who):
    user = request.getfixturevalue(who)

    for model in MODELS:
        assert can_write_in_areas(user, model, "add", [])
        assert may_write_at_all(user, model, "delete")


def test_who_may_write_at_all(world, reader, stockport_editor, secretary_of):
    secretary = secretary_of(world["stockport"][Body])

    for model in MODELS:
        assert not may_write_at_all(AnonymousUser(), model, "add")
        assert not may_write_at_all(reader, model, "add")
        assert may_write_at_all(stockport_editor, model, "add")
    for model in SECRETARY_MODELS:
        assert may_write_at_all(secretary, model, "change")
    for model in NOT_SECRETARY_MODELS:
        assert not may_write_at_all(secretary, model, "change")
