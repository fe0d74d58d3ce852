"""Explicit API representations of governance records: output serializers for reads, input
serializers for writes (whose data goes to the services)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Func, JSONField
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ics_registry.as_at import today
from ics_registry.serializers import (
    BriefSerializer,
    ChoiceLabelField,
    RecordUrlField,
    SourcedFieldsMixin,
    SourceSerializer,
    url_maker,
)
from ics_registry.views import source_documents
from organisations.api.serializers import (
    BriefAreaSerializer,
    BriefOrganisationSerializer,
    BriefPersonSerializer,
    BriefPostSerializer,
    BriefSystemSerializer,
)
from organisations.choices import OrganisationKind, Tier
from organisations.models import Area, Organisation, Person, Post, PostHolding, System

from ..choices import BodyKind, CompositionRuleKind, HoldingRole, RelationKind, Status, VotingRight
from ..models import (
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
from ..selectors import MAX_GRAPH_DEPTH, status_on

READ_SOURCED = ("sources", "is_incomplete", "incomplete_note")
STATUS_LABELS = {str(value): str(label) for value, label in Status.choices}
STATUS_ORDER = (F("start_date").asc(nulls_first=True), "id")


def url_field(route):
    return RecordUrlField(route)


class StrictDecimalField(serializers.DecimalField):
    """A decimal sent as a JSON number: "12" is a string, not a number, and is refused."""

    def __init__(self, **kwargs):
        kwargs.setdefault("coerce_to_string", False)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float, Decimal)):
            self.fail("invalid")
        return super().to_internal_value(data)

    def to_representation(self, value):
        value = super().to_representation(value)
        return float(value) if isinstance(value, Decimal) else value


# --- Brief representations -------------------------------------------------------------------


class BriefBodySerializer(BriefSerializer):
    route_name = "api:body-detail"
    short_name = serializers.CharField(read_only=True)


class BriefSeatSerializer(BriefSerializer):
    route_name = "api:seat-detail"


# --- Bodies ----------------------------------------------------------------------------------


class BodyStatusPeriodSerializer(serializers.ModelSerializer):
    """One stage of a body's life, as listed with the body."""

    status_display = ChoiceLabelField("status", Status.choices)

    class Meta:
        model = BodyStatus
        fields = (
            "id",
            "status",
            "status_display",
            "start_date",
            "end_date",
            "note",
            "conflicting_status",
            "conflicting_note",
        )


class BodySerializer(serializers.ModelSerializer):
    url = url_field("api:body-detail")
    display = serializers.SerializerMethodField()
    kind_display = ChoiceLabelField("kind", BodyKind.choices)
    tier_display = ChoiceLabelField("tier", Tier.choices)
    system = BriefSystemSerializer(read_only=True)
    areas = BriefAreaSerializer(many=True, read_only=True)
    hosts = BriefOrganisationSerializer(many=True, read_only=True)
    meetings_per_year = StrictDecimalField(max_digits=5, decimal_places=1, read_only=True, allow_null=True)
    chair_post = BriefPostSerializer(read_only=True, allow_null=True)
    vice_chair_post = BriefPostSerializer(read_only=True, allow_null=True)
    status = serializers.SerializerMethodField(
        help_text="Its status on the as_of date (today when as_of is not given); null when none is recorded."
    )
    status_display = serializers.SerializerMethodField(help_text="The label people see for the status.")
    statuses = BodyStatusPeriodSerializer(many=True, read_only=True, help_text="Every stage of its life.")
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Body
        fields = (
            "id",
            "url",
            "display",
            "name",
            "short_name",
            "kind",
            "kind_display",
            "tier",
            "tier_display",
            "system",
            "areas",
            "hosts",
            "is_statutory",
            "purpose",
            "meeting_frequency",
            "meetings_per_year",
            "chair_post",
            "vice_chair_post",
            "status",
            "status_display",
            "statuses",
            *READ_SOURCED,
        )

    def get_display(self, obj) -> str:
        return str(obj)

    def _status(self, obj) -> str | None:
        # Bodies read through body_list() carry their status on the date; a lone body does not.
        if hasattr(obj, "status_on"):
            return obj.status_on
        value = status_on(obj, self.context["on"])
        return value.value if value else None

    @extend_schema_field(serializers.ChoiceField(choices=Status.choices, allow_null=True))
    def get_status(self, obj):
        return self._status(obj)

    def get_status_display(self, obj) -> str | None:
        value = self._status(obj)
        return STATUS_LABELS.get(value) if value else None


class CountedRows:
    """A page source for the paginator: rows sliced from one queryset, counted on another (the
    plain filtered queryset, without the page's joins and subqueries)."""

    def __init__(self, rows, count_from):
        self.rows = rows
        self.count_from = count_from

    def count(self) -> int:
        return self.count_from.count()

    def __getitem__(self, index):
        return self.rows[index]


