"""Small builders shared by the API tests: one fresh record of each registry resource in a given
area, made through the services, and the payloads that create, replace or patch one over the API.

Each resource knows how its records belong to an area (a Stockport record vs a Bury record), which
is what the area-editor rows of the permission matrix turn on.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from delegations import services as delegation_services
from delegations.choices import PlaceLeadModel, PlaceLeadRole, TierColumn, Vehicle
from delegations.models import (
    Delegation,
    Function,
    PlaceLeadArrangement,
    ReservedMatter,
    StatutoryHolding,
    TierAssignment,
)
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


# --- Delegations ------------------------------------------------------------------------------


def function(parent: Function | None = None, **extra) -> Function:
    return delegation_services.function_create(
        name=f"Test function {uid()}", parent=parent, actor=None, **extra
    )


def holder(area: Area, **extra) -> Organisation:
    """A fresh statutory body serving `area`."""
    extra.setdefault("kind", OrganisationKind.ICB)
    return services.organisation_create(name=f"Test holder {uid()}", areas=[area], actor=None, **extra)


def statutory_holding(area: Area | None, *, fn=None, by=None, **extra) -> StatutoryHolding:
    """`by` (a fresh organisation) holds `fn` (a fresh function) for `area` by statute."""
    return delegation_services.statutory_holding_create(
        function=fn or function(),
        holder=by or holder(area or Area.objects.get(name="Stockport", tier=Tier.LOCALITY)),
        area=area,
        actor=None,
        **extra,
    )


def standing_body(area: Area, **extra) -> Body:
    """A fresh body of `area` that has existed all along (established, with no start recorded), so
    that it may receive a delegation for any period."""
    made = body(area, **extra)
    governance_services.body_status_create(body=made, status=Status.ESTABLISHED, actor=None)
    return made


def delegation(area: Area, *, holding: StatutoryHolding | None = None, **extra) -> Delegation:
    """A delegation of a function held by statute for `area` to a fresh body there (proposed
    unless said otherwise); the holding is made when not given."""
    holding = holding or statutory_holding(area)
    if not any(key.startswith("delegator_") for key in extra):
        extra["delegator_organisation"] = holding.holder
    if not any(key.startswith("delegate_") for key in extra):
        extra["delegate_body"] = standing_body(area)
    extra.setdefault("functions", [holding.function])
    extra.setdefault("vehicle", Vehicle.SCHEME_OF_DELEGATION)
    return delegation_services.delegation_create(area=area, actor=None, **extra)


def reserved_matter(area: Area | None, **extra) -> ReservedMatter:
    extra.setdefault("function", function())
    if "reserved_to_organisation" not in extra:
        extra.setdefault(
            "reserved_to_body", body(area or Area.objects.get(name="Stockport", tier=Tier.LOCALITY))
        )
    return delegation_services.reserved_matter_create(area=area, actor=None, **extra)


def locality(area: Area) -> Area:
    """A fresh locality of `area`'s system (beside it), for a place-based lead arrangement of its own."""
    return services.area_create(
        name=f"Test locality {uid()}",
        system=area.system,
        tier=Tier.LOCALITY,
        kind=AreaKind.LOCAL_AUTHORITY_PLACE,
        parent=Area.objects.get(system=area.system, tier=Tier.SYSTEM),
        actor=None,
    )


def place_lead_arrangement(area: Area, **extra) -> PlaceLeadArrangement:
    extra.setdefault("model", PlaceLeadModel.DEDICATED_OFFICER)
    extra.setdefault("posts", [(post(area), [PlaceLeadRole.PRIMARY_CARE_NETWORKS])])
    return delegation_services.place_lead_arrangement_create(area=area, actor=None, **extra)


SORD_HEADER = (
    "policy area,function,reserved to,delegated to,further delegated to,statutory basis,limit,from,to,source"
)


def sord_csv(*rows: str) -> bytes:
    return "\n".join([SORD_HEADER, *rows, ""]).encode()


