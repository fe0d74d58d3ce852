"""Writes to the function catalogue, statutory holdings, delegations, reserved matters, place-based
lead arrangements and the tier table.

Each service validates the whole change before anything is kept, runs in one transaction and records
its actor in the history. The rules of delegation live here: the delegator holds what it delegates
(by statute, or through the parent delegation it sub-delegates), a sub-delegation never grants more
than its parent (function, area, limit, period), chains do not loop, reserved matters are never
delegated, and the delegate exists throughout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from governance.choices import Status
from governance.models import Body, BodyStatus
from ics_registry.history import actor_context
from ics_registry.services import apply_changes, delete, save, validate
from organisations.choices import Tier
from organisations.models import Area, AreaMember, Organisation, Post, System
from organisations.services import PERIOD, SOURCED, _check_sources

from ..choices import DelegationStatus, PlaceLeadRole
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

__all__ = [
    "RepointReport",
    "delegation_create",
    "delegation_delete",
    "delegation_revoke",
    "delegation_update",
    "delegations_end_with_holder",
    "delegations_repoint",
    "function_create",
    "function_delete",
    "function_update",
    "place_lead_arrangement_create",
    "place_lead_arrangement_delete",
    "place_lead_arrangement_update",
    "reserved_matter_create",
    "reserved_matter_delete",
    "reserved_matter_update",
    "statutory_holding_create",
    "statutory_holding_delete",
    "statutory_holding_update",
    "tier_assignment_create",
]

# Which field a refused constraint is about, so its message appears beside that field.
CODE_FIELDS = {
    "period_order": "end_date",
    "duplicate_function": "name",
    "own_parent": "parent",
    "holding_overlap": "start_date",
    "one_holder": "reserved_to_organisation",
    "one_delegator": "delegator_organisation",
    "one_delegate": "delegate_organisation",
    "negative_limit": "financial_limit",
    "to_self": "delegate_organisation",
    "arrangement_overlap": "start_date",
    "duplicate_post": "posts",
    "empty_entry": "label",
}

PARTY_KINDS = ("organisation", "body", "post")
DELEGATION_FIELDS = (
    *(f"delegator_{kind}" for kind in PARTY_KINDS),
    *(f"delegate_{kind}" for kind in PARTY_KINDS),
    "area",
    "vehicle",
    "status",
    "financial_limit",
    "conditions",
    "statutory_basis",
    "parent",
    "onward_delegation_permitted",
    *PERIOD,
    *SOURCED,
)
PARTIES = tuple(f"{side}_{kind}" for side in ("delegator", "delegate") for kind in PARTY_KINDS)
# Statuses in which a delegation gives (or gave) rights on the days of its period.
GIVES_RIGHTS = {DelegationStatus.IN_FORCE, DelegationStatus.REVOKED}
LIVE = [DelegationStatus.PROPOSED, DelegationStatus.AGREED, DelegationStatus.IN_FORCE]
ONE_DAY = dt.timedelta(days=1)


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%-d %b %Y") if day else "an unrecorded date"


def _money(value: Decimal) -> str:
    return f"£{value:,.2f}"


def _overlaps(start, end):
    """Records whose period overlaps [start, end] (open ends unbounded)."""
    q = Q()
    if end is not None:
        q &= Q(start_date__isnull=True) | Q(start_date__lte=end)
    if start is not None:
        q &= Q(end_date__isnull=True) | Q(end_date__gte=start)
    return q


def _runs_past(day: dt.date) -> Q:
    return Q(end_date__isnull=True) | Q(end_date__gt=day)


# --- Periods -------------------------------------------------------------------------------

_NEVER, _ALWAYS = 0, 10**9  # an open start and an open end, as day numbers


def _days(start, end) -> tuple[int, int]:
    return (start.toordinal() if start else _NEVER, end.toordinal() if end else _ALWAYS)


def _first_gap(periods: Iterable[tuple], start, end) -> tuple[str, dt.date | None] | None:
    """Whether `periods` together cover every day from start to end (open ends unbounded).

    None when they do; otherwise ("none", None) when there are no periods at all, ("before", day)
    when cover only begins on `day`, or ("after", day) when it stops after `day`.
    """
    spans = sorted(_days(s, e) for s, e in periods)
    if not spans:
        return ("none", None)
    merged: list[list[int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    first, last = _days(start, end)
    for s, e in merged:
        if s <= first <= e:
            return None if e >= last else ("after", dt.date.fromordinal(e))
    later = [s for s, _ in merged if s > first]
    earlier = [e for _, e in merged if e < first]
    if later and (later[0] <= last or not earlier):
        return ("before", dt.date.fromordinal(later[0]))
    return ("after", dt.date.fromordinal(earlier[-1]))


def _within_period(outer_start, outer_end, start, end) -> tuple[bool, bool]:
    """Whether [start, end] starts and ends within [outer_start, outer_end]."""
    starts_ok = outer_start is None or (start is not None and start >= outer_start)
    ends_ok = outer_end is None or (end is not None and end <= outer_end)
    return starts_ok, ends_ok


# --- Areas and functions -------------------------------------------------------------------


class _Areas:
    """Which areas contain which, looked up once per change: an area is within its parents and
    within any footprint made of it (or of an area containing it). No area means all England."""

    def __init__(self):
        self._containing: dict[int, frozenset[int]] = {}

    def containing(self, area_id: int) -> frozenset[int]:
        if area_id not in self._containing:
            found: set[int] = set()
            frontier = {area_id}
            while frontier:
                found |= frontier
                parents = set(
                    Area.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                        "parent_id", flat=True
                    )
                )
                footprints = set(
                    AreaMember.objects.filter(member_id__in=frontier).values_list("footprint_id", flat=True)
                )
                frontier = (parents | footprints) - found
            self._containing[area_id] = frozenset(found)
        return self._containing[area_id]

    def within(self, inner_id: int | None, outer_id: int | None) -> bool:
        if outer_id is None:
            return True
        if inner_id is None:
            return False
        return outer_id in self.containing(inner_id)

    def related(self, a_id: int | None, b_id: int | None) -> bool:
        """One of the two areas contains the other (or they are the same)."""
        return self.within(a_id, b_id) or self.within(b_id, a_id)


def _area_name(area: Area | None) -> str:
    return area.name if area is not None else "England"


def _lineage(function: Function) -> list[int]:
    """The function and the wider functions it is part of: a holder of any of them holds it."""
    return [*function.ancestor_ids, function.pk]


def _covered_by(function: Function, covering: Iterable[Function]) -> bool:
    lineage = set(_lineage(function))
    return any(other.pk in lineage for other in covering)


def _function_list(functions) -> list[Function]:
    if functions is None:
        return []
    try:
        ids = [item.pk if isinstance(item, Function) else int(item) for item in functions]
    except (TypeError, ValueError) as exc:
        raise ValidationError({"functions": "Choose functions from the catalogue."}) from exc
    found = {f.pk: f for f in Function.objects.filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"functions": "Choose functions from the catalogue."})
    unique: dict[int, Function] = {}
    for pk in ids:
        unique.setdefault(pk, found[pk])
    return list(unique.values())


# --- Delegations: who is on each side ------------------------------------------------------


def _party_field(delegation: Delegation, side: str) -> str:
    for kind in PARTY_KINDS:
        if getattr(delegation, f"{side}_{kind}_id") is not None:
            return f"{side}_{kind}"
    return f"{side}_organisation"


def _party_key(delegation: Delegation, side: str) -> tuple[str, int] | None:
    for kind in PARTY_KINDS:
        pk = getattr(delegation, f"{side}_{kind}_id")
        if pk is not None:
            return (kind, pk)
    return None


def _label(delegation: Delegation) -> str:
    return f"{delegation.delegator} → {delegation.delegate}"


def _described(delegation: Delegation, *, first: bool = False) -> str:
    """ "delegation 12 (NHS Stockport CCG → Stockport Locality Board)"; capitalised to open a sentence."""
    return f"{'D' if first else 'd'}elegation {delegation.pk} ({_label(delegation)})"


def _gives_rights(delegation: Delegation) -> bool:
    return delegation.status == DelegationStatus.IN_FORCE or (
        delegation.status == DelegationStatus.REVOKED and delegation.end_date is not None
    )


def _never_took_effect(delegation: Delegation) -> bool:
    return delegation.status == DelegationStatus.REVOKED and delegation.end_date is None


def _with_parties():
    return Delegation.objects.select_related(*PARTIES)


def _chain_above(parent: Delegation | None, *, stop_at: int | None = None) -> tuple[list[Delegation], bool]:
    """The parent and each delegation above it, nearest first; and whether the walk met `stop_at`
    (the delegation being changed: it would become its own ancestor)."""
    chain: list[Delegation] = []
    seen: set[int] = set()
    current = parent
    while current is not None and current.pk not in seen:
        if stop_at is not None and current.pk == stop_at:
            return chain, True
        seen.add(current.pk)
        chain.append(current)
        current = _with_parties().filter(pk=current.parent_id).first() if current.parent_id else None
    return chain, False


def _effective_limit(chain: list[Delegation]) -> Decimal | None:
    limits = [d.financial_limit for d in chain if d.financial_limit is not None]
    return min(limits) if limits else None


# --- Delegations: the rules ----------------------------------------------------------------


def _statute_problems(delegation: Delegation, functions: list[Function], areas: _Areas) -> list[str]:
    """Why the delegator, with no parent delegation, does not hold each function for the area on
    every day of the period (by statute, for the area or an area containing it)."""
    problems = []
    delegator = delegation.delegator
    area = delegation.area
    for function in functions:
        periods = []
        if delegation.delegator_organisation_id is not None:
            holdings = StatutoryHolding.objects.filter(
                holder_id=delegation.delegator_organisation_id, function_id__in=_lineage(function)
            ).values_list("area_id", "start_date", "end_date")
            periods = [(s, e) for area_id, s, e in holdings if areas.within(area.pk, area_id)]
        gap = _first_gap(periods, delegation.start_date, delegation.end_date)
        if gap is None:
            continue
        kind, day = gap
        if kind == "before":
            detail = f"it holds it by statute from {_fmt(day)}"
        elif kind == "after":
            detail = f"it held it until {_fmt(day)}"
        else:
            party = _party_key(delegation, "delegator")
            received = Delegation.objects.filter(
                **{f"delegate_{party[0]}_id": party[1]}, function_links__function_id__in=_lineage(function)
            ).exclude(pk=delegation.pk)
            detail = (
                "it holds it only through a delegation; choose that delegation as the parent"
                if received.exists()
                else "it does not hold it by statute"
            )
        problems.append(
            f"{delegator} did not hold {function.name} for {_area_name(area)} on every day of this period: {detail}."
        )
    return problems


def _parent_problems(
    delegation: Delegation,
    functions: list[Function],
    parent: Delegation,
    parent_functions: list[Function],
    areas: _Areas,
) -> list[tuple[str, str]]:
    """How a sub-delegation would grant more than its parent, as (field of the sub-delegation,
    message) pairs."""
    problems: list[tuple[str, str]] = []
    if _party_key(parent, "delegate") != _party_key(delegation, "delegator"):
        problems.append(
            ("parent", f"The delegator must be the parent delegation's delegate ({parent.delegate}).")
        )
    if not parent.onward_delegation_permitted:
        problems.append(("parent", "The parent delegation does not permit onward delegation."))
    if _never_took_effect(parent) or (_gives_rights(delegation) and not _gives_rights(parent)):
        # A proposed or agreed delegation may sit under a proposed or agreed parent; one in force
        # needs a parent in force on each of its days (the period rule below checks the days).
        problems.append(("parent", "The parent delegation is not in force on every day of this period."))
    names = ", ".join(sorted(f.name for f in parent_functions))
    for function in functions:
        if not _covered_by(function, parent_functions):
            problems.append(
                (
                    "functions",
                    f"A sub-delegation cannot cover {function.name}: the parent delegation covers only {names}.",
                )
            )
    if not areas.within(delegation.area_id, parent.area_id):
        problems.append(
            (
                "area",
                f"A sub-delegation cannot cover {delegation.area.name}: "
                f"the parent delegation applies only to {parent.area.name}.",
            )
        )
    chain, _ = _chain_above(parent)
    limit = _effective_limit(chain)
    if delegation.financial_limit is not None and limit is not None and delegation.financial_limit > limit:
        problems.append(
            (
                "financial_limit",
                f"The financial limit cannot exceed the parent delegation's limit of {_money(limit)}.",
            )
        )
    starts_ok, ends_ok = _within_period(
        parent.start_date, parent.end_date, delegation.start_date, delegation.end_date
    )
    message = f"A sub-delegation must fall within its parent's period ({parent.period_display})."
    if not starts_ok:
        problems.append(("start_date", message))
    if not ends_ok:
        problems.append(("end_date", message))
    delegate = _party_key(delegation, "delegate")
    for above in chain:
        if delegate in (_party_key(above, "delegator"), _party_key(above, "delegate")):
            problems.append(
                (
                    _party_field(delegation, "delegate"),
                    f"{delegation.delegate} already holds this authority earlier in the chain: "
                    "a delegation cannot go back up it.",
                )
            )
            break
    return problems


def _reserved_problems(delegation: Delegation, functions: list[Function], areas: _Areas) -> list[str]:
    problems = []
    for function in functions:
        matters = (
            ReservedMatter.objects.filter(function_id__in=_lineage(function))
            .filter(_overlaps(delegation.start_date, delegation.end_date))
            .select_related("reserved_to_organisation", "reserved_to_body")
            .order_by("pk")
        )
        for matter in matters:
            if areas.related(delegation.area_id, matter.area_id):
                problems.append(f"{function.name} is reserved to {matter.holder}: it cannot be delegated.")
                break
    return problems


def _existence_detail(delegation: Delegation) -> str | None:
    """Why the delegate does not exist on every day of the period, or None when it does."""
    start, end = delegation.start_date, delegation.end_date
    if delegation.delegate_body_id is not None:
        statuses = list(
            BodyStatus.objects.filter(body_id=delegation.delegate_body_id).values_list(
                "status", "start_date", "end_date"
            )
        )
        active = [(s, e) for status, s, e in statuses if status != Status.STOOD_DOWN]
        stood_down = sorted(
            (s for status, s, _ in statuses if status == Status.STOOD_DOWN), key=lambda d: d or dt.date.min
        )
        gap = _first_gap(active, start, end)
        if gap is None:
            return None
        kind, day = gap
        if kind == "none":
            return f"it stood down on {_fmt(stood_down[0])}" if stood_down else "no status is recorded for it"
        if kind == "before":
            return f"its recorded status starts on {_fmt(day)}"
        if day + ONE_DAY in stood_down:
            return f"it stood down on {_fmt(day + ONE_DAY)}"
        return f"its recorded status ends on {_fmt(day)}"
    party = delegation.delegate
    gap = _first_gap([(party.start_date, party.end_date)], start, end)
    if gap is None:
        return None
    kind, day = gap
    return f"its first day is {_fmt(day)}" if kind == "before" else f"its last day is {_fmt(day)}"


def _delegation_problems(
    delegation: Delegation, functions: list[Function], areas: _Areas | None = None
) -> dict[str, list[str]]:
    """Every rule the delegation (as it would be saved, with these functions) breaks, by field."""
    areas = areas or _Areas()
    errors: dict[str, list[str]] = {}

    def add(key: str, message: str) -> None:
        if message not in errors.setdefault(key, []):
            errors[key].append(message)

    if not functions:
        add("functions", "Choose at least one function to delegate.")
    delegate_field = _party_field(delegation, "delegate")
    if _party_key(delegation, "delegator") == _party_key(delegation, "delegate"):
        add(delegate_field, "A holder cannot delegate to itself.")
    if delegation.parent_id is None:
        for message in _statute_problems(delegation, functions, areas):
            add(_party_field(delegation, "delegator"), message)
    else:
        chain, loops = _chain_above(delegation.parent, stop_at=delegation.pk)
        if loops:
            add("parent", "A delegation cannot sit under itself or under a delegation made under it.")
        else:
            parent = chain[0]
            parent_functions = list(parent.functions.all())
            for key, message in _parent_problems(delegation, functions, parent, parent_functions, areas):
                add(key, message)
    for message in _reserved_problems(delegation, functions, areas):
        add("functions", message)
    detail = _existence_detail(delegation)
    if detail is not None:
        add(delegate_field, f"{delegation.delegate} does not exist on every day of this period ({detail}).")
    return errors


def _descendant_problems(delegation: Delegation, areas: _Areas) -> dict[str, list[str]]:
    """Sub-delegations below the (saved) delegation that it would no longer contain, by the field of
    this delegation whose change caused it. Its own children are checked against it in full; those
    further down only for what reaches them through it: the effective limit, and loops."""
    errors: dict[str, list[str]] = {}
    pending = [delegation]
    seen = {delegation.pk}
    while pending:
        above = pending.pop(0)
        above_functions = list(above.functions.all())
        for child in _with_parties().filter(parent=above).select_related("area").order_by("pk"):
            if child.pk in seen:
                continue
            seen.add(child.pk)
            pending.append(child)
            if _never_took_effect(child):
                continue
            direct = above.pk == delegation.pk
            for key, message in _parent_problems(
                child, list(child.functions.all()), above, above_functions, areas
            ):
                if key == "financial_limit":
                    target = "financial_limit"
                elif key.startswith("delegate_"):
                    target = _party_field(delegation, "delegator")
                elif not direct:
                    continue
                elif key == "parent" and message.startswith("The delegator must be"):
                    target = _party_field(delegation, "delegate")
                elif key == "parent" and "onward" in message:
                    target = "onward_delegation_permitted"
                elif key == "parent":
                    target = "status"
                else:
                    target = key
                text = f"{_described(child, first=True)} would no longer fit within this one: {message}"
                if text not in errors.setdefault(target, []):
                    errors[target].append(text)
    return {k: v for k, v in errors.items() if v}


def _set_functions(delegation: Delegation, functions: list[Function], *, actor, service: str) -> None:
    wanted = {f.pk for f in functions}
    with actor_context(actor, service=service):
        existing = set(delegation.function_links.values_list("function_id", flat=True))
        delegation.function_links.exclude(function_id__in=wanted).delete()
        DelegationFunction.objects.bulk_create(
            [
                DelegationFunction(delegation=delegation, function_id=pk, sources=delegation.sources)
                for pk in sorted(wanted - existing)
            ]
        )


def _check_and_save(
    delegation: Delegation, functions: list[Function], *, actor, service: str, areas: _Areas | None = None
) -> Delegation:
    delegator = _party_key(delegation, "delegator")
    if delegator is not None and delegator == _party_key(delegation, "delegate"):
        # Before the constraint check, so that the message sits beside the kind of party chosen.
        raise ValidationError({_party_field(delegation, "delegate"): "A holder cannot delegate to itself."})
    validate(delegation, code_fields=CODE_FIELDS)
    errors = _delegation_problems(delegation, functions, areas)
    if errors:
        raise ValidationError(errors)
    save(delegation, actor=actor, service=service, code_fields=CODE_FIELDS)
    _set_functions(delegation, functions, actor=actor, service=service)
    return delegation


@transaction.atomic
def delegation_create(
    *,
    functions: Iterable[Function],
    area: Area,
    vehicle: str,
    delegator_organisation: Organisation | None = None,
    delegator_body: Body | None = None,
    delegator_post: Post | None = None,
    delegate_organisation: Organisation | None = None,
    delegate_body: Body | None = None,
    delegate_post: Post | None = None,
    status: str = DelegationStatus.PROPOSED,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    financial_limit: Decimal | None = None,
    conditions: str = "",
    statutory_basis: str = "",
    parent: Delegation | None = None,
    onward_delegation_permitted: bool = False,
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> Delegation:
    delegation = Delegation(
        delegator_organisation=delegator_organisation,
        delegator_body=delegator_body,
        delegator_post=delegator_post,
        delegate_organisation=delegate_organisation,
        delegate_body=delegate_body,
        delegate_post=delegate_post,
        area=area,
        vehicle=vehicle,
        status=status,
        start_date=start_date,
        end_date=end_date,
        financial_limit=financial_limit,
        conditions=conditions,
        statutory_basis=statutory_basis,
        parent=parent,
        onward_delegation_permitted=onward_delegation_permitted,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    return _check_and_save(delegation, _function_list(functions), actor=actor, service="delegation_create")


@transaction.atomic
def delegation_update(
    delegation: Delegation, *, actor, functions: Iterable[Function] | None = None, **changes
) -> Delegation:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    for side in ("delegator", "delegate"):
        # Choosing who is on one side clears the other kinds of party on that side.
        given = [kind for kind in PARTY_KINDS if f"{side}_{kind}" in changes]
        if given and any(changes[f"{side}_{kind}"] is not None for kind in given):
            for kind in PARTY_KINDS:
                changes.setdefault(f"{side}_{kind}", None)
    Delegation.objects.select_for_update().filter(pk=delegation.pk).first()
    apply_changes(delegation, changes, DELEGATION_FIELDS)
    chosen = _function_list(functions) if functions is not None else list(delegation.functions.all())
    areas = _Areas()
    _check_and_save(delegation, chosen, actor=actor, service="delegation_update", areas=areas)
    errors = _descendant_problems(delegation, areas)
    if errors:
        raise ValidationError(errors)
    return delegation


@transaction.atomic
def delegation_revoke(delegation: Delegation, *, on: dt.date, actor) -> Delegation:
    """Revoke from `on`: the last day in force is the day before. A delegation that was never in
    force, or is revoked on or before its first day, never took effect (no end date)."""
    if delegation.status == DelegationStatus.REVOKED:
        raise ValidationError({"on": "This delegation is already revoked."})
    # Revoked from the first day there is, it was never in force (and there is no day before it).
    last_day = on - ONE_DAY if on > dt.date.min else None
    took_effect = (
        last_day is not None
        and delegation.status == DelegationStatus.IN_FORCE
        and (delegation.start_date is None or last_day >= delegation.start_date)
    )
    delegation.status = DelegationStatus.REVOKED
    if took_effect:
        delegation.end_date = last_day if delegation.end_date is None else min(delegation.end_date, last_day)
    else:
        delegation.end_date = None
    return save(delegation, actor=actor, service="delegation_revoke", code_fields=CODE_FIELDS)


@transaction.atomic
def delegation_delete(delegation: Delegation, *, actor) -> None:
    if delegation.children.exists():
        raise ValidationError(
            "This delegation has sub-delegations; it cannot be deleted. Revoke it, or delete those first."
        )
    with actor_context(actor, service="delegation_delete"):
        delegation.function_links.all().delete()
    delete(delegation, actor=actor, service="delegation_delete", what="delegation")


# --- A holder closes -----------------------------------------------------------------------


def _closure(organisation: Organisation, key: str) -> dt.date:
    if organisation.end_date is None:
        raise ValidationError(
            {key: f"{organisation} has no closing date recorded; record when it closed first."}
        )
    return organisation.end_date


def _descendants(delegations: Iterable[Delegation]) -> list[Delegation]:
    found: list[Delegation] = []
    seen = {d.pk for d in delegations}
    frontier = list(seen)
    while frontier:
        children = list(_with_parties().filter(parent_id__in=frontier).exclude(pk__in=seen).order_by("pk"))
        found += children
        seen |= {c.pk for c in children}
        frontier = [c.pk for c in children]
    return found


def _end_at(delegation: Delegation, day: dt.date, *, actor, service: str) -> None:
    """End the delegation on `day`; one that would start after it never takes effect."""
    if delegation.start_date is not None and delegation.start_date > day:
        delegation.status = DelegationStatus.REVOKED
        delegation.end_date = None
    else:
        delegation.end_date = day
    save(delegation, actor=actor, service=service, code_fields=CODE_FIELDS)


@transaction.atomic
def delegations_end_with_holder(*, holder: Organisation, actor) -> list[Delegation]:
    """End, on the day a closed organisation closed, every delegation it made that ran past that
    day, and every sub-delegation below them that did. Safe to run again: it changes nothing twice.
    A delegation due to start after the closure never takes effect (revoked, no end date)."""
    closure = _closure(holder, "holder")
    made = list(_with_parties().filter(delegator_organisation=holder).order_by("pk"))
    changed = []
    for delegation in [*made, *_descendants(made)]:
        if _never_took_effect(delegation) or not (
            delegation.end_date is None or delegation.end_date > closure
        ):
            continue
        _end_at(delegation, closure, actor=actor, service="delegations_end_with_holder")
        changed.append(delegation)
    return changed


@dataclass
class RepointReport:
    """What re-pointing a closed organisation's delegations to its successor changed."""

    changes: list[str] = field(default_factory=list)
    ended: list[Delegation] = field(default_factory=list)
    created: list[Delegation] = field(default_factory=list)


