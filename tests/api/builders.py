"""Small builders shared by the API tests: one fresh record of each registry resource in a given
area, made through the services, and the payloads that create, replace or patch one over the API.

Each resource knows how its records belong to an area (a Stockport record vs a Bury record), which
is what the area-editor rows of the permission matrix turn on.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from governance import services as governance_services
from governance.choices import BodyKind, CompositionRuleKind, RelationKind, Status
from governance.models import (
    AccountabilityRelation,
    Body,
    BodyStatus,
    CompositionRule,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)
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


# --- Governance -------------------------------------------------------------------------------


def body(area: Area, **extra) -> Body:
    """A fresh body covering `area`, in its system."""
    return governance_services.body_create(
        name=f"Test body {uid()}",
        kind=BodyKind.OTHER,
        tier=area.tier,
        system=area.system,
        areas=[area],
        actor=None,
        **extra,
    )


def seat(area: Area, **extra) -> Seat:
    return governance_services.seat_create(body=body(area), label=f"Test seat {uid()}", actor=None, **extra)


def seat_holding(area: Area, **extra) -> SeatHolding:
    extra.setdefault("start_date", dt.date(2023, 1, 1))
    return governance_services.seat_holding_create(
        seat=seat(area), person=person(), actor=None, **extra
    ).holding


class GovernanceResource(Resource):
    """A governance record: it belongs to a body, whose secretary may maintain it where the model
    lets secretaries in (see the querysets' `container_field`)."""

    def body_of(self, obj) -> Body:
        return obj.body

    def body_of_payload(self, payload: dict) -> Body:
        return Body.objects.get(pk=payload["body"])


class BodyResource(GovernanceResource):
    def record(self, area):
        return body(area)

    def create_payload(self, area):
        return {
            "name": f"New body {uid()}",
            "kind": BodyKind.OTHER,
            "tier": area.tier,
            "system": area.system_id,
            "areas": [area.pk],
        }

    def put_payload(self, obj):
        return {
            "name": f"{obj.name} (renamed)",
            "kind": obj.kind,
            "tier": obj.tier,
            "system": obj.system_id,
            "areas": list(obj.areas.values_list("pk", flat=True)),
        }

    def patch_payload(self, obj):
        return {"name": f"{obj.name} (renamed)"}

    def changed(self, obj):
        return obj.name.endswith("(renamed)")

    def body_of(self, obj):
        return obj

    def body_of_payload(self, payload):
        return None


class BodyStatusResource(GovernanceResource):
    def record(self, area):
        return governance_services.body_status_create(
            body=body(area), status=Status.ESTABLISHED, start_date=dt.date(2020, 1, 1), actor=None
        )

    def create_payload(self, area):
        return {"body": body(area).pk, "status": Status.ESTABLISHED, "start_date": "2020-01-01"}

    def put_payload(self, obj):
        return {"body": obj.body_id, "status": obj.status, "start_date": "2020-01-01", "note": "changed"}

    def patch_payload(self, obj):
        return {"note": "changed"}

    def changed(self, obj):
        return obj.note == "changed"


class RelationResource(GovernanceResource):
    def record(self, area):
        return governance_services.relation_create(
            from_body=body(area), to_body=body(area), kind=RelationKind.ACCOUNTABLE_TO, actor=None
        )

    def create_payload(self, area):
        return {"from_body": body(area).pk, "to_body": body(area).pk, "kind": RelationKind.ACCOUNTABLE_TO}

    def put_payload(self, obj):
        return {"from_body": obj.from_body_id, "to_body": obj.to_body_id, "kind": obj.kind, "note": "changed"}

    def patch_payload(self, obj):
        return {"note": "changed"}

    def changed(self, obj):
        return obj.note == "changed"

    def body_of(self, obj):
        return obj.from_body

    def body_of_payload(self, payload):
        return Body.objects.get(pk=payload["from_body"])


class TermsOfReferenceResource(GovernanceResource):
    def record(self, area):
        return governance_services.terms_of_reference_create(body=body(area), version=f"v{uid()}", actor=None)

    def create_payload(self, area):
        return {"body": body(area).pk, "version": "1.0"}

    def put_payload(self, obj):
        return {"body": obj.body_id, "version": obj.version, "text": "changed"}

    def patch_payload(self, obj):
        return {"text": "changed"}

    def changed(self, obj):
        return obj.text == "changed"


class SeatResource(GovernanceResource):
    def record(self, area):
        return seat(area)

    def create_payload(self, area):
        return {"body": body(area).pk, "label": f"New seat {uid()}"}

    def put_payload(self, obj):
        return {"body": obj.body_id, "label": f"{obj.label} (renamed)"}

    def patch_payload(self, obj):
        return {"label": f"{obj.label} (renamed)"}

    def changed(self, obj):
        return obj.label.endswith("(renamed)")


class SeatHoldingResource(GovernanceResource):
    def record(self, area):
        return seat_holding(area)

    def create_payload(self, area):
        return {"seat": seat(area).pk, "person": person().pk, "start_date": "2023-01-01"}

    def put_payload(self, obj):
        return {
            "seat": obj.seat_id,
            "person": obj.person_id,
            "start_date": obj.start_date.isoformat(),
            "end_date": "2024-12-31",
        }

    def patch_payload(self, obj):
        return {"end_date": "2024-12-31"}

    def changed(self, obj):
        return obj.end_date == dt.date(2024, 12, 31)

    def body_of(self, obj):
        return obj.seat.body

    def body_of_payload(self, payload):
        return Seat.objects.get(pk=payload["seat"]).body


class CompositionRuleResource(GovernanceResource):
    def record(self, area):
        return governance_services.composition_rule_create(
            body=body(area),
            kind=CompositionRuleKind.NOT_MAJORITY_FROM_BODY,
            other_body=body(area),
            actor=None,
        )

    def create_payload(self, area):
        return {
            "body": body(area).pk,
            "kind": CompositionRuleKind.NOT_MAJORITY_FROM_BODY,
            "other_body": body(area).pk,
        }

    def put_payload(self, obj):
        return {
            "body": obj.body_id,
            "kind": obj.kind,
            "other_body": obj.other_body_id,
            "description": "changed",
        }

    def patch_payload(self, obj):
        return {"description": "changed"}

    def changed(self, obj):
        return obj.description == "changed"


class ConstituencyMemberResource(GovernanceResource):
    def record(self, area):
        return governance_services.constituency_member_create(
            body=body(area), label=f"Test constituency {uid()}", actor=None
        )

    def create_payload(self, area):
        return {"body": body(area).pk, "label": f"New constituency {uid()}"}

    def put_payload(self, obj):
        return {"body": obj.body_id, "label": f"{obj.label} (renamed)"}

    def patch_payload(self, obj):
        return {"label": f"{obj.label} (renamed)"}

    def changed(self, obj):
        return obj.label.endswith("(renamed)")


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
        BodyResource("body", Body),
        BodyStatusResource("body-status", BodyStatus),
        RelationResource("accountability-relation", AccountabilityRelation),
        TermsOfReferenceResource("terms-of-reference", TermsOfReference),
        SeatResource("seat", Seat),
        SeatHoldingResource("seat-holding", SeatHolding),
        CompositionRuleResource("composition-rule", CompositionRule),
        ConstituencyMemberResource("constituency-member", ConstituencyMember),
    )
}


def snapshot(obj) -> dict | None:
    """The stored row of a record, to show that a refused write changed nothing."""
    return type(obj).objects.filter(pk=obj.pk).values().first()
