"""Explicit API representations of delegation records: output serializers for reads, input
serializers for writes (whose data goes to the services), and the shapes of the decision-rights
answer and the scheme-of-delegation import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from governance.api.serializers import BriefBodySerializer
from governance.models import Body
from ics_registry.serializers import (
    BriefSerializer,
    ChoiceLabelField,
    RecordUrlField,
    SourcedFieldsMixin,
    SourceSerializer,
    StrictJsonTypesMixin,
    url_maker,
)
from organisations.api.serializers import (
    BriefAreaSerializer,
    BriefOrganisationSerializer,
    BriefPostSerializer,
    BriefSystemSerializer,
)
from organisations.choices import Tier
from organisations.models import Area, Organisation, Post, System

from ..choices import (
    ArrangementStatus,
    DelegationStatus,
    ImportState,
    PlaceLeadModel,
    PlaceLeadRole,
    SpatialLevel,
    TierColumn,
    Vehicle,
)
from ..models import (
    Delegation,
    Function,
    PlaceLeadArrangement,
    PlaceLeadPost,
    ReservedMatter,
    StatutoryHolding,
    TierAssignment,
)

READ_SOURCED = ("sources", "is_incomplete", "incomplete_note")
MAX_ID = 2**63 - 1

PARTY_KINDS = ("organisation", "body", "post")
PARTY_ROUTES = {
    "organisation": "api:organisation-detail",
    "body": "api:body-detail",
    "post": "api:post-detail",
}


def url_field(route):
    return RecordUrlField(route)


class MoneyField(serializers.DecimalField):
    """A sum in pounds, sent and shown as a decimal string ("250000.00"): JSON numbers lose pence."""

    default_error_messages = {
        "not_a_string": 'A sum in pounds as a decimal string, e.g. "250000.00".',
        "invalid": 'A sum in pounds as a decimal string, e.g. "250000.00".',
        "min_value": "A financial limit cannot be negative.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("coerce_to_string", True)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


# --- Brief representations -------------------------------------------------------------------


class BriefFunctionSerializer(BriefSerializer):
    route_name = "api:function-detail"


class BriefDelegationSerializer(BriefSerializer):
    route_name = "api:delegation-detail"


class PartySerializer(serializers.Serializer):
    """Who delegates, is delegated to, or has a matter reserved to them: an organisation, a body
    or a post."""

    kind = serializers.ChoiceField(choices=[(k, k) for k in PARTY_KINDS], help_text="What kind of party.")
    id = serializers.IntegerField(help_text="Its id.")
    url = serializers.URLField(help_text="Its API address.")
    display = serializers.CharField(help_text="Its name.")


def party(context: dict, kind: str, pk: int, name: str) -> dict:
    return {"kind": kind, "id": pk, "url": url_maker(context, PARTY_ROUTES[kind])(pk), "display": name}


def party_of(context: dict, obj, prefix: str) -> dict | None:
    """The party set in one of `<prefix>_organisation`, `<prefix>_body`, `<prefix>_post`."""
    for kind in PARTY_KINDS:
        related = getattr(obj, f"{prefix}_{kind}")
        if related is not None:
            return party(context, kind, related.pk, str(related))
    return None


# --- Functions -------------------------------------------------------------------------------


class FunctionSerializer(serializers.ModelSerializer):
    url = url_field("api:function-detail")
    display = serializers.CharField(source="name", read_only=True)
    parent = BriefFunctionSerializer(read_only=True, allow_null=True)
    ancestor_ids = serializers.ListField(
        child=serializers.IntegerField(),
        read_only=True,
        help_text="Ids of the wider functions this one is part of, outermost first.",
    )
    spatial_level_display = ChoiceLabelField("spatial_level", SpatialLevel.choices)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Function
        fields = (
            "id",
            "url",
            "display",
            "name",
            "parent",
            "ancestor_ids",
            "description",
            "spatial_level",
            "spatial_level_display",
            "level_rationale",
            *READ_SOURCED,
        )


class FunctionInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Function.objects.all(),
        required=False,
        allow_null=True,
        help_text="The wider function this one is part of (id); null for a top-level policy area.",
    )
    spatial_level = serializers.ChoiceField(
        choices=SpatialLevel.choices,
        required=False,
        allow_blank=True,
        help_text="The footprint at which it is best decided; empty when no source says.",
    )

    class Meta:
        model = Function
        fields = ("name", "parent", "description", "spatial_level", "level_rationale", *READ_SOURCED)
        validators = []


# --- Statutory holdings ----------------------------------------------------------------------


class StatutoryHoldingSerializer(serializers.ModelSerializer):
    url = url_field("api:statutory-holding-detail")
    function = BriefFunctionSerializer(read_only=True)
    holder = BriefOrganisationSerializer(read_only=True)
    area = BriefAreaSerializer(
        read_only=True, allow_null=True, help_text="The area it is held for; null for all of England."
    )
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = StatutoryHolding
        fields = ("id", "url", "function", "holder", "area", "basis", "start_date", "end_date", *READ_SOURCED)


class StatutoryHoldingInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    function = serializers.PrimaryKeyRelatedField(
        queryset=Function.objects.all(), help_text="The function (id)."
    )
    holder = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="The organisation holding it by statute (id)."
    )
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        required=False,
        allow_null=True,
        help_text="The area it is held for (id); null for all of England.",
    )

    class Meta:
        model = StatutoryHolding
        fields = ("function", "holder", "area", "basis", "start_date", "end_date", *READ_SOURCED)
        validators = []


# --- Reserved matters ------------------------------------------------------------------------


class ReservedMatterSerializer(serializers.ModelSerializer):
    url = url_field("api:reserved-matter-detail")
    function = BriefFunctionSerializer(read_only=True)
    reserved_to = serializers.SerializerMethodField(help_text="The organisation or body it is reserved to.")
    reserved_to_organisation = BriefOrganisationSerializer(read_only=True, allow_null=True)
    reserved_to_body = BriefBodySerializer(read_only=True, allow_null=True)
    area = BriefAreaSerializer(
        read_only=True, allow_null=True, help_text="Where it applies; null for everywhere."
    )
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = ReservedMatter
        fields = (
            "id",
            "url",
            "function",
            "reserved_to",
            "reserved_to_organisation",
            "reserved_to_body",
            "area",
            "note",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )

    @extend_schema_field(PartySerializer)
    def get_reserved_to(self, obj):
        return party_of(self.context, obj, "reserved_to")


class ReservedMatterInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    function = serializers.PrimaryKeyRelatedField(
        queryset=Function.objects.all(), help_text="The function (id)."
    )
    reserved_to_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The organisation it is reserved to (id); or give a body.",
    )
    reserved_to_body = serializers.PrimaryKeyRelatedField(
        queryset=Body.objects.all(),
        required=False,
        allow_null=True,
        help_text="The body it is reserved to (id), e.g. an ICB's board; or give an organisation.",
    )
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        required=False,
        allow_null=True,
        help_text="The area the reservation applies to (id); null for everywhere.",
    )

    class Meta:
        model = ReservedMatter
        fields = (
            "function",
            "reserved_to_organisation",
            "reserved_to_body",
            "area",
            "note",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )
        validators = []


# --- Delegations -----------------------------------------------------------------------------

DELEGATOR_FIELDS = tuple(f"delegator_{kind}" for kind in PARTY_KINDS)
DELEGATE_FIELDS = tuple(f"delegate_{kind}" for kind in PARTY_KINDS)


class DelegationSerializer(serializers.ModelSerializer):
    url = url_field("api:delegation-detail")
    display = serializers.SerializerMethodField()
    delegator = serializers.SerializerMethodField(help_text="Who delegates.")
    delegate = serializers.SerializerMethodField(help_text="Who it is delegated to.")
    functions = BriefFunctionSerializer(
        source="functions_shown", many=True, read_only=True, help_text="The functions delegated."
    )
    area = BriefAreaSerializer(read_only=True)
    financial_limit = MoneyField(
        read_only=True,
        allow_null=True,
        help_text="The most the delegate may commit, in GBP, as a decimal string; null when this link sets no limit.",
    )
    vehicle_display = ChoiceLabelField("vehicle", Vehicle.choices)
    parent = BriefDelegationSerializer(read_only=True, allow_null=True)
    status_display = ChoiceLabelField("status", DelegationStatus.choices)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Delegation
        fields = (
            "id",
            "url",
            "display",
            "delegator",
            *DELEGATOR_FIELDS,
            "delegate",
            *DELEGATE_FIELDS,
            "functions",
            "area",
            "financial_limit",
            "conditions",
            "vehicle",
            "vehicle_display",
            "statutory_basis",
            "parent",
            "onward_delegation_permitted",
            "status",
            "status_display",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )
        extra_kwargs = {name: {"read_only": True} for name in (*DELEGATOR_FIELDS, *DELEGATE_FIELDS)}

    def get_display(self, obj) -> str:
        return str(obj)

    @extend_schema_field(PartySerializer)
    def get_delegator(self, obj):
        return party_of(self.context, obj, "delegator")

    @extend_schema_field(PartySerializer)
    def get_delegate(self, obj):
        return party_of(self.context, obj, "delegate")


def _party_input(model, what: str):
    return serializers.PrimaryKeyRelatedField(
        queryset=model.objects.all(),
        required=False,
        allow_null=True,
        help_text=f"{what} (id); give exactly one of organisation, body or post.",
    )


class DelegationInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    delegator_organisation = _party_input(Organisation, "The organisation delegating")
    delegator_body = _party_input(Body, "The body delegating")
    delegator_post = _party_input(Post, "The post delegating")
    delegate_organisation = _party_input(Organisation, "The organisation delegated to")
    delegate_body = _party_input(Body, "The body delegated to")
    delegate_post = _party_input(Post, "The post delegated to")
    functions = serializers.PrimaryKeyRelatedField(
        queryset=Function.objects.all(),
        many=True,
        allow_empty=False,
        help_text="Ids of the functions delegated (at least one); each covers its parts.",
    )
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), help_text="The area it applies to (id)."
    )
    financial_limit = MoneyField(
        required=False,
        allow_null=True,
        min_value=Decimal("0"),
        help_text='The most the delegate may commit, in GBP, as a decimal string (e.g. "250000.00"); null for none.',
    )
    vehicle = serializers.ChoiceField(
        choices=Vehicle.choices, help_text="The legal vehicle it is made under."
    )
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Delegation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The delegation this one sub-delegates (id); null when the delegator holds the function by statute.",
    )
    status = serializers.ChoiceField(
        choices=DelegationStatus.choices,
        required=False,
        help_text="Proposed (the default), agreed, in force or revoked.",
    )

    class Meta:
        model = Delegation
        fields = (
            *DELEGATOR_FIELDS,
            *DELEGATE_FIELDS,
            "functions",
            "area",
            "financial_limit",
            "conditions",
            "vehicle",
            "statutory_basis",
            "parent",
            "onward_delegation_permitted",
            "status",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )
        validators = []


class RevokeInputSerializer(StrictJsonTypesMixin, serializers.Serializer):
    on = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        help_text="The first day it is no longer in force (YYYY-MM-DD); it stays in force until the day before.",
        error_messages={
            "required": "Give the first day it is no longer in force, e.g. 2023-04-01.",
            "invalid": "A date as YYYY-MM-DD, e.g. 2023-04-01.",
        },
    )

    def validate_on(self, value):
        if value == dt.date.min:
            raise serializers.ValidationError("Give a day after 1 Jan 0001.")
        return value


class ChainLinkSerializer(serializers.Serializer):
    """One delegation in a chain of authority."""

    id = serializers.IntegerField(help_text="The delegation's id.")
    url = serializers.URLField(help_text="The delegation's API address.")
    delegator = PartySerializer()
    delegate = PartySerializer()
    functions = serializers.ListField(
        child=serializers.CharField(), help_text="Names of the functions delegated."
    )
    area = serializers.CharField(help_text="The area it applies to.")
    vehicle = serializers.ChoiceField(choices=Vehicle.choices)
    vehicle_display = serializers.CharField()
    financial_limit = serializers.CharField(
        allow_null=True, help_text="In GBP, as a decimal string; null for none."
    )
    status = serializers.ChoiceField(choices=DelegationStatus.choices)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    parent = serializers.IntegerField(allow_null=True, help_text="The id of the delegation it sub-delegates.")


class ChainSerializer(serializers.Serializer):
    delegation = serializers.IntegerField(help_text="The id of the delegation the chain is read around.")
    up = ChainLinkSerializer(
        many=True,
        help_text="The delegations it sub-delegates, from the statutory holder's down to its parent.",
    )
    down = ChainLinkSerializer(
        many=True,
        help_text="Every delegation made under it, at any depth, each after the one it sub-delegates.",
    )


def money(value) -> str | None:
    return None if value is None else f"{Decimal(value):.2f}"


def chain_link(context: dict, delegation: Delegation) -> dict:
    vehicles = dict(Vehicle.choices)
    return {
        "id": delegation.pk,
        "url": url_maker(context, "api:delegation-detail")(delegation.pk),
        "delegator": party_of(context, delegation, "delegator"),
        "delegate": party_of(context, delegation, "delegate"),
        "functions": sorted(delegation.function_names or []),  # read with selectors.with_parties
        "area": delegation.area.name,
        "vehicle": delegation.vehicle,
        "vehicle_display": str(vehicles.get(delegation.vehicle, delegation.vehicle)),
        "financial_limit": money(delegation.financial_limit),
        "status": delegation.status,
        "start_date": delegation.start_date,
        "end_date": delegation.end_date,
        "parent": delegation.parent_id,
    }


# --- Place-based lead arrangements -----------------------------------------------------------


class PlaceLeadPostSerializer(serializers.ModelSerializer):
    post = BriefPostSerializer(read_only=True)
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=PlaceLeadRole.choices),
        read_only=True,
        help_text="Which of the place leader's four roles the post carries.",
    )
    roles_display = serializers.SerializerMethodField(help_text="The roles as people read them.")

    class Meta:
        model = PlaceLeadPost
        fields = ("post", "roles", "roles_display")

    def get_roles_display(self, obj) -> list[str]:
        labels = dict(PlaceLeadRole.choices)
        return [str(labels.get(role, role)) for role in obj.roles]


class PlaceLeadArrangementSerializer(serializers.ModelSerializer):
    url = url_field("api:place-lead-arrangement-detail")
    display = serializers.SerializerMethodField()
    area = BriefAreaSerializer(read_only=True)
    model_display = ChoiceLabelField("model", PlaceLeadModel.choices)
    models_considered = serializers.ListField(
        child=serializers.ChoiceField(choices=PlaceLeadModel.choices),
        read_only=True,
        help_text="The models under consideration while the decision is not yet made.",
    )
    host_organisation = BriefOrganisationSerializer(read_only=True, allow_null=True)
    status_display = ChoiceLabelField("status", ArrangementStatus.choices)
    posts = PlaceLeadPostSerializer(
        source="post_links_shown",
        many=True,
        read_only=True,
        help_text="The posts holding it, and their roles.",
    )
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = PlaceLeadArrangement
        fields = (
            "id",
            "url",
            "display",
            "area",
            "model",
            "model_display",
            "models_considered",
            "host_organisation",
            "relationship_to_icb",
            "status",
            "status_display",
            "note",
            "posts",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )

    def get_display(self, obj) -> str:
        return str(obj)


class PlaceLeadPostInputSerializer(StrictJsonTypesMixin, serializers.Serializer):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all(), help_text="The post (id).")
    roles = serializers.ListField(
        child=serializers.ChoiceField(choices=PlaceLeadRole.choices),
        required=False,
        max_length=len(PlaceLeadRole.choices),
        help_text="Which of the place leader's four roles it carries.",
    )


class PlaceLeadArrangementInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    area = serializers.PrimaryKeyRelatedField(queryset=Area.objects.all(), help_text="The locality (id).")
    model = serializers.ChoiceField(choices=PlaceLeadModel.choices, help_text="How the role is arranged.")
    models_considered = serializers.ListField(
        child=serializers.ChoiceField(choices=PlaceLeadModel.choices),
        required=False,
        max_length=len(PlaceLeadModel.choices),
        help_text="The models under consideration, while the decision is not yet made.",
    )
    host_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The organisation the lead sits within (id), where known.",
    )
    status = serializers.ChoiceField(
        choices=ArrangementStatus.choices,
        required=False,
        help_text="Proposed (the default), agreed or in force.",
    )
    posts = PlaceLeadPostInputSerializer(
        many=True,
        required=False,
        help_text="The posts holding it, each with its roles; on a change, the whole list replaces the old one.",
    )

    class Meta:
        model = PlaceLeadArrangement
        fields = (
            "area",
            "model",
            "models_considered",
            "host_organisation",
            "relationship_to_icb",
            "status",
            "note",
            "posts",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )
        validators = []

    def validate_posts(self, value):
        return [(item["post"], list(item.get("roles", []))) for item in value]


# --- The tier table --------------------------------------------------------------------------


class TierAssignmentSerializer(serializers.ModelSerializer):
    url = url_field("api:tier-assignment-detail")
    system = BriefSystemSerializer(read_only=True)
    tier_display = ChoiceLabelField("tier", Tier.choices)
    column_display = ChoiceLabelField("column", TierColumn.choices)
    function = BriefFunctionSerializer(read_only=True, allow_null=True)
    body = BriefBodySerializer(read_only=True, allow_null=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = TierAssignment
        fields = (
            "id",
            "url",
            "system",
            "tier",
            "tier_display",
            "column",
            "column_display",
            "order",
            "function",
            "body",
            "label",
            *READ_SOURCED,
        )


# --- Decision rights -------------------------------------------------------------------------


def _id_param(what: str, example: str):
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_ID,
        help_text=f"The {what} (id).",
        error_messages={
            "required": f"Choose the {what}: give its id, e.g. ?{example}=1.",
            "invalid": f"A {what} id: a whole number.",
            "min_value": f"A {what} id: a whole number from 1.",
            "max_value": f"There is no {what} with this id.",
        },
    )


class DecisionRightsQuerySerializer(serializers.Serializer):
    function = _id_param("function", "function")
    area = _id_param("area", "area")
    on = serializers.DateField(
        input_formats=["%Y-%m-%d"],
        help_text="The day asked about (YYYY-MM-DD).",
        error_messages={
            "required": "Give the date asked about, e.g. ?on=2022-08-01.",
            "invalid": "A date as YYYY-MM-DD, e.g. 2022-08-01.",
        },
    )

    def validate_function(self, value) -> Function:
        function = Function.objects.filter(pk=value).first()
        if function is None:
            raise serializers.ValidationError(f"There is no function with id {value}.")
        return function

    def validate_area(self, value) -> Area:
        area = Area.objects.filter(pk=value).first()
        if area is None:
            raise serializers.ValidationError(f"There is no area with id {value}.")
        return area


class RightsLinkSerializer(serializers.Serializer):
    """One delegation on the way from the statutory holder to someone who may decide."""

    id = serializers.IntegerField(help_text="The delegation's id.")
    url = serializers.URLField(help_text="The delegation's API address.")
    delegator = PartySerializer()
    delegate = PartySerializer()
    functions = serializers.ListField(
        child=serializers.CharField(), help_text="Names of the functions delegated."
    )
    vehicle = serializers.ChoiceField(choices=Vehicle.choices)
    vehicle_display = serializers.CharField()
    financial_limit = serializers.CharField(
        allow_null=True,
        help_text="This link's own limit in GBP, as a decimal string; null when it sets none.",
    )
    status = serializers.ChoiceField(choices=DelegationStatus.choices)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    sources = SourceSerializer(many=True)


class RightsRootSerializer(serializers.Serializer):
    """The statutory holding the authority comes from."""

    id = serializers.IntegerField(help_text="The statutory holding's id.")
    url = serializers.URLField(help_text="The statutory holding's API address.")
    holder = PartySerializer()
    function = serializers.CharField(help_text="The function held.")
    area = serializers.CharField(help_text='The area it is held for ("England" for a national holding).')
    basis = serializers.CharField(allow_blank=True)
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    sources = SourceSerializer(many=True)


class RightsHolderSerializer(serializers.Serializer):
    party = PartySerializer(help_text="Who may decide.")
    basis = serializers.ChoiceField(
        choices=[("statute", "statute"), ("delegation", "delegation"), ("reserved", "reserved")],
        help_text="Whether they hold it by statute, through delegation, or as a matter reserved to them.",
    )
    chain = RightsLinkSerializer(
        many=True, help_text="The delegations from the statutory holder to them, in order."
    )
    effective_limit = serializers.CharField(
        allow_null=True,
        help_text="The smallest financial limit along the chain, in GBP, as a decimal string; null when none is set.",
    )
    root = RightsRootSerializer(allow_null=True)


class DecisionRightsSerializer(serializers.Serializer):
    function = BriefFunctionSerializer()
    area = BriefAreaSerializer()
    on = serializers.DateField(help_text="The day asked about.")
    holders = RightsHolderSerializer(many=True, help_text="Everyone who may decide it there on that day.")
    reserved_to = PartySerializer(allow_null=True, help_text="Who it is reserved to, if it is reserved.")
    reason = serializers.CharField(
        allow_blank=True, help_text="Why nobody may decide; empty when someone may."
    )
    notes = serializers.ListField(child=serializers.CharField(), help_text="Other things worth knowing.")


def _sources(items) -> list[dict]:
    return [
        {"document": item.get("document", ""), **{k: item[k] for k in ("section", "note") if k in item}}
        for item in items or []
    ]


def rights_party(context: dict, value) -> dict | None:
    if value is None:
        return None
    return party(context, value.kind, value.id, value.name)


def represent_rights(context: dict, rights) -> dict:
    """The resolver's answer as the API shows it."""
    vehicles = dict(Vehicle.choices)
    delegation_url = url_maker(context, "api:delegation-detail")
    holding_url = url_maker(context, "api:statutory-holding-detail")

    def link(item) -> dict:
        return {
            "id": item.delegation_id,
            "url": delegation_url(item.delegation_id),
            "delegator": rights_party(context, item.delegator),
            "delegate": rights_party(context, item.delegate),
            "functions": list(item.function_names),
            "vehicle": item.vehicle,
            "vehicle_display": getattr(item, "vehicle_display", "")
            or str(vehicles.get(item.vehicle, item.vehicle)),
            "financial_limit": money(item.financial_limit),
            "status": item.status,
            "start_date": item.start_date,
            "end_date": item.end_date,
            "sources": _sources(item.sources),
        }

    def root(item) -> dict | None:
        if item is None:
            return None
        return {
            "id": item.holding_id,
            "url": holding_url(item.holding_id),
            "holder": rights_party(context, item.holder),
            "function": item.function_name,
            "area": item.area_name,
            "basis": item.basis or "",
            "start_date": item.start_date,
            "end_date": item.end_date,
            "sources": _sources(item.sources),
        }

    function, area = rights.function, rights.area
    return {
        "function": {
            "id": function.pk,
            "url": url_maker(context, "api:function-detail")(function.pk),
            "display": str(function),
        },
        "area": {
            "id": area.pk,
            "url": url_maker(context, "api:area-detail")(area.pk),
            "display": str(area),
            "tier": area.tier,
            "ons_code": area.ons_code,
        },
        "on": rights.on,
        "holders": [
            {
                "party": rights_party(context, holder.party),
                "basis": holder.basis,
                "chain": [link(item) for item in holder.chain],
                "effective_limit": money(holder.effective_limit),
                "root": root(holder.root),
            }
            for holder in rights.holders
        ],
        "reserved_to": rights_party(context, rights.reserved_to),
        "reason": rights.reason or "",
        "notes": list(rights.notes),
    }


