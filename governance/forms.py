"""Forms parse what people type; the governance services decide whether it is allowed."""

from django import forms

from ics_registry.permissions import CHANGE, has_global_permission
from organisations.forms import DATE, SourcedForm
from organisations.models import Area, Organisation, Person, Post

from .models import AccountabilityRelation, Body, BodyStatus, Seat, SeatHolding, TermsOfReference

STATUTORY_CHOICES = [("unknown", "Not known (no source says)"), ("true", "Yes"), ("false", "No")]


class PostChoiceField(forms.ModelChoiceField):
    """Posts named with where they are, since many posts share a title ("Chair")."""

    def label_from_instance(self, obj):
        where = obj.organisation.name if obj.organisation_id else (obj.area.name if obj.area_id else "")
        return f"{obj.title}, {where}" if where else obj.title


class BodyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.system.short_name})"


def _posts():
    return Post.objects.select_related("organisation", "area").order_by("title", "id")


def _bodies():
    return Body.objects.select_related("system").order_by("system__name", "name")


def _areas_for(user):
    areas = Area.objects.select_related("system").order_by("system__name", "tier", "name")
    return areas if has_global_permission(user, Body, CHANGE) else areas.restrict(user, CHANGE)


class BodyForm(SourcedForm):
    areas = forms.ModelMultipleChoiceField(
        queryset=Area.objects.none(),
        required=False,
        help_text="The areas the body covers: at least one, all in its system.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    hosts = forms.ModelMultipleChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        help_text="The organisation(s) hosting it: several for a joint committee. Leave empty when not known.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    is_statutory = forms.TypedChoiceField(
        label="Statutory",
        choices=STATUTORY_CHOICES,
        coerce=lambda value: {"true": True, "false": False}.get(value),
        empty_value=None,
        required=False,
        help_text="Whether it is a statutory body.",
    )
    chair_post = PostChoiceField(
        queryset=Post.objects.none(),
        required=False,
        help_text='The post that chairs it, e.g. "Partnership Chair".',
    )
    vice_chair_post = PostChoiceField(
        queryset=Post.objects.none(), required=False, help_text="The post that is its vice-chair, if any."
    )

    class Meta:
        model = Body
        fields = [
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
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"purpose": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = _areas_for(self.user)
        self.fields["chair_post"].queryset = _posts()
        self.fields["vice_chair_post"].queryset = _posts()
        if self.instance.pk:
            self.initial["areas"] = list(self.instance.area_links.values_list("area_id", flat=True))
            self.initial["hosts"] = list(self.instance.host_links.values_list("organisation_id", flat=True))
            self.initial["is_statutory"] = {True: "true", False: "false"}.get(
                self.instance.is_statutory, "unknown"
            )


class BodyStatusForm(SourcedForm):
    class Meta:
        model = BodyStatus
        fields = [
            "status",
            "start_date",
            "end_date",
            "note",
            "conflicting_status",
            "conflicting_note",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}
        labels = {
            "conflicting_status": "Status another source gives",
            "conflicting_note": "Which source, and what it says",
        }


class RelationForm(SourcedForm):
    from_body = BodyChoiceField(
        queryset=Body.objects.none(), label="From", help_text="The body the relation is from."
    )
    to_body = BodyChoiceField(
        queryset=Body.objects.none(), label="To", help_text="The body the relation is to."
    )

    class Meta:
        model = AccountabilityRelation
        fields = [
            "from_body",
            "kind",
            "to_body",
            "start_date",
            "end_date",
            "note",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}
        labels = {"kind": "Relation"}

    def __init__(self, *args, from_body=None, **kwargs):
        super().__init__(*args, **kwargs)
        if from_body is not None:
            # Added from a body's page: the relation is from that body.
            del self.fields["from_body"]
        else:
            self.restrict_from_body()
        self.fields["to_body"].queryset = _bodies()

    def restrict_from_body(self):
        # A relation belongs to the areas of the body it is from: offer only bodies the user changes.
        mine = _bodies()
        if not has_global_permission(self.user, AccountabilityRelation, CHANGE):
            mine = mine.restrict(self.user, CHANGE)
        self.fields["from_body"].queryset = mine


class TermsOfReferenceForm(SourcedForm):
    document_url = forms.URLField(
        label="Document link",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="Where the document is published.",
    )
    approved_by = BodyChoiceField(
        queryset=Body.objects.none(),
        required=False,
        help_text="The body that approved it (itself or another); it must have existed that day.",
    )

    class Meta:
        model = TermsOfReference
        fields = [
            "version",
            "approved_on",
            "approved_by",
            "review_due",
            "text",
            "document_url",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"approved_on": DATE, "review_due": DATE, "text": forms.Textarea(attrs={"rows": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approved_by"].queryset = _bodies()


class SeatForm(SourcedForm):
    class Meta:
        model = Seat
        fields = [
            "label",
            "group",
            "voting",
            "represents_kind",
            "represents_organisation",
            "capacity",
            "order",
            "start_date",
            "end_date",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}
        labels = {"label": "Constituency", "voting": "Voting right"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["represents_organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["order"].required = False
        self.fields["order"].help_text = "Where the seat is listed on the body. Leave empty to list it last."
        if not self.instance.pk:
            self.initial.pop("order", None)

    def changes(self) -> dict:
        changes = super().changes()
        if changes.get("order") is None and self.instance.pk:
            changes.pop("order", None)  # keep its place
        return changes


class SeatHoldingForm(SourcedForm):
    person = forms.ModelChoiceField(queryset=Person.objects.order_by("name"), help_text="Who holds the seat.")

    class Meta:
        model = SeatHolding
        fields = [
            "person",
            "organisation",
            "role",
            "position",
            "start_date",
            "end_date",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"start_date": DATE, "end_date": DATE}
        labels = {"position": "Place"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")
        self.fields["position"].required = False
        self.fields[
            "position"
        ].help_text = "Which of the seat's places this fills. Leave empty to take the first free place."