def _links_sql() -> str:
    area, org = Area._meta.db_table, Organisation._meta.db_table
    body_area, body_host, status = BodyArea._meta.db_table, BodyHost._meta.db_table, BodyStatus._meta.db_table
    return (
        "(SELECT json_build_object("
        "'areas', (SELECT coalesce(json_agg(json_build_array(a.id, a.name, a.tier, a.ons_code) ORDER BY a.name, a.id), '[]')"
        f" FROM {body_area} ba JOIN {area} a ON a.id = ba.area_id WHERE ba.body_id = %(expressions)s),"
        "'hosts', (SELECT coalesce(json_agg(json_build_array(o.id, o.name, o.ods_code) ORDER BY o.name, o.id), '[]')"
        f" FROM {body_host} bh JOIN {org} o ON o.id = bh.organisation_id WHERE bh.body_id = %(expressions)s),"
        "'statuses', (SELECT coalesce(json_agg(json_build_array(s.id, s.status, s.start_date, s.end_date, s.note,"
        " s.conflicting_status, s.conflicting_note) ORDER BY s.start_date NULLS FIRST, s.id), '[]')"
        f" FROM {status} s WHERE s.body_id = %(expressions)s)"
        ")::text)"
    )


class BodyLinks(Func):
    """A body's areas, hosts and statuses, read within the page query as one JSON document:
    {"areas": [[id, name, tier, ons_code]…], "hosts": [[id, name, ods_code]…], "statuses": [[id,
    status, start_date, end_date, note, conflicting_status, conflicting_note]…]}, each in list order.
    Three correlated subqueries in the page's own query cost far less than three more queries."""

    template = _links_sql()
    output_field = JSONField()

    def __init__(self):
        super().__init__(F("pk"))


class BodyRows:
    """The bodies list, read with .values(): the same JSON as BodySerializer, built without a model
    instance per row. Two queries whatever the page size: the count, and the page with each body's
    areas, hosts and statuses (see BodyLinks). The status on the date is read from the statuses."""

    FIELDS = (
        "id",
        "name",
        "short_name",
        "kind",
        "tier",
        "system_id",
        "system__name",
        "system__short_name",
        "is_statutory",
        "purpose",
        "meeting_frequency",
        "meetings_per_year",
        "chair_post_id",
        "chair_post__title",
        "vice_chair_post_id",
        "vice_chair_post__title",
        *READ_SOURCED,
    )
    KIND_LABELS = {str(value): str(label) for value, label in BodyKind.choices}
    TIER_LABELS = {str(value): str(label) for value, label in Tier.choices}

    @classmethod
    def page(cls, queryset) -> CountedRows:
        return CountedRows(queryset.values(*cls.FIELDS, links=BodyLinks()), queryset)

    @staticmethod
    def status_on(statuses: list[list], on: str) -> str | None:
        """The status whose period covers the day (ISO dates compare as strings)."""
        for _, status, start, end, *_rest in statuses:
            if (start is None or start <= on) and (end is None or end >= on):
                return status
        return None

    @classmethod
    def represent(cls, rows: list[dict], context: dict) -> list[dict]:
        body_url = url_maker(context, "api:body-detail")
        system_url = url_maker(context, "api:system-detail")
        area_url = url_maker(context, "api:area-detail")
        org_url = url_maker(context, "api:organisation-detail")
        post_url = url_maker(context, "api:post-detail")
        on = context["on"].isoformat()

        def post(pk, title):
            return {"id": pk, "url": post_url(pk), "display": title} if pk else None

        out = []
        for row in rows:
            per_year = row["meetings_per_year"]
            links = row["links"]
            status = cls.status_on(links["statuses"], on)
            out.append(
                {
                    "id": row["id"],
                    "url": body_url(row["id"]),
                    "display": row["name"],
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "kind_display": cls.KIND_LABELS.get(row["kind"], row["kind"]),
                    "tier": row["tier"],
                    "tier_display": cls.TIER_LABELS.get(row["tier"], row["tier"]),
                    "system": {
                        "id": row["system_id"],
                        "url": system_url(row["system_id"]),
                        "display": f"{row['system__name']} ({row['system__short_name']})",
                        "short_name": row["system__short_name"],
                    },
                    "areas": [
                        {"id": pk, "url": area_url(pk), "display": name, "tier": tier, "ons_code": ons_code}
                        for pk, name, tier, ons_code in links["areas"]
                    ],
                    "hosts": [
                        {"id": pk, "url": org_url(pk), "display": name, "ods_code": ods_code}
                        for pk, name, ods_code in links["hosts"]
                    ],
                    "is_statutory": row["is_statutory"],
                    "purpose": row["purpose"],
                    "meeting_frequency": row["meeting_frequency"],
                    "meetings_per_year": float(per_year) if per_year is not None else None,
                    "chair_post": post(row["chair_post_id"], row["chair_post__title"]),
                    "vice_chair_post": post(row["vice_chair_post_id"], row["vice_chair_post__title"]),
                    "status": status,
                    "status_display": STATUS_LABELS.get(status) if status else None,
                    "statuses": [
                        {
                            "id": pk,
                            "status": value,
                            "status_display": STATUS_LABELS.get(value, value),
                            "start_date": start,
                            "end_date": end,
                            "note": note,
                            "conflicting_status": conflicting_status,
                            "conflicting_note": conflicting_note,
                        }
                        for pk, value, start, end, note, conflicting_status, conflicting_note in links[
                            "statuses"
                        ]
                    ],
                    "sources": [
                        {
                            "document": item.get("document", ""),
                            **{k: item[k] for k in ("section", "note") if k in item},
                        }
                        for item in row["sources"] or []
                    ],
                    "is_incomplete": row["is_incomplete"],
                    "incomplete_note": row["incomplete_note"],
                }
            )
        return out


class BodyInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=BodyKind.choices, help_text="What kind of body.")
    tier = serializers.ChoiceField(choices=Tier.choices, help_text="The tier it works at.")
    system = serializers.PrimaryKeyRelatedField(queryset=System.objects.all(), help_text="The system (id).")
    areas = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), many=True, help_text="Ids of the areas it covers (at least one)."
    )
    hosts = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        many=True,
        required=False,
        help_text="Ids of the organisations hosting it.",
    )
    is_statutory = serializers.BooleanField(
        required=False, allow_null=True, help_text="Whether it is a statutory body; null when no source says."
    )
    meetings_per_year = StrictDecimalField(
        max_digits=5,
        decimal_places=1,
        min_value=Decimal("0.1"),
        required=False,
        allow_null=True,
        help_text="Meetings a year, where known (e.g. 12).",
    )
    chair_post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.all(),
        required=False,
        allow_null=True,
        help_text="The post that chairs it (id).",
    )
    vice_chair_post = serializers.PrimaryKeyRelatedField(
        queryset=Post.objects.all(), required=False, allow_null=True, help_text="Its vice-chair post (id)."
    )

    class Meta:
        model = Body
        fields = (
            "name",
            "short_name",
            "kind",
            "tier",
            "system",
            "areas",
            "hosts",
            "is_statutory",
            "purpose",
            "meeting_frequency",
            "meetings_per_year",
            "chair_post",
            "vice_chair_post",
            *READ_SOURCED,
        )
        validators = []


# --- Status over time ------------------------------------------------------------------------


class BodyStatusSerializer(serializers.ModelSerializer):
    url = url_field("api:body-status-detail")
    body = BriefBodySerializer(read_only=True)
    status_display = ChoiceLabelField("status", Status.choices)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = BodyStatus
        fields = (
            "id",
            "url",
            "body",
            "status",
            "status_display",
            "start_date",
            "end_date",
            "note",
            "conflicting_status",
            "conflicting_note",
            *READ_SOURCED,
        )


class BodyStatusInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all(), help_text="The body (id).")
    status = serializers.ChoiceField(choices=Status.choices, help_text="Its status in this period.")
    conflicting_status = serializers.ChoiceField(
        choices=Status.choices,
        required=False,
        allow_blank=True,
        help_text="Where another source gives a different status for this period, that status.",
    )

    class Meta:
        model = BodyStatus
        fields = (
            "body",
            "status",
            "start_date",
            "end_date",
            "note",
            "conflicting_status",
            "conflicting_note",
            *READ_SOURCED,
        )
        validators = []


# --- Accountability --------------------------------------------------------------------------


class RelationSerializer(serializers.ModelSerializer):
    url = url_field("api:accountability-relation-detail")
    from_body = BriefBodySerializer(read_only=True)
    to_body = BriefBodySerializer(read_only=True)
    kind_display = ChoiceLabelField("kind", RelationKind.choices)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = AccountabilityRelation
        fields = (
            "id",
            "url",
            "from_body",
            "kind",
            "kind_display",
            "to_body",
            "start_date",
            "end_date",
            "note",
            *READ_SOURCED,
        )


class RelationInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    from_body = serializers.PrimaryKeyRelatedField(
        queryset=Body.objects.all(), help_text="The body the relation is from (id)."
    )
    to_body = serializers.PrimaryKeyRelatedField(
        queryset=Body.objects.all(), help_text="The body it is to (id)."
    )
    kind = serializers.ChoiceField(
        choices=RelationKind.choices, help_text="How the first body stands to the second."
    )

    class Meta:
        model = AccountabilityRelation
        fields = ("from_body", "kind", "to_body", "start_date", "end_date", "note", *READ_SOURCED)
        validators = []


