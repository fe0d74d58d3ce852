"""Property: however delegations are chained through the services, no accepted delegation ever
grants more than the root of its chain — no function it does not cover, no area outside its area,
no larger limit than any link above it, no day outside its period or the root's statutory holding —
and no holder appears twice in a chain.

Hypothesis builds random chains (random functions of a small tree; system, place and neighbourhood
areas; limits; periods; onward-delegation flags; statuses) through delegation_create, each example
in its own transaction that is rolled back afterwards.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from delegations.models import Delegation
from governance.choices import Status
from organisations.choices import OrganisationKind
from tests.governance.factories import BodyFactory
from tests.organisations.factories import (
    LocalityFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    PostFactory,
    SystemAreaFactory,
    SystemFactory,
)

from .factories import FunctionFactory, StatutoryHoldingFactory
from .helpers import D

pytestmark = pytest.mark.django_db

GO_LIVE = D(2022, 7, 1)
STARTS = [None, D(2022, 4, 1), D(2022, 7, 1), D(2022, 10, 1), D(2023, 4, 1)]
ENDS = [None, D(2022, 6, 30), D(2023, 3, 31), D(2024, 3, 31)]
LIMITS = [None, Decimal("100000"), Decimal("500000"), Decimal("1000000"), Decimal("2000000")]
STATUSES = ["proposed", "agreed", "in_force"]


class Tree:
    """Five functions (0 ⊃ 1, 2; 1 ⊃ 3, 4), a system with two places each with a neighbourhood,
    the ICB holding function 0 for the system from 1 Jul 2022 and the CCG function 1 for place A
    until 30 Jun 2022, and parties to delegate to."""

    def __init__(self):
        system = SystemFactory(name="Property system", short_name="PROP")
        s = SystemAreaFactory(system=system)
        a = LocalityFactory(system=system, parent=s, name="Place A")
        b = LocalityFactory(system=system, parent=s, name="Place B")
        self.areas = [
            s,
            a,
            b,
            NeighbourhoodFactory(parent=a, name="A1"),
            NeighbourhoodFactory(parent=b, name="B1"),
        ]
        self.area_parent = {
            s.pk: None,
            a.pk: s.pk,
            b.pk: s.pk,
            self.areas[3].pk: a.pk,
            self.areas[4].pk: b.pk,
        }
        f0 = FunctionFactory(name="Property commissioning")
        f1 = FunctionFactory(name="One", parent=f0)
        f2 = FunctionFactory(name="Two", parent=f0)
        self.functions = [
            f0,
            f1,
            f2,
            FunctionFactory(name="Three", parent=f1),
            FunctionFactory(name="Four", parent=f1),
        ]
        self.function_parent = {f.pk: f.parent_id for f in self.functions}
        self.icb = OrganisationFactory(name="Property ICB", kind=OrganisationKind.ICB, start_date=GO_LIVE)
        self.ccg = OrganisationFactory(
            name="Property CCG", kind=OrganisationKind.CCG, end_date=D(2022, 6, 30)
        )
        self.council = OrganisationFactory(name="Property council")
        StatutoryHoldingFactory(function=f0, holder=self.icb, area=s, start_date=GO_LIVE)
        StatutoryHoldingFactory(function=f1, holder=self.ccg, area=a, end_date=D(2022, 6, 30))
        self.holdings = {self.icb.pk: (GO_LIVE, None), self.ccg.pk: (None, D(2022, 6, 30))}
        boards = [
            BodyFactory(name=f"Property board {n}", system=system, areas=[a], status=Status.ESTABLISHED)
            for n in (1, 2)
        ]
        posts = [PostFactory(title=f"Property post {n}", organisation=self.council) for n in (1, 2)]
        self.roots = [
            ("organisation", self.icb),
            ("organisation", self.ccg),
            ("organisation", self.council),
            ("body", boards[0]),
        ]
        self.delegates = [
            ("body", boards[0]),
            ("body", boards[1]),
            ("post", posts[0]),
            ("post", posts[1]),
            ("organisation", self.council),
            ("organisation", self.icb),
            ("organisation", self.ccg),
        ]

    def area_within(self, inner, outer):
        while inner is not None:
            if inner == outer:
                return True
            inner = self.area_parent[inner]
        return False

    def covered(self, function, covering):
        while function is not None:
            if function in covering:
                return True
            function = self.function_parent[function]
        return False


# Choices lean towards ones the rules accept, so that chains grow several links deep.
step = st.fixed_dictionaries(
    {
        "parent": st.integers(min_value=0, max_value=6),
        "delegator": st.sampled_from([0, 0, 0, 1, 2, 3]),
        "delegate": st.sampled_from([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 5, 6]),
        "functions": st.one_of(
            st.just("parent"), st.sets(st.integers(min_value=0, max_value=4), min_size=1, max_size=2)
        ),
        "area": st.sampled_from(["parent"] * 3 + [0, 1, 2, 3, 4]),
        "limit": st.sampled_from(["parent"] * 3 + [None, None, *LIMITS]),
        "start": st.sampled_from(["parent"] * 4 + STARTS),
        "end": st.sampled_from(["parent"] * 4 + ENDS),
        "onward": st.sampled_from([True, True, True, False]),
        "status": st.sampled_from(["in_force"] * 3 + STATUSES),
        # Faithful: functions, area, dates and status as the parent has them (the limit and the
        # rest still vary), so that chains grow deep; otherwise every field is drawn at random.
        "faithful": st.booleans(),
    }
)


# Each example opens with a delegation the ICB may make (so that chains can grow beneath it).
first_step = st.fixed_dictionaries(
    {
        "parent": st.just(0),
        "delegator": st.just(0),
        "delegate": st.sampled_from([0, 1, 2, 3, 4]),
        "functions": st.sampled_from(["parent", {0}, {1}, {1, 2}]),
        "area": st.sampled_from([0, 1, 2]),
        "limit": st.sampled_from(LIMITS),
        "start": st.sampled_from([D(2022, 7, 1), D(2022, 10, 1)]),
        "end": st.sampled_from([None, D(2024, 3, 31)]),
        "onward": st.just(True),
        "status": st.sampled_from(["in_force", "in_force", "in_force", "agreed"]),
    }
)


def attempt(tree, accepted, choice, actor):
    from delegations.services import delegation_create

    if choice["parent"] == 0 or not accepted:
        parent = None
        delegator = tree.roots[choice["delegator"]]
    else:
        parent = accepted[(choice["parent"] - 1) % len(accepted)]
        delegator = (
            ("body", parent.delegate_body)
            if parent.delegate_body_id
            else (
                ("post", parent.delegate_post)
                if parent.delegate_post_id
                else ("organisation", parent.delegate_organisation)
            )
        )
    delegate = tree.delegates[choice["delegate"]]
    if choice.get("faithful") and parent is not None:
        choice = {**choice, "functions": "parent", "area": "parent", "start": "parent", "end": "parent"}
        choice["status"] = parent.status if parent.status == "in_force" else "agreed"
    # "parent": as the parent delegation has it (for a root: function 0, the system, from go-live).
    functions = (
        [tree.functions[i] for i in sorted(choice["functions"])]
        if choice["functions"] != "parent"
        else (list(parent.functions.all()) if parent else [tree.functions[0]])
    )
    area = (
        tree.areas[choice["area"]]
        if choice["area"] != "parent"
        else (parent.area if parent else tree.areas[0])
    )
    limit = choice["limit"] if choice["limit"] != "parent" else (parent.financial_limit if parent else None)
    start = choice["start"] if choice["start"] != "parent" else (parent.start_date if parent else GO_LIVE)
    end = choice["end"] if choice["end"] != "parent" else (parent.end_date if parent else None)
    try:
        return delegation_create(
            functions=functions,
            area=area,
            vehicle="scheme_of_delegation",
            status=choice["status"],
            start_date=start,
            end_date=end,
            financial_limit=limit,
            parent=parent,
            onward_delegation_permitted=choice["onward"],
            actor=actor,
            **{f"delegator_{delegator[0]}": delegator[1], f"delegate_{delegate[0]}": delegate[1]},
        )
    except ValidationError:
        return None


def starts_within(outer, inner):
    return outer is None or (inner is not None and inner >= outer)


def ends_within(outer, inner):
    return outer is None or (inner is not None and inner <= outer)


def party(d, side):
    for kind in ("organisation", "body", "post"):
        pk = getattr(d, f"{side}_{kind}_id")
        if pk is not None:
            return (kind, pk)
    raise AssertionError("a delegation without a party")


def check_chain(tree, delegation):
    chain = [delegation]
    while chain[-1].parent_id is not None:
        chain.append(Delegation.objects.get(pk=chain[-1].parent_id))
    root = chain[-1]
    functions = set(delegation.functions.values_list("pk", flat=True))
    root_functions = set(root.functions.values_list("pk", flat=True))
    assert all(tree.covered(f, root_functions) for f in functions), "wider function than its root"
    assert tree.area_within(delegation.area_id, root.area_id), "wider area than its root"
    for above in chain[1:]:
        if delegation.financial_limit is not None and above.financial_limit is not None:
            assert delegation.financial_limit <= above.financial_limit, "larger limit than a link above"
        assert starts_within(above.start_date, delegation.start_date), "starts before a link above"
        assert ends_within(above.end_date, delegation.end_date), "ends after a link above"
        if delegation.status == "in_force":
            assert above.status == "in_force", "in force under a link not in force"
    held_from, held_to = tree.holdings[root.delegator_organisation_id]
    assert starts_within(held_from, delegation.start_date), "starts before the root's holding"
    assert ends_within(held_to, delegation.end_date), "ends after the root's holding"
    parties = [party(chain[-1], "delegator"), *(party(d, "delegate") for d in reversed(chain))]
    assert len(parties) == len(set(parties)), "a holder appears twice in the chain"


def test_no_accepted_chain_grants_more_than_its_root(staff_user):
    tree = Tree()
    tally = {"accepted": 0, "sub-delegations": 0, "refused": 0}

    @settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(first=first_step, steps=st.lists(step, min_size=1, max_size=6))
    def build(first, steps):
        with transaction.atomic():
            accepted = []
            for choice in [first, *steps]:
                delegation = attempt(tree, accepted, choice, staff_user)
                if delegation is None:
                    tally["refused"] += 1
                    continue
                accepted.append(delegation)
                tally["accepted"] += 1
                tally["sub-delegations"] += delegation.parent_id is not None
            for delegation in accepted:
                check_chain(tree, Delegation.objects.get(pk=delegation.pk))
            transaction.set_rollback(True)

    build()

    # The examples exercised both sides of the rules.
    assert tally["accepted"] >= 20 and tally["sub-delegations"] >= 10 and tally["refused"] >= 20, tally
