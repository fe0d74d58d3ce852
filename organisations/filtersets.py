import django_filters
from django.db.models import Q

from ics_registry.filtersets import ISO_DATE, AsOfFilterMixin, IdFilter, RegistryFilterSet

from .choices import AreaKind, MembershipCategory, OrganisationKind, Tier
from .models import Area, Organisation, PartnershipMembership, Person, Post, PostHolding, Succession, System


class SystemFilterSet(RegistryFilterSet):
    code = django_filters.CharFilter(field_name="ods_code", lookup_expr="iexact", help_text="ODS code.")

    class Meta:
        model = System
        fields = ["q", "code"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(name__icontains=value) | Q(short_name__iexact=value)) if value else queryset


class AreaFilterSet(AsOfFilterMixin, RegistryFilterSet):
    system = IdFilter(queryset=System.objects.all(), help_text="The system (id).")
    tier = django_filters.ChoiceFilter(choices=Tier.choices, help_text="The tier.")
    kind = django_filters.ChoiceFilter(choices=AreaKind.choices, help_text="The kind of footprint.")
    parent = IdFilter(queryset=Area.objects.all(), help_text="The parent area (id).")
    code = django_filters.CharFilter(field_name="ons_code", lookup_expr="iexact", help_text="ONS code.")

    class Meta:
        model = Area
        fields = ["q", "system", "tier", "kind", "parent", "code", "as_of"]


class OrganisationFilterSet(AsOfFilterMixin, RegistryFilterSet):
    kind = django_filters.ChoiceFilter(
        choices=OrganisationKind.choices, help_text="The kind of organisation."
    )
    system = IdFilter(
        queryset=System.objects.all(),
        method="filter_system",
        help_text="Serving an area of this system (id).",
    )
    area = IdFilter(queryset=Area.objects.all(), method="filter_area", help_text="Serving this area (id).")
    code = django_filters.CharFilter(field_name="ods_code", lookup_expr="iexact", help_text="ODS code.")

    class Meta:
        model = Organisation
        fields = ["q", "kind", "system", "area", "code", "as_of"]

    def filter_system(self, queryset, name, value):
        return queryset.filter(
            pk__in=Organisation.areas.through.objects.filter(area__system=value).values("organisation")
        )

    def filter_area(self, queryset, name, value):
        return queryset.serving([value.pk])


class SuccessionFilterSet(RegistryFilterSet):
    q = None
    organisation = IdFilter(
        queryset=Organisation.objects.all(), method="filter_organisation", help_text="Either side (id)."
    )
    predecessor = IdFilter(queryset=Organisation.objects.all(), help_text="Predecessor (id).")
    successor = IdFilter(queryset=Organisation.objects.all(), help_text="Successor (id).")
    as_of = django_filters.DateFilter(
        field_name="effective_date",
        lookup_expr="lte",
        help_text="Only successions in effect by this date (YYYY-MM-DD).",
        input_formats=ISO_DATE,
    )

    class Meta:
        model = Succession
        fields = ["organisation", "predecessor", "successor", "as_of"]

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(Q(predecessor=value) | Q(successor=value))


class MembershipFilterSet(AsOfFilterMixin, RegistryFilterSet):
    q = None
    system = IdFilter(queryset=System.objects.all(), help_text="The system (id).")
    organisation = IdFilter(queryset=Organisation.objects.all(), help_text="The partner (id).")
    category = django_filters.ChoiceFilter(
        choices=MembershipCategory.choices, help_text="The partnership category."
    )

    class Meta:
        model = PartnershipMembership
        fields = ["system", "organisation", "category", "as_of"]


class PersonFilterSet(RegistryFilterSet):
    class Meta:
        model = Person
        fields = ["q"]


class PostFilterSet(AsOfFilterMixin, RegistryFilterSet):
    organisation = IdFilter(queryset=Organisation.objects.all(), help_text="Organisation (id).")
    area = IdFilter(queryset=Area.objects.all(), help_text="Area (id).")
    system = IdFilter(
        queryset=System.objects.all(),
        method="filter_system",
        help_text="Posts for areas of this system (id).",
    )

    class Meta:
        model = Post
        fields = ["q", "organisation", "area", "system", "as_of"]

    def filter_system(self, queryset, name, value):
        return queryset.filter(Q(area__system=value) | Q(organisation__areas__system=value)).distinct()


class PostHoldingFilterSet(AsOfFilterMixin, django_filters.FilterSet):
    post = IdFilter(queryset=Post.objects.all(), help_text="The post (id).")
    person = IdFilter(queryset=Person.objects.all(), help_text="The person (id).")

    class Meta:
        model = PostHolding
        fields = ["post", "person", "as_of"]
