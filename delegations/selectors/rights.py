"""Who may decide a function for a place on a date, and under what authority.

The answer starts from the function's statutory holder for the place on that day (the most specific
function in the catalogue that has one: a holding of "Commissioning" covers "District nursing"), then
follows every delegation in force that day whose chain reaches back to that holder. A delegation
whose parent is not in force, or whose root delegator no longer holds the function (a CCG after its
closure), gives nobody anything. A reserved matter stays with the holder it is reserved to.

The whole answer costs a fixed number of queries whatever the number of delegations.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache

from django.db import connection
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse

from governance.models import Body
from organisations.models import Area, AreaMember, Organisation, Post

from ..choices import DelegationStatus, Vehicle
from ..models import Delegation, DelegationFunction, Function, ReservedMatter, StatutoryHolding

__all__ = [
    "DecisionRights",
    "Holder",
    "Link",
    "Party",
    "Root",
    "area_and_containers",
    "decision_rights",
    "format_date",
    "format_money",
    "named_side",
    "party_of",
    "url_for",
    "with_party_names",
]


def format_date(day: dt.date | None) -> str:
    return day.strftime("%-d %b %Y") if day else ""


def format_money(amount: Decimal | None) -> str:
    return "" if amount is None else f"£{amount:,.2f}"


@dataclass(frozen=True)
class Party:
    """Someone who can hold or receive a function: an organisation, a body or a post."""

    kind: str
    id: int
    name: str
    url: str


@dataclass(frozen=True)
class Root:
    """The statutory holding a chain of authority starts from."""

    holding_id: int
    holder: Party
    function_name: str
    area_name: str
    basis: str
    start_date: dt.date | None
    end_date: dt.date | None
    sources: list


@dataclass(frozen=True)
class Link:
    """One delegation in a chain: delegator → delegate."""

    delegation_id: int
    url: str
    delegator: Party
    delegate: Party
    vehicle: str
    vehicle_display: str
    financial_limit: Decimal | None
    start_date: dt.date | None
    end_date: dt.date | None
    status: str
    sources: list
    function_names: list[str]
    area_name: str


@dataclass(frozen=True)
class Holder:
    """One party who may decide, with the chain of authority from the statutory holder to it."""

    party: Party
    basis: str  # "statute", "delegation" or "reserved"
    root: Root | None
    chain: list[Link]
    effective_limit: Decimal | None


@dataclass
class DecisionRights:
    function: Function
    area: Area
    on: dt.date
    holders: list[Holder] = field(default_factory=list)
    reserved_to: Party | None = None
    reason: str = ""
    notes: list[str] = field(default_factory=list)


_PARTY_URLS = {
    "organisation": "organisations:organisation_detail",
    "body": "governance:body_detail",
    "post": "organisations:post_detail",
}


_SENTINEL = 987654321


@cache
def _url_pattern(name: str) -> tuple[str, str]:
    # reverse() is slow when called for every box of every chain: reverse once per URL name and
    # put each id in its place.
    head, _, tail = reverse(name, kwargs={"pk": _SENTINEL}).partition(str(_SENTINEL))
    return head, tail


def url_for(name: str, pk: int) -> str:
    head, tail = _url_pattern(name)
    return f"{head}{pk}{tail}"


def party_of(obj, kind: str) -> Party:
    name = obj.title if kind == "post" else obj.name
    return Party(kind=kind, id=obj.pk, name=name, url=url_for(_PARTY_URLS[kind], obj.pk))


def with_party_names(queryset):
    """Delegations with the names of both parties and of the area read as columns of the same query.

    Cheaper to plan than joining the six possible parties, which matters when the rest of the
    answer is a few milliseconds."""
    names = {}
    for side in ("delegator", "delegate"):
        names[f"{side}_name"] = Coalesce(
            Subquery(Organisation.objects.filter(pk=OuterRef(f"{side}_organisation_id")).values("name")[:1]),
            Subquery(Body.objects.filter(pk=OuterRef(f"{side}_body_id")).values("name")[:1]),
            Subquery(Post.objects.filter(pk=OuterRef(f"{side}_post_id")).values("title")[:1]),
        )
    names["area_name"] = Subquery(Area.objects.filter(pk=OuterRef("area_id")).values("name")[:1])
    return queryset.annotate(**names)


def named_side(delegation: Delegation, side: str) -> Party:
    """A party of a delegation read through `with_party_names`."""
    for kind in ("organisation", "body", "post"):
        pk = getattr(delegation, f"{side}_{kind}_id")
        if pk is not None:
            return Party(
                kind=kind, id=pk, name=getattr(delegation, f"{side}_name"), url=url_for(_PARTY_URLS[kind], pk)
            )
    raise ValueError(f"Delegation {delegation.pk} has no {side}")


def _side_key(delegation: Delegation, side: str) -> tuple[str, int]:
    for kind in ("organisation", "body", "post"):
        pk = getattr(delegation, f"{side}_{kind}_id")
        if pk is not None:
            return kind, pk
    raise ValueError(f"Delegation {delegation.pk} has no {side}")


def area_and_containers(area: Area) -> set[int]:
    """The area, the areas it nests in, and the footprints (sets of areas) that include it or its parent.
    (Footprints are sets of places or neighbourhoods: none is made of whole systems.)"""
    parent, grandparent, footprints = _rows(_area_containers_sql(), [area.pk])[0]
    return {area.pk, *(pk for pk in (parent, grandparent) if pk is not None), *(footprints or [])}


# --- The resolver's reads ---------------------------------------------------------------------
#
# Four short statements written as SQL: at national scale each runs in well under a millisecond,
# and building them through the ORM cost several times more than running them. They read what the
# querysets say (`Delegation.objects.in_force`, `DatedQuerySet.as_at`); the resolver's tests pin
# the two to the same answers.


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _json(value):
    return json.loads(value) if isinstance(value, str) else (value or [])


@dataclass
class _HoldingRow:
    pk: int
    function_id: int
    holder_id: int
    area_id: int | None
    basis: str
    start_date: dt.date | None
    end_date: dt.date | None
    sources: list
    holder_name: str
    holder_closed: dt.date | None
    function_name: str
    area_name: str | None

    def in_force_on(self, on: dt.date) -> bool:
        return (self.start_date is None or self.start_date <= on) and (
            self.end_date is None or self.end_date >= on
        )


@dataclass
class _DelegationRow:
    pk: int
    parent_id: int | None
    delegator_organisation_id: int | None
    delegator_body_id: int | None
    delegator_post_id: int | None
    delegate_organisation_id: int | None
    delegate_body_id: int | None
    delegate_post_id: int | None
    vehicle: str
    financial_limit: Decimal | None
    start_date: dt.date | None
    end_date: dt.date | None
    status: str
    sources: list
    delegator_name: str
    delegate_name: str
    area_name: str
    function_names: list[str]

    def get_vehicle_display(self) -> str:
        return Vehicle(self.vehicle).label if self.vehicle in Vehicle.values else self.vehicle


def _area_containers_sql() -> str:
    area, member = _table(Area), _table(AreaMember)
    return (
        f"SELECT a.parent_id, p.parent_id, ARRAY(SELECT m.footprint_id FROM {member} m "
        f"WHERE m.member_id = a.id OR m.member_id = a.parent_id) "
        f"FROM {area} a LEFT JOIN {area} p ON p.id = a.parent_id WHERE a.id = %s"
    )


def _holdings_sql() -> str:
    return (
        "SELECT h.id, h.function_id, h.holder_id, h.area_id, h.basis, h.start_date, h.end_date, h.sources, "
        "o.name, o.end_date, f.name, ar.name "
        f"FROM {_table(StatutoryHolding)} h "
        f"JOIN {_table(Organisation)} o ON o.id = h.holder_id "
        f"JOIN {_table(Function)} f ON f.id = h.function_id "
        f"LEFT JOIN {_table(Area)} ar ON ar.id = h.area_id "
        "WHERE h.function_id = ANY(%s) AND (h.area_id IS NULL OR h.area_id = ANY(%s)) "
        "ORDER BY h.start_date NULLS FIRST, h.id"
    )


def _reserved_sql() -> str:
    return (
        "SELECT r.reserved_to_organisation_id, r.reserved_to_body_id, COALESCE(o.name, b.name) "
        f"FROM {_table(ReservedMatter)} r "
        f"LEFT JOIN {_table(Organisation)} o ON o.id = r.reserved_to_organisation_id "
        f"LEFT JOIN {_table(Body)} b ON b.id = r.reserved_to_body_id "
        "WHERE r.function_id = ANY(%s) AND (r.area_id IS NULL OR r.area_id = ANY(%s)) "
        "AND (r.start_date IS NULL OR r.start_date <= %s) AND (r.end_date IS NULL OR r.end_date >= %s) "
        "ORDER BY r.id"
    )


def _delegations_sql() -> str:
    d, link, function = _table(Delegation), _table(DelegationFunction), _table(Function)
    org, body, post, area = _table(Organisation), _table(Body), _table(Post), _table(Area)

    def name(side: str) -> str:
        return (
            f"COALESCE((SELECT name FROM {org} WHERE id = d.{side}_organisation_id), "
            f"(SELECT name FROM {body} WHERE id = d.{side}_body_id), "
            f"(SELECT title FROM {post} WHERE id = d.{side}_post_id))"
        )

    return (
        "SELECT d.id, d.parent_id, d.delegator_organisation_id, d.delegator_body_id, d.delegator_post_id, "
        "d.delegate_organisation_id, d.delegate_body_id, d.delegate_post_id, d.vehicle, d.financial_limit, "
        f"d.start_date, d.end_date, d.status, d.sources, {name('delegator')}, {name('delegate')}, "
        f"(SELECT name FROM {area} WHERE id = d.area_id), "
        f"ARRAY(SELECT f.name FROM {link} l JOIN {function} f ON f.id = l.function_id "
        "WHERE l.delegation_id = d.id ORDER BY f.name) "
        f"FROM {d} d "
        "WHERE d.area_id = ANY(%s) "
        "AND (d.start_date IS NULL OR d.start_date <= %s) AND (d.end_date IS NULL OR d.end_date >= %s) "
        "AND (d.status = %s OR (d.status = %s AND d.end_date IS NOT NULL)) "
        f"AND EXISTS (SELECT 1 FROM {link} l WHERE l.delegation_id = d.id AND l.function_id = ANY(%s)) "
        "ORDER BY d.id"
    )


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _covers(area_id: int | None, containers: set[int]) -> bool:
    return area_id is None or area_id in containers


def _root_of(holding: _HoldingRow) -> Root:
    return Root(
        holding_id=holding.pk,
        holder=Party(
            kind="organisation",
            id=holding.holder_id,
            name=holding.holder_name,
            url=url_for(_PARTY_URLS["organisation"], holding.holder_id),
        ),
        function_name=holding.function_name,
        area_name=holding.area_name or "England",
        basis=holding.basis,
        start_date=holding.start_date,
        end_date=holding.end_date,
        sources=holding.sources,
    )


def _link_of(delegation) -> Link:
    """A delegation read with its party names (`with_party_names` or the resolver's read), as a link."""
    return Link(
        delegation_id=delegation.pk,
        url=url_for("delegations:delegation_detail", delegation.pk),
        delegator=named_side(delegation, "delegator"),
        delegate=named_side(delegation, "delegate"),
        vehicle=delegation.vehicle,
        vehicle_display=delegation.get_vehicle_display(),
        financial_limit=delegation.financial_limit,
        start_date=delegation.start_date,
        end_date=delegation.end_date,
        status=delegation.status,
        sources=delegation.sources,
        function_names=sorted(delegation.function_names or []),
        area_name=delegation.area_name,
    )


def _smallest(limits) -> Decimal | None:
    known = [limit for limit in limits if limit is not None]
    return min(known) if known else None


def _no_holder_reason(function: Function, area: Area, on: dt.date, holdings: list[_HoldingRow]) -> str:
    """Why nobody held the function on the day, from the holdings on other days."""
    earlier = [h for h in holdings if h.end_date is not None and h.end_date < on]
    later = [h for h in holdings if h.start_date is not None and h.start_date > on]
    parts = []
    if earlier:
        last = max(earlier, key=lambda h: h.end_date)
        closed = last.holder_closed
        if closed is not None and closed <= on:
            parts.append(f"{last.holder_name} closed on {format_date(closed)}")
        else:
            parts.append(f"{last.holder_name} held it until {format_date(last.end_date)}")
    if later:
        first = min(later, key=lambda h: h.start_date)
        parts.append(f"{first.holder_name} holds it from {format_date(first.start_date)}")
    if parts:
        return f"Nobody held {function.name} for {area.name} on {format_date(on)}: " + "; ".join(parts) + "."
    return f"No statutory holder of {function.name} for {area.name} is recorded."


def decision_rights(*, function: Function, area: Area, on: dt.date) -> DecisionRights:
    """Everyone who may decide `function` for `area` on `on`, each with the chain of authority."""
    answer = DecisionRights(function=function, area=area, on=on)
    lineage = [*function.ancestor_ids, function.pk]
    depth = {pk: index for index, pk in enumerate(lineage)}
    containers = area_and_containers(area)

    holdings = [_HoldingRow(*row) for row in _rows(_holdings_sql(), [lineage, list(containers)])]
    for holding in holdings:
        holding.sources = _json(holding.sources)
    in_force = [h for h in holdings if h.in_force_on(on)]
    if in_force:
        deepest = max(depth[h.function_id] for h in in_force)
        in_force = [h for h in in_force if depth[h.function_id] == deepest]

    reserved = _rows(_reserved_sql(), [lineage, list(containers), on, on])

    if not in_force:
        answer.reason = _no_holder_reason(function, area, on, holdings)
        return answer

    roots = [_root_of(h) for h in in_force]
    for root in roots:
        answer.holders.append(
            Holder(party=root.holder, basis="statute", root=root, chain=[], effective_limit=None)
        )

    if reserved:
        organisation_id, body_id, holder_name = reserved[0]
        kind, pk = ("body", body_id) if body_id else ("organisation", organisation_id)
        party = Party(kind=kind, id=pk, name=holder_name, url=url_for(_PARTY_URLS[kind], pk))
        answer.reserved_to = party
        if party not in [h.party for h in answer.holders]:
            answer.holders.append(
                Holder(party=party, basis="reserved", root=roots[0], chain=[], effective_limit=None)
            )
        answer.notes.append(f"{function.name} is reserved to {party.name}: it cannot be delegated.")
        return answer

    delegations = {}
    for row in _rows(
        _delegations_sql(),
        [list(containers), on, on, DelegationStatus.IN_FORCE, DelegationStatus.REVOKED, lineage],
    ):
        delegation = _DelegationRow(*row)
        delegation.sources = _json(delegation.sources)
        delegations[delegation.pk] = delegation
    holding_by_holder = {}
    for holding in in_force:
        holding_by_holder.setdefault(holding.holder_id, []).append(holding)

    chains: dict[int, tuple[Root, list[_DelegationRow]] | None] = {}

    def chain_of(pk: int, seen: frozenset = frozenset()):
        if pk in chains:
            return chains[pk]
        delegation = delegations.get(pk)
        result = None
        if delegation is not None and pk not in seen:
            if delegation.parent_id is None:
                kind, holder_id = _side_key(delegation, "delegator")
                if kind == "organisation":
                    for holding in holding_by_holder.get(holder_id, []):
                        if _covers(holding.area_id, containers):
                            result = (_root_of(holding), [delegation])
                            break
            else:
                above = chain_of(delegation.parent_id, seen | {pk})
                if above is not None:
                    result = (above[0], [*above[1], delegation])
        chains[pk] = result
        return result

    links_by_pk: dict[int, Link] = {}

    def link_for(delegation):
        # Chains share their upper links: build each once.
        if delegation.pk not in links_by_pk:
            links_by_pk[delegation.pk] = _link_of(delegation)
        return links_by_pk[delegation.pk]

    disabled = []
    for pk, delegation in delegations.items():
        found = chain_of(pk)
        if found is None:
            disabled.append(delegation)
            continue
        root, path = found
        links = [link_for(d) for d in path]
        answer.holders.append(
            Holder(
                party=links[-1].delegate,
                basis="delegation",
                root=root,
                chain=links,
                effective_limit=_smallest(d.financial_limit for d in path),
            )
        )

    if len(answer.holders) == len(roots):
        answer.notes.append(
            f"No delegation of {function.name} for {area.name} was in force on {format_date(on)}: "
            "the statutory holder decides."
        )
    for delegation in disabled:
        answer.notes.append(
            f"Delegation {delegation.pk} to {delegation.delegate_name} is recorded as in force, "
            "but its chain does not reach a holder of the function on that day, so it gives no authority."
        )
    return answer
