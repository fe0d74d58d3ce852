"""Tables built from delegation records: the catalogue as a tree, a delegation's chain up and down, a
system's functions and decisions map, the tier table, and the place-based lead register. Each costs a
fixed number of queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Prefetch, Q, Subquery

from organisations.choices import Tier
from organisations.models import Area, AreaMember, PostHolding, System

from ..choices import ArrangementStatus, PlaceLeadModel, PlaceLeadRole, TierColumn
from ..models import (
    Delegation,
    DelegationFunction,
    Function,
    PlaceLeadArrangement,
    PlaceLeadPost,
    ReservedMatter,
    StatutoryHolding,
    TierAssignment,
)
from .rights import format_date, named_side, party_of, with_party_names

__all__ = [
    "MAP_LEVELS",
    "chain_down",
    "chain_up",
    "delegation_list",
    "function_tree",
    "functions_map",
    "localities_without_lead",
    "place_lead_register",
    "tier_table",
    "with_parties",
]

PARTY_FIELDS = (
    "delegator_organisation",
    "delegator_body",
    "delegator_post",
    "delegate_organisation",
    "delegate_body",
    "delegate_post",
)


def with_parties(queryset):
    """Delegations with both parties, the area and the delegated functions' names read in the same query."""
    return queryset.select_related("area", *PARTY_FIELDS).annotate(
        function_names=ArraySubquery(
            DelegationFunction.objects.filter(delegation=OuterRef("pk"))
            .order_by("function__name")
            .values("function__name")
        )
    )


def delegation_list(queryset):
    return with_parties(queryset)


def function_tree(queryset=None) -> list[tuple[Function, int]]:
    """Every function with its depth, each followed by the functions within it (depth first, by name)."""
    functions = list(queryset if queryset is not None else Function.objects.all())
    by_parent: dict[int | None, list[Function]] = {}
    for function in functions:
        by_parent.setdefault(function.parent_id, []).append(function)
    known = {f.pk for f in functions}
    out: list[tuple[Function, int]] = []

    def walk(parent_id, depth):
        for function in sorted(by_parent.get(parent_id, []), key=lambda f: f.name.lower()):
            out.append((function, depth))
            walk(function.pk, depth + 1)

    # Functions whose parent is filtered out start their own branch.
    for parent_id in [None, *sorted({p for p in by_parent if p is not None and p not in known})]:
        walk(parent_id, 0)
    return out


def chain_up(delegation: Delegation) -> list[Delegation]:
    """The delegations above this one, from the first (made by the statutory holder) down to it."""
    chain = [delegation]
    seen = {delegation.pk}
    parent_id = delegation.parent_id
    while parent_id is not None and parent_id not in seen:
        parent = with_parties(Delegation.objects.filter(pk=parent_id)).first()
        if parent is None:
            break
        chain.insert(0, parent)
        seen.add(parent.pk)
        parent_id = parent.parent_id
    return chain


def chain_down(delegation: Delegation) -> list[tuple[Delegation, int]]:
    """The sub-delegations below this one, each with its depth below it, depth first."""
    levels: list[list[Delegation]] = []
    frontier = [delegation.pk]
    seen = {delegation.pk}
    while frontier:
        level = [
            d for d in with_parties(Delegation.objects.filter(parent_id__in=frontier)) if d.pk not in seen
        ]
        if not level:
            break
        seen.update(d.pk for d in level)
        levels.append(level)
        frontier = [d.pk for d in level]
    children: dict[int, list[Delegation]] = {}
    for level in levels:
        for child in level:
            children.setdefault(child.parent_id, []).append(child)
    out: list[tuple[Delegation, int]] = []

    def walk(pk, depth):
        for child in sorted(children.get(pk, []), key=lambda d: d.pk):
            out.append((child, depth))
            walk(child.pk, depth + 1)

    walk(delegation.pk, 1)
    return out


MAP_LEVELS = (
    (Tier.NEIGHBOURHOOD.value, "Neighbourhood"),
    (Tier.LOCALITY.value, "Locality / place"),
    (Tier.SYSTEM.value, "System"),
    ("national", "National"),
)


def functions_map(system: System, on: dt.date) -> dict:
    """Functions × tiers for a system on a date: who holds each function at each tier, by statute, by
    delegation or by reservation. Each cell lists only what is recorded against that function; a
    function's children are covered by it."""
    functions = function_tree()
    rows = {
        f.pk: {"function": f, "depth": depth, "cells": {level: [] for level, _ in MAP_LEVELS}}
        for f, depth in functions
    }

    def add(function_id, level, entry):
        if function_id in rows and level in rows[function_id]["cells"]:
            rows[function_id]["cells"][level].append(entry)

    holdings = (
        StatutoryHolding.objects.as_at(on)
        .filter(Q(area__isnull=True) | Q(area__system=system))
        .select_related("holder", "area")
        .order_by("holder__name")
    )
    for holding in holdings:
        level = holding.area.tier if holding.area_id else "national"
        party = party_of(holding.holder, "organisation")
        add(
            holding.function_id,
            level,
            {
                "name": party.name,
                "url": party.url,
                "basis": "statute",
                "area": holding.area.name if holding.area_id else "England",
            },
        )

    delegations = (
        with_party_names(Delegation.objects.in_force(on).filter(area__system=system))
        .annotate(
            area_tier=Subquery(Area.objects.filter(pk=OuterRef("area_id")).values("tier")[:1]),
            function_ids=ArraySubquery(
                DelegationFunction.objects.filter(delegation=OuterRef("pk")).values("function_id")
            ),
        )
        .order_by("area_name", "pk")
    )
    for delegation in delegations:
        party = named_side(delegation, "delegate")
        for function_id in delegation.function_ids:
            add(
                function_id,
                delegation.area_tier,
                {"name": party.name, "url": party.url, "basis": "delegation", "area": delegation.area_name},
            )

    reserved = (
        ReservedMatter.objects.as_at(on)
        .filter(Q(area__isnull=True) | Q(area__system=system))
        .select_related("area", "reserved_to_body", "reserved_to_organisation")
    )
    for matter in reserved:
        if matter.reserved_to_body_id:
            party = party_of(matter.reserved_to_body, "body")
        else:
            party = party_of(matter.reserved_to_organisation, "organisation")
        level = matter.area.tier if matter.area_id else Tier.SYSTEM.value
        add(
            matter.function_id,
            level,
            {
                "name": party.name,
                "url": party.url,
                "basis": "reserved",
                "area": matter.area.name if matter.area_id else "",
            },
        )

    return {
        "system": system,
        "on": on,
        "levels": MAP_LEVELS,
        "rows": [rows[f.pk] for f, _ in functions],
    }


