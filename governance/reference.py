"""Loads all reference data: the organisations registry, then the governance bodies of
governance/reference/governance.yaml — through the services, so every rule applies to it.

Idempotent: records are found by their natural keys and created only when missing, so running it
again changes nothing, and corrections people have made since are kept.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml
from django.db import transaction

from ics_registry.history import actor_context
from organisations import reference as registry
from organisations import services as organisation_services
from organisations.models import Organisation, Person, Post, PostHolding

from . import services
from .models import (
    AccountabilityRelation,
    Body,
    BodyStatus,
    CompositionRule,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)

GOVERNANCE_FILE = Path(__file__).resolve().parent / "reference" / "governance.yaml"

_date = registry._date
_sourced = registry._sourced


@transaction.atomic
def load_reference_data(
    path: Path = registry.REFERENCE_FILE, governance_path: Path = GOVERNANCE_FILE, actor=None, keys=None
) -> Counter:
    """Load the registry and the governance bodies. `keys`, when given, is filled with the records by
    their YAML keys (those of the registry, and bodies) for the loaders of the layers above."""
    keys = {} if keys is None else keys
    created = registry.load_reference_data(path, actor=actor, keys=keys)
    if governance_path is None or not Path(governance_path).exists():
        return created
    data = yaml.safe_load(Path(governance_path).read_text()) or {}
    with actor_context(actor, command="load_reference_data"):
        _load_governance(data, keys, created, actor)
    return created


def _load_governance(data: dict, keys: dict, created: Counter, actor) -> None:
    systems, areas, organisations = keys["systems"], keys["areas"], keys["organisations"]
    people, posts = dict(keys["people"]), dict(keys["posts"])

    organisations = dict(organisations)
    for row in data.get("organisations") or []:
        existing = Organisation.objects.filter(name=row["name"], kind=row["kind"]).first()
        if existing is None:
            existing = organisation_services.organisation_create(
                name=row["name"],
                kind=row["kind"],
                ods_code=row.get("ods_code") or "",
                start_date=_date(row.get("start")),
                end_date=_date(row.get("end")),
                areas=[areas[a] for a in row.get("areas") or []],
                actor=actor,
                **_sourced(row),
            )
            created["organisations"] += 1
        organisations[row["key"]] = existing

    def org(key):
        return organisations[key] if key else None

    for row in data.get("people") or []:
        person = Person.objects.filter(name=row["name"]).first()
        if person is None:
            person = organisation_services.person_create(name=row["name"], actor=actor, **_sourced(row))
            created["people"] += 1
        people[row["key"]] = person

    for row in data.get("posts") or []:
        organisation, area = org(row.get("organisation")), areas.get(row.get("area"))
        post = Post.objects.filter(title=row["title"], organisation=organisation, area=area).first()
        if post is None:
            post = organisation_services.post_create(
                title=row["title"],
                organisation=organisation,
                area=area,
                capacity=row.get("capacity") or 1,
                start_date=_date(row.get("start")),
                end_date=_date(row.get("end")),
                actor=actor,
                **_sourced(row),
            )
            created["posts"] += 1
        posts[row["key"]] = post

    for row in data.get("post_holdings") or []:
        post, person = posts[row["post"]], people[row["person"]]
        if not PostHolding.objects.filter(post=post, person=person).exists():
            organisation_services.post_holding_create(
                post=post,
                person=person,
                start_date=_date(row.get("start")),
                end_date=_date(row.get("end")),
                actor=actor,
                **_sourced(row),
            )
            created["post_holdings"] += 1

    bodies: dict[str, Body] = {}
    rows = data.get("bodies") or []
    for row in rows:
        system = systems[row["system"]]
        body = Body.objects.filter(system=system, name=row["name"]).first()
        if body is None:
            body = services.body_create(
                name=row["name"],
                short_name=row.get("short_name") or "",
                kind=row["kind"],
                tier=row["tier"],
                system=system,
                areas=[areas[a] for a in row.get("areas") or []],
                hosts=[organisations[o] for o in row.get("hosts") or []],
                is_statutory=row.get("statutory"),
                purpose=row.get("purpose") or "",
                meeting_frequency=row.get("meeting_frequency") or "",
                meetings_per_year=row.get("meetings_per_year"),
                chair_post=posts.get(row.get("chair_post")) if row.get("chair_post") else None,
                vice_chair_post=posts.get(row.get("vice_chair_post")) if row.get("vice_chair_post") else None,
                actor=actor,
                **_sourced(row),
            )
            created["bodies"] += 1
        bodies[row["key"]] = body

    # Statuses first: approving terms of reference and deciding constituencies depend on them.
    for row in rows:
        body = bodies[row["key"]]
        for item in row.get("statuses") or []:
            start = _date(item.get("start"))
            if not BodyStatus.objects.filter(body=body, status=item["status"], start_date=start).exists():
                services.body_status_create(
                    body=body,
                    status=item["status"],
                    start_date=start,
                    end_date=_date(item.get("end")),
                    note=item.get("note") or "",
                    conflicting_status=item.get("conflicting_status") or "",
                    conflicting_note=item.get("conflicting_note") or "",
                    actor=actor,
                    **_sourced(item),
                )
                created["body_statuses"] += 1

    for row in rows:
        body = bodies[row["key"]]
        for item in row.get("terms_of_reference") or []:
            if not TermsOfReference.objects.filter(body=body, version=item["version"]).exists():
                services.terms_of_reference_create(
                    body=body,
                    version=item["version"],
                    approved_on=_date(item.get("approved_on")),
                    approved_by=bodies[item["approved_by"]] if item.get("approved_by") else None,
                    review_due=_date(item.get("review_due")),
                    text=item.get("text") or "",
                    document_url=item.get("document_url") or "",
                    actor=actor,
                    **_sourced(item),
                )
                created["terms_of_reference"] += 1

        for order, item in enumerate(row.get("seats") or [], start=1):
            seat = Seat.objects.filter(body=body, label=item["label"]).first()
            if seat is None:
                seat = services.seat_create(
                    body=body,
                    label=item["label"],
                    group=item.get("group") or "",
                    voting=item.get("voting") or "voting",
                    represents_kind=item.get("represents_kind") or "",
                    represents_organisation=org(item.get("represents_organisation")),
                    capacity=item.get("capacity") or 1,
                    order=order,
                    start_date=_date(item.get("start")),
                    end_date=_date(item.get("end")),
                    actor=actor,
                    **_sourced(item),
                )
                created["seats"] += 1
            for holding in item.get("holdings") or []:
                person = people[holding["person"]]
                role = holding.get("role") or "principal"
                start = _date(holding.get("start"))
                if not SeatHolding.objects.filter(
                    seat=seat, person=person, role=role, start_date=start
                ).exists():
                    services.seat_holding_create(
                        seat=seat,
                        person=person,
                        organisation=org(holding.get("organisation")),
                        role=role,
                        position=holding.get("position"),
                        start_date=start,
                        end_date=_date(holding.get("end")),
                        actor=actor,
                        **_sourced(holding),
                    )
                    created["seat_holdings"] += 1

        for item in row.get("composition_rules") or []:
            other = bodies[item["other_body"]] if item.get("other_body") else None
            exists = CompositionRule.objects.filter(
                body=body,
                kind=item["kind"],
                other_body=other,
                organisation_kind=item.get("organisation_kind") or "",
            ).exists()
            if not exists:
                services.composition_rule_create(
                    body=body,
                    kind=item["kind"],
                    other_body=other,
                    organisation_kind=item.get("organisation_kind") or "",
                    count=item.get("count"),
                    voting_only=bool(item.get("voting_only", False)),
                    description=item.get("description") or "",
                    actor=actor,
                    **_sourced(item),
                )
                created["composition_rules"] += 1

        for item in row.get("constituency") or []:
            organisation = org(item.get("organisation"))
            label = item.get("label") or ""
            existing = ConstituencyMember.objects.filter(body=body)
            existing = (
                existing.filter(organisation=organisation) if organisation else existing.filter(label=label)
            )
            if not existing.exists():
                services.constituency_member_create(
                    body=body,
                    organisation=organisation,
                    label=label if organisation is None else (label or ""),
                    start_date=_date(item.get("start")),
                    end_date=_date(item.get("end")),
                    decided_on=_date(item.get("decided_on")),
                    decided_by=bodies[item["decided_by"]] if item.get("decided_by") else None,
                    actor=actor,
                    **_sourced(item),
                )
                created["constituency_members"] += 1

    keys.update(organisations=organisations, people=people, posts=posts, bodies=bodies)

    for row in data.get("relations") or []:
        from_body, to_body = bodies[row["from"]], bodies[row["to"]]
        start = _date(row.get("start"))
        exists = AccountabilityRelation.objects.filter(
            from_body=from_body, to_body=to_body, kind=row["kind"], start_date=start
        ).exists()
        if not exists:
            services.relation_create(
                from_body=from_body,
                to_body=to_body,
                kind=row["kind"],
                start_date=start,
                end_date=_date(row.get("end")),
                note=row.get("note") or "",
                actor=actor,
                **_sourced(row),
            )
            created["relations"] += 1