def sord_upload(area: Area, name: str = "scheme.csv"):
    """A one-row scheme for `area`: a function held there by statute, delegated by its holder to a
    body of the area, as an uploaded file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    holding = statutory_holding(area, start_date=dt.date(2022, 7, 1))
    delegate = standing_body(area)
    fn = holding.function.name
    row = f"{fn},{fn},,{delegate.name},,,£1000,2022-07-01,,test"
    return SimpleUploadedFile(name, sord_csv(row), content_type="text/csv")


def sord_import(area: Area, uploader):
    """An import record uploaded by `uploader`, queued (as sord_import_start stores one)."""
    from delegations.models import SordImport

    return SordImport.objects.create(
        uploaded_by=uploader, file_name="scheme.csv", content=sord_csv(), area=area, rows_total=0
    )


class FunctionResource(Resource):
    def record(self, area):
        return function()

    def create_payload(self, area):
        return {"name": f"New function {uid()}", "spatial_level": "locality"}

    def put_payload(self, obj):
        return {"name": f"{obj.name} (renamed)", "parent": obj.parent_id}

    def patch_payload(self, obj):
        return {"name": f"{obj.name} (renamed)"}

    def changed(self, obj):
        return obj.name.endswith("(renamed)")


class StatutoryHoldingResource(Resource):
    def record(self, area):
        return statutory_holding(area)

    def create_payload(self, area):
        return {
            "function": function().pk,
            "holder": holder(area).pk,
            "area": area.pk,
            "start_date": "2022-07-01",
        }

    def put_payload(self, obj):
        return {
            "function": obj.function_id,
            "holder": obj.holder_id,
            "area": obj.area_id,
            "basis": "changed",
        }

    def patch_payload(self, obj):
        return {"basis": "changed"}

    def changed(self, obj):
        return obj.basis == "changed"


class DelegationResource(Resource):
    def record(self, area):
        return delegation(area)

    def create_payload(self, area):
        holding = statutory_holding(area)
        return {
            "delegator_organisation": holding.holder_id,
            "delegate_body": standing_body(area).pk,
            "functions": [holding.function_id],
            "area": area.pk,
            "vehicle": Vehicle.SCHEME_OF_DELEGATION,
            "financial_limit": "250000.00",
        }

    def put_payload(self, obj):
        return {
            "delegator_organisation": obj.delegator_organisation_id,
            "delegate_body": obj.delegate_body_id,
            "functions": list(obj.functions.values_list("pk", flat=True)),
            "area": obj.area_id,
            "vehicle": obj.vehicle,
            "conditions": "changed",
        }

    def patch_payload(self, obj):
        return {"conditions": "changed"}

    def changed(self, obj):
        return obj.conditions == "changed"


class ReservedMatterResource(Resource):
    def record(self, area):
        return reserved_matter(area)

    def create_payload(self, area):
        return {"function": function().pk, "reserved_to_body": body(area).pk, "area": area.pk}

    def put_payload(self, obj):
        return {
            "function": obj.function_id,
            "reserved_to_body": obj.reserved_to_body_id,
            "area": obj.area_id,
            "note": "changed",
        }

    def patch_payload(self, obj):
        return {"note": "changed"}

    def changed(self, obj):
        return obj.note == "changed"


class PlaceLeadArrangementResource(Resource):
    """A locality has one arrangement on any day: records are made in a fresh locality each (see
    `locality`), which the permission matrix grants to the editor acting on their own records."""

    def record(self, area):
        return place_lead_arrangement(area)

    def create_payload(self, area):
        return {
            "area": area.pk,
            "model": PlaceLeadModel.COUNCIL_CHIEF_EXECUTIVE,
            "posts": [{"post": post(area).pk, "roles": [PlaceLeadRole.JOIN_UP_CARE]}],
        }

    def put_payload(self, obj):
        return {"area": obj.area_id, "model": obj.model, "note": "changed"}

    def patch_payload(self, obj):
        return {"note": "changed"}

    def changed(self, obj):
        return obj.note == "changed"


class TierAssignmentResource(Resource):
    def record(self, area):
        return delegation_services.tier_assignment_create(
            system=area.system,
            tier=area.tier,
            column=TierColumn.TEAM,
            order=uid(),
            label=f"Test team {uid()}",
            actor=None,
        )


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
        FunctionResource("function", Function),
        StatutoryHoldingResource("statutory-holding", StatutoryHolding),
        DelegationResource("delegation", Delegation),
        ReservedMatterResource("reserved-matter", ReservedMatter),
        PlaceLeadArrangementResource("place-lead-arrangement", PlaceLeadArrangement),
        TierAssignmentResource("tier-assignment", TierAssignment),
    )
}


def snapshot(obj) -> dict | None:
    """The stored row of a record, to show that a refused write changed nothing."""
    return type(obj).objects.filter(pk=obj.pk).values().first()
