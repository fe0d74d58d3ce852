"""Reads of governance: a body's status on a date, its seats and holders, the rules its membership
breaks, and the accountability graph of a body or a whole system — each as at a date, each in a
constant number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import F, Prefetch, Q

from organisations.models import Person, PostHolding

from .choices import BodyKind, CompositionRuleKind, HoldingRole, RelationKind, Status, VotingRight
from .models import (
    AccountabilityRelation,
    Body,
    BodyStatus,
    CompositionRule,
    Seat,
    SeatHolding,
    TermsOfReference,
)

MAX_GRAPH_DEPTH = 10


PROPER_NOUNS = {"Healthwatch"}


def kind_phrase(label: str, *, article: bool = True) -> str:
    """A kind's label inside a sentence: "an NHS trust", "a GP practice", "a local authority"."""
    # Names and acronyms keep their capitals: "an NHS trust", "a Healthwatch".
    keep = label[:2].isupper() or label.split()[0] in PROPER_NOUNS
    word = label if keep else label[:1].lower() + label[1:]
    if not article:
        return word
    return ("an " if word[:1] in "aeiouAEIOU" or word.startswith("NHS") else "a ") + word


def status_on(body: Body, on: dt.date) -> Status | None:
    value = BodyStatus.objects.filter(body=body).as_at(on).values_list("status", flat=True).first()
    return Status(value) if value else None


def body_list(on: dt.date):
    """Bodies with their status on the date, system and areas: three queries a page."""
    return (
        Body.objects.with_status(on).select_related("system").prefetch_related("areas").order_by("name", "id")
    )


# --- Seats and composition -----------------------------------------------------------------


@dataclass
class SeatRow:
    seat: Seat
    members: list[SeatHolding]
    deputies: list[SeatHolding]
    vacancies: int


def seat_rows(body: Body, on: dt.date) -> list[SeatRow]:
    """The body's seats in force on the date, each with its members, deputies and vacant places."""
    holdings = (
        SeatHolding.objects.as_at(on)
        .select_related("person", "organisation")
        .order_by("position", "role", "start_date")
    )
    seats = (
        Seat.objects.filter(body=body)
        .as_at(on)
        .select_related("represents_organisation")
        .prefetch_related(Prefetch("holdings", queryset=holdings, to_attr="holdings_on"))
        .order_by("order", "id")
    )
    rows = []
    for seat in seats:
        members = [h for h in seat.holdings_on if h.role == HoldingRole.PRINCIPAL]
        deputies = [h for h in seat.holdings_on if h.role != HoldingRole.PRINCIPAL]
        rows.append(
            SeatRow(seat, members, deputies, max(seat.capacity - len({h.position for h in members}), 0))
        )
    return rows


@dataclass
class Breach:
    rule: CompositionRule
    message: str


def _members_on(body_ids, on: dt.date, voting_only: bool = False):
    qs = (
        SeatHolding.objects.as_at(on)
        .filter(seat__body__in=body_ids, role=HoldingRole.PRINCIPAL)
        .filter(
            Q(seat__start_date__isnull=True) | Q(seat__start_date__lte=on),
            Q(seat__end_date__isnull=True) | Q(seat__end_date__gte=on),
        )
    )
    if voting_only:
        qs = qs.filter(seat__voting=VotingRight.VOTING)
    return qs