# --- Terms of reference ----------------------------------------------------------------------


class TermsOfReferenceSerializer(serializers.ModelSerializer):
    url = url_field("api:terms-of-reference-detail")
    body = BriefBodySerializer(read_only=True)
    approved_by = BriefBodySerializer(read_only=True, allow_null=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = TermsOfReference
        fields = (
            "id",
            "url",
            "body",
            "version",
            "approved_on",
            "approved_by",
            "review_due",
            "text",
            "document_url",
            *READ_SOURCED,
        )


class TermsOfReferenceInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(
        queryset=Body.objects.all(), help_text="The body they govern (id)."
    )
    approved_by = serializers.PrimaryKeyRelatedField(
        queryset=Body.objects.all(),
        required=False,
        allow_null=True,
        help_text="The body that approved this version (id).",
    )

    class Meta:
        model = TermsOfReference
        fields = (
            "body",
            "version",
            "approved_on",
            "approved_by",
            "review_due",
            "text",
            "document_url",
            *READ_SOURCED,
        )
        validators = []


# --- Seats and holders -----------------------------------------------------------------------


class SeatHolderSerializer(serializers.ModelSerializer):
    """Someone in a seat on the as_of date."""

    person = BriefPersonSerializer(read_only=True)
    organisation = BriefOrganisationSerializer(read_only=True, allow_null=True)
    role_display = ChoiceLabelField("role", HoldingRole.choices)

    class Meta:
        model = SeatHolding
        fields = (
            "id",
            "person",
            "organisation",
            "role",
            "role_display",
            "position",
            "start_date",
            "end_date",
        )


class SeatSerializer(serializers.ModelSerializer):
    url = url_field("api:seat-detail")
    body = BriefBodySerializer(read_only=True)
    voting_display = ChoiceLabelField("voting", VotingRight.choices)
    represents_kind_display = ChoiceLabelField("represents_kind", OrganisationKind.choices)
    represents_organisation = BriefOrganisationSerializer(read_only=True, allow_null=True)
    holders = serializers.SerializerMethodField(
        help_text="Who sat in the seat on the as_of date (or today): members, deputies and substitutes."
    )
    vacancies = serializers.SerializerMethodField(
        help_text="How many of its places had no member on that date."
    )
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Seat
        fields = (
            "id",
            "url",
            "body",
            "label",
            "group",
            "voting",
            "voting_display",
            "represents_kind",
            "represents_kind_display",
            "represents_organisation",
            "capacity",
            "order",
            "start_date",
            "end_date",
            "holders",
            "vacancies",
            *READ_SOURCED,
        )

    @extend_schema_field(SeatHolderSerializer(many=True))
    def get_holders(self, obj):
        return SeatHolderSerializer(getattr(obj, "holdings_shown", []), many=True, context=self.context).data

    def get_vacancies(self, obj) -> int:
        members = {h.position for h in getattr(obj, "holdings_shown", []) if h.role == HoldingRole.PRINCIPAL}
        return max(obj.capacity - len(members), 0)


class SeatInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all(), help_text="The body (id).")
    voting = serializers.ChoiceField(
        choices=VotingRight.choices, required=False, help_text="Its voting right."
    )
    represents_kind = serializers.ChoiceField(
        choices=OrganisationKind.choices,
        required=False,
        allow_blank=True,
        help_text="The kind of organisation its holders come from, if the seat is for one kind.",
    )
    represents_organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The organisation its holders come from, if the seat is for one organisation (id).",
    )
    capacity = serializers.IntegerField(
        required=False, min_value=1, max_value=1000, help_text="How many members the seat takes."
    )
    order = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=32767,
        help_text="Where the seat is listed on the body; after the others when omitted.",
    )

    class Meta:
        model = Seat
        fields = (
            "body",
            "label",
            "group",
            "voting",
            "represents_kind",
            "represents_organisation",
            "capacity",
            "order",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )
        validators = []


class SeatHoldingSerializer(serializers.ModelSerializer):
    url = url_field("api:seat-holding-detail")
    seat = BriefSeatSerializer(read_only=True)
    body = BriefBodySerializer(source="seat.body", read_only=True)
    person = BriefPersonSerializer(read_only=True)
    organisation = BriefOrganisationSerializer(read_only=True, allow_null=True)
    role_display = ChoiceLabelField("role", HoldingRole.choices)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = SeatHolding
        fields = (
            "id",
            "url",
            "seat",
            "body",
            "person",
            "organisation",
            "role",
            "role_display",
            "position",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )


class SeatHoldingResultSerializer(SeatHoldingSerializer):
    """A holding just saved, with what it leaves the body's composition breaking."""

    composition_warnings = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text=(
            "The body's composition rules that its membership breaks after this change, in words. "
            "The change is saved all the same: these are for people to see and act on."
        ),
    )

    class Meta(SeatHoldingSerializer.Meta):
        fields = (*SeatHoldingSerializer.Meta.fields, "composition_warnings")


class SeatHoldingInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    seat = serializers.PrimaryKeyRelatedField(queryset=Seat.objects.all(), help_text="The seat (id).")
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), help_text="Who holds it (id).")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The organisation the holder comes from (id); the seat's own organisation when omitted.",
    )
    role = serializers.ChoiceField(
        choices=HoldingRole.choices,
        required=False,
        help_text="Member, or deputy or substitute for the member.",
    )
    position = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=1000,
        help_text="Which of the seat's places this fills; a free one is chosen when omitted.",
    )

    class Meta:
        model = SeatHolding
        fields = (
            "seat",
            "person",
            "organisation",
            "role",
            "position",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )
        validators = []


# --- Composition rules -----------------------------------------------------------------------


class CompositionRuleSerializer(serializers.ModelSerializer):
    url = url_field("api:composition-rule-detail")
    body = BriefBodySerializer(read_only=True)
    kind_display = ChoiceLabelField("kind", CompositionRuleKind.choices)
    other_body = BriefBodySerializer(read_only=True, allow_null=True)
    organisation_kind_display = ChoiceLabelField("organisation_kind", OrganisationKind.choices)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = CompositionRule
        fields = (
            "id",
            "url",
            "body",
            "kind",
            "kind_display",
            "other_body",
            "organisation_kind",
            "organisation_kind_display",
            "count",
            "voting_only",
            "description",
            *READ_SOURCED,
        )


class CompositionRuleInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all(), help_text="The body (id).")
    kind = serializers.ChoiceField(choices=CompositionRuleKind.choices, help_text="What the rule says.")
    other_body = serializers.PrimaryKeyRelatedField(
        queryset=Body.objects.all(),
        required=False,
        allow_null=True,
        help_text="For a majority rule: the body whose members must not form a majority (id).",
    )
    organisation_kind = serializers.ChoiceField(
        choices=OrganisationKind.choices,
        required=False,
        allow_blank=True,
        help_text="For a count rule: the kind of organisation counted.",
    )
    count = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=1000, help_text="For a count rule: how many."
    )

    class Meta:
        model = CompositionRule
        fields = (
            "body",
            "kind",
            "other_body",
            "organisation_kind",
            "count",
            "voting_only",
            "description",
            *READ_SOURCED,
        )
        validators = []


# --- Wider constituency ----------------------------------------------------------------------


class ConstituencyMemberSerializer(serializers.ModelSerializer):
    url = url_field("api:constituency-member-detail")
    display = serializers.SerializerMethodField()
    body = BriefBodySerializer(read_only=True)
    organisation = BriefOrganisationSerializer(read_only=True, allow_null=True)
    decided_by = BriefBodySerializer(read_only=True, allow_null=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = ConstituencyMember
        fields = (
            "id",
            "url",
            "display",
            "body",
            "organisation",
            "label",
            "start_date",
            "end_date",
            "decided_on",
            "decided_by",
            *READ_SOURCED,
        )

    def get_display(self, obj) -> str:
        return str(obj)


class ConstituencyMemberInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    body = serializers.PrimaryKeyRelatedField(queryset=Body.objects.all(), help_text="The body (id).")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(),
        required=False,
        allow_null=True,
        help_text="The organisation, where the registry has it (id).",
    )
    decided_by = serializers.PrimaryKeyRelatedField(
        queryset=Body.objects.all(),
        required=False,
        allow_null=True,
        help_text="The body whose decision added it (id).",
    )

    class Meta:
        model = ConstituencyMember
        fields = (
            "body",
            "organisation",
            "label",
            "start_date",
            "end_date",
            "decided_on",
            "decided_by",
            *READ_SOURCED,
        )
        validators = []


# --- The accountability graph ----------------------------------------------------------------


class GraphQuerySerializer(serializers.Serializer):
    depth = serializers.IntegerField(
        required=False,
        default=1,
        min_value=0,
        max_value=MAX_GRAPH_DEPTH,
        help_text=f"How many accountability links to follow from the body (0 to {MAX_GRAPH_DEPTH}; default 1).",
    )
    as_of = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="The date the graph shows (YYYY-MM-DD; default today).",
    )


class GraphNodeSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="The body's id.")
    url = serializers.URLField(help_text="The body's API address.")
    name = serializers.CharField()
    short_name = serializers.CharField(
        help_text="The name used in drawings (the name when it has no short name)."
    )
    kind = serializers.ChoiceField(choices=BodyKind.choices)
    kind_label = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    status = serializers.ChoiceField(
        choices=Status.choices,
        allow_null=True,
        help_text="Its status on the date; null when none is recorded.",
    )
    status_label = serializers.CharField()


