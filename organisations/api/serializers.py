"""Explicit API representations: output serializers for reads, input serializers for writes
(whose data goes to the services)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ics_registry.serializers import (
    BriefSerializer,
    ChoiceLabelField,
    RecordUrlField,
    SourcedFieldsMixin,
    SourceSerializer,
    url_maker,
)

from ..choices import AreaKind, MembershipCategory, OrganisationKind, Tier
from ..models import Area, Organisation, PartnershipMembership, Person, Post, PostHolding, Succession, System


class BriefSystemSerializer(BriefSerializer):
    route_name = "api:system-detail"
    short_name = serializers.CharField(read_only=True)


class BriefAreaSerializer(BriefSerializer):
    route_name = "api:area-detail"
    tier = serializers.CharField(read_only=True)
    ons_code = serializers.CharField(read_only=True)


class BriefOrganisationSerializer(BriefSerializer):
    route_name = "api:organisation-detail"
    ods_code = serializers.CharField(read_only=True)


class BriefPersonSerializer(BriefSerializer):
    route_name = "api:person-detail"


class BriefPostSerializer(BriefSerializer):
    route_name = "api:post-detail"


def url_field(route):
    return RecordUrlField(route)


READ_SOURCED = ("sources", "is_incomplete", "incomplete_note")


class SystemSerializer(serializers.ModelSerializer):
    url = url_field("api:system-detail")
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = System
        fields = (
            "id",
            "url",
            "name",
            "short_name",
            "ods_code",
            "population_estimate",
            "icb_statutory_from",
            *READ_SOURCED,
        )


class SystemInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = System
        fields = (
            "name",
            "short_name",
            "ods_code",
            "population_estimate",
            "icb_statutory_from",
            *READ_SOURCED,
        )
        validators = []  # uniqueness is checked by the service, with field messages


class AreaSerializer(serializers.ModelSerializer):
    url = url_field("api:area-detail")
    system = BriefSystemSerializer(read_only=True)
    parent = BriefAreaSerializer(read_only=True, allow_null=True)
    members = BriefAreaSerializer(many=True, read_only=True)
    tier_display = ChoiceLabelField("tier", Tier.choices)
    kind_display = ChoiceLabelField("kind", AreaKind.choices)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Area
        fields = (
            "id",
            "url",
            "name",
            "system",
            "tier",
            "tier_display",
            "kind",
            "kind_display",
            "parent",
            "members",
            "population_estimate",
            "ons_code",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )


class AreaInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    system = serializers.PrimaryKeyRelatedField(queryset=System.objects.all(), help_text="The system (id).")
    parent = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), allow_null=True, required=False, help_text="The parent area (id)."
    )
    members = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(),
        many=True,
        required=False,
        help_text="For a footprint of other areas: their ids.",
    )
    tier = serializers.ChoiceField(choices=Tier.choices, help_text="The tier.")
    kind = serializers.ChoiceField(choices=AreaKind.choices, help_text="The kind of footprint.")

    class Meta:
        model = Area
        fields = (
            "name",
            "system",
            "tier",
            "kind",
            "parent",
            "members",
            "population_estimate",
            "ons_code",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )
        validators = []


class OrganisationSerializer(serializers.ModelSerializer):
    url = url_field("api:organisation-detail")
    kind_display = ChoiceLabelField("kind", OrganisationKind.choices)
    areas = BriefAreaSerializer(many=True, read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Organisation
        fields = (
            "id",
            "url",
            "name",
            "kind",
            "kind_display",
            "ods_code",
            "start_date",
            "end_date",
            "areas",
            *READ_SOURCED,
        )


class OrganisationRows:
    """The organisations list, read with .values(): the same JSON as OrganisationSerializer, built
    without a model instance per row. A list page is the registry's busiest read."""

    FIELDS = ("id", "name", "kind", "ods_code", "start_date", "end_date", *READ_SOURCED)
    KIND_LABELS = {str(value): str(label) for value, label in OrganisationKind.choices}

    @classmethod
    def page(cls, queryset):
        return queryset.values(*cls.FIELDS)

    @classmethod
    def represent(cls, rows: list[dict], context: dict) -> list[dict]:
        from ..models import OrganisationArea

        org_url = url_maker(context, "api:organisation-detail")
        area_url = url_maker(context, "api:area-detail")
        areas: dict[int, list[dict]] = {}
        links = (
            OrganisationArea.objects.filter(organisation_id__in=[row["id"] for row in rows])
            .order_by("area__name", "area_id")
            .values_list("organisation_id", "area_id", "area__name", "area__tier", "area__ons_code")
        )
        for org_id, area_id, name, tier, ons_code in links:
            areas.setdefault(org_id, []).append(
                {"id": area_id, "url": area_url(area_id), "display": name, "tier": tier, "ons_code": ons_code}
            )
        return [
            {
                "id": row["id"],
                "url": org_url(row["id"]),
                "name": row["name"],
                "kind": row["kind"],
                "kind_display": cls.KIND_LABELS.get(row["kind"], row["kind"]),
                "ods_code": row["ods_code"],
                "start_date": row["start_date"].isoformat() if row["start_date"] else None,
                "end_date": row["end_date"].isoformat() if row["end_date"] else None,
                "areas": areas.get(row["id"], []),
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
            for row in rows
        ]


class OrganisationInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=OrganisationKind.choices, help_text="The kind of organisation.")
    areas = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), many=True, required=False, help_text="Ids of the areas it serves."
    )

    class Meta:
        model = Organisation
        fields = ("name", "kind", "ods_code", "start_date", "end_date", "areas", *READ_SOURCED)
        validators = []
        extra_kwargs = {"ods_code": {"validators": []}}


