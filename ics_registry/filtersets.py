"""The base FilterSet: one per model, used by the HTML lists and the API alike."""

import django_filters
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field


@extend_schema_field(OpenApiTypes.INT)
class IdFilter(django_filters.ModelChoiceFilter):
    """A related record chosen by its id; an unknown id is a 400 with a field message."""


# Dates in query strings are ISO only: the locale's day-first forms would make 05/06/2022 mean
# different days to different callers.
ISO_DATE = ["%Y-%m-%d"]


class RegistryFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_q", label="Search", help_text="Find by name or code.")

    def filter_q(self, queryset, name, value):
        value = value.strip()
        return queryset.search(value) if value else queryset


class AsOfFilterMixin(django_filters.FilterSet):
    as_of = django_filters.DateFilter(
        method="filter_as_of",
        label="As at",
        help_text="Only records that held on this date (YYYY-MM-DD).",
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=ISO_DATE,
    )

    def filter_as_of(self, queryset, name, value):
        return queryset.as_at(value) if value else queryset
