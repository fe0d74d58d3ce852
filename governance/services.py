"""Writes to governance records. Pages, the API, commands and the reference loader all call these.

Each service validates the whole change before saving, runs in one transaction and records its
actor in the history. Rules that span records (a body's lifecycle order, sub-committee cycles,
who may approve terms of reference, who may hold a seat) live here; rules within one record are
constraints in the models' Meta.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ics_registry.history import actor_context
from ics_registry.permissions import editable_area_ids, forget_cached_grants, has_global_permission
from ics_registry.services import apply_changes, delete, save
from organisations.models import Area, Organisation, Person, Post, System
from organisations.services import PERIOD, SOURCED, _check_sources, area_links_for

from . import selectors
from .choices import HoldingRole, RelationKind, Status
from .models import (
    AccountabilityRelation,
    Body,
    BodyArea,
    BodyHost,
    BodyStatus,
    CompositionRule,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)

CODE_FIELDS = {
    "period_order": "end_date",
    "meetings_positive": "meetings_per_year",
    "chair_is_vice_chair": "vice_chair_post",
    "conflict_same": "conflicting_status",
    "status_overlap": "start_date",
    "relation_self": "to_body",
    "relation_duplicate": "start_date",
    "duplicate_version": "version",
    "approver_missing": "approved_by",
    "review_before_approval": "review_due",
    "capacity_positive": "capacity",
    "position_positive": "position",
    "holding_overlap": "start_date",
    "rule_incomplete": "kind",
    "rule_self": "other_body",
    "constituency_unnamed": "organisation",
    "decision_without_body": "decided_by",
    "duplicate_constituency": "organisation",
    "duplicate_area": "areas",
    "duplicate_host": "hosts",
}

BODY_FIELDS = (
    "name",
    "short_name",
    "kind",
    "tier",
    "system",
    "is_statutory",
    "purpose",
    "meeting_frequency",
    "meetings_per_year",
    "chair_post",
    "vice_chair_post",
    *SOURCED,
)


def _overlaps(start, end):
    """Records whose period overlaps [start, end] (open ends unbounded)."""
    q = Q()
    if end is not None:
        q &= Q(start_date__isnull=True) | Q(start_date__lte=end)
    if start is not None:
        q &= Q(end_date__isnull=True) | Q(end_date__gte=start)
    return q


# Why a body could not act on a day, by its status that day.
_NOT_MEETING = {Status.PROPOSED: "it was only proposed then", Status.STOOD_DOWN: "it had stood down"}


def _fmt(day: dt.date | None) -> str:
    return day.strftime("%-d %b %Y") if day else "an unrecorded date"


# --- Bodies --------------------------------------------------------------------------------


def _check_body(body: Body, areas: list[Area] | None) -> None:
    errors: dict[str, str] = {}
    if areas is not None:
        if not areas:
            errors["areas"] = "Choose at least one area the body covers."
        elif body.system_id and any(a.system_id != body.system_id for a in areas):
            outside = ", ".join(sorted(a.name for a in areas if a.system_id != body.system_id))
            errors["areas"] = f"These areas are not in the body's system: {outside}."
    if body.chair_post_id and body.chair_post_id == body.vice_chair_post_id:
        errors["vice_chair_post"] = "The chair and the vice-chair are different posts."
    if errors:
        raise ValidationError(errors)


def _set_links(
    body: Body, *, areas: Iterable[Area] | None, hosts: Iterable[Organisation] | None, actor
) -> None:
    with actor_context(actor, service="body_links"):
        if areas is not None:
            existing = set(body.area_links.values_list("area_id", flat=True))
            wanted = area_links_for(actor, Body, {a.pk for a in areas}, existing)
            body.area_links.exclude(area_id__in=wanted).delete()
            BodyArea.objects.bulk_create(
                [BodyArea(body=body, area_id=pk, sources=body.sources) for pk in sorted(wanted - existing)]
            )
        if hosts is not None:
            wanted = {o.pk for o in hosts}
            existing = set(body.host_links.values_list("organisation_id", flat=True))
            body.host_links.exclude(organisation_id__in=wanted).delete()
            BodyHost.objects.bulk_create(
                [
                    BodyHost(body=body, organisation_id=pk, sources=body.sources)
                    for pk in sorted(wanted - existing)
                ]
            )


@transaction.atomic
def body_create(
    *,
    name: str,
    kind: str,
    tier: str,
    system: System,
    areas: Iterable[Area],
    hosts: Iterable[Organisation] = (),
    short_name: str = "",
    is_statutory: bool | None = None,
    purpose: str = "",
    meeting_frequency: str = "",
    meetings_per_year=None,
    chair_post: Post | None = None,
    vice_chair_post: Post | None = None,
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> Body:
    areas = list(areas)
    body = Body(
        name=name,
        short_name=short_name,
        kind=kind,
        tier=tier,
        system=system,
        is_statutory=is_statutory,
        purpose=purpose,
        meeting_frequency=meeting_frequency,
        meetings_per_year=meetings_per_year,
        chair_post=chair_post,
        vice_chair_post=vice_chair_post,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_body(body, areas)
    save(body, actor=actor, service="body_create", code_fields=CODE_FIELDS)
    _set_links(body, areas=areas, hosts=list(hosts), actor=actor)
    return body


@transaction.atomic
def body_update(
    body: Body,
    *,
    actor,
    areas: Iterable[Area] | None = None,
    hosts: Iterable[Organisation] | None = None,
    **changes,
) -> Body:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(body, changes, BODY_FIELDS)
    areas = list(areas) if areas is not None else None
    if areas is None and "system" in changes:
        areas = list(Area.objects.filter(body_links__body=body))
    checked = areas
    if areas is not None and actor is not None and not has_global_permission(actor, Body, "change"):
        # An area editor's choice leaves the areas they do not edit in place: check what the body
        # will cover, not only what they chose.
        kept = Area.objects.filter(body_links__body=body).exclude(pk__in=editable_area_ids(actor))
        checked = [*areas, *(a for a in kept if a not in areas)]
    _check_body(body, checked)
    save(body, actor=actor, service="body_update", code_fields=CODE_FIELDS)
    _set_links(body, areas=areas, hosts=list(hosts) if hosts is not None else None, actor=actor)
    return body


@transaction.atomic
def body_delete(body: Body, *, actor) -> None:
    if body.approved_terms_of_reference.exclude(body=body).exists():
        raise ValidationError(
            "This body approved other bodies' terms of reference; it cannot be deleted. Record it as stood down instead."
        )
    if SeatHolding.objects.filter(seat__body=body).exists():
        # As for a seat: who sat on the body stays on record.
        raise ValidationError(
            "This body has seat holders recorded; it cannot be deleted. Record it as stood down instead."
        )
    with actor_context(actor, service="body_delete"):
        # Its own terms of reference and constituency go with it, even those it approved or
        # decided itself (which would otherwise protect it from deletion).
        body.terms_of_reference.all().delete()
        body.constituency.all().delete()
    delete(body, actor=actor, service="body_delete", what="body")


# --- Status over time ----------------------------------------------------------------------


def _check_lifecycle(status: BodyStatus) -> None:
    """A body moves forward through proposed → shadow → established → stood down, never back."""
    others = list(BodyStatus.objects.filter(body_id=status.body_id).exclude(pk=status.pk))
    timeline = sorted(
        [*others, status], key=lambda s: (s.start_date is not None, s.start_date or dt.date.min)
    )
    for earlier, later in zip(timeline, timeline[1:], strict=False):
        if Status.rank(later.status) < Status.rank(earlier.status):
            raise ValidationError(
                {
                    "status": (
                        f"A body cannot go from {earlier.get_status_display().lower()} "
                        f"back to {later.get_status_display().lower()}: its stages run proposed, "
                        "shadow, established, stood down."
                    )
                }
            )
        if earlier.status == Status.STOOD_DOWN and later.status == Status.STOOD_DOWN:
            raise ValidationError({"status": "The body is already recorded as stood down."})


def _check_status(status: BodyStatus) -> None:
    if status.conflicting_status and not status.conflicting_note.strip():
        raise ValidationError(
            {"conflicting_note": "Say which source gives the other status, and what it says."}
        )
    if status.start_date and status.end_date and status.end_date < status.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    clash = (
        BodyStatus.objects.filter(body_id=status.body_id)
        .exclude(pk=status.pk)
        .filter(_overlaps(status.start_date, status.end_date))
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "start_date": (
                    f"This period overlaps the body's {clash.get_status_display().lower()} period "
                    f"({clash.period_display}); end that one first."
                )
            }
        )
    _check_lifecycle(status)


@transaction.atomic
def body_status_create(
    *,
    body: Body,
    status: str,
    start_date=None,
    end_date=None,
    note: str = "",
    conflicting_status: str = "",
    conflicting_note: str = "",
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> BodyStatus:
    Body.objects.select_for_update().filter(pk=body.pk).first()
    record = BodyStatus(
        body=body,
        status=status,
        start_date=start_date,
        end_date=end_date,
        note=note,
        conflicting_status=conflicting_status or "",
        conflicting_note=conflicting_note,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_status(record)
    return save(record, actor=actor, service="body_status_create", code_fields=CODE_FIELDS)


@transaction.atomic
def body_status_update(record: BodyStatus, *, actor, **changes) -> BodyStatus:
    if "body" in changes and changes.pop("body") != record.body:
        raise ValidationError(
            {"body": "A status cannot move to another body; delete it and record a new one."}
        )
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    if changes.get("conflicting_status") is None and "conflicting_status" in changes:
        changes["conflicting_status"] = ""
    apply_changes(
        record, changes, ("status", "note", "conflicting_status", "conflicting_note", *PERIOD, *SOURCED)
    )
    Body.objects.select_for_update().filter(pk=record.body_id).first()
    _check_status(record)
    return save(record, actor=actor, service="body_status_update", code_fields=CODE_FIELDS)


@transaction.atomic
def body_status_delete(record: BodyStatus, *, actor) -> None:
    delete(record, actor=actor, service="body_status_delete", what="status")


# --- Accountability ------------------------------------------------------------------------


def _intersect(a_start, a_end, b_start, b_end):
    start = max([d for d in (a_start, b_start) if d is not None], default=None)
    end = min([d for d in (a_end, b_end) if d is not None], default=None)
    if start is not None and end is not None and end < start:
        return None
    return start, end


def _sub_committee_path(relation: AccountabilityRelation) -> list[Body] | None:
    """The chain of sub-committees, in force together with this relation, that would lead from its
    parent back to its child (a cycle), or None."""
    edges: dict[int, list[tuple[int, dt.date | None, dt.date | None]]] = {}
    for row in (
        AccountabilityRelation.objects.filter(kind=RelationKind.SUB_COMMITTEE_OF)
        .exclude(pk=relation.pk)
        .filter(_overlaps(relation.start_date, relation.end_date))
        .values("from_body_id", "to_body_id", "start_date", "end_date")
    ):
        edges.setdefault(row["from_body_id"], []).append(
            (row["to_body_id"], row["start_date"], row["end_date"])
        )
    # Walk upwards from the new parent, keeping only links in force at the same time as every
    # link walked so far.
    stack = [(relation.to_body_id, relation.start_date, relation.end_date, [relation.to_body_id])]
    seen: set[tuple] = set()
    while stack:
        node, start, end, path = stack.pop()
        if node == relation.from_body_id:
            names = dict(Body.objects.filter(pk__in=path).values_list("pk", "name"))
            return [names[pk] for pk in path]
        for target, s, e in edges.get(node, []):
            window = _intersect(start, end, s, e)
            if window is None or (target, window) in seen:
                continue
            seen.add((target, window))
            stack.append((target, *window, [*path, target]))
    return None


def _check_relation(relation: AccountabilityRelation) -> None:
    if relation.from_body_id and relation.from_body_id == relation.to_body_id:
        raise ValidationError({"to_body": "A body cannot stand in a relation to itself."})
    if relation.start_date and relation.end_date and relation.end_date < relation.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    duplicate = (
        AccountabilityRelation.objects.filter(
            from_body_id=relation.from_body_id, to_body_id=relation.to_body_id, kind=relation.kind
        )
        .exclude(pk=relation.pk)
        .filter(_overlaps(relation.start_date, relation.end_date))
        .first()
    )
    if duplicate is not None:
        raise ValidationError(
            {"start_date": f"This relation is already recorded for {duplicate.period_display}."}
        )
    if relation.kind == RelationKind.SUB_COMMITTEE_OF:
        path = _sub_committee_path(relation)
        if path is not None:
            # The path runs from the new parent back to the new child: show the whole loop.
            chain = " → ".join([relation.from_body.name, *path])
            raise ValidationError(
                {
                    "to_body": f"This would make a cycle of sub-committees: {chain} (each a sub-committee of the next)."
                }
            )


@transaction.atomic
def relation_create(
    *,
    from_body: Body,
    to_body: Body,
    kind: str,
    start_date=None,
    end_date=None,
    note: str = "",
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> AccountabilityRelation:
    # One writer of sub-committee links at a time, so that two links added at once cannot close a cycle.
    if kind == RelationKind.SUB_COMMITTEE_OF:
        transaction.get_connection().cursor().execute("SELECT pg_advisory_xact_lock(7311)")
    relation = AccountabilityRelation(
        from_body=from_body,
        to_body=to_body,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        note=note,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_relation(relation)
    return save(relation, actor=actor, service="relation_create", code_fields=CODE_FIELDS)


@transaction.atomic
def relation_update(relation: AccountabilityRelation, *, actor, **changes) -> AccountabilityRelation:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(relation, changes, ("from_body", "to_body", "kind", "note", *PERIOD, *SOURCED))
    if relation.kind == RelationKind.SUB_COMMITTEE_OF:
        transaction.get_connection().cursor().execute("SELECT pg_advisory_xact_lock(7311)")
    _check_relation(relation)
    return save(relation, actor=actor, service="relation_update", code_fields=CODE_FIELDS)


@transaction.atomic
def relation_delete(relation: AccountabilityRelation, *, actor) -> None:
    delete(relation, actor=actor, service="relation_delete", what="relation")


# --- Terms of reference --------------------------------------------------------------------


def _check_terms(terms: TermsOfReference) -> None:
    errors: dict[str, str] = {}
    if terms.approved_on is not None and terms.approved_by is None:
        errors["approved_by"] = "Say which body approved this version."
    if terms.approved_by is not None and terms.approved_on is None:
        errors["approved_on"] = "Give the date it was approved."
    if terms.approved_by is not None and terms.approved_on is not None:
        meeting = selectors.status_on(terms.approved_by, terms.approved_on)
        if meeting not in Status.meeting():
            state = _NOT_MEETING.get(meeting, "no status is recorded for it on that date")
            errors["approved_by"] = (
                f"{terms.approved_by.name} did not exist on {_fmt(terms.approved_on)} ({state}), "
                "so it cannot have approved these terms of reference."
            )
    if terms.approved_on and terms.review_due and terms.review_due < terms.approved_on:
        errors["review_due"] = "The review date must be on or after the approval date."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def terms_of_reference_create(
    *,
    body: Body,
    version: str,
    approved_on=None,
    approved_by: Body | None = None,
    review_due=None,
    text: str = "",
    document_url: str = "",
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> TermsOfReference:
    terms = TermsOfReference(
        body=body,
        version=version,
        approved_on=approved_on,
        approved_by=approved_by,
        review_due=review_due,
        text=text,
        document_url=document_url,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_terms(terms)
    return save(terms, actor=actor, service="terms_of_reference_create", code_fields=CODE_FIELDS)


@transaction.atomic
def terms_of_reference_update(terms: TermsOfReference, *, actor, **changes) -> TermsOfReference:
    if "body" in changes and changes.pop("body") != terms.body:
        raise ValidationError({"body": "Terms of reference cannot move to another body."})
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(
        terms,
        changes,
        ("version", "approved_on", "approved_by", "review_due", "text", "document_url", *SOURCED),
    )
    _check_terms(terms)
    return save(terms, actor=actor, service="terms_of_reference_update", code_fields=CODE_FIELDS)


@transaction.atomic
def terms_of_reference_delete(terms: TermsOfReference, *, actor) -> None:
    delete(terms, actor=actor, service="terms_of_reference_delete", what="version of the terms of reference")


# --- Seats ---------------------------------------------------------------------------------


def _check_seat(seat: Seat) -> None:
    errors: dict[str, str] = {}
    org = seat.represents_organisation
    if org is not None and seat.represents_kind and org.kind != seat.represents_kind:
        errors["represents_organisation"] = (
            f"{org.name} is not of the kind the seat is for "
            f"({selectors.kind_phrase(seat.get_represents_kind_display(), article=False)})."
        )
    if seat.pk is not None:
        used = SeatHolding.objects.filter(seat=seat, position__gt=seat.capacity).order_by("-position").first()
        if used is not None:
            errors["capacity"] = (
                f"Place {used.position} of this seat is recorded ({used.person}); the seat needs at least "
                f"{used.position} places."
            )
        outside = (
            SeatHolding.objects.filter(seat=seat)
            .filter(
                (Q(start_date__lt=seat.start_date) if seat.start_date else Q(pk__in=[]))
                | (Q(end_date__gt=seat.end_date) if seat.end_date else Q(pk__in=[]))
            )
            .first()
        )
        if outside is not None:
            # Beside the end of the seat's period that leaves the holding out.
            starts_before = seat.start_date and outside.start_date and outside.start_date < seat.start_date
            errors["start_date" if starts_before else "end_date"] = (
                f"{outside.person} holds the seat {outside.period_display}, outside this period; change that holding first."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def seat_create(
    *,
    body: Body,
    label: str,
    group: str = "",
    voting: str = "voting",
    represents_kind: str = "",
    represents_organisation: Organisation | None = None,
    capacity: int = 1,
    order: int | None = None,
    start_date=None,
    end_date=None,
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> Seat:
    if order is None:
        last = Seat.objects.filter(body=body).order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 1
    seat = Seat(
        body=body,
        label=label,
        group=group,
        voting=voting,
        represents_kind=represents_kind or "",
        represents_organisation=represents_organisation,
        capacity=capacity,
        order=order,
        start_date=start_date,
        end_date=end_date,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_seat(seat)
    return save(seat, actor=actor, service="seat_create", code_fields=CODE_FIELDS)


@transaction.atomic
def seat_update(seat: Seat, *, actor, **changes) -> Seat:
    if "body" in changes and changes.pop("body") != seat.body:
        raise ValidationError({"body": "A seat cannot move to another body; end it and create one there."})
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    if "represents_kind" in changes and changes["represents_kind"] is None:
        changes["represents_kind"] = ""
    apply_changes(
        seat,
        changes,
        (
            "label",
            "group",
            "voting",
            "represents_kind",
            "represents_organisation",
            "capacity",
            "order",
            *PERIOD,
            *SOURCED,
        ),
    )
    Seat.objects.select_for_update().filter(pk=seat.pk).first()
    _check_seat(seat)
    return save(seat, actor=actor, service="seat_update", code_fields=CODE_FIELDS)


@transaction.atomic
def seat_delete(seat: Seat, *, actor) -> None:
    if seat.holdings.exists():
        raise ValidationError(
            "This seat has holders recorded; end the seat's period instead, so that who sat in it stays on record."
        )
    delete(seat, actor=actor, service="seat_delete", what="seat")


# --- Seat holdings -------------------------------------------------------------------------


@dataclass
class HoldingResult:
    """A saved holding, and the body's composition rules it leaves broken (shown, not refused)."""

    holding: SeatHolding
    warnings: list[str] = field(default_factory=list)