def _continuation(delegation: Delegation, *, start: dt.date, **overrides) -> Delegation:
    copy = Delegation(
        **{name: getattr(delegation, name) for name in DELEGATION_FIELDS if name not in PERIOD},
        start_date=start,
        end_date=delegation.end_date,
    )
    for name, value in overrides.items():
        setattr(copy, name, value)
    return copy


def _repoint_failed(described: str, errors: ValidationError) -> ValidationError:
    reasons = " ".join(m for messages in errors.message_dict.values() for m in messages)
    return ValidationError({"successor": f"D{described[1:]} could not be re-pointed: {reasons}"})


@transaction.atomic
def delegations_repoint(*, closed: Organisation, successor: Organisation, actor) -> RepointReport:
    """Move a closed organisation's delegations to its successor: each delegation it made that ran
    past its closure ends on the closing day and is made again by the successor from the next day,
    with its sub-delegations continued under the new one. All or nothing: if the successor cannot
    make one of them (it does not hold the function then), nothing changes and the message says which."""
    closure = _closure(closed, "closed")
    if successor.pk == closed.pk:
        raise ValidationError({"successor": "Choose another organisation as the successor."})
    next_day = closure + ONE_DAY
    report = RepointReport()
    service = "delegations_repoint"
    areas = _Areas()

    def check_and_save(new: Delegation, described: str, functions: list[Function]) -> Delegation:
        try:
            return _check_and_save(new, functions, actor=actor, service=service, areas=areas)
        except ValidationError as exc:
            raise _repoint_failed(described, exc) from exc

    def carry_on(delegation: Delegation, new_parent: Delegation) -> None:
        for child in _with_parties().filter(parent=delegation).filter(_runs_past(closure)).order_by("pk"):
            if _never_took_effect(child):
                continue
            functions = list(child.functions.all())
            if child.start_date is not None and child.start_date > closure:
                label = _described(child)
                child.parent = new_parent
                check_and_save(child, label, functions)
                report.changes.append(f"D{label[1:]} now sits under delegation {new_parent.pk}.")
                continue
            label = _described(child)
            new = _continuation(child, start=next_day, parent=new_parent)
            _end_at(child, closure, actor=actor, service=service)
            report.ended.append(child)
            check_and_save(new, label, functions)
            report.created.append(new)
            report.changes.append(
                f"Ended {label} on {_fmt(closure)}; created delegation {new.pk} under delegation "
                f"{new_parent.pk} from {_fmt(next_day)}."
            )
            carry_on(child, new)

    made = _with_parties().filter(delegator_organisation=closed).filter(_runs_past(closure)).order_by("pk")
    for delegation in made:
        if _never_took_effect(delegation):
            continue
        functions = list(delegation.functions.all())
        label = _described(delegation)
        if delegation.parent_id is not None:
            # It sub-delegates another holder's delegation: the successor is not that delegation's
            # delegate, so it ends with its delegator and is not made again.
            _end_at(delegation, closure, actor=actor, service=service)
            report.ended.append(delegation)
            report.changes.append(
                f"Ended {label} on {_fmt(closure)}; it sub-delegates delegation {delegation.parent_id}, "
                f"so it was not made again by {successor}."
            )
            for below in _descendants([delegation]):
                if not _never_took_effect(below) and (below.end_date is None or below.end_date > closure):
                    _end_at(below, closure, actor=actor, service=service)
                    report.ended.append(below)
                    report.changes.append(f"Ended {_described(below)} on {_fmt(closure)}.")
            continue
        if delegation.start_date is not None and delegation.start_date > closure:
            delegation.delegator_organisation = successor
            check_and_save(delegation, label, functions)
            report.changes.append(
                f"D{label[1:]} starts after {closed} closed; it is now made by {successor}."
            )
            continue
        new = _continuation(delegation, start=next_day, delegator_organisation=successor)
        _end_at(delegation, closure, actor=actor, service=service)
        report.ended.append(delegation)
        check_and_save(new, label, functions)
        report.created.append(new)
        report.changes.append(
            f"Ended {label} on {_fmt(closure)}; created delegation {new.pk} from {successor} "
            f"from {_fmt(next_day)}."
        )
        carry_on(delegation, new)
    return report