def tier_table(system: System) -> dict:
    """The system's tier table (001 Appendix 2): per tier, its accountabilities, governance, delivery
    functions and teams, in the order recorded."""
    entries = (
        TierAssignment.objects.filter(system=system)
        .select_related("function", "body")
        .order_by("order", "pk")
    )
    tiers = {
        tier: {"tier": tier, "label": label, "columns": {column: [] for column in TierColumn.values}}
        for tier, label in Tier.choices
    }
    for entry in entries:
        if entry.function_id:
            label, url = entry.label or entry.function.name, entry.function.get_absolute_url()
        elif entry.body_id:
            label, url = entry.label or entry.body.name, entry.body.get_absolute_url()
        else:
            label, url = entry.label, None
        tiers[entry.tier]["columns"][entry.column].append(
            {"label": label, "url": url, "sources": entry.sources}
        )
    # The table reads from the smallest footprint up, as the source lays it out.
    order = [Tier.NEIGHBOURHOOD, Tier.LOCALITY, Tier.SYSTEM]
    return {
        "system": system,
        "columns": TierColumn.choices,
        "tiers": [tiers[t.value] for t in order if any(tiers[t.value]["columns"].values())],
    }


@dataclass
class RegisterRow:
    """A locality's place-based lead arrangement on a date, with who holds each post that day."""

    area: Area
    arrangement: PlaceLeadArrangement | None
    posts: list[dict] = field(default_factory=list)
    reason: str = ""

    @property
    def has_lead(self) -> bool:
        return not self.reason


def place_lead_register(on: dt.date, system: System | None = None) -> list[RegisterRow]:
    """Every locality existing on the date, its arrangement on that day, its posts and their holders."""
    # Places only: a footprint made of several places (the NCA footprint) nominates no lead of its own.
    areas = (
        Area.objects.as_at(on)
        .filter(tier=Tier.LOCALITY)
        .exclude(Exists(AreaMember.objects.filter(footprint=OuterRef("pk"))))
        .select_related("system")
        .order_by("system__name", "name")
    )
    if system is not None:
        areas = areas.filter(system=system)
    areas = list(areas)
    arrangements = {
        a.area_id: a
        for a in PlaceLeadArrangement.objects.as_at(on)
        .filter(area__in=areas)
        .select_related("host_organisation")
        .prefetch_related(
            Prefetch(
                "post_links",
                queryset=PlaceLeadPost.objects.select_related("post").order_by("post__title"),
            )
        )
    }
    post_ids = [link.post_id for a in arrangements.values() for link in a.post_links.all()]
    holders: dict[int, list] = {}
    for holding in PostHolding.objects.as_at(on).filter(post_id__in=post_ids).select_related("person"):
        holders.setdefault(holding.post_id, []).append(holding)
    role_labels = dict(PlaceLeadRole.choices)
    rows = []
    for area in areas:
        arrangement = arrangements.get(area.pk)
        row = RegisterRow(area=area, arrangement=arrangement)
        if arrangement is not None:
            for link in arrangement.post_links.all():
                held = holders.get(link.post_id, [])
                row.posts.append(
                    {
                        "post": link.post,
                        "roles": [role_labels.get(r, r) for r in link.roles],
                        "holders": [h.person for h in held],
                        "vacant": not held,
                    }
                )
        row.reason = _without_lead_reason(row, on)
        rows.append(row)
    return rows


def _without_lead_reason(row: RegisterRow, on: dt.date) -> str:
    arrangement = row.arrangement
    if arrangement is None:
        return f"No arrangement is recorded for {format_date(on)}."
    if arrangement.status != ArrangementStatus.IN_FORCE:
        return f"The arrangement is {arrangement.get_status_display().lower()}, not in force."
    if arrangement.model == PlaceLeadModel.NOT_YET_DECIDED:
        return "The model has not been decided."
    if not row.posts:
        return "No post is recorded for the arrangement."
    if all(p["vacant"] for p in row.posts):
        return "Every post of the arrangement is vacant."
    return ""


def localities_without_lead(on: dt.date, system: System | None = None) -> list[RegisterRow]:
    """Localities with no place-based lead in post on the date, each with the reason."""
    return [row for row in place_lead_register(on, system) if not row.has_lead]
