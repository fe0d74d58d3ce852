"""Small builders shared by the API tests: one fresh record of each registry resource in a given
area, made through the services, and the payloads that create, replace or patch one over the API.

Each resource knows how its records belong to an area (a Stockport record vs a Bury record), which
is what the area-editor rows of the permission matrix turn on.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from organisations import services
from organisations.choices import AreaKind, MembershipCategory, OrganisationKind, Tier
from organisations.models import (
    Area,
    Organisation,
    PartnershipMembership,
    Person,
    Post,
    PostHolding,
    Succession,
    System,
)

_ids = itertools.count(1)


def uid() -> int:
    return next(_ids)


def organisation(area: Area, **extra) -> Organisation:
    n = uid()
    return services.organisation_create(
        name=f"Test organisation {n}", kind=OrganisationKind.OTHER, areas=[area], actor=None, **extra
    )


def person() -> Person:
    return services.person_create(name=f"Test person {uid()}", actor=None)


def post(area: Area, **extra) -> Post:
    return services.post_create(title=f"Test post {uid()}", area=area, actor=None, **extra)


def holding(area: Area, **extra) -> PostHolding:
    extra.setdefault("start_date", dt.date(2023, 1, 1))
    return services.post_holding_create(post=post(area), person=person(), actor=None, **extra)


@dataclass(frozen=True)
class Resource:
    """One API resource: its router basename, model, and how to build records and payloads."""

    basename: str
    model: type

    # A fresh record that belongs to `area` and that nothing else refers to (so it can be deleted).
    def record(self, area: Area):
        raise NotImplementedError

    def create_payload(self, area: Area) -> dict:
        raise NotImplementedError

    def put_payload(self, obj) -> dict:
        raise NotImplementedError

    def patch_payload(self, obj) -> dict:
        raise NotImplementedError

    def changed(self, obj) -> bool:
        """Did the PATCH/PUT payload take effect on this (reloaded) record?"""
        raise NotImplementedError


class SystemResource(Resource):
    def record(self, area):
        n = uid()
        return services.system_create(name=f"Test system {n}", short_name=f"TS{n}", actor=None)

    def create_payload(self, area):
        n = uid()
        return {"name": f"New system {n}", "short_name": f"NS{n}"}

    def put_payload(self, obj):
        return {"name": f"{obj.name} (renamed)", "short_name": obj.short_name}

    def patch_payload(self, obj):
        return {"name": f"{obj.name} (renamed)"}

    def changed(self, obj):
        return obj.name.endswith("(renamed)")


class AreaResource(Resource):
    def record(self, area):
        return services.area_create(
            name=f"Test neighbourhood {uid()}",
            system=area.system,
            tier=Tier.NEIGHBOURHOOD,
            kind=AreaKind.PCN,
            parent=area,
            actor=None,
        )

    def create_payload(self, area):
        return {
            "name": f"New neighbourhood {uid()}",
            "system": area.system_id,
            "tier": Tier.NEIGHBOURHOOD,
            "kind": AreaKind.PCN,
            "parent": area.pk,
        }

    def put_payload(self, obj):
        return {
            "name": f"{obj.name} (renamed)",
            "system": obj.system_id,
            "tier": obj.tier,
            "kind": obj.kind,
            "parent": obj.parent_id,
        }

    def patch_payload(self, obj):
        return {"name": f"{obj.name} (renamed)"}

    def changed(self, obj):
        return obj.name.endswith("(renamed)")


class OrganisationResource(Resource):
    def record(self, area):
        return organisation(area)

    def create_payload(self, area):
        return {"name": f"New organisation {uid()}", "kind": OrganisationKind.OTHER, "areas": [area.pk]}

    def put_payload(self, obj):
        return {
            "name": f"{obj.name} (renamed)",
            "kind": obj.kind,
            "areas": list(obj.areas.values_list("pk", flat=True)),
        }

    def patch_payload(self, obj):
        return {"name": f"{obj.name} (renamed)"}

    def changed(self, obj):
        return obj.name.endswith("(renamed)")


class SuccessionResource(Resource):
    def record(self, area):
        return services.succession_create(
            predecessor=organisation(area),
            successor=organisation(area),
            effective_date=dt.date(2023, 4, 1),
            actor=None,
        )

    def create_payload(self, area):
        return {
            "predecessor": organisation(area).pk,
            "successor": organisation(area).pk,
            "effective_date": "2023-04-01",
        }

    def put_payload(self, obj):
        return {
            "predecessor": obj.predecessor_id,
            "successor": obj.successor_id,
            "effective_date": obj.effective_date.isoformat(),
            "note": "changed",
        }

    def patch_payload(self, obj):
        return {"note": "changed"}

    def changed(self, obj):
        return obj.note == "changed"


class MembershipResource(Resource):
    def record(self, area):
        return services.membership_create(
            system=area.system,
            organisation=organisation(area),
            category=MembershipCategory.OTHER_PARTNERS,
            actor=None,
        )

    def create_payload(self, area):
        return {
            "system": area.system_id,
            "organisation": organisation(area).pk,
            "category": MembershipCategory.OTHER_PARTNERS,
        }

    def put_payload(self, obj):
        return {
            "system": obj.system_id,
            "organisation": obj.organisation_id,
            "category": obj.category,
            "note": "changed",
        }

    def patch_payload(self, obj):
        return {"note": "changed"}

    def changed(self, obj):
        return obj.note == "changed"


class PersonResource(Resource):
    def record(self, area):
        # A person belongs to an area through the posts they hold there.
        return holding(area).person

    def create_payload(self, area):
        return {"name": f"New person {uid()}"}

    def put_payload(self, obj):
        return {"name": f"{obj.name} (renamed)"}

    def patch_payload(self, obj):
        return {"name": f"{obj.name} (renamed)"}

    def changed(self, obj):
        return obj.name.endswith("(renamed)")


class PostResource(Resource):
    def record(self, area):
        return post(area)

    def create_payload(self, area):
        return {"title": f"New post {uid()}", "area": area.pk}

    def put_payload(self, obj):
        return {"title": f"{obj.title} (renamed)", "area": obj.area_id, "organisation": obj.organisation_id}

    def patch_payload(self, obj):
        return {"title": f"{obj.title} (renamed)"}

    def changed(self, obj):
        return obj.title.endswith("(renamed)")


class PostHoldingResource(Resource):
    def record(self, area):
        return holding(area)

    def create_payload(self, area):
        return {"post": post(area).pk, "person": person().pk, "start_date": "2023-01-01"}

    def put_payload(self, obj):
        return {
            "post": obj.post_id,
            "person": obj.person_id,
            "start_date": obj.start_date.isoformat(),
            "is_acting": True,
        }

    def patch_payload(self, obj):
        return {"is_acting": True}

    def changed(self, obj):
        return obj.is_acting


RESOURCES: dict[str, Resource] = {
    r.basename: r
    for r in (
        SystemResource("system", System),
        AreaResource("area", Area),
        OrganisationResource("organisation", Organisation),
        SuccessionResource("succession", Succession),
        MembershipResource("membership", PartnershipMembership),
        PersonResource("person", Person),
        PostResource("post", Post),
        PostHoldingResource("post-holding", PostHolding),
    )
}


def snapshot(obj) -> dict | None:
    """The stored row of a record, to show that a refused write changed nothing."""
    return type(obj).objects.filter(pk=obj.pk).values().first()