# --- Functions -----------------------------------------------------------------------------

FUNCTION_FIELDS = ("name", "parent", "description", "spatial_level", "level_rationale", *SOURCED)


def _lineage_of(parent: Function | None) -> list[int]:
    """The ancestor ids of a function placed within `parent`, as saved (not as the caller last saw them)."""
    if parent is None:
        return []
    saved = Function.objects.filter(pk=parent.pk).values_list("ancestor_ids", flat=True).first()
    return [*(saved if saved is not None else parent.ancestor_ids), parent.pk]


@transaction.atomic
def function_create(
    *,
    name: str,
    parent: Function | None = None,
    description: str = "",
    spatial_level: str = "",
    level_rationale: str = "",
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> Function:
    function = Function(
        name=name,
        parent=parent,
        ancestor_ids=_lineage_of(parent),
        description=description,
        spatial_level=spatial_level,
        level_rationale=level_rationale,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    return save(function, actor=actor, service="function_create", code_fields=CODE_FIELDS)


def _moved_function_problems(function: Function) -> list[str]:
    """Delegations the move of a function (and those within it) would break: a sub-delegation no
    longer within its parent's functions, a delegator no longer holding it by statute, or a
    reserved matter now delegated."""
    areas = _Areas()
    affected = list(
        _with_parties()
        .select_related("area", "parent")
        .filter(function_links__function__in=Function.objects.within(function.pk))
        .exclude(status=DelegationStatus.REVOKED, end_date__isnull=True)
        .distinct()
        .order_by("pk")
    )
    problems = []
    for delegation in affected:
        functions = list(delegation.functions.all())
        messages = []
        if delegation.parent_id is None:
            messages += _statute_problems(delegation, functions, areas)
        else:
            parent_functions = list(delegation.parent.functions.all())
            messages += [
                f"A sub-delegation cannot cover {f.name}: the parent delegation covers only "
                f"{', '.join(sorted(p.name for p in parent_functions))}."
                for f in functions
                if not _covered_by(f, parent_functions)
            ]
        for child in delegation.children.all():
            uncovered = [f for f in child.functions.all() if not _covered_by(f, functions)]
            if uncovered and not _never_took_effect(child):
                messages.append(
                    f"its sub-delegation {child.pk} covers {uncovered[0].name}, which it would no longer cover."
                )
        if delegation.status in LIVE:
            messages += _reserved_problems(delegation, functions, areas)
        for message in messages:
            problems.append(f"{_described(delegation, first=True)} would no longer be valid: {message}")
    return problems


@transaction.atomic
def function_update(function: Function, *, actor, **changes) -> Function:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    old_parent_id = function.parent_id
    apply_changes(function, changes, FUNCTION_FIELDS)
    moved = function.parent_id != old_parent_id
    if moved:
        lineage = _lineage_of(function.parent)
        if function.pk in lineage:
            raise ValidationError(
                {"parent": "A function cannot be part of itself or of a function within it."}
            )
        function.ancestor_ids = lineage
    save(function, actor=actor, service="function_update", code_fields=CODE_FIELDS)
    if moved:
        below = list(Function.objects.filter(ancestor_ids__contains=[function.pk]))
        for other in below:
            own_place = other.ancestor_ids.index(function.pk)
            other.ancestor_ids = [*function.ancestor_ids, function.pk, *other.ancestor_ids[own_place + 1 :]]
        with actor_context(actor, service="function_update"):
            Function.objects.bulk_update(below, ["ancestor_ids"])
        problems = _moved_function_problems(function)
        if problems:
            raise ValidationError({"parent": problems})
    return function


@transaction.atomic
def function_delete(function: Function, *, actor) -> None:
    delete(function, actor=actor, service="function_delete", what="function")


# --- Statutory holdings --------------------------------------------------------------------

HOLDING_FIELDS = ("function", "holder", "area", "basis", *PERIOD, *SOURCED)


def _holding_dependants(holders: Iterable[int], function_ids: Iterable[int]) -> list[str]:
    """Delegations made by these holders, relying on statute for one of these functions (or one
    within them), that their holdings no longer support."""
    within = Q()
    for pk in set(function_ids):
        within |= Q(function_links__function__in=Function.objects.within(pk))
    delegations = (
        _with_parties()
        .select_related("area")
        .filter(parent__isnull=True, delegator_organisation_id__in=set(holders))
        .filter(within)
        .exclude(status=DelegationStatus.REVOKED, end_date__isnull=True)
        .distinct()
        .order_by("pk")
    )
    areas = _Areas()
    problems = []
    for delegation in delegations:
        for message in _statute_problems(delegation, list(delegation.functions.all()), areas):
            problems.append(f"{_described(delegation, first=True)} relies on this holding: {message}")
    return problems


@transaction.atomic
def statutory_holding_create(
    *,
    function: Function,
    holder: Organisation,
    area: Area | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    basis: str = "",
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> StatutoryHolding:
    holding = StatutoryHolding(
        function=function,
        holder=holder,
        area=area,
        start_date=start_date,
        end_date=end_date,
        basis=basis,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    return save(holding, actor=actor, service="statutory_holding_create", code_fields=CODE_FIELDS)


@transaction.atomic
def statutory_holding_update(holding: StatutoryHolding, *, actor, **changes) -> StatutoryHolding:
    """Change a holding; refused when a delegation made under it would no longer be supported."""
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    before = (holding.holder_id, holding.function_id)
    changed = apply_changes(holding, changes, HOLDING_FIELDS)
    save(holding, actor=actor, service="statutory_holding_update", code_fields=CODE_FIELDS)
    problems = _holding_dependants({before[0], holding.holder_id}, {before[1], holding.function_id})
    if problems:
        key = next(
            (f for f in ("start_date", "end_date", "area", "function", "holder") if f in changed), "holder"
        )
        raise ValidationError({key: problems})
    return holding


@transaction.atomic
def statutory_holding_delete(holding: StatutoryHolding, *, actor) -> None:
    pk, holder_id, function_id = holding.pk, holding.holder_id, holding.function_id
    delete(holding, actor=actor, service="statutory_holding_delete", what="statutory holding")
    problems = _holding_dependants({holder_id}, {function_id})
    if problems:
        holding.pk = pk  # the deletion is rolled back: the caller's record still exists
        raise ValidationError(problems)


# --- Reserved matters ----------------------------------------------------------------------

RESERVED_FIELDS = (
    "function",
    "reserved_to_organisation",
    "reserved_to_body",
    "area",
    "note",
    *PERIOD,
    *SOURCED,
)


def _check_reserved(matter: ReservedMatter) -> None:
    """A reservation may not make a delegation already proposed, agreed or in force delegate it."""
    areas = _Areas()
    delegations = (
        _with_parties()
        .filter(status__in=LIVE)
        .filter(function_links__function__in=Function.objects.within(matter.function_id))
        .filter(_overlaps(matter.start_date, matter.end_date))
        .distinct()
        .order_by("pk")
    )
    for delegation in delegations:
        if areas.related(delegation.area_id, matter.area_id):
            raise ValidationError(
                {
                    "function": (
                        f"{_described(delegation, first=True)} already delegates {matter.function.name} "
                        "here on some of these dates; end or revoke it before reserving this matter."
                    )
                }
            )


@transaction.atomic
def reserved_matter_create(
    *,
    function: Function,
    reserved_to_organisation: Organisation | None = None,
    reserved_to_body: Body | None = None,
    area: Area | None = None,
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    note: str = "",
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> ReservedMatter:
    matter = ReservedMatter(
        function=function,
        reserved_to_organisation=reserved_to_organisation,
        reserved_to_body=reserved_to_body,
        area=area,
        start_date=start_date,
        end_date=end_date,
        note=note,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    validate(matter, code_fields=CODE_FIELDS)
    _check_reserved(matter)
    return save(matter, actor=actor, service="reserved_matter_create", code_fields=CODE_FIELDS)


@transaction.atomic
def reserved_matter_update(matter: ReservedMatter, *, actor, **changes) -> ReservedMatter:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    for key in ("reserved_to_organisation", "reserved_to_body"):
        # Choosing one holder clears the other.
        if changes.get(key) is not None:
            other = "reserved_to_body" if key == "reserved_to_organisation" else "reserved_to_organisation"
            changes.setdefault(other, None)
    apply_changes(matter, changes, RESERVED_FIELDS)
    validate(matter, code_fields=CODE_FIELDS)
    _check_reserved(matter)
    return save(matter, actor=actor, service="reserved_matter_update", code_fields=CODE_FIELDS)


@transaction.atomic
def reserved_matter_delete(matter: ReservedMatter, *, actor) -> None:
    delete(matter, actor=actor, service="reserved_matter_delete", what="reserved matter")


# --- Place-based lead arrangements ---------------------------------------------------------

ARRANGEMENT_FIELDS = (
    "area",
    "model",
    "models_considered",
    "host_organisation",
    "relationship_to_icb",
    "status",
    "note",
    *PERIOD,
    *SOURCED,
)
ROLE_VALUES = set(PlaceLeadRole.values)


def _post_list(posts) -> list[tuple[Post, list[str]]]:
    chosen = []
    for item in posts:
        post, roles = item
        chosen.append((post, list(roles or [])))
    return chosen


def _check_arrangement(arrangement: PlaceLeadArrangement, posts: list[tuple[Post, list[str]]] | None) -> None:
    errors: dict[str, str] = {}
    if arrangement.area_id is not None and arrangement.area.tier != Tier.LOCALITY:
        errors["area"] = "A place-based lead arrangement belongs to a locality."
    if posts is not None:
        seen: set[int] = set()
        for post, roles in posts:
            unknown = [role for role in roles if role not in ROLE_VALUES]
            if unknown:
                errors["posts"] = (
                    f'"{unknown[0]}" is not one of the place leader\'s roles; choose from: '
                    f"{', '.join(PlaceLeadRole.labels)}."
                )
            elif post.pk in seen:
                errors["posts"] = f"{post} is listed twice; list each post once."
            elif post.area_id is not None and post.area_id != arrangement.area_id:
                errors["posts"] = f"{post} is a post for {post.area.name}, not for {arrangement.area.name}."
            seen.add(post.pk)
    if errors:
        raise ValidationError(errors)


def _set_posts(
    arrangement: PlaceLeadArrangement, posts: list[tuple[Post, list[str]]], *, actor, service: str
):
    wanted = {post.pk: roles for post, roles in posts}
    with actor_context(actor, service=service):
        arrangement.post_links.exclude(post_id__in=wanted).delete()
        existing = {link.post_id: link for link in arrangement.post_links.all()}
        for pk, roles in wanted.items():
            link = existing.get(pk)
            if link is None:
                PlaceLeadPost.objects.create(
                    arrangement=arrangement, post_id=pk, roles=roles, sources=arrangement.sources
                )
            elif link.roles != roles:
                link.roles = roles
                link.save(update_fields=["roles"])


@transaction.atomic
def place_lead_arrangement_create(
    *,
    area: Area,
    model: str,
    models_considered: Iterable[str] = (),
    host_organisation: Organisation | None = None,
    relationship_to_icb: str = "",
    status: str = "proposed",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
    note: str = "",
    posts: Iterable[tuple[Post, Iterable[str]]] = (),
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> PlaceLeadArrangement:
    arrangement = PlaceLeadArrangement(
        area=area,
        model=model,
        models_considered=list(models_considered),
        host_organisation=host_organisation,
        relationship_to_icb=relationship_to_icb,
        status=status,
        start_date=start_date,
        end_date=end_date,
        note=note,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    chosen = _post_list(posts)
    _check_arrangement(arrangement, chosen)
    save(arrangement, actor=actor, service="place_lead_arrangement_create", code_fields=CODE_FIELDS)
    _set_posts(arrangement, chosen, actor=actor, service="place_lead_arrangement_create")
    return arrangement


@transaction.atomic
def place_lead_arrangement_update(
    arrangement: PlaceLeadArrangement, *, actor, posts: Iterable | None = None, **changes
) -> PlaceLeadArrangement:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    if "models_considered" in changes:
        changes["models_considered"] = list(changes["models_considered"] or [])
    apply_changes(arrangement, changes, ARRANGEMENT_FIELDS)
    chosen = _post_list(posts) if posts is not None else None
    checked = chosen
    if chosen is None and "area" in changes:
        checked = [
            (link.post, link.roles) for link in arrangement.post_links.select_related("post", "post__area")
        ]
    _check_arrangement(arrangement, checked)
    save(arrangement, actor=actor, service="place_lead_arrangement_update", code_fields=CODE_FIELDS)
    if chosen is not None:
        _set_posts(arrangement, chosen, actor=actor, service="place_lead_arrangement_update")
    return arrangement


@transaction.atomic
def place_lead_arrangement_delete(arrangement: PlaceLeadArrangement, *, actor) -> None:
    with actor_context(actor, service="place_lead_arrangement_delete"):
        arrangement.post_links.all().delete()
    delete(
        arrangement, actor=actor, service="place_lead_arrangement_delete", what="place-based lead arrangement"
    )


# --- The tier table ------------------------------------------------------------------------


@transaction.atomic
def tier_assignment_create(
    *,
    system: System,
    tier: str,
    column: str,
    order: int = 0,
    function: Function | None = None,
    body: Body | None = None,
    label: str = "",
    sources: list | None = None,
    actor,
) -> TierAssignment:
    entry = TierAssignment(
        system=system,
        tier=tier,
        column=column,
        order=order,
        function=function,
        body=body,
        label=label,
        sources=_check_sources(sources),
    )
    if body is not None and body.system_id != system.pk:
        raise ValidationError({"body": f"{body} is not a body of {system.name}."})
    return save(entry, actor=actor, service="tier_assignment_create", code_fields=CODE_FIELDS)