GraphEdgeSerializer = type(
    "GraphEdgeSerializer",
    (serializers.Serializer,),
    {
        "__doc__": "An accountability link in force on the date: <from> <label> <to>.",
        "__module__": __name__,
        "id": serializers.IntegerField(help_text="The relation's id."),
        "from": serializers.IntegerField(help_text="The id of the body the relation is from."),
        "to": serializers.IntegerField(help_text="The id of the body it is to."),
        "kind": serializers.ChoiceField(choices=RelationKind.choices),
        "label": serializers.CharField(),
        "start_date": serializers.DateField(allow_null=True),
        "end_date": serializers.DateField(allow_null=True),
        "note": serializers.CharField(allow_blank=True),
    },
)


class GraphSerializer(serializers.Serializer):
    centre = serializers.IntegerField(help_text="The id of the body the graph is drawn around.")
    as_of = serializers.DateField(help_text="The date the graph shows.")
    depth = serializers.IntegerField(help_text="How many links were followed.")
    nodes = GraphNodeSerializer(many=True, help_text="The bodies within `depth` links of the body.")
    edges = GraphEdgeSerializer(many=True, help_text="The links among them.")


# --- Popolo export ---------------------------------------------------------------------------


class PopoloQuerySerializer(serializers.Serializer):
    system = serializers.IntegerField(
        min_value=1,
        max_value=2**63 - 1,
        help_text="The system to export (id).",
        error_messages={
            "required": "Choose the system to export: give its id, e.g. ?system=1.",
            "invalid": "A system id: a whole number.",
        },
    )
    as_of = serializers.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        help_text="Only what held on this date (YYYY-MM-DD); everything recorded, with its dates, when omitted.",
    )

    def validate_system(self, value) -> System:
        system = System.objects.filter(pk=value).first()
        if system is None:
            raise serializers.ValidationError(f"There is no system with id {value}.")
        return system


class PopoloLinkSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="Where the source is described.")
    note = serializers.CharField(help_text="The source document, section and what it says.")


class PopoloOtherNameSerializer(serializers.Serializer):
    name = serializers.CharField()
    note = serializers.CharField()


class PopoloIdentifierSerializer(serializers.Serializer):
    identifier = serializers.CharField()
    scheme = serializers.CharField(help_text='"ods" for NHS Organisation Data Service codes.')


class PopoloOrganizationSerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text='"body/<id>" for a governance body, "organisation/<id>" for an organisation.'
    )
    name = serializers.CharField()
    classification = serializers.CharField(help_text="The kind of body or organisation.")
    parent_id = serializers.CharField(
        allow_null=True, help_text="For a sub-committee: the body it is a sub-committee of."
    )
    founding_date = serializers.DateField(allow_null=True)
    dissolution_date = serializers.DateField(allow_null=True)
    description = serializers.CharField(allow_null=True)
    other_names = PopoloOtherNameSerializer(many=True)
    identifiers = PopoloIdentifierSerializer(many=True)
    sources = PopoloLinkSerializer(many=True)


class PopoloPostSerializer(serializers.Serializer):
    id = serializers.CharField(
        help_text='"seat/<seat id>-<place>" for a place on a seat, "body/<id>/chair" for a chair.'
    )
    label = serializers.CharField()
    role = serializers.CharField()
    organization_id = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    sources = PopoloLinkSerializer(many=True)


class PopoloMembershipSerializer(serializers.Serializer):
    id = serializers.CharField()
    label = serializers.CharField()
    role = serializers.CharField()
    person_id = serializers.CharField()
    organization_id = serializers.CharField()
    post_id = serializers.CharField()
    on_behalf_of_id = serializers.CharField(
        allow_null=True, help_text="The organisation the person comes from, where recorded."
    )
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    sources = PopoloLinkSerializer(many=True)


class PopoloPersonSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    sources = PopoloLinkSerializer(many=True)


class PopoloSerializer(serializers.Serializer):
    organizations = PopoloOrganizationSerializer(many=True)
    posts = PopoloPostSerializer(many=True)
    memberships = PopoloMembershipSerializer(many=True)
    persons = PopoloPersonSerializer(many=True)


