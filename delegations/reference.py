"""Loads all reference data: the organisations registry and the governance bodies (through
governance.reference), then the function catalogue, statutory holdings, reserved matters,
delegations, place-based lead arrangements and tier tables of delegations/reference/delegations.yaml
— through the delegations services, so every rule of delegation applies to it.

Idempotent: records are found by their natural keys and created only when missing, so running it
again changes nothing, and corrections people have made since are kept.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import yaml
from django.db import transaction

from governance import reference as governance_reference
from ics_registry.history import actor_context
from organisations import reference as registry

from . import services
from .models import (
    Delegation,
    Function,
    PlaceLeadArrangement,
    ReservedMatter,
    StatutoryHolding,
    TierAssignment,
)

DELEGATIONS_FILE = Path(__file__).resolve().parent / "reference" / "delegations.yaml"

_date = registry._date
_sourced = registry._sourced

PARTY_KINDS = ("organisation", "body", "post")


@transaction.atomic
def load_reference_data(
    path: Path | None = None,
    actor=None,
    keys: dict | None = None,
    *,
    registry_path: Path = registry.REFERENCE_FILE,
    governance_path: Path = governance_reference.GOVERNANCE_FILE,
) -> Counter:
    """Load everything, lowest layer first; returns how many records of each kind were created.
    `keys`, when given, is filled with the records by their YAML keys (systems, areas,
    organisations, people, posts, bodies, functions, delegations)."""
    keys = {} if keys is None else keys
    created = governance_reference.load_reference_data(registry_path, governance_path, actor=actor, keys=keys)
    path = DELEGATIONS_FILE if path is None else Path(path)
    if not path.exists():
        return created
    data = yaml.safe_load(path.read_text()) or {}
    with actor_context(actor, command="load_reference_data"):
        _load_delegations(data, keys, created, actor)
    return created


def _parties(row: dict, side: str, keys: dict) -> dict:
    """The delegator_* (or delegate_*) keyword arguments of a YAML row, as records."""
    tables = {"organisation": keys["organisations"], "body": keys.get("bodies", {}), "post": keys["posts"]}
    return {
        f"{side}_{kind}": tables[kind][row[f"{side}_{kind}"]] if row.get(f"{side}_{kind}") else None
        for kind in PARTY_KINDS
    }


def _load_delegations(data: dict, keys: dict, created: Counter, actor) -> None:
    systems, areas, organisations = keys["systems"], keys["areas"], keys["organisations"]
    posts, bodies = keys["posts"], keys.get("bodies", {})

    def area_of(key):
        return areas[key] if key else None

    functions: dict[str, Function] = {}
    for row in data.get("functions") or []:
        if row.get("parent") and row["parent"] not in functions:
            raise ValueError(f"Function {row['key']!r} comes before its parent {row['parent']!r}.")
        parent = functions.get(row.get("parent"))
        function = Function.objects.filter(parent=parent, name=row["name"]).first()
        if function is None:
            function = services.function_create(
                name=row["name"],
                parent=parent,
                description=row.get("description") or "",
                spatial_level=row.get("spatial_level") or "",
                level_rationale=row.get("level_rationale") or "",
                actor=actor,
                **_sourced(row),
            )
            created["functions"] += 1
        functions[row["key"]] = function
    keys["functions"] = functions

    for row in data.get("statutory_holdings") or []:
        function, holder, area = (
            functions[row["function"]],
            organisations[row["holder"]],
            area_of(row.get("area")),
        )
        if not StatutoryHolding.objects.filter(function=function, holder=holder, area=area).exists():
            services.statutory_holding_create(
                function=function,
                holder=holder,
                area=area,
                start_date=_date(row.get("start")),
                end_date=_date(row.get("end")),
                basis=row.get("basis") or "",
                actor=actor,
                **_sourced(row),
            )
            created["statutory_holdings"] += 1

    for row in data.get("reserved_matters") or []:
        function, area = functions[row["function"]], area_of(row.get("area"))
        to_organisation = (
            organisations[row["reserved_to_organisation"]] if row.get("reserved_to_organisation") else None
        )
        to_body = bodies[row["reserved_to_body"]] if row.get("reserved_to_body") else None
        exists = ReservedMatter.objects.filter(
            function=function, reserved_to_organisation=to_organisation, reserved_to_body=to_body, area=area
        ).exists()
        if not exists:
            services.reserved_matter_create(
                function=function,
                reserved_to_organisation=to_organisation,
                reserved_to_body=to_body,
                area=area,
                start_date=_date(row.get("start")),
                end_date=_date(row.get("end")),
                note=row.get("note") or "",
                actor=actor,
                **_sourced(row),
            )
            created["reserved_matters"] += 1

    delegations: dict[str, Delegation] = {}
    for row in data.get("delegations") or []:
        delegator, delegate = _parties(row, "delegator", keys), _parties(row, "delegate", keys)
        area = areas[row["area"]]
        delegation = Delegation.objects.filter(**delegator, **delegate, area=area).first()
        if delegation is None:
            limit = row.get("financial_limit")
            delegation = services.delegation_create(
                functions=[functions[f] for f in row["functions"]],
                area=area,
                vehicle=row["vehicle"],
                status=row["status"],
                start_date=_date(row.get("start")),
                end_date=_date(row.get("end")),
                financial_limit=Decimal(str(limit)) if limit is not None else None,
                conditions=row.get("conditions") or "",
                statutory_basis=row.get("statutory_basis") or "",
                parent=delegations[row["parent"]] if row.get("parent") else None,
                onward_delegation_permitted=bool(row.get("onward_delegation_permitted", False)),
                actor=actor,
                **delegator,
                **delegate,
                **_sourced(row),
            )
            created["delegations"] += 1
        delegations[row["key"]] = delegation
    keys["delegations"] = delegations

    for row in data.get("place_lead_arrangements") or []:
        area, start = areas[row["area"]], _date(row.get("start"))
        if not PlaceLeadArrangement.objects.filter(area=area, start_date=start).exists():
            services.place_lead_arrangement_create(
                area=area,
                model=row["model"],
                models_considered=row.get("models_considered") or [],
                host_organisation=organisations[row["host_organisation"]]
                if row.get("host_organisation")
                else None,
                relationship_to_icb=row.get("relationship_to_icb") or "",
                status=row["status"],
                start_date=start,
                end_date=_date(row.get("end")),
                note=row.get("note") or "",
                posts=[(posts[item["post"]], item.get("roles") or []) for item in row.get("posts") or []],
                actor=actor,
                **_sourced(row),
            )
            created["place_lead_arrangements"] += 1

    for table in data.get("tier_tables") or []:
        system = systems[table["system"]]
        sources = _sourced(table)["sources"]
        for tier, columns in (table.get("tiers") or {}).items():
            for column, entries in (columns or {}).items():
                for order, entry in enumerate(entries or [], start=1):
                    if TierAssignment.objects.filter(
                        system=system, tier=tier, column=column, order=order
                    ).exists():
                        continue
                    services.tier_assignment_create(
                        system=system,
                        tier=tier,
                        column=column,
                        order=order,
                        function=functions[entry["function"]] if entry.get("function") else None,
                        body=bodies[entry["body"]] if entry.get("body") else None,
                        label=entry.get("label") or "",
                        sources=_sourced(entry)["sources"] or sources,
                        actor=actor,
                    )
                    created["tier_assignments"] += 1