def _check_seat_holding(holding: SeatHolding, *, choose_position: bool) -> None:
    seat = holding.seat
    errors: dict[str, str] = {}
    if holding.start_date and holding.end_date and holding.end_date < holding.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    if (seat.start_date and holding.start_date and holding.start_date < seat.start_date) or (
        seat.end_date and holding.end_date and holding.end_date > seat.end_date
    ):
        errors["start_date"] = f"The holding must fall within the seat's own period ({seat.period_display})."
    if seat.represents_organisation_id:
        if holding.organisation_id is None:
            holding.organisation = seat.represents_organisation
        elif holding.organisation_id != seat.represents_organisation_id:
            errors["organisation"] = (
                f"This seat represents {seat.represents_organisation.name}; "
                f"{holding.organisation.name} is not that organisation."
            )
    elif seat.represents_kind:
        if holding.organisation is None:
            errors["organisation"] = (
                "Say which organisation the holder comes from: the seat is for "
                f"{selectors.kind_phrase(seat.get_represents_kind_display())}."
            )
        elif holding.organisation.kind != seat.represents_kind:
            errors["organisation"] = (
                f"{holding.organisation.name} is {selectors.kind_phrase(holding.organisation.get_kind_display())}; "
                f"this seat represents {selectors.kind_phrase(seat.get_represents_kind_display())}."
            )
    overlapping = (
        SeatHolding.objects.filter(seat=seat)
        .exclude(pk=holding.pk)
        .filter(_overlaps(holding.start_date, holding.end_date))
    )
    if holding.role == HoldingRole.PRINCIPAL:
        if overlapping.filter(person=holding.person, role=HoldingRole.PRINCIPAL).exists():
            errors["person"] = f"{holding.person} already holds this seat on some of these dates."
        taken = set(overlapping.filter(role=HoldingRole.PRINCIPAL).values_list("position", flat=True))
        if choose_position:
            free = [p for p in range(1, seat.capacity + 1) if p not in taken]
            if not free:
                errors.setdefault(
                    "start_date",
                    "Someone else holds this seat on some of these dates."
                    if seat.capacity == 1
                    else f"All {seat.capacity} places of this seat are filled on some of these dates.",
                )
            else:
                holding.position = free[0]
        elif holding.position > seat.capacity:
            errors["position"] = f"This seat has {seat.capacity} place(s)."
        elif holding.position in taken:
            holder = overlapping.filter(role=HoldingRole.PRINCIPAL, position=holding.position).first()
            errors.setdefault(
                "start_date",
                f"{holder.person} is the member in this place of the seat {holder.period_display}; "
                "end that holding first.",
            )
    else:
        if choose_position:
            holding.position = holding.position or 1
        if holding.position > seat.capacity:
            errors["position"] = f"This seat has {seat.capacity} place(s)."
        if overlapping.filter(
            person=holding.person, position=holding.position, role=HoldingRole.PRINCIPAL
        ).exists():
            errors["person"] = f"{holding.person} is the member in this place; a deputy is someone else."
    if errors:
        raise ValidationError(errors)


