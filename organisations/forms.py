"""Forms parse what people type; the services decide whether it is allowed."""

from django import forms

from ics_registry.permissions import has_global_permission
from ics_registry.views import ServiceModelForm

from .models import Area, Organisation, Person, Post, PostHolding

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SOURCES_HELP = (
    'Where the facts come from, as a JSON list, e.g. [{"document": "001", "section": "Appendix 1"}]. '
    "Leave [] when none is recorded."
)


class SourcedForm(ServiceModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "sources" in self.fields:
            self.fields["sources"].help_text = SOURCES_HELP
            self.fields["sources"].required = False
            self.fields["sources"].widget = forms.Textarea(attrs={"rows": 3})

    def clean_sources(self):
        return self.cleaned_data.get("sources") or []


def _editable_areas(user, model):
    if has_global_permission(user, model, "change"):
        return Area.objects.select_related("system").order_by("system__name", "tier", "name")
    return (
        Area.objects.restrict(user, "change")
        .select_related("system")
        .order_by("system__name", "tier", "name")
    )


class AreaForm(SourcedForm):
    class Meta:
        model = Area
        fields = [
            "name",
            "kind",
            "population_estimate",
            "ons_code",
            "start_date",
            "end_date",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}


class OrganisationForm(SourcedForm):
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.none(),
        required=False,
        help_text="The areas this organisation serves.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Organisation
        fields = [
            "name",
            "kind",
            "ods_code",
            "start_date",
            "end_date",
            "areas",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = _editable_areas(self.user, Organisation)
        if self.instance.pk:
            self.initial["areas"] = list(self.instance.areas.values_list("pk", flat=True))


class PersonForm(SourcedForm):
    class Meta:
        model = Person
        fields = ["name", "sources", "is_incomplete", "incomplete_note"]


class PostForm(SourcedForm):
    class Meta:
        model = Post
        fields = [
            "title",
            "organisation",
            "area",
            "capacity",
            "start_date",
            "end_date",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _editable_areas(self.user, Post)
        orgs = Organisation.objects.order_by("name")
        if not has_global_permission(self.user, Post, "change"):
            orgs = Organisation.objects.restrict(self.user, "change").order_by("name")
        self.fields["organisation"].queryset = orgs


class PostHoldingForm(SourcedForm):
    person = forms.ModelChoiceField(queryset=Person.objects.order_by("name"), help_text="Who holds the post.")

    class Meta:
        model = PostHolding
        fields = [
            "person",
            "start_date",
            "end_date",
            "is_acting",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}