class PopoloExport:
    """A system's governance in Popolo's terms. Ids are namespaced and stable: "body/12",
    "organisation/3", "seat/5-1" (place 1 of seat 5), "body/12/chair", "seat-holding/40",
    "person/9". A constant number of queries, whatever the size of the system."""

    ROLE_LABELS = {str(value): str(label) for value, label in HoldingRole.choices}
    VOTING_LABELS = {str(value): str(label) for value, label in VotingRight.choices}
    CHAIRS = (("chair_post_id", "chair", "Chair"), ("vice_chair_post_id", "vice-chair", "Vice-chair"))

    def __init__(self, system: System, *, on=None, context: dict):
        self.system = system
        self.on = on
        self.documents = source_documents()
        request = context.get("request")
        path = reverse("sources")
        self.sources_url = request.build_absolute_uri(path) if request else path

    # Helpers --------------------------------------------------------------------------------
    def _dated(self, queryset):
        return queryset.as_at(self.on) if self.on else queryset

    @staticmethod
    def _date(value):
        return value.isoformat() if value else None

    def _seat_role(self, voting: str) -> str:
        if voting == VotingRight.NOT_RECORDED:
            return "Member"
        return f"{self.VOTING_LABELS.get(voting, voting)} member"

    def _sources(self, sources) -> list[dict]:
        links = []
        for item in sources or []:
            code = str(item.get("document", ""))
            document = self.documents.get(code)
            note = f"{code}: {document.title}" if document else code
            if item.get("section"):
                note += f", {item['section']}"
            if item.get("note"):
                note += f" — {item['note']}"
            links.append({"url": self.sources_url, "note": note})
        return links

    # The export ----------------------------------------------------------------------------
    def data(self) -> dict:
        on_or_today = self.on or today()
        bodies = list(
            self._bodies()
            .order_by("name", "pk")
            .values(
                "id",
                "name",
                "short_name",
                "kind",
                "purpose",
                "chair_post_id",
                "vice_chair_post_id",
                "sources",
            )
        )
        body_ids = [b["id"] for b in bodies]

        statuses: dict[int, list[dict]] = {}
        for row in BodyStatus.objects.filter(body_id__in=body_ids).values("body_id", "status", "start_date"):
            statuses.setdefault(row["body_id"], []).append(row)

        parents: dict[int, tuple] = {}
        for row in (
            self._dated(AccountabilityRelation.objects.filter(kind=RelationKind.SUB_COMMITTEE_OF))
            .filter(from_body_id__in=body_ids, to_body_id__in=body_ids)
            .values("from_body_id", "to_body_id", "start_date", "end_date")
        ):
            # The parent in force on the day; otherwise the latest recorded.
            in_force = (row["start_date"] is None or row["start_date"] <= on_or_today) and (
                row["end_date"] is None or row["end_date"] >= on_or_today
            )
            rank = (in_force, row["start_date"] or dt.date.min)
            if row["from_body_id"] not in parents or rank > parents[row["from_body_id"]][0]:
                parents[row["from_body_id"]] = (rank, row["to_body_id"])

        host_ids = set(
            BodyHost.objects.filter(body_id__in=body_ids).values_list("organisation_id", flat=True)
        )

        seats = list(
            self._dated(Seat.objects.filter(body_id__in=body_ids))
            .order_by("body_id", "order", "pk")
            .values(
                "id",
                "body_id",
                "label",
                "voting",
                "capacity",
                "start_date",
                "end_date",
                "represents_organisation_id",
                "sources",
            )
        )
        seat_by_id = {seat["id"]: seat for seat in seats}
        holdings = list(
            self._dated(SeatHolding.objects.filter(seat_id__in=list(seat_by_id)))
            .order_by("seat_id", "position", "role", F("start_date").asc(nulls_first=True), "pk")
            .values(
                "id",
                "seat_id",
                "person_id",
                "organisation_id",
                "role",
                "position",
                "start_date",
                "end_date",
                "sources",
            )
        )

        chair_of: dict[int, list[tuple[int, str, str]]] = {}
        for body in bodies:
            for field, slug, role in self.CHAIRS:
                if body[field]:
                    chair_of.setdefault(body[field], []).append((body["id"], slug, role))
        chair_posts = {
            p["id"]: p
            for p in self._dated(Post.objects.filter(pk__in=list(chair_of))).values(
                "id", "title", "organisation_id", "start_date", "end_date", "sources"
            )
        }
        chair_holdings = list(
            self._dated(PostHolding.objects.filter(post_id__in=list(chair_posts)))
            .order_by("post_id", "position", F("start_date").asc(nulls_first=True), "pk")
            .values("id", "post_id", "person_id", "is_acting", "start_date", "end_date", "sources")
        )

        org_ids = (
            host_ids
            | {s["represents_organisation_id"] for s in seats}
            | {h["organisation_id"] for h in holdings}
            | {p["organisation_id"] for p in chair_posts.values()}
        ) - {None}
        organisations = list(
            Organisation.objects.filter(pk__in=org_ids)
            .order_by("name", "pk")
            .values("id", "name", "kind", "ods_code", "start_date", "end_date", "sources")
        )
        person_ids = {h["person_id"] for h in holdings} | {h["person_id"] for h in chair_holdings}
        persons = list(
            Person.objects.filter(pk__in=person_ids).order_by("name", "pk").values("id", "name", "sources")
        )

        # Organizations: the bodies, then the organisations around them.
        organizations = []
        for body in bodies:
            periods = statuses.get(body["id"], [])
            meeting = [p for p in periods if p["status"] in Status.meeting()]
            first = min(
                meeting,
                key=lambda p: (p["start_date"] is not None, p["start_date"] or dt.date.min),
                default=None,
            )
            stood_down = next((p for p in periods if p["status"] == Status.STOOD_DOWN), None)
            parent = parents.get(body["id"])
            organizations.append(
                {
                    "id": f"body/{body['id']}",
                    "name": body["name"],
                    "classification": body["kind"],
                    "parent_id": f"body/{parent[1]}" if parent else None,
                    "founding_date": self._date(first["start_date"]) if first else None,
                    "dissolution_date": self._date(stood_down["start_date"]) if stood_down else None,
                    "description": body["purpose"] or None,
                    "other_names": [{"name": body["short_name"], "note": "Short name"}]
                    if body["short_name"]
                    else [],
                    "identifiers": [],
                    "sources": self._sources(body["sources"]),
                }
            )
        for org in organisations:
            organizations.append(
                {
                    "id": f"organisation/{org['id']}",
                    "name": org["name"],
                    "classification": org["kind"],
                    "parent_id": None,
                    "founding_date": self._date(org["start_date"]),
                    "dissolution_date": self._date(org["end_date"]),
                    "description": None,
                    "other_names": [],
                    "identifiers": [{"identifier": org["ods_code"], "scheme": "ods"}]
                    if org["ods_code"]
                    else [],
                    "sources": self._sources(org["sources"]),
                }
            )

        # Posts: every place on every seat, and each body's chair and vice-chair.
        posts = []
        places: dict[int, int] = {}
        for h in holdings:
            places[h["seat_id"]] = max(places.get(h["seat_id"], 0), h["position"])
        for seat in seats:
            count = max(seat["capacity"], places.get(seat["id"], 0))
            for place in range(1, count + 1):
                posts.append(
                    {
                        "id": f"seat/{seat['id']}-{place}",
                        "label": seat["label"] if count == 1 else f"{seat['label']} (place {place})",
                        "role": self._seat_role(seat["voting"]),
                        "organization_id": f"body/{seat['body_id']}",
                        "start_date": self._date(seat["start_date"]),
                        "end_date": self._date(seat["end_date"]),
                        "sources": self._sources(seat["sources"]),
                    }
                )
        for post_id, post in sorted(chair_posts.items()):
            for body_id, slug, role in chair_of[post_id]:
                posts.append(
                    {
                        "id": f"body/{body_id}/{slug}",
                        "label": post["title"],
                        "role": role,
                        "organization_id": f"body/{body_id}",
                        "start_date": self._date(post["start_date"]),
                        "end_date": self._date(post["end_date"]),
                        "sources": self._sources(post["sources"]),
                    }
                )

        # Memberships: who held each seat place and each chair.
        memberships = []
        for h in holdings:
            seat = seat_by_id[h["seat_id"]]
            memberships.append(
                {
                    "id": f"seat-holding/{h['id']}",
                    "label": seat["label"],
                    "role": self.ROLE_LABELS.get(h["role"], h["role"]),
                    "person_id": f"person/{h['person_id']}",
                    "organization_id": f"body/{seat['body_id']}",
                    "post_id": f"seat/{seat['id']}-{h['position']}",
                    "on_behalf_of_id": f"organisation/{h['organisation_id']}"
                    if h["organisation_id"]
                    else None,
                    "start_date": self._date(h["start_date"]),
                    "end_date": self._date(h["end_date"]),
                    "sources": self._sources(h["sources"]),
                }
            )
        for h in chair_holdings:
            post = chair_posts[h["post_id"]]
            for body_id, slug, role in chair_of[h["post_id"]]:
                memberships.append(
                    {
                        "id": f"body/{body_id}/{slug}/{h['id']}",
                        "label": post["title"],
                        "role": f"Acting {role.lower()}" if h["is_acting"] else role,
                        "person_id": f"person/{h['person_id']}",
                        "organization_id": f"body/{body_id}",
                        "post_id": f"body/{body_id}/{slug}",
                        "on_behalf_of_id": f"organisation/{post['organisation_id']}"
                        if post["organisation_id"]
                        else None,
                        "start_date": self._date(h["start_date"]),
                        "end_date": self._date(h["end_date"]),
                        "sources": self._sources(h["sources"]),
                    }
                )

        return {
            "organizations": organizations,
            "posts": posts,
            "memberships": memberships,
            "persons": [
                {"id": f"person/{p['id']}", "name": p["name"], "sources": self._sources(p["sources"])}
                for p in persons
            ],
        }

    def _bodies(self):
        bodies = Body.objects.filter(system=self.system)
        return bodies.as_at(self.on) if self.on else bodies