def _warnings_for(holding: SeatHolding) -> list[str]:
    on = holding.start_date or dt.date.today()
    if holding.end_date is not None and holding.end_date < on:
        on = holding.end_date
    return [b.message for b in selectors.composition_breaches(holding.seat.body, on)]


@transaction.atomic
def seat_holding_create(
    *,
    seat: Seat,
    person: Person,
    organisation: Organisation | None = None,
    role: str = HoldingRole.PRINCIPAL,
    position: int | None = None,
    start_date=None,
    end_date=None,
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> HoldingResult:
    # Lock the seat so that two appointments at once cannot both take the last place.
    seat = (
        Seat.objects.select_for_update(of=("self",))
        .select_related("body", "represents_organisation")
        .get(pk=seat.pk)
    )
    holding = SeatHolding(
        seat=seat,
        person=person,
        organisation=organisation,
        role=role,
        position=position or 1,
        start_date=start_date,
        end_date=end_date,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_seat_holding(holding, choose_position=position is None)
    save(holding, actor=actor, service="seat_holding_create", code_fields=CODE_FIELDS)
    return HoldingResult(holding, _warnings_for(holding))


@transaction.atomic
def seat_holding_update(holding: SeatHolding, *, actor, **changes) -> HoldingResult:
    if "seat" in changes and changes.pop("seat") != holding.seat:
        raise ValidationError({"seat": "A holding cannot move to another seat; end it and record a new one."})
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    choose_position = "position" in changes and changes["position"] is None
    if choose_position:
        del changes["position"]
    apply_changes(holding, changes, ("person", "organisation", "role", "position", *PERIOD, *SOURCED))
    Seat.objects.select_for_update().filter(pk=holding.seat_id).first()
    _check_seat_holding(holding, choose_position=choose_position)
    save(holding, actor=actor, service="seat_holding_update", code_fields=CODE_FIELDS)
    return HoldingResult(holding, _warnings_for(holding))


@transaction.atomic
def seat_holding_delete(holding: SeatHolding, *, actor) -> None:
    delete(holding, actor=actor, service="seat_holding_delete", what="seat holding")


# --- Composition rules ---------------------------------------------------------------------


def _check_rule(rule: CompositionRule) -> None:
    from .choices import CompositionRuleKind

    errors: dict[str, str] = {}
    if rule.kind == CompositionRuleKind.NOT_MAJORITY_FROM_BODY:
        if rule.other_body is None:
            errors["other_body"] = "Choose the body whose members must not form a majority."
        elif rule.other_body_id == rule.body_id:
            errors["other_body"] = "The other body must be a different body."
    else:
        if not rule.organisation_kind:
            errors["organisation_kind"] = "Choose the kind of organisation counted."
        if rule.count is None:
            errors["count"] = "Give how many."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def composition_rule_create(
    *,
    body: Body,
    kind: str,
    other_body: Body | None = None,
    organisation_kind: str = "",
    count: int | None = None,
    voting_only: bool = False,
    description: str = "",
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> CompositionRule:
    rule = CompositionRule(
        body=body,
        kind=kind,
        other_body=other_body,
        organisation_kind=organisation_kind or "",
        count=count,
        voting_only=voting_only,
        description=description,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_rule(rule)
    return save(rule, actor=actor, service="composition_rule_create", code_fields=CODE_FIELDS)


@transaction.atomic
def composition_rule_update(rule: CompositionRule, *, actor, **changes) -> CompositionRule:
    if "body" in changes and changes.pop("body") != rule.body:
        raise ValidationError({"body": "A rule cannot move to another body."})
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    if "organisation_kind" in changes and changes["organisation_kind"] is None:
        changes["organisation_kind"] = ""
    apply_changes(
        rule,
        changes,
        ("kind", "other_body", "organisation_kind", "count", "voting_only", "description", *SOURCED),
    )
    _check_rule(rule)
    return save(rule, actor=actor, service="composition_rule_update", code_fields=CODE_FIELDS)


@transaction.atomic
def composition_rule_delete(rule: CompositionRule, *, actor) -> None:
    delete(rule, actor=actor, service="composition_rule_delete", what="composition rule")


# --- Wider constituency --------------------------------------------------------------------


def _check_constituency(member: ConstituencyMember) -> None:
    errors: dict[str, str] = {}
    if member.organisation is None and not member.label.strip():
        errors["organisation"] = "Choose an organisation or give the constituency's name."
    if member.decided_on is not None and member.decided_by is None:
        errors["decided_by"] = "Say which body's decision added it."
    if member.decided_by is not None and member.decided_on is None:
        errors["decided_on"] = "Give the date of the decision."
    if member.decided_by is not None and member.decided_on is not None:
        state = selectors.status_on(member.decided_by, member.decided_on)
        if state not in Status.meeting():
            errors["decided_by"] = (
                f"{member.decided_by.name} did not exist on {_fmt(member.decided_on)}, so it cannot have decided this."
            )
    if member.organisation is not None:
        clash = ConstituencyMember.objects.filter(
            body_id=member.body_id, organisation=member.organisation
        ).exclude(pk=member.pk)
        if clash.exists():
            errors["organisation"] = "This organisation is already in the constituency."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def constituency_member_create(
    *,
    body: Body,
    organisation: Organisation | None = None,
    label: str = "",
    start_date=None,
    end_date=None,
    decided_on=None,
    decided_by: Body | None = None,
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> ConstituencyMember:
    member = ConstituencyMember(
        body=body,
        organisation=organisation,
        label=label,
        start_date=start_date,
        end_date=end_date,
        decided_on=decided_on,
        decided_by=decided_by,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_constituency(member)
    return save(member, actor=actor, service="constituency_member_create", code_fields=CODE_FIELDS)


@transaction.atomic
def constituency_member_update(member: ConstituencyMember, *, actor, **changes) -> ConstituencyMember:
    if "body" in changes and changes.pop("body") != member.body:
        raise ValidationError({"body": "A constituency member cannot move to another body."})
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(member, changes, ("organisation", "label", "decided_on", "decided_by", *PERIOD, *SOURCED))
    _check_constituency(member)
    return save(member, actor=actor, service="constituency_member_update", code_fields=CODE_FIELDS)


@transaction.atomic
def constituency_member_delete(member: ConstituencyMember, *, actor) -> None:
    delete(member, actor=actor, service="constituency_member_delete", what="constituency member")


# --- Secretaries ---------------------------------------------------------------------------


def body_secretary_grant(*, user, body: Body) -> None:
    """Let a user maintain this body's seats, holdings, status and terms of reference."""
    from django.conf import settings
    from guardian.shortcuts import assign_perm

    assign_perm(settings.REGISTRY_CONTAINER_PERMISSION, user, body)
    forget_cached_grants(user)


def body_secretary_revoke(*, user, body: Body) -> None:
    from django.conf import settings
    from guardian.shortcuts import remove_perm

    remove_perm(settings.REGISTRY_CONTAINER_PERMISSION, user, body)
    forget_cached_grants(user)
