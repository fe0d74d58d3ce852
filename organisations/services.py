"""Writes to the registry. The HTML views, the API, the admin, commands and tasks all call these.

Each service validates the whole change (field rules, constraints, rules across records) before
anything is saved, runs in one transaction and records its actor in the history.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from ics_registry.history import actor_context
from ics_registry.permissions import editable_area_ids, has_global_permission
from ics_registry.services import apply_changes, delete, save

from .choices import Tier
from .models import (
    Area,
    AreaMember,
    Organisation,
    OrganisationArea,
    PartnershipMembership,
    Person,
    Post,
    PostHolding,
    Succession,
    System,
)

# Which field a refused constraint is about, so its message appears beside that field.
CODE_FIELDS = {
    "period_order": "end_date",
    "duplicate_ods_code": "ods_code",
    "duplicate_ons_code": "ons_code",
    "duplicate_area_name": "name",
    "duplicate_member": "members",
    "footprint_self": "members",
    "duplicate_area": "areas",
    "duplicate_succession": "successor",
    "succession_self": "successor",
    "membership_overlap": "start_date",
    "post_without_owner": "organisation",
    "capacity_positive": "capacity",
    "position_positive": "position",
    "holding_overlap": "start_date",
}

SOURCED = ("sources", "is_incomplete", "incomplete_note")
PERIOD = ("start_date", "end_date")


def _normalise_code(value: str | None) -> str:
    return (value or "").strip().upper()


def _check_sources(sources: Any) -> list[dict]:
    if sources in (None, ""):
        return []
    if not isinstance(sources, list) or not all(isinstance(item, dict) for item in sources):
        raise ValidationError({"sources": "Give sources as a list of {document, section, note} entries."})
    for item in sources:
        if not str(item.get("document", "")).strip():
            raise ValidationError({"sources": "Each source names its document."})
        unknown = set(item) - {"document", "section", "note"}
        if unknown:
            raise ValidationError({"sources": f"Unknown source keys: {', '.join(sorted(unknown))}."})
    return sources


def _within(outer_start, outer_end, start, end) -> bool:
    starts_ok = outer_start is None or (start is not None and start >= outer_start)
    ends_ok = outer_end is None or (end is not None and end <= outer_end)
    return starts_ok and ends_ok


# --- Systems -------------------------------------------------------------------------------


@transaction.atomic
def system_create(
    *,
    name: str,
    short_name: str,
    ods_code: str = "",
    population_estimate: int | None = None,
    icb_statutory_from: dt.date | None = None,
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> System:
    system = System(
        name=name,
        short_name=short_name,
        ods_code=_normalise_code(ods_code),
        population_estimate=population_estimate,
        icb_statutory_from=icb_statutory_from,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    save(system, actor=actor, service="system_create", code_fields=CODE_FIELDS)
    return system


@transaction.atomic
def system_update(system: System, *, actor, **changes) -> System:
    if "ods_code" in changes:
        changes["ods_code"] = _normalise_code(changes["ods_code"])
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(
        system,
        changes,
        ("name", "short_name", "ods_code", "population_estimate", "icb_statutory_from", *SOURCED),
    )
    return save(system, actor=actor, service="system_update", code_fields=CODE_FIELDS)


@transaction.atomic
def system_delete(system: System, *, actor) -> None:
    delete(system, actor=actor, service="system_delete", what="system")


# --- Areas ---------------------------------------------------------------------------------

_PARENT_TIER = {Tier.LOCALITY: Tier.SYSTEM, Tier.NEIGHBOURHOOD: Tier.LOCALITY}


def _check_area(area: Area, members: Iterable[Area] | None) -> None:
    errors: dict[str, str] = {}
    if area.tier == Tier.SYSTEM:
        if area.parent_id is not None:
            errors["parent"] = "A system footprint has no parent."
    elif area.tier not in _PARENT_TIER:
        pass  # an unknown tier is reported by full_clean() as an invalid choice
    elif area.parent is None:
        errors["parent"] = f"A {area.get_tier_display().lower()} area needs a parent area."
    else:
        parent = area.parent
        if parent.system_id != area.system_id:
            errors["parent"] = "The parent area must be in the same system."
        elif area.tier == Tier.LOCALITY and members and parent.tier != Tier.SYSTEM:
            errors["parent"] = "A footprint of places sits directly under its system."
        elif parent.tier != _PARENT_TIER[area.tier] and not (members and parent.tier == Tier.SYSTEM):
            errors["parent"] = (
                f"A {area.get_tier_display().lower()} area sits within a "
                f"{Tier(_PARENT_TIER[area.tier]).label.lower()} area, not a {parent.get_tier_display().lower()} area."
            )
        elif area.pk is not None and parent.pk == area.pk:
            errors["parent"] = "An area cannot be its own parent."
    if members is not None:
        for member in members:
            if area.pk is not None and member.pk == area.pk:
                errors["members"] = "A footprint cannot contain itself."
            elif member.system_id != area.system_id:
                errors["members"] = f"{member.name} is in another system."
    if area.ons_code and Area.objects.exclude(pk=area.pk).filter(ons_code=area.ons_code).exists():
        errors["ons_code"] = "Another area already has this ONS code."
    if errors:
        raise ValidationError(errors)


def _set_members(area: Area, members: Iterable[Area], actor) -> None:
    wanted = {m.pk for m in members}
    existing = set(area.member_links.values_list("member_id", flat=True))
    if actor is not None and not has_global_permission(actor, Area, "change"):
        outside = sorted(wanted - existing - editable_area_ids(actor))
        if outside:
            names = ", ".join(
                Area.objects.filter(pk__in=outside).order_by("name").values_list("name", flat=True)
            )
            raise ValidationError({"members": f"You may only choose areas you edit (not {names})."})
    with actor_context(actor, service="area_members"):
        area.member_links.exclude(member_id__in=wanted).delete()
        AreaMember.objects.bulk_create(
            # A link cites the sources of the footprint it belongs to.
            [
                AreaMember(footprint=area, member_id=pk, sources=area.sources)
                for pk in sorted(wanted - existing)
            ]
        )


@transaction.atomic
def area_create(
    *,
    name: str,
    system: System,
    tier: str,
    kind: str,
    parent: Area | None = None,
    population_estimate: int | None = None,
    ons_code: str = "",
    start_date=None,
    end_date=None,
    members: Iterable[Area] = (),
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> Area:
    members = list(members)
    area = Area(
        name=name,
        system=system,
        tier=tier,
        kind=kind,
        parent=parent,
        population_estimate=population_estimate,
        ons_code=_normalise_code(ons_code),
        start_date=start_date,
        end_date=end_date,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_area(area, members)
    save(area, actor=actor, service="area_create", code_fields=CODE_FIELDS)
    if members:
        _set_members(area, members, actor)
    return area


@transaction.atomic
def area_update(area: Area, *, actor, members: Iterable[Area] | None = None, **changes) -> Area:
    if "ons_code" in changes:
        changes["ons_code"] = _normalise_code(changes["ons_code"])
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    new_parent = changes.get("parent", area.parent)
    if (
        actor is not None
        and new_parent != area.parent
        and not has_global_permission(actor, Area, "change")
        and (new_parent is None or new_parent.pk not in editable_area_ids(actor))
    ):
        # An area editor may rearrange areas within their own areas, not hand one to another.
        raise ValidationError({"parent": "You may not move an area outside the areas you edit."})
    apply_changes(
        area,
        changes,
        ("name", "system", "tier", "kind", "parent", "population_estimate", "ons_code", *PERIOD, *SOURCED),
    )
    members = list(members) if members is not None else None
    _check_area(area, members if members is not None else list(area.members.all()))
    if area.parent_id is not None:
        # No cycles: the new parent must not lie within this area.
        ancestor = area.parent
        seen = set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == area.pk:
                raise ValidationError({"parent": "An area cannot sit within one of its own areas."})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent
    save(area, actor=actor, service="area_update", code_fields=CODE_FIELDS)
    if members is not None:
        _set_members(area, members, actor)
    return area


@transaction.atomic
def area_delete(area: Area, *, actor) -> None:
    with actor_context(actor, service="area_delete"):
        area.member_links.all().delete()
    delete(area, actor=actor, service="area_delete", what="area")


# --- Organisations -------------------------------------------------------------------------


def _check_organisation(org: Organisation) -> None:
    if org.ods_code and Organisation.objects.exclude(pk=org.pk).filter(ods_code=org.ods_code).exists():
        raise ValidationError({"ods_code": "Another organisation already has this ODS code."})
    if org.pk is not None and org.end_date is not None:
        # Mirrors _check_succession: a succession never takes effect after its successor closed.
        later = org.successions_in.filter(effective_date__gt=org.end_date).order_by("effective_date").first()
        if later is not None:
            raise ValidationError(
                {
                    "end_date": f"{org.name} takes over another organisation's functions on "
                    f"{later.effective_date:%-d %B %Y}; it cannot close before then."
                }
            )


def area_links_for(actor, model, wanted: set[int], existing: set[int]) -> set[int]:
    """The areas a record of `model` should be linked to after `actor` asks for `wanted`.

    An area editor speaks only for their own areas: links to other areas stay as they are, and
    they may not add one. Anyone who may change every record of the model gets what they ask for.
    """
    if actor is None or has_global_permission(actor, model, "change"):
        return wanted
    scope = editable_area_ids(actor)
    outside = sorted(wanted - existing - scope)
    if outside:
        names = ", ".join(Area.objects.filter(pk__in=outside).order_by("name").values_list("name", flat=True))
        raise ValidationError({"areas": f"You may only choose areas you edit (not {names})."})
    return (wanted & scope) | (existing - scope)


def _set_areas(org: Organisation, areas: Iterable[Area], actor) -> None:
    existing = set(org.area_links.values_list("area_id", flat=True))
    wanted = area_links_for(actor, Organisation, {a.pk for a in areas}, existing)
    with actor_context(actor, service="organisation_areas"):
        org.area_links.exclude(area_id__in=wanted).delete()
        OrganisationArea.objects.bulk_create(
            # A link cites the sources of the organisation it belongs to.
            [
                OrganisationArea(organisation=org, area_id=pk, sources=org.sources)
                for pk in sorted(wanted - existing)
            ]
        )


@transaction.atomic
def organisation_create(
    *,
    name: str,
    kind: str,
    ods_code: str = "",
    start_date=None,
    end_date=None,
    areas: Iterable[Area] = (),
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> Organisation:
    org = Organisation(
        name=name,
        kind=kind,
        ods_code=_normalise_code(ods_code),
        start_date=start_date,
        end_date=end_date,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_organisation(org)
    save(org, actor=actor, service="organisation_create", code_fields=CODE_FIELDS)
    _set_areas(org, areas, actor)
    return org


@transaction.atomic
def organisation_update(
    org: Organisation, *, actor, areas: Iterable[Area] | None = None, **changes
) -> Organisation:
    if "ods_code" in changes:
        changes["ods_code"] = _normalise_code(changes["ods_code"])
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(org, changes, ("name", "kind", "ods_code", *PERIOD, *SOURCED))
    _check_organisation(org)
    save(org, actor=actor, service="organisation_update", code_fields=CODE_FIELDS)
    if areas is not None:
        _set_areas(org, areas, actor)
    return org


@transaction.atomic
def organisation_delete(org: Organisation, *, actor) -> None:
    with actor_context(actor, service="organisation_delete"):
        if org.successions_in.exists() or org.successions_out.exists():
            raise ValidationError(
                "This organisation cannot be deleted while successions refer to it. Record its closing date instead."
            )
        org.area_links.all().delete()
    delete(org, actor=actor, service="organisation_delete", what="organisation")


# --- Successions ---------------------------------------------------------------------------


def _reaches(start_id: int, target_id: int) -> bool:
    """Does following successions forward from `start_id` reach `target_id`?"""
    frontier, seen = {start_id}, set()
    while frontier:
        if target_id in frontier:
            return True
        seen |= frontier
        frontier = (
            set(Succession.objects.filter(predecessor_id__in=frontier).values_list("successor_id", flat=True))
            - seen
        )
    return False


def _check_succession(succession: Succession) -> None:
    pred, succ, on = succession.predecessor, succession.successor, succession.effective_date
    errors: dict[str, str] = {}
    if pred.pk == succ.pk:
        errors["successor"] = "An organisation cannot succeed itself."
    elif _reaches(succ.pk, pred.pk):
        errors["successor"] = (
            f"{succ.name} already passes its functions on to {pred.name}: this would make a succession loop."
        )
    if on is not None:
        if succ.end_date is not None and on > succ.end_date:
            errors["effective_date"] = f"{succ.name} had closed by this date ({succ.end_date:%-d %B %Y})."
        elif succ.start_date is not None and on < succ.start_date:
            errors["effective_date"] = (
                f"{succ.name} was not yet established on this date ({succ.start_date:%-d %B %Y})."
            )
        elif pred.start_date is not None and on <= pred.start_date:
            errors["effective_date"] = (
                f"This is not after {pred.name} was established ({pred.start_date:%-d %B %Y})."
            )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def succession_create(
    *,
    predecessor: Organisation,
    successor: Organisation,
    effective_date: dt.date,
    note: str = "",
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> Succession:
    succession = Succession(
        predecessor=predecessor,
        successor=successor,
        effective_date=effective_date,
        note=note,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_succession(succession)
    return save(succession, actor=actor, service="succession_create", code_fields=CODE_FIELDS)


@transaction.atomic
def succession_update(succession: Succession, *, actor, **changes) -> Succession:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(succession, changes, ("predecessor", "successor", "effective_date", "note", *SOURCED))
    # Check the loop rule without the record's own old edge.
    with transaction.atomic():
        sid = transaction.savepoint()
        Succession.objects.filter(pk=succession.pk).delete()
        try:
            _check_succession(succession)
        finally:
            transaction.savepoint_rollback(sid)
    return save(succession, actor=actor, service="succession_update", code_fields=CODE_FIELDS)


@transaction.atomic
def succession_delete(succession: Succession, *, actor) -> None:
    delete(succession, actor=actor, service="succession_delete", what="succession")


# --- Partnership memberships ---------------------------------------------------------------


def _check_membership(m: PartnershipMembership) -> None:
    # Checked first: with the dates reversed, validating the overlap constraint would fail in
    # the database (an invalid date range) instead of giving this message.
    if m.start_date and m.end_date and m.end_date < m.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    org = m.organisation
    if not _within(org.start_date, org.end_date, m.start_date, m.end_date) and (
        (org.end_date and m.start_date and m.start_date > org.end_date)
        or (org.start_date and m.end_date and m.end_date < org.start_date)
    ):
        raise ValidationError({"start_date": f"{org.name} did not exist during this period."})


@transaction.atomic
def membership_create(
    *,
    system: System,
    organisation: Organisation,
    category: str,
    start_date=None,
    end_date=None,
    note: str = "",
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> PartnershipMembership:
    membership = PartnershipMembership(
        system=system,
        organisation=organisation,
        category=category,
        start_date=start_date,
        end_date=end_date,
        note=note,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_membership(membership)
    return save(membership, actor=actor, service="membership_create", code_fields=CODE_FIELDS)


@transaction.atomic
def membership_update(membership: PartnershipMembership, *, actor, **changes) -> PartnershipMembership:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(membership, changes, ("system", "organisation", "category", "note", *PERIOD, *SOURCED))
    _check_membership(membership)
    return save(membership, actor=actor, service="membership_update", code_fields=CODE_FIELDS)


@transaction.atomic
def membership_delete(membership: PartnershipMembership, *, actor) -> None:
    delete(membership, actor=actor, service="membership_delete", what="membership")


# --- People, posts and holdings ------------------------------------------------------------


@transaction.atomic
def person_create(
    *, name: str, sources: list | None = None, is_incomplete: bool = False, incomplete_note: str = "", actor
) -> Person:
    person = Person(
        name=name,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    return save(person, actor=actor, service="person_create")


@transaction.atomic
def person_update(person: Person, *, actor, **changes) -> Person:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(person, changes, ("name", *SOURCED))
    return save(person, actor=actor, service="person_update")


@transaction.atomic
def person_delete(person: Person, *, actor) -> None:
    delete(person, actor=actor, service="person_delete", what="person")


def _check_post(post: Post) -> None:
    if post.pk is not None and "capacity" in post.__dict__:
        fuller = post.holdings.filter(position__gt=post.capacity).exists() if post.capacity else False
        if fuller:
            raise ValidationError(
                {"capacity": "Some holdings fill places beyond this number; end them first."}
            )
    if post.pk is not None:
        # A holding falls within its post's period (see _check_holding, which refuses only known
        # dates outside it): the post's period may not shrink to leave one outside.
        outside = Q(pk__in=[])
        if post.start_date is not None:
            outside |= Q(start_date__lt=post.start_date)
        if post.end_date is not None:
            outside |= Q(end_date__gt=post.end_date)
        if post.holdings.filter(outside).exists():
            raise ValidationError(
                {"end_date": "Some holdings fall outside this period; change or end them first."}
            )


@transaction.atomic
def post_create(
    *,
    title: str,
    organisation: Organisation | None = None,
    area: Area | None = None,
    capacity: int = 1,
    start_date=None,
    end_date=None,
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> Post:
    post = Post(
        title=title,
        organisation=organisation,
        area=area,
        capacity=capacity,
        start_date=start_date,
        end_date=end_date,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    return save(post, actor=actor, service="post_create", code_fields=CODE_FIELDS)


@transaction.atomic
def post_update(post: Post, *, actor, **changes) -> Post:
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    apply_changes(post, changes, ("title", "organisation", "area", "capacity", *PERIOD, *SOURCED))
    _check_post(post)
    return save(post, actor=actor, service="post_update", code_fields=CODE_FIELDS)


@transaction.atomic
def post_delete(post: Post, *, actor) -> None:
    delete(post, actor=actor, service="post_delete", what="post")


def _overlapping(post: Post, start, end, exclude_pk=None):
    qs = PostHolding.objects.filter(post=post).exclude(pk=exclude_pk)
    if end is not None:
        qs = qs.exclude(start_date__gt=end)
    if start is not None:
        qs = qs.exclude(end_date__lt=start)
    return qs


def _check_holding(holding: PostHolding, *, choose_position: bool) -> None:
    post = holding.post
    errors: dict[str, str] = {}
    if holding.start_date and holding.end_date and holding.end_date < holding.start_date:
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    # A date that is not recorded is unknown, not "before the post existed": only known dates
    # outside the post's period are refused.
    if (post.start_date and holding.start_date and holding.start_date < post.start_date) or (
        post.end_date and holding.end_date and holding.end_date > post.end_date
    ):
        errors["start_date"] = f"The holding must fall within the post's own period ({post.period_display})."
    taken = set(
        _overlapping(post, holding.start_date, holding.end_date, holding.pk).values_list(
            "position", flat=True
        )
    )
    if choose_position:
        free = [p for p in range(1, post.capacity + 1) if p not in taken]
        if not free:
            errors["start_date"] = (
                "Someone else holds this post on some of these dates."
                if post.capacity == 1
                else f"All {post.capacity} places of this post are filled on some of these dates."
            )
        else:
            holding.position = free[0]
    elif holding.position > post.capacity:
        errors["position"] = f"This post has {post.capacity} place(s)."
    elif holding.position in taken:
        errors["start_date"] = "Someone else holds this post on some of these dates."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def post_holding_create(
    *,
    post: Post,
    person: Person,
    start_date=None,
    end_date=None,
    position: int | None = None,
    is_acting: bool = False,
    sources: list | None = None,
    is_incomplete: bool = False,
    incomplete_note: str = "",
    actor,
) -> PostHolding:
    # Lock the post so that two appointments at once cannot both take the last place.
    post = Post.objects.select_for_update().get(pk=post.pk)
    holding = PostHolding(
        post=post,
        person=person,
        start_date=start_date,
        end_date=end_date,
        position=position or 1,
        is_acting=is_acting,
        sources=_check_sources(sources),
        is_incomplete=is_incomplete,
        incomplete_note=incomplete_note,
    )
    _check_holding(holding, choose_position=position is None)
    return save(holding, actor=actor, service="post_holding_create", code_fields=CODE_FIELDS)


@transaction.atomic
def post_holding_update(holding: PostHolding, *, actor, **changes) -> PostHolding:
    if "post" in changes:
        if changes.pop("post") != holding.post:
            raise ValidationError(
                {"post": "A holding cannot move to another post; end it and record a new one."}
            )
    if "sources" in changes:
        changes["sources"] = _check_sources(changes["sources"])
    # No position given means "any free place", as when the holding was recorded.
    choose_position = "position" in changes and changes["position"] is None
    if choose_position:
        del changes["position"]
    apply_changes(holding, changes, ("person", "position", "is_acting", *PERIOD, *SOURCED))
    Post.objects.select_for_update().filter(pk=holding.post_id).first()
    _check_holding(holding, choose_position=choose_position)
    return save(holding, actor=actor, service="post_holding_update", code_fields=CODE_FIELDS)


@transaction.atomic
def post_holding_delete(holding: PostHolding, *, actor) -> None:
    delete(holding, actor=actor, service="post_holding_delete", what="post holding")


# --- Area editors --------------------------------------------------------------------------


def area_editor_grant(*, user, area: Area) -> None:
    """Let a user change the records of this area and of the areas within it."""
    from guardian.shortcuts import assign_perm

    from ics_registry.permissions import AREA_EDITOR_PERMISSION, forget_cached_grants

    assign_perm(AREA_EDITOR_PERMISSION, user, area)
    forget_cached_grants(user)


def area_editor_revoke(*, user, area: Area) -> None:
    from guardian.shortcuts import remove_perm

    from ics_registry.permissions import AREA_EDITOR_PERMISSION, forget_cached_grants

    remove_perm(AREA_EDITOR_PERMISSION, user, area)
    forget_cached_grants(user)
