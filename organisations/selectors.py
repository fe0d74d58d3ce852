"""Reads for pages and the API: querysets with their joins and prefetches already applied, so a
page costs the same number of queries however many rows it shows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Count, Prefetch, Q

from .choices import AreaKind, MembershipCategory, Tier
from .models import (
    Area,
    AreaMember,
    Organisation,
    PartnershipMembership,
    Post,
    PostHolding,
    Succession,
    System,
)

BRIEF_AREA_FIELDS = ("id", "name", "tier", "ons_code", "system_id")


def system_list(on: dt.date | None = None):
    # Places are the localities proper; a footprint made of other areas is not one more place.
    places = Q(areas__tier=Tier.LOCALITY) & ~Q(areas__kind=AreaKind.OTHER)
    if on is not None:
        places &= (Q(areas__start_date__isnull=True) | Q(areas__start_date__lte=on)) & (
            Q(areas__end_date__isnull=True) | Q(areas__end_date__gte=on)
        )
    return System.objects.annotate(place_count=Count("areas", filter=places, distinct=True))


def area_list():
    return Area.objects.select_related("system", "parent")


def organisation_list():
    return Organisation.objects.prefetch_related(
        Prefetch("areas", queryset=Area.objects.only(*BRIEF_AREA_FIELDS).order_by("name"))
    )


def succession_list():
    return Succession.objects.select_related("predecessor", "successor")


def membership_list():
    return PartnershipMembership.objects.select_related("system", "organisation")


def holdings_on(on: dt.date):
    return PostHolding.objects.as_at(on).select_related("person").order_by("position", "start_date")


def post_list(on: dt.date | None = None):
    holdings = holdings_on(on) if on else PostHolding.objects.select_related("person")
    return Post.objects.select_related("organisation", "area").prefetch_related(
        Prefetch("holdings", queryset=holdings, to_attr="holdings_shown")
    )


def post_holding_list():
    return PostHolding.objects.select_related("post", "person")


def successors_on(organisation: Organisation, on: dt.date):
    """Who held this organisation's functions on a date: follow the successions in effect by
    then to the organisations not themselves succeeded, and keep those that existed that day.
    An organisation that had not been succeeded answers with itself; one that had closed with no
    successor answers with nobody."""
    frontier, seen, holders = {organisation.pk}, {organisation.pk}, set()
    while frontier:
        edges = list(
            Succession.objects.filter(predecessor_id__in=frontier, effective_date__lte=on).values_list(
                "predecessor_id", "successor_id"
            )
        )
        holders |= frontier - {p for p, _ in edges}
        frontier = {s for _, s in edges} - seen
        seen |= frontier
    return Organisation.objects.filter(pk__in=holders).as_at(on).order_by("name")


def predecessors_and_successors(organisation: Organisation):
    before = list(
        Succession.objects.filter(successor=organisation)
        .select_related("predecessor")
        .order_by("effective_date")
    )
    after = list(
        Succession.objects.filter(predecessor=organisation)
        .select_related("successor")
        .order_by("effective_date")
    )
    return before, after


def system_detail(system: System, on: dt.date) -> dict:
    areas = list(
        Area.objects.filter(system=system).as_at(on).select_related("parent").order_by("tier", "name")
    )
    by_tier = defaultdict(list)
    for area in areas:
        by_tier[area.tier].append(area)
    memberships = list(
        PartnershipMembership.objects.filter(system=system)
        .as_at(on)
        .select_related("organisation")
        .order_by("organisation__name")
    )
    groups = []
    for category in MembershipCategory:
        members = [m for m in memberships if m.category == category]
        if members:
            groups.append({"category": category, "label": category.label, "memberships": members})
    root = next((a for a in by_tier[Tier.SYSTEM]), None)
    places = [
        a for a in by_tier[Tier.LOCALITY] if a.parent_id == (root.pk if root else None) and a.kind != "other"
    ]
    footprints = [a for a in by_tier[Tier.LOCALITY] if a.kind == "other"]
    neighbourhoods = defaultdict(list)
    for area in by_tier[Tier.NEIGHBOURHOOD]:
        neighbourhoods[area.parent_id].append(area)
    tiers = [{"place": place, "neighbourhoods": neighbourhoods.get(place.pk, [])} for place in places]
    organisations = list(
        Organisation.objects.as_at(on).filter(areas__system=system).distinct().order_by("kind", "name")
    )
    return {
        "root": root,
        "places": places,
        "footprints": footprints,
        "tiers": tiers,
        "neighbourhood_count": len(by_tier[Tier.NEIGHBOURHOOD]),
        "membership_groups": groups,
        "organisations": organisations,
    }


def area_detail(area: Area, on: dt.date) -> dict:
    children = list(
        area.children.as_at(on)
        .order_by("kind", "name")
        .prefetch_related(Prefetch("members", queryset=Area.objects.only("id", "name")))
    )
    # The areas this footprint is made of, and the footprints this area is part of: one query.
    links = list(
        AreaMember.objects.filter(Q(footprint=area) | Q(member=area)).select_related("footprint", "member")
    )
    members = sorted((link.member for link in links if link.footprint_id == area.pk), key=lambda a: a.name)
    footprints = sorted((link.footprint for link in links if link.member_id == area.pk), key=lambda a: a.name)
    # An organisation serving the whole system (an ICB) or a footprint the area lies in serves the
    # area too: walk up the tiers (at most system > place > neighbourhood) and across footprints.
    parent = area.parent if area.parent_id else None
    enclosing = {area.pk} | {pk for pk in (area.parent_id, parent and parent.parent_id) if pk}
    served = Q(area_id__in=enclosing) | Q(area__member_links__member_id__in=enclosing)
    direct = Organisation.objects.as_at(on).filter(
        pk__in=Organisation.areas.through.objects.filter(area=area).values("organisation")
    )
    organisations = list(
        organisation_list()
        .as_at(on)
        .filter(pk__in=Organisation.areas.through.objects.filter(served).values("organisation"))
        .order_by("kind", "name")
    )
    posts = list(
        post_list(on)
        .as_at(on)
        .filter(Q(area=area) | Q(organisation__in=direct.values("pk")))
        .order_by("title")
    )
    return {
        "children": children,
        "members": members,
        "footprints": footprints,
        "organisations": organisations,
        "posts": posts,
    }
