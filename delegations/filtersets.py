"""One FilterSet per delegations model, shared by the HTML lists and the API."""

import django_filters
from django import forms

from governance.models import Body
from ics_registry.filtersets import ISO_DATE, AsOfFilterMixin, IdFilter, RegistryFilterSet
from organisations.choices import Tier
from organisations.models import Area, Organisation, Post, System

from .choices import ArrangementStatus, DelegationStatus, PlaceLeadModel, SpatialLevel, TierColumn, Vehicle
from .models import (
    Delegation,
    DelegationFunction,
    Function,
    PlaceLeadArrangement,
    ReservedMatter,
    StatutoryHolding,
    TierAssignment,
)


class FunctionFilterSet(RegistryFilterSet):
    parent = IdFilter(queryset=Function.objects.all(), help_text="The wider function (id): its direct parts.")
    spatial_level = django_filters.ChoiceFilter(
        choices=SpatialLevel.choices, help_text="The footprint it is best decided at."
    )

    class Meta:
        model = Function
        fields = ["q", "parent", "spatial_level"]


class StatutoryHoldingFilterSet(AsOfFilterMixin, django_filters.FilterSet):
    function = IdFilter(queryset=Function.objects.all(), help_text="The function (id).")
    holder = IdFilter(queryset=Organisation.objects.all(), help_text="The holding organisation (id).")
    area = IdFilter(queryset=Area.objects.all(), help_text="The area it is held for (id).")

    class Meta:
        model = StatutoryHolding
        fields = ["function", "holder", "area", "as_of"]


class DelegationFilterSet(AsOfFilterMixin, RegistryFilterSet):
    function = IdFilter(
        queryset=Function.objects.all(),
        method="filter_function",
        help_text="Delegations of this function or of any function it covers (id).",
    )
    area = IdFilter(queryset=Area.objects.all(), help_text="The area it applies to (id).")
    system = IdFilter(queryset=System.objects.all(), field_name="area__system", help_text="The system (id).")
    status = django_filters.ChoiceFilter(choices=DelegationStatus.choices, help_text="The status.")
    vehicle = django_filters.ChoiceFilter(choices=Vehicle.choices, help_text="The legal vehicle.")
    delegator_organisation = IdFilter(
        queryset=Organisation.objects.all(), help_text="Delegated by this organisation (id)."
    )
    delegator_body = IdFilter(queryset=Body.objects.all(), help_text="Delegated by this body (id).")
    delegator_post = IdFilter(queryset=Post.objects.all(), help_text="Delegated by this post (id).")
    delegate_organisation = IdFilter(
        queryset=Organisation.objects.all(), help_text="Delegated to this organisation (id)."
    )
    delegate_body = IdFilter(queryset=Body.objects.all(), help_text="Delegated to this body (id).")
    delegate_post = IdFilter(queryset=Post.objects.all(), help_text="Delegated to this post (id).")
    parent = IdFilter(queryset=Delegation.objects.all(), help_text="Sub-delegations of this delegation (id).")
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        label="In force on",
        help_text="Only delegations in force on this date (YYYY-MM-DD).",
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=ISO_DATE,
    )

    class Meta:
        model = Delegation
        fields = [
            "q",
            "function",
            "area",
            "system",
            "status",
            "vehicle",
            "delegator_organisation",
            "delegator_body",
            "delegator_post",
            "delegate_organisation",
            "delegate_body",
            "delegate_post",
            "parent",
            "as_of",
        ]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        # A subquery rather than search()'s DISTINCT, so the list keeps its ordering and prefetches.
        return queryset.filter(pk__in=Delegation.objects.search(value).values("pk"))

    def filter_function(self, queryset, name, value):
        covered = Function.objects.within(value.pk).values("pk")
        return queryset.filter(
            pk__in=DelegationFunction.objects.filter(function__in=covered).values("delegation")
        )

    def filter_as_of(self, queryset, name, value):
        """In force on the date (a proposed or agreed delegation is in force on no date)."""
        return queryset.in_force(value)


class ReservedMatterFilterSet(AsOfFilterMixin, django_filters.FilterSet):
    function = IdFilter(queryset=Function.objects.all(), help_text="The function (id).")
    area = IdFilter(queryset=Area.objects.all(), help_text="The area the reservation applies to (id).")

    class Meta:
        model = ReservedMatter
        fields = ["function", "area", "as_of"]


class PlaceLeadArrangementFilterSet(AsOfFilterMixin, django_filters.FilterSet):
    area = IdFilter(queryset=Area.objects.all(), help_text="The locality (id).")
    system = IdFilter(queryset=System.objects.all(), field_name="area__system", help_text="The system (id).")
    model = django_filters.ChoiceFilter(choices=PlaceLeadModel.choices, help_text="How the role is arranged.")
    status = django_filters.ChoiceFilter(choices=ArrangementStatus.choices, help_text="The status.")

    class Meta:
        model = PlaceLeadArrangement
        fields = ["area", "system", "model", "status", "as_of"]


class TierAssignmentFilterSet(django_filters.FilterSet):
    system = IdFilter(queryset=System.objects.all(), help_text="The system (id).")
    tier = django_filters.ChoiceFilter(choices=Tier.choices, help_text="The tier.")
    column = django_filters.ChoiceFilter(choices=TierColumn.choices, help_text="The column of the table.")
    function = IdFilter(queryset=Function.objects.all(), help_text="The function (id).")
    body = IdFilter(queryset=Body.objects.all(), help_text="The body (id).")

    class Meta:
        model = TierAssignment
        fields = ["system", "tier", "column", "function", "body"]