# --- Schemes of reservation and delegation ---------------------------------------------------

IMPORT_STATUSES = [
    (value, label)
    for value, label in DelegationStatus.choices
    if value in {DelegationStatus.PROPOSED, DelegationStatus.AGREED, DelegationStatus.IN_FORCE}
]
SORD_FORMATS = [("csv", "CSV"), ("xlsx", "Excel workbook (XLSX)")]


class SordExportQuerySerializer(serializers.Serializer):
    area = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Export the delegations of this area (id); or give a system.",
        error_messages={
            "invalid": "An area id: a whole number.",
            "min_value": "An area id: a whole number from 1.",
        },
    )
    system = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ID,
        help_text="Export the delegations of every area of this system (id); or give an area.",
        error_messages={
            "invalid": "A system id: a whole number.",
            "min_value": "A system id: a whole number from 1.",
        },
    )
    as_of = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="Only delegations in force on this date (YYYY-MM-DD); every one recorded when omitted.",
        error_messages={"invalid": "A date as YYYY-MM-DD, e.g. 2022-08-01."},
    )
    format = serializers.ChoiceField(
        choices=SORD_FORMATS,
        required=False,
        default="csv",
        help_text="csv (the default) or xlsx.",
        error_messages={"invalid_choice": "csv or xlsx."},
    )

    def validate_area(self, value) -> Area:
        area = Area.objects.filter(pk=value).first()
        if area is None:
            raise serializers.ValidationError(f"There is no area with id {value}.")
        return area

    def validate_system(self, value) -> System:
        system = System.objects.filter(pk=value).first()
        if system is None:
            raise serializers.ValidationError(f"There is no system with id {value}.")
        return system

    def validate(self, attrs):
        if attrs.get("area") is None and attrs.get("system") is None:
            raise serializers.ValidationError(
                {"area": ["Choose the area or the system to export, e.g. ?area=1."]}
            )
        if attrs.get("area") is not None and attrs.get("system") is not None:
            raise serializers.ValidationError({"system": ["Give an area or a system, not both."]})
        return attrs


class SordImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="The scheme of reservation and delegation: a CSV file or an Excel workbook (XLSX).",
        error_messages={
            "required": "Choose the spreadsheet to import.",
            "invalid": "Send the spreadsheet as a file (multipart/form-data).",
            "empty": "The file is empty.",
            "no_name": "The file has no name.",
        },
    )
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        help_text="The area the scheme's delegations apply to (id).",
        error_messages={
            "required": "Choose the area the scheme's delegations apply to.",
            "does_not_exist": "There is no area with id {pk_value}.",
            "incorrect_type": "An area id: a whole number.",
        },
    )
    status = serializers.ChoiceField(
        choices=IMPORT_STATUSES,
        required=False,
        help_text="The status the imported delegations are recorded with (in force when not given).",
    )


class SordImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="The row's number as a spreadsheet shows it (the column names are row 1)."
    )
    column = serializers.CharField(allow_blank=True, help_text="The column at fault, where one is.")
    message = serializers.CharField(help_text="Why the row was refused.")


class SordImportAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The import's id.")
    url = serializers.URLField(help_text="Where to follow its progress.")
    state = serializers.ChoiceField(choices=ImportState.choices, help_text="How far it has got.")


class SordImportCountsSerializer(serializers.Serializer):
    delegations = serializers.IntegerField(help_text="First-level delegations created.")
    sub_delegations = serializers.IntegerField(help_text="Sub-delegations created.")
    reserved_matters = serializers.IntegerField(help_text="Reserved matters created.")


