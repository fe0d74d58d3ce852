"""Loads the reference registry (organisations/reference/registry.yaml) through the services.

Idempotent: records are found by their natural keys and created only when missing, so running it
again changes nothing, and corrections people have made since are kept.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import yaml
from django.core.cache import cache
from django.db import transaction

from ics_registry.history import actor_context
from ics_registry.models import SourceDocument

from . import services
from .models import Area, Organisation, PartnershipMembership, Person, Post, PostHolding, Succession, System

REFERENCE_FILE = Path(__file__).resolve().parent / "reference" / "registry.yaml"


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _sourced(row) -> dict:
    return {
        "sources": [
            {k: str(v) for k, v in item.items() if v not in (None, "")} for item in row.get("sources") or []
        ],
        "is_incomplete": bool(row.get("incomplete", False)),
        "incomplete_note": row.get("incomplete_note") or "",
    }


@transaction.atomic
def load_reference_data(path: Path = REFERENCE_FILE, actor=None, keys: dict | None = None) -> Counter:
    """Load the registry. `keys`, when given, is filled with the records by their YAML keys
    (systems, areas, organisations, people, posts) for the loaders of the layers above."""
    data = yaml.safe_load(path.read_text())
    created: Counter = Counter()
    with actor_context(actor, command="load_reference_data"):
        for row in data.get("documents", []):
            _, made = SourceDocument.objects.get_or_create(
                code=str(row["code"]),
                defaults={
                    "title": row["title"],
                    "publisher": row.get("publisher") or "",
                    "published_on": _date(row.get("date")),
                },
            )
            created["documents"] += made
        if created["documents"]:
            cache.delete("registry:source-documents")

        systems = {}
        for row in data["systems"]:
            system = System.objects.filter(short_name=row["short_name"]).first()
            if system is None:
                system = services.system_create(
                    name=row["name"],
                    short_name=row["short_name"],
                    ods_code=row.get("ods_code") or "",
                    population_estimate=row.get("population_estimate"),
                    icb_statutory_from=_date(row.get("icb_statutory_from")),
                    actor=actor,
                    **_sourced(row),
                )
                created["systems"] += 1
            systems[row["key"]] = system

        areas: dict[str, Area] = {}
        pending = list(data["areas"])
        while pending:  # parents before children
            progressed = False
            for row in list(pending):
                if row.get("parent") and row["parent"] not in areas:
                    continue
                if any(m not in areas for m in row.get("members") or []):
                    continue
                parent = areas.get(row.get("parent"))
                system = systems[row["system"]]
                area = Area.objects.filter(system=system, parent=parent, name=row["name"]).first()
                if area is None:
                    area = services.area_create(
                        name=row["name"],
                        system=system,
                        tier=row["tier"],
                        kind=row["kind"],
                        parent=parent,
                        population_estimate=row.get("population_estimate"),
                        ons_code=row.get("ons_code") or "",
                        start_date=_date(row.get("start")),
                        end_date=_date(row.get("end")),
                        members=[areas[m] for m in row.get("members") or []],
                        actor=actor,
                        **_sourced(row),
                    )
                    created["areas"] += 1
                areas[row["key"]] = area
                pending.remove(row)
                progressed = True
            if not progressed:
                raise ValueError(f"Areas with unknown parents or members: {[r['key'] for r in pending]}")

        organisations: dict[str, Organisation] = {}
        for row in data["organisations"]:
            code = (row.get("ods_code") or "").strip().upper()
            existing = Organisation.objects.filter(ods_code=code).first() if code else None
            existing = existing or Organisation.objects.filter(name=row["name"], kind=row["kind"]).first()
            if existing is None:
                existing = services.organisation_create(
                    name=row["name"],
                    kind=row["kind"],
                    ods_code=code,
                    start_date=_date(row.get("start")),
                    end_date=_date(row.get("end")),
                    areas=[areas[a] for a in row.get("areas") or []],
                    actor=actor,
                    **_sourced(row),
                )
                created["organisations"] += 1
            organisations[row["key"]] = existing

        for row in data.get("successions", []):
            pred, succ = organisations[row["predecessor"]], organisations[row["successor"]]
            if not Succession.objects.filter(predecessor=pred, successor=succ).exists():
                if row.get("effective") is None:
                    # The date is not in the sources: the succession is recorded once it is known.
                    created["successions_without_date"] += 1
                    continue
                services.succession_create(
                    predecessor=pred,
                    successor=succ,
                    effective_date=_date(row["effective"]),
                    note=row.get("note") or "",
                    actor=actor,
                    **_sourced(row),
                )
                created["successions"] += 1

        for row in data.get("memberships", []):
            system, org = systems[row["system"]], organisations[row["organisation"]]
            if not PartnershipMembership.objects.filter(system=system, organisation=org).exists():
                services.membership_create(
                    system=system,
                    organisation=org,
                    category=row["category"],
                    start_date=_date(row.get("start")),
                    end_date=_date(row.get("end")),
                    note=row.get("note") or "",
                    actor=actor,
                    **_sourced(row),
                )
                created["memberships"] += 1

        people: dict[str, Person] = {}
        for row in data.get("people", []):
            person = Person.objects.filter(name=row["name"]).first()
            if person is None:
                person = services.person_create(name=row["name"], actor=actor, **_sourced(row))
                created["people"] += 1
            people[row["key"]] = person

        posts: dict[str, Post] = {}
        for row in data.get("posts", []):
            org = organisations.get(row.get("organisation"))
            area = areas.get(row.get("area"))
            post = Post.objects.filter(title=row["title"], organisation=org, area=area).first()
            if post is None:
                post = services.post_create(
                    title=row["title"],
                    organisation=org,
                    area=area,
                    capacity=row.get("capacity") or 1,
                    start_date=_date(row.get("start")),
                    end_date=_date(row.get("end")),
                    actor=actor,
                    **_sourced(row),
                )
                created["posts"] += 1
            posts[row["key"]] = post
        if keys is not None:
            keys.update(systems=systems, areas=areas, organisations=organisations, people=people, posts=posts)

        for row in data.get("post_holdings", []):
            post, person = posts[row["post"]], people[row["person"]]
            if not PostHolding.objects.filter(post=post, person=person).exists():
                services.post_holding_create(
                    post=post,
                    person=person,
                    start_date=_date(row.get("start")),
                    end_date=_date(row.get("end")),
                    actor=actor,
                    **_sourced(row),
                )
                created["post_holdings"] += 1
    return created