def composition_breaches(body: Body, on: dt.date) -> list[Breach]:
    """The body's composition rules that its membership on the date breaks: three queries however
    many rules the body has (the rules; every member of this body and of the bodies the rules name;
    the holders of those bodies' chairs)."""
    rules = list(CompositionRule.objects.filter(body=body).select_related("other_body"))
    if not rules:
        return []
    other_bodies = {rule.other_body_id: rule.other_body for rule in rules if rule.other_body_id}
    members_by_body: dict[int, list[tuple[int, str | None, str]]] = defaultdict(list)
    for body_id, person_id, kind, voting in _members_on([body.pk, *other_bodies], on).values_list(
        "seat__body_id", "person_id", "organisation__kind", "seat__voting"
    ):
        members_by_body[body_id].append((person_id, kind, voting))
    # The other body's chair counts as one of its members too.
    chair_posts = {b.chair_post_id: b.pk for b in other_bodies.values() if b.chair_post_id}
    chairs: dict[int, set[int]] = defaultdict(set)
    if chair_posts:
        for post_id, person_id in (
            PostHolding.objects.filter(post_id__in=chair_posts).as_at(on).values_list("post_id", "person_id")
        ):
            chairs[chair_posts[post_id]].add(person_id)

    breaches = []
    day = on.strftime("%-d %b %Y")
    for rule in rules:
        members = [
            (person, kind)
            for person, kind, voting in members_by_body[body.pk]
            if not rule.voting_only or voting == VotingRight.VOTING
        ]
        people = {person for person, _ in members}
        if rule.kind == CompositionRuleKind.NOT_MAJORITY_FROM_BODY:
            others = {person for person, _, _ in members_by_body[rule.other_body_id]} | chairs[
                rule.other_body_id
            ]
            shared = people & others
            if people and 2 * len(shared) > len(people):
                breaches.append(
                    Breach(
                        rule,
                        f"On {day}, {len(shared)} of the {len(people)} members of {body.name} are members of "
                        f"{rule.other_body.name}, a majority. {rule.description}".strip(),
                    )
                )
        else:
            counted = sum(1 for _, kind in members if kind == rule.organisation_kind)
            label = kind_phrase(rule.get_organisation_kind_display())
            if rule.kind == CompositionRuleKind.MIN_FROM_ORGANISATION_KIND and counted < rule.count:
                breaches.append(
                    Breach(
                        rule,
                        f"On {day}, {body.name} has {counted} member(s) from {label}; it needs at least {rule.count}.",
                    )
                )
            if rule.kind == CompositionRuleKind.MAX_FROM_ORGANISATION_KIND and counted > rule.count:
                breaches.append(
                    Breach(
                        rule,
                        f"On {day}, {body.name} has {counted} member(s) from {label}; at most {rule.count} are allowed.",
                    )
                )
    return breaches


def overdue_terms_of_reference(on: dt.date):
    """Bodies' current terms of reference whose review date had passed by the date."""
    return (
        TermsOfReference.objects.overdue(on)
        .select_related("body", "body__system")
        .order_by("review_due", "body__name")
    )


def person_seats(person: Person):
    """Every seat a person holds or held, latest first."""
    return (
        SeatHolding.objects.filter(person=person)
        .select_related("seat", "seat__body", "organisation")
        # Holdings with no recorded start are not known to be recent: they come last.
        .order_by(F("start_date").desc(nulls_last=True), "seat__body__name", "pk")
    )


# --- The accountability graph --------------------------------------------------------------


@dataclass
class Graph:
    nodes: list[dict]
    edges: list[dict]
    centre: int | None = None
    layers: dict[int, int] = field(default_factory=dict)


_BODY_KIND_LABELS = dict(BodyKind.choices)
_STATUS_LABELS = dict(Status.choices)
_RELATION_LABELS = dict(RelationKind.choices)
_NODE_FIELDS = ("pk", "name", "short_name", "kind", "tier", "status_on")
_EDGE_FIELDS = ("pk", "from_body_id", "to_body_id", "kind", "start_date", "end_date", "note")


def _node(pk, name, short_name, kind, tier, status) -> dict:
    return {
        "id": pk,
        "name": name,
        "short_name": short_name or name,
        "kind": kind,
        "kind_label": _BODY_KIND_LABELS.get(kind, kind),
        "tier": tier,
        "status": status,
        "status_label": _STATUS_LABELS.get(status, "Not recorded"),
    }


def _edge(pk, from_id, to_id, kind, start_date, end_date, note) -> dict:
    return {
        "id": pk,
        "from": from_id,
        "to": to_id,
        "kind": kind,
        "label": _RELATION_LABELS.get(kind, kind),
        "start_date": start_date,
        "end_date": end_date,
        "note": note,
    }


def body_graph(body: Body, *, on: dt.date, depth: int = 1) -> Graph:
    """The bodies within `depth` accountability links of this body on the date, and the links
    followed to reach them: one query per level, plus one for the bodies. Rows are read as plain
    values: a graph is read often and its records are never changed here."""
    depth = max(0, min(depth, MAX_GRAPH_DEPTH))
    seen = {body.pk}
    frontier = {body.pk}
    relations: dict[int, tuple] = {}
    for _ in range(depth):
        if not frontier:
            break
        level = (
            AccountabilityRelation.objects.as_at(on)
            .filter(Q(from_body__in=frontier) | Q(to_body__in=frontier))
            .values_list(*_EDGE_FIELDS)
        )
        found = set()
        for row in level:
            relations[row[0]] = row
            found.update((row[1], row[2]))
        frontier = found - seen
        seen |= found
    bodies = (
        Body.objects.with_status(on).filter(pk__in=seen).order_by("name", "pk").values_list(*_NODE_FIELDS)
    )
    nodes = [_node(*row) for row in bodies]
    edges = [_edge(*relations[pk]) for pk in sorted(relations)]
    return Graph(nodes, edges, centre=body.pk)


