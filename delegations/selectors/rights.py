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
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from organisations.models import Area, AreaMember

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
    "party_of",
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


def party_of(obj, kind: str) -> Party:
    name = obj.title if kind == "post" else obj.name
    return Party(kind=kind, id=obj.pk, name=name, url=reverse(_PARTY_URLS[kind], kwargs={"pk": obj.pk}))


def _side(delegation: Delegation, side: str) -> Party:
    for kind in ("organisation", "body", "post"):
        obj = getattr(delegation, f"{side}_{kind}")
        if obj is not None:
            return party_of(obj, kind)
    raise ValueError(f"Delegation {delegation.pk} has no {side}")


def _side_key(delegation: Delegation, side: str) -> tuple[str, int]:
    for kind in ("organisation", "body", "post"):
        pk = getattr(delegation, f"{side}_{kind}_id")
        if pk is not None:
            return kind, pk
    raise ValueError(f"Delegation {delegation.pk} has no {side}")


def area_and_containers(area: Area) -> set[int]:
    """The area, the areas it nests in, and the footprints (sets of areas) that include any of them."""
    nested = set(
        Area.objects.filter(Q(pk=area.pk) | Q(children=area) | Q(children__children=area)).values_list(
            "pk", flat=True
        )
    )
    footprints = AreaMember.objects.filter(member__in=nested).values_list("footprint_id", flat=True)
    return nested | set(footprints)


def _covers(area_id: int | None, containers: set[int]) -> bool:
    return area_id is None or area_id in containers


def _root_of(holding: StatutoryHolding) -> Root:
    return Root(
        holding_id=holding.pk,
        holder=party_of(holding.holder, "organisation"),
        function_name=holding.function.name,
        area_name=holding.area.name if holding.area_id else "England",
        basis=holding.basis,
        start_date=holding.start_date,
        end_date=holding.end_date,
        sources=holding.sources,
    )


def _link_of(delegation: Delegation) -> Link:
    return Link(
        delegation_id=delegation.pk,
        url=reverse("delegations:delegation_detail", kwargs={"pk": delegation.pk}),
        delegator=_side(delegation, "delegator"),
        delegate=_side(delegation, "delegate"),
        vehicle=delegation.vehicle,
        vehicle_display=delegation.get_vehicle_display(),
        financial_limit=delegation.financial_limit,
        start_date=delegation.start_date,
        end_date=delegation.end_date,
        status=delegation.status,
        sources=delegation.sources,
        function_names=sorted(delegation.function_names or []),
        area_name=delegation.area.name,
    )


def _smallest(limits) -> Decimal | None:
    known = [limit for limit in limits if limit is not None]
    return min(known) if known else None


def _no_holder_reason(function: Function, area: Area, on: dt.date, holdings: list[StatutoryHolding]) -> str:
    """Why nobody held the function on the day, from the holdings on other days."""
    earlier = [h for h in holdings if h.end_date is not None and h.end_date < on]
    later = [h for h in holdings if h.start_date is not None and h.start_date > on]
    parts = []
    if earlier:
        last = max(earlier, key=lambda h: h.end_date)
        closed = last.holder.end_date
        if closed is not None and closed <= on:
            parts.append(f"{last.holder.name} closed on {format_date(closed)}")
        else:
            parts.append(f"{last.holder.name} held it until {format_date(last.end_date)}")
    if later:
        first = min(later, key=lambda h: h.start_date)
        parts.append(f"{first.holder.name} holds it from {format_date(first.start_date)}")
    if parts:
        return f"Nobody held {function.name} for {area.name} on {format_date(on)}: " + "; ".join(parts) + "."
    return f"No statutory holder of {function.name} for {area.name} is recorded."


def decision_rights(*, function: Function, area: Area, on: dt.date) -> DecisionRights:
    """Everyone who may decide `function` for `area` on `on`, each with the chain of authority."""
    answer = DecisionRights(function=function, area=area, on=on)
    lineage = [*function.ancestor_ids, function.pk]
    depth = {pk: index for index, pk in enumerate(lineage)}
    containers = area_and_containers(area)

    holdings = list(
        StatutoryHolding.objects.filter(function_id__in=lineage)
        .filter(Q(area__isnull=True) | Q(area_id__in=containers))
        .select_related("holder", "function", "area")
        .order_by("start_date")
    )
    in_force = [h for h in holdings if h.in_force_on(on)]
    if in_force:
        deepest = max(depth[h.function_id] for h in in_force)
        in_force = [h for h in in_force if depth[h.function_id] == deepest]

    reserved = list(
        ReservedMatter.objects.as_at(on)
        .filter(function_id__in=lineage)
        .filter(Q(area__isnull=True) | Q(area_id__in=containers))
        .select_related("reserved_to_organisation", "reserved_to_body")
    )

    if not in_force:
        answer.reason = _no_holder_reason(function, area, on, holdings)
        return answer

    roots = [_root_of(h) for h in in_force]
    for root in roots:
        answer.holders.append(
            Holder(party=root.holder, basis="statute", root=root, chain=[], effective_limit=None)
        )

    if reserved:
        matter = reserved[0]
        if matter.reserved_to_body_id:
            party = party_of(matter.reserved_to_body, "body")
        else:
            party = party_of(matter.reserved_to_organisation, "organisation")
        answer.reserved_to = party
        if party not in [h.party for h in answer.holders]:
            answer.holders.append(
                Holder(party=party, basis="reserved", root=roots[0], chain=[], effective_limit=None)
            )
        answer.notes.append(f"{function.name} is reserved to {party.name}: it cannot be delegated.")
        return answer

    delegations = {
        d.pk: d
        for d in Delegation.objects.in_force(on)
        .filter(area_id__in=containers)
        .filter(Exists(DelegationFunction.objects.filter(delegation=OuterRef("pk"), function_id__in=lineage)))
        .select_related(
            "area",
            "delegator_organisation",
            "delegator_body",
            "delegator_post",
            "delegate_organisation",
            "delegate_body",
            "delegate_post",
        )
        .annotate(
            function_names=ArraySubquery(
                DelegationFunction.objects.filter(delegation=OuterRef("pk")).values("function__name")
            )
        )
        .order_by("pk")
    }
    holding_by_holder = {}
    for holding in in_force:
        holding_by_holder.setdefault(holding.holder_id, []).append(holding)

    chains: dict[int, tuple[Root, list[Delegation]] | None] = {}

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

    disabled = []
    for pk, delegation in delegations.items():
        found = chain_of(pk)
        if found is None:
            disabled.append(delegation)
            continue
        root, path = found
        links = [_link_of(d) for d in path]
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
            f"Delegation {delegation.pk} to {_side(delegation, 'delegate').name} is recorded as in force, "
            "but its chain does not reach a holder of the function on that day, so it gives no authority."
        )
    return answer
