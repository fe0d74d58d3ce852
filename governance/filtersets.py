import django_filters
from django.db.models import Q
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from ics_registry.as_at import today
from ics_registry.filtersets import ISO_DATE, AsOfFilterMixin, IdFilter, RegistryFilterSet
from organisations.choices import OrganisationKind, Tier
from organisations.models import Area, Organisation, Person, System

from .choices import BodyKind, HoldingRole, RelationKind, Status, VotingRight
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


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(django_filters.ChoiceFilter):
    """true or false, documented as a boolean; anything else is refused (a BooleanFilter reads
    "perhaps" as no filter at all)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("choices", [("true", "Yes"), ("false", "No")])
        super().__init__(**kwargs)


class BodyFilterSet(AsOfFilterMixin, RegistryFilterSet):
    system = IdFilter(queryset=System.objects.all(), help_text="The system (id).")
    kind = django_filters.ChoiceFilter(choices=BodyKind.choices, help_text="The kind of body.")
    tier = django_filters.ChoiceFilter(choices=Tier.choices, help_text="The tier it works at.")
    area = IdFilter(queryset=Area.objects.all(), method="filter_area", help_text="Covering this area (id).")
    status = django_filters.ChoiceFilter(
        choices=Status.choices,
        method="filter_status",
        help_text="Its status on the as_of date (today when as_of is not given).",
    )
    statutory = YesNoFilter(
        method="filter_statutory",
        label="Statutory",
        help_text="Statutory bodies only (true), or only those that are not (false).",
    )

    class Meta:
        model = Body
        fields = ["q", "system", "kind", "tier", "area", "status", "statutory", "as_of"]

    def filter_area(self, queryset, name, value):
        return queryset.filter(pk__in=Body.areas.through.objects.filter(area=value).values("body"))

    def filter_statutory(self, queryset, name, value):
        # A ChoiceFilter (not a TypedChoiceFilter) so that the page's select offers "any" as well.
        return queryset.filter(is_statutory=value == "true")

    def filter_as_of(self, queryset, name, value):
        # With a status asked for, as_of is the day the status is read on (so stood-down bodies
        # can be found); without one, it lists the bodies that existed that day.
        if self.form.cleaned_data.get("status"):
            return queryset
        return queryset.as_at(value)

    def filter_status(self, queryset, name, value):
        return queryset.in_status(value, self.form.cleaned_data.get("as_of") or today())


class BodyStatusFilterSet(AsOfFilterMixin, django_filters.FilterSet):
    body = IdFilter(queryset=Body.objects.all(), help_text="The body (id).")
    status = django_filters.ChoiceFilter(choices=Status.choices, help_text="The status.")

    class Meta:
        model = BodyStatus
        fields = ["body", "status", "as_of"]


class RelationFilterSet(AsOfFilterMixin, django_filters.FilterSet):
    body = IdFilter(queryset=Body.objects.all(), method="filter_body", help_text="Either end (id).")
    from_body = IdFilter(queryset=Body.objects.all(), help_text="The body the relation is from (id).")
    to_body = IdFilter(queryset=Body.objects.all(), help_text="The body the relation is to (id).")
    kind = django_filters.ChoiceFilter(choices=RelationKind.choices, help_text="The kind of relation.")
    system = IdFilter(
        queryset=System.objects.all(), field_name="from_body__system", help_text="The system (id)."
    )

    class Meta:
        model = AccountabilityRelation
        fields = ["body", "from_body", "to_body", "kind", "system", "as_of"]

    def filter_body(self, queryset, name, value):
        return queryset.filter(Q(from_body=value) | Q(to_body=value))


class TermsOfReferenceFilterSet(django_filters.FilterSet):
    body = IdFilter(queryset=Body.objects.all(), help_text="The body (id).")
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        help_text="Versions approved by this date, and drafts (YYYY-MM-DD).",
        input_formats=ISO_DATE,
    )
    overdue_on = django_filters.DateFilter(
        method="filter_overdue",
        help_text="Only bodies' current versions whose review date had passed by this date (YYYY-MM-DD).",
        input_formats=ISO_DATE,
    )

    class Meta:
        model = TermsOfReference
        fields = ["body", "as_of", "overdue_on"]

    def filter_as_of(self, queryset, name, value):
        return queryset.as_at(value)

    def filter_overdue(self, queryset, name, value):
        return queryset.overdue(value)


class SeatFilterSet(AsOfFilterMixin, RegistryFilterSet):
    body = IdFilter(queryset=Body.objects.all(), help_text="The body (id).")
    voting = django_filters.ChoiceFilter(choices=VotingRight.choices, help_text="The voting right.")
    represents_organisation = IdFilter(
        queryset=Organisation.objects.all(), help_text="Organisation represented (id)."
    )
    represents_kind = django_filters.ChoiceFilter(
        choices=OrganisationKind.choices, help_text="Kind of organisation represented."
    )

    class Meta:
        model = Seat
        fields = ["q", "body", "voting", "represents_organisation", "represents_kind", "as_of"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(Q(label__icontains=value) | Q(group__icontains=value)) if value else queryset


class SeatHoldingFilterSet(AsOfFilterMixin, django_filters.FilterSet):
    seat = IdFilter(queryset=Seat.objects.all(), help_text="The seat (id).")
    body = IdFilter(queryset=Body.objects.all(), field_name="seat__body", help_text="The body (id).")
    person = IdFilter(queryset=Person.objects.all(), help_text="The person (id).")
    organisation = IdFilter(queryset=Organisation.objects.all(), help_text="The holder's organisation (id).")
    role = django_filters.ChoiceFilter(choices=HoldingRole.choices, help_text="Member, deputy or substitute.")

    class Meta:
        model = SeatHolding
        fields = ["seat", "body", "person", "organisation", "role", "as_of"]


class CompositionRuleFilterSet(django_filters.FilterSet):
    body = IdFilter(queryset=Body.objects.all(), help_text="The body (id).")

    class Meta:
        model = CompositionRule
        fields = ["body"]


class ConstituencyFilterSet(AsOfFilterMixin, django_filters.FilterSet):
    body = IdFilter(queryset=Body.objects.all(), help_text="The body (id).")
    organisation = IdFilter(queryset=Organisation.objects.all(), help_text="The organisation (id).")

    class Meta:
        model = ConstituencyMember
        fields = ["body", "organisation", "as_of"]