def system_graph(system, *, on: dt.date) -> Graph:
    """Every body of a system that existed on the date, and the links among them: two queries."""
    bodies = list(
        Body.objects.filter(system=system)
        .as_at(on)
        .with_status(on)
        .order_by("name", "pk")
        .values_list(*_NODE_FIELDS)
    )
    ids = {row[0] for row in bodies}
    relations = (
        AccountabilityRelation.objects.as_at(on)
        .filter(from_body__in=ids, to_body__in=ids)
        .order_by("pk")
        .values_list(*_EDGE_FIELDS)
    )
    return Graph([_node(*row) for row in bodies], [_edge(*row) for row in relations])


# Which way each kind of link points on the page: the body that answers to the other is drawn below.
_UPWARD = {
    RelationKind.ACCOUNTABLE_TO,
    RelationKind.REPORTS_TO,
    RelationKind.SUB_COMMITTEE_OF,
    RelationKind.ADVISES,
}
_DOWNWARD = {RelationKind.HOLDS_TO_ACCOUNT}


def layout(
    graph: Graph, *, box_width: int = 190, box_height: int = 56, gap_x: int = 30, gap_y: int = 70
) -> dict:
    """Positions for drawing the graph as layers: bodies that answer to others sit below them;
    checks and challenges are drawn sideways. Pure computation, no queries."""
    ids = [n["id"] for n in graph.nodes]
    below: dict[int, set[int]] = defaultdict(set)  # upper -> lowers
    for e in graph.edges:
        if e["kind"] in _UPWARD:
            below[e["to"]].add(e["from"])
        elif e["kind"] in _DOWNWARD:
            below[e["from"]].add(e["to"])
    level = {i: 0 for i in ids}
    # Longest path from the top, bounded so that a cycle in the data cannot loop forever.
    for _ in range(len(ids)):
        changed = False
        for upper, lowers in below.items():
            for lower in lowers:
                if lower in level and upper in level and level[lower] < level[upper] + 1 <= len(ids):
                    level[lower] = level[upper] + 1
                    changed = True
        if not changed:
            break
    rows: dict[int, list[dict]] = defaultdict(list)
    for node in graph.nodes:
        rows[level[node["id"]]].append(node)
    widest = max((len(r) for r in rows.values()), default=0)
    width = max(widest * (box_width + gap_x) - gap_x, box_width) + 40
    positions = {}
    for depth_index, row in sorted(rows.items()):
        row_width = len(row) * (box_width + gap_x) - gap_x
        x0 = (width - row_width) / 2
        for i, node in enumerate(row):
            positions[node["id"]] = (x0 + i * (box_width + gap_x), 20 + depth_index * (box_height + gap_y))
    height = (max(rows, default=0) + 1) * (box_height + gap_y) - gap_y + 40
    boxes = [
        {
            **node,
            "x": positions[node["id"]][0],
            "y": positions[node["id"]][1],
            "centre": node["id"] == graph.centre,
        }
        for node in graph.nodes
    ]
    lines = []
    for e in graph.edges:
        if e["from"] not in positions or e["to"] not in positions:
            continue
        (x1, y1), (x2, y2) = positions[e["from"]], positions[e["to"]]
        ax, ay = x1 + box_width / 2, y1 + box_height / 2
        bx, by = x2 + box_width / 2, y2 + box_height / 2
        # Leave from and arrive at box edges, not centres.
        if abs(by - ay) > 1:
            ay += box_height / 2 if by > ay else -box_height / 2
            by += -box_height / 2 if by > ay else box_height / 2
        else:
            ax += box_width / 2 if bx > ax else -box_width / 2
            bx += -box_width / 2 if bx > ax else box_width / 2
        lines.append({**e, "x1": ax, "y1": ay, "x2": bx, "y2": by, "mx": (ax + bx) / 2, "my": (ay + by) / 2})
    return {
        "width": width,
        "height": height,
        "box_width": box_width,
        "box_height": box_height,
        "boxes": boxes,
        "lines": lines,
    }