class SuccessionSerializer(serializers.ModelSerializer):
    url = url_field("api:succession-detail")
    predecessor = BriefOrganisationSerializer(read_only=True)
    successor = BriefOrganisationSerializer(read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Succession
        fields = ("id", "url", "predecessor", "successor", "effective_date", "note", *READ_SOURCED)


class SuccessionInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    predecessor = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="Predecessor (id)."
    )
    successor = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="Successor (id)."
    )

    class Meta:
        model = Succession
        fields = ("predecessor", "successor", "effective_date", "note", *READ_SOURCED)
        validators = []


class MembershipSerializer(serializers.ModelSerializer):
    url = url_field("api:membership-detail")
    system = BriefSystemSerializer(read_only=True)
    organisation = BriefOrganisationSerializer(read_only=True)
    category_display = ChoiceLabelField("category", MembershipCategory.choices)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = PartnershipMembership
        fields = (
            "id",
            "url",
            "system",
            "organisation",
            "category",
            "category_display",
            "start_date",
            "end_date",
            "note",
            *READ_SOURCED,
        )


class MembershipInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    system = serializers.PrimaryKeyRelatedField(queryset=System.objects.all(), help_text="The system (id).")
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="Partner (id)."
    )
    category = serializers.ChoiceField(choices=MembershipCategory.choices, help_text="Partnership category.")

    class Meta:
        model = PartnershipMembership
        fields = ("system", "organisation", "category", "start_date", "end_date", "note", *READ_SOURCED)
        validators = []


class PersonSerializer(serializers.ModelSerializer):
    url = url_field("api:person-detail")
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = ("id", "url", "name", *READ_SOURCED)


class PersonInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    class Meta:
        model = Person
        fields = ("name", *READ_SOURCED)


class HolderSerializer(serializers.ModelSerializer):
    person = BriefPersonSerializer(read_only=True)

    class Meta:
        model = PostHolding
        fields = ("id", "person", "position", "is_acting", "start_date", "end_date")


class PostSerializer(serializers.ModelSerializer):
    url = url_field("api:post-detail")
    organisation = BriefOrganisationSerializer(read_only=True, allow_null=True)
    area = BriefAreaSerializer(read_only=True, allow_null=True)
    holders = serializers.SerializerMethodField(help_text="Who held the post on the as_of date (or today).")
    is_vacant = serializers.SerializerMethodField(help_text="True when nobody held the post on that date.")
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = Post
        fields = (
            "id",
            "url",
            "title",
            "organisation",
            "area",
            "capacity",
            "start_date",
            "end_date",
            "holders",
            "is_vacant",
            *READ_SOURCED,
        )

    @extend_schema_field(HolderSerializer(many=True))
    def get_holders(self, obj):
        return HolderSerializer(getattr(obj, "holdings_shown", []), many=True, context=self.context).data

    def get_is_vacant(self, obj) -> bool:
        return not getattr(obj, "holdings_shown", [])


class PostInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), allow_null=True, required=False, help_text="Organisation (id)."
    )
    area = serializers.PrimaryKeyRelatedField(
        queryset=Area.objects.all(), allow_null=True, required=False, help_text="Area (id)."
    )

    class Meta:
        model = Post
        fields = ("title", "organisation", "area", "capacity", "start_date", "end_date", *READ_SOURCED)
        validators = []
        extra_kwargs = {"capacity": {"min_value": 1, "max_value": 1000}}


class PostHoldingSerializer(serializers.ModelSerializer):
    url = url_field("api:post-holding-detail")
    post = BriefPostSerializer(read_only=True)
    person = BriefPersonSerializer(read_only=True)
    sources = SourceSerializer(many=True, read_only=True)

    class Meta:
        model = PostHolding
        fields = (
            "id",
            "url",
            "post",
            "person",
            "position",
            "is_acting",
            "start_date",
            "end_date",
            *READ_SOURCED,
        )


class PostHoldingInputSerializer(SourcedFieldsMixin, serializers.ModelSerializer):
    post = serializers.PrimaryKeyRelatedField(queryset=Post.objects.all(), help_text="The post (id).")
    person = serializers.PrimaryKeyRelatedField(queryset=Person.objects.all(), help_text="The person (id).")
    position = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=1000,
        help_text="Which place of the post; chosen automatically when omitted.",
    )

    class Meta:
        model = PostHolding
        fields = ("post", "person", "position", "is_acting", "start_date", "end_date", *READ_SOURCED)
        validators = []