class SordImportReportSerializer(serializers.Serializer):
    """What an import did. Empty until it has finished."""

    status = serializers.CharField(required=False, help_text="The status imported delegations were given.")
    created = SordImportCountsSerializer(
        required=False, help_text="What was created (all zero when any row was refused)."
    )
    errors = SordImportRowErrorSerializer(
        many=True, required=False, help_text="Each refused row and why (nothing was imported then)."
    )


class SordImportSerializer(serializers.Serializer):
    """An import's progress, and once finished, its report."""

    id = serializers.IntegerField()
    url = serializers.URLField()
    file_name = serializers.CharField()
    area = BriefAreaSerializer(allow_null=True)
    state = serializers.ChoiceField(choices=ImportState.choices, help_text="How far it has got.")
    state_display = serializers.CharField()
    rows_total = serializers.IntegerField(help_text="Rows in the file.")
    rows_done = serializers.IntegerField(help_text="Rows checked so far.")
    percent = serializers.IntegerField(help_text="How far it has got, from 0 to 100.")
    report = SordImportReportSerializer(
        help_text=(
            "Once finished: what was imported, or `errors`, each refused row with its column and "
            "the reason. Empty while it runs."
        )
    )
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)


def represent_import(context: dict, job, progress: dict) -> dict:
    area = job.area
    return {
        "id": job.pk,
        "url": url_maker(context, "api:sord-import-detail")(job.pk),
        "file_name": job.file_name,
        "area": (
            {
                "id": area.pk,
                "url": url_maker(context, "api:area-detail")(area.pk),
                "display": str(area),
                "tier": area.tier,
                "ons_code": area.ons_code,
            }
            if area is not None
            else None
        ),
        "state": progress["state"],
        "state_display": str(dict(ImportState.choices).get(progress["state"], progress["state"])),
        "rows_total": progress["rows_total"],
        "rows_done": progress["rows_done"],
        "percent": progress["percent"],
        "report": progress["report"],
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }
