"""The resolver's truth table: who may decide a function for a place on a date, with the chain.

The records here are written straight to the tables (not through the services), so the resolver is
tested on its own, including on records the services would refuse (a child outliving its parent)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from delegations.choices import DelegationStatus, Vehicle
from delegations.models import Delegation, DelegationFunction, Function, ReservedMatter, StatutoryHolding
from delegations.selectors import decision_rights
from governance.models import Body
from organisations.models import Area, Organisation, Post

pytestmark = pytest.mark.django_db

D = dt.date
GO_LIVE = D(2022, 7, 1)
BEFORE = D(2022, 6, 15)
AFTER = D(2022, 8, 1)


def _function(name, parent=None):
    return Function.objects.create(
        name=name, parent=parent, ancestor_ids=[*parent.ancestor_ids, parent.pk] if parent else []
    )


def _delegation(functions, area, *, parent=None, limit=None, start=GO_LIVE, end=None, status=None, **sides):
    delegation = Delegation.objects.create(
        area=area,
        parent=parent,
        financial_limit=limit,
        start_date=start,
        end_date=end,
        status=status or DelegationStatus.IN_FORCE,
        vehicle=Vehicle.SCHEME_OF_DELEGATION,
        onward_delegation_permitted=True,
        sources=[{"document": "test"}],
        **sides,
    )
    for function in functions:
        DelegationFunction.objects.create(delegation=delegation, function=function)
    return delegation


@pytest.fixture
def world(reference):
    class W:
        gm_area = Area.objects.get(system=reference.gm, tier="system")
        stockport = reference.area("Stockport")
        bury = reference.area("Bury")
        ccg = Organisation.objects.get(name="NHS Stockport CCG")
        icb = Organisation.objects.get(name="NHS Greater Manchester Integrated Care")
        board = Body.objects.get(name="Stockport Locality Board")
        icb_board = Body.objects.get(name="Greater Manchester Integrated Care Board")
        lead = Post.objects.create(title="Resolver test place lead", area=reference.area("Stockport"))

    w = W
    w.root = _function("Care commissioning (resolver)")
    w.community = _function("Community care (resolver)", w.root)
    w.nursing = _function("Home nursing (resolver)", w.community)
    w.ccg_holding = StatutoryHolding.objects.create(
        function=w.root, holder=w.ccg, area=w.stockport, end_date=D(2022, 6, 30), sources=[{"document": "t"}]
    )
    w.icb_holding = StatutoryHolding.objects.create(
        function=w.root, holder=w.icb, area=w.gm_area, start_date=D(2022, 7, 1), sources=[{"document": "t"}]
    )
    w.to_board = _delegation(
        [w.community],
        w.stockport,
        delegator_organisation=w.icb,
        delegate_body=w.board,
        limit=Decimal("5000000"),
    )
    w.to_lead = _delegation(
        [w.nursing],
        w.stockport,
        parent=w.to_board,
        delegator_body=w.board,
        delegate_post=w.lead,
        limit=Decimal("1000000"),
    )
    return w


def names(answer):
    return [holder.party.name for holder in answer.holders]


def test_before_1_july_2022_the_ccg_decides(world):
    answer = decision_rights(function=world.nursing, area=world.stockport, on=BEFORE)
    assert names(answer) == ["NHS Stockport CCG"]
    assert answer.holders[0].basis == "statute"
    assert answer.reason == ""
    assert answer.notes == [
        "No delegation of Home nursing (resolver) for Stockport was in force on 15 Jun 2022: "
        "the statutory holder decides."
    ]


def test_after_1_july_2022_the_chain_runs_from_the_icb(world):
    answer = decision_rights(function=world.nursing, area=world.stockport, on=AFTER)
    assert names(answer) == [
        "NHS Greater Manchester Integrated Care",
        "Stockport Locality Board",
        "Resolver test place lead",
    ]
    icb, board, lead = answer.holders
    assert icb.chain == [] and icb.root.holder.name == "NHS Greater Manchester Integrated Care"
    assert [(link.delegator.name, link.delegate.name) for link in lead.chain] == [
        ("NHS Greater Manchester Integrated Care", "Stockport Locality Board"),
        ("Stockport Locality Board", "Resolver test place lead"),
    ]
    assert board.effective_limit == Decimal("5000000")
    assert lead.effective_limit == Decimal("1000000")
    assert lead.chain[0].vehicle_display == "Scheme of reservation and delegation"
    assert lead.root.area_name == world.gm_area.name
    assert answer.notes == []


def test_a_function_covers_its_children_but_not_its_parent(world):
    community = decision_rights(function=world.community, area=world.stockport, on=AFTER)
    # The place lead holds only home nursing, not all of community care.
    assert names(community) == ["NHS Greater Manchester Integrated Care", "Stockport Locality Board"]
    root = decision_rights(function=world.root, area=world.stockport, on=AFTER)
    assert names(root) == ["NHS Greater Manchester Integrated Care"]


def test_a_delegation_for_a_place_applies_within_it_and_not_elsewhere(world):
    neighbourhood = Area.objects.filter(parent=world.stockport).first()
    if neighbourhood is not None:
        inside = decision_rights(function=world.nursing, area=neighbourhood, on=AFTER)
        assert "Stockport Locality Board" in names(inside)
    bury = decision_rights(function=world.nursing, area=world.bury, on=AFTER)
    assert names(bury) == ["NHS Greater Manchester Integrated Care"]


def test_the_effective_limit_is_the_smallest_along_the_chain(world):
    world.to_lead.financial_limit = Decimal("9000000")  # larger than its parent's (the services refuse this)
    world.to_lead.save()
    lead = decision_rights(function=world.nursing, area=world.stockport, on=AFTER).holders[-1]
    assert lead.effective_limit == Decimal("5000000")
    world.to_lead.financial_limit = None
    world.to_lead.save()
    lead = decision_rights(function=world.nursing, area=world.stockport, on=AFTER).holders[-1]
    assert lead.effective_limit == Decimal("5000000")


def test_an_expired_parent_disables_its_children(world):
    world.to_board.end_date = D(2022, 12, 31)
    world.to_board.save()
    answer = decision_rights(function=world.nursing, area=world.stockport, on=D(2023, 3, 1))
    assert names(answer) == ["NHS Greater Manchester Integrated Care"]
    assert any(
        "Delegation" in note and "Resolver test place lead" in note and "gives no authority" in note
        for note in answer.notes
    )


def test_a_revoked_parent_disables_its_children_from_its_end(world):
    world.to_board.status = DelegationStatus.REVOKED
    world.to_board.end_date = D(2022, 9, 30)
    world.to_board.save()
    during = decision_rights(function=world.nursing, area=world.stockport, on=AFTER)
    assert "Resolver test place lead" in names(during)
    after = decision_rights(function=world.nursing, area=world.stockport, on=D(2022, 10, 1))
    assert names(after) == ["NHS Greater Manchester Integrated Care"]


def test_a_revoked_delegation_with_no_end_never_took_effect(world):
    world.to_board.status = DelegationStatus.REVOKED
    world.to_board.save()
    assert names(decision_rights(function=world.nursing, area=world.stockport, on=AFTER)) == [
        "NHS Greater Manchester Integrated Care"
    ]


@pytest.mark.parametrize("status", [DelegationStatus.PROPOSED, DelegationStatus.AGREED])
def test_proposed_and_agreed_delegations_give_nothing_yet(world, status):
    world.to_board.status = status
    world.to_board.save()
    assert names(decision_rights(function=world.nursing, area=world.stockport, on=AFTER)) == [
        "NHS Greater Manchester Integrated Care"
    ]


def test_a_closed_holder_gives_nothing_and_the_answer_says_so(world):
    # A CCG delegation recorded as running past the CCG's closure, and no successor holding.
    world.icb_holding.delete()
    _delegation(
        [world.community],
        world.stockport,
        delegator_organisation=world.ccg,
        delegate_body=world.board,
        start=D(2022, 4, 1),
        end=D(2022, 12, 31),
    )
    answer = decision_rights(function=world.nursing, area=world.stockport, on=AFTER)
    assert answer.holders == []
    assert (
        answer.reason
        == "Nobody held Home nursing (resolver) for Stockport on 1 Aug 2022: NHS Stockport CCG closed on 30 Jun 2022."
    )


def test_a_delegation_from_a_closed_holder_ends_with_it(world):
    ccg_delegation = _delegation(
        [world.community],
        world.stockport,
        delegator_organisation=world.ccg,
        delegate_body=world.board,
        start=D(2022, 4, 1),
        end=D(2022, 12, 31),
    )
    before = decision_rights(function=world.nursing, area=world.stockport, on=BEFORE)
    assert names(before) == ["NHS Stockport CCG", "Stockport Locality Board"]
    after = decision_rights(function=world.nursing, area=world.stockport, on=AFTER)
    # Only the ICB's own delegation counts after the CCG closed.
    assert [h.chain[0].delegation_id for h in after.holders if h.chain][:1] == [world.to_board.pk]
    assert ccg_delegation.pk not in [link.delegation_id for h in after.holders for link in h.chain]


def test_a_reserved_matter_stays_with_its_holder(world):
    ReservedMatter.objects.create(
        function=world.nursing,
        reserved_to_body=world.icb_board,
        area=world.gm_area,
        start_date=D(2022, 7, 1),
        sources=[{"document": "t"}],
    )
    answer = decision_rights(function=world.nursing, area=world.stockport, on=AFTER)
    assert names(answer) == [
        "NHS Greater Manchester Integrated Care",
        "Greater Manchester Integrated Care Board",
    ]
    assert answer.reserved_to.name == "Greater Manchester Integrated Care Board"
    assert answer.notes == [
        "Home nursing (resolver) is reserved to Greater Manchester Integrated Care Board: it cannot be delegated."
    ]
    # Before the reservation the CCG decided, as before.
    assert names(decision_rights(function=world.nursing, area=world.stockport, on=BEFORE)) == [
        "NHS Stockport CCG"
    ]


def test_nobody_recorded(world):
    orphan = _function("Unheld function (resolver)")
    answer = decision_rights(function=orphan, area=world.stockport, on=AFTER)
    assert answer.holders == []
    assert answer.reason == "No statutory holder of Unheld function (resolver) for Stockport is recorded."


def test_before_a_holding_starts_the_answer_names_who_holds_it_from_when(world):
    world.ccg_holding.delete()
    answer = decision_rights(function=world.nursing, area=world.stockport, on=BEFORE)
    assert answer.reason == (
        "Nobody held Home nursing (resolver) for Stockport on 15 Jun 2022: "
        "NHS Greater Manchester Integrated Care holds it from 1 Jul 2022."
    )


def test_the_query_count_does_not_grow_with_delegations(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(6) as small:
        decision_rights(function=world.nursing, area=world.stockport, on=AFTER)
    for _ in range(15):
        _delegation(
            [world.nursing],
            world.stockport,
            parent=world.to_board,
            delegator_body=world.board,
            delegate_post=world.lead,
            limit=Decimal("1000"),
        )
    with django_assert_max_num_queries(len(small.captured_queries)):
        answer = decision_rights(function=world.nursing, area=world.stockport, on=AFTER)
    assert len(answer.holders) == 18


@pytest.mark.parametrize("on", [D(2022, 6, 30), D(2022, 7, 1), D(2022, 9, 30), D(2022, 10, 1), D(2024, 1, 1)])
def test_the_resolvers_read_of_delegations_in_force_matches_the_queryset(world, on):
    """The resolver reads delegations with its own SQL: it must agree with Delegation.objects.in_force."""
    from delegations.selectors.rights import _delegations_sql, _rows, area_and_containers

    _delegation(
        [world.nursing],
        world.stockport,
        delegator_organisation=world.icb,
        delegate_body=world.board,
        status=DelegationStatus.REVOKED,
        end=D(2022, 9, 30),
    )
    _delegation(
        [world.nursing],
        world.stockport,
        delegator_organisation=world.icb,
        delegate_body=world.board,
        status=DelegationStatus.REVOKED,
    )
    _delegation(
        [world.nursing],
        world.stockport,
        delegator_organisation=world.icb,
        delegate_body=world.board,
        status=DelegationStatus.AGREED,
    )
    _delegation([world.community], world.bury, delegator_organisation=world.icb, delegate_body=world.board)
    _delegation(
        [world.nursing],
        world.stockport,
        delegator_organisation=world.icb,
        delegate_body=world.board,
        start=D(2023, 1, 1),
        end=D(2023, 12, 31),
    )
    containers = area_and_containers(world.stockport)
    lineage = [*world.nursing.ancestor_ids, world.nursing.pk]
    by_sql = {
        row[0]
        for row in _rows(
            _delegations_sql(),
            [list(containers), on, on, DelegationStatus.IN_FORCE, DelegationStatus.REVOKED, lineage],
        )
    }
    by_queryset = set(
        Delegation.objects.in_force(on)
        .filter(area__in=containers, function_links__function__in=lineage)
        .values_list("pk", flat=True)
    )
    assert by_sql == by_queryset
    assert bool(by_sql) == (on >= D(2022, 7, 1))  # nothing starts before 1 July 2022
