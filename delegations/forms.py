"""Forms parse what people type; the delegations services decide whether it is allowed."""

from __future__ import annotations

from django import forms

from governance.models import Body
from ics_registry.filtersets import ISO_DATE
from ics_registry.permissions import CHANGE, has_global_permission
from organisations.choices import Tier
from organisations.forms import DATE, SourcedForm
from organisations.models import Area, Organisation, Post, System

from .choices import DelegationStatus, PlaceLeadModel, PlaceLeadRole
from .models import Delegation, Function, PlaceLeadArrangement
from .selectors import function_tree

INDENT = "\u00a0\u00a0\u00a0"
BAD_DATE = "Enter the date as year-month-day, for example 2022-07-01"


# --- Choices built from the registry --------------------------------------------------------


def function_choices(rows: list[tuple[Function, int]]) -> list:
    """Grouped by top-level policy area; the functions each covers indented beneath it."""
    groups: list = []
    for function, depth in rows:
        if depth == 0:
            groups.append((function.name, [(str(function.pk), function.name)]))
        elif groups:
            groups[-1][1].append((str(function.pk), INDENT * depth + function.name))
    return groups


def place_choices(areas) -> list:
    """Systems and their places, grouped by system: the whole system first, then its places."""
    groups: dict[str, list] = {}
    for area in areas:
        label = f"{area.name} (whole system)" if area.tier == Tier.SYSTEM else area.name
        groups.setdefault(area.system.name, []).append((area.tier != Tier.SYSTEM, area.name, area.pk, label))
    return [
        (system, [(str(pk), label) for _, _, pk, label in sorted(items)])
        for system, items in sorted(groups.items())
    ]


def _places():
    return Area.objects.filter(tier__in=[Tier.SYSTEM, Tier.LOCALITY]).select_related("system")


def _editable_areas(user, model):
    areas = Area.objects.select_related("system").order_by("system__name", "tier", "name")
    return areas if has_global_permission(user, model, CHANGE) else areas.restrict(user, CHANGE)


def _posts():
    return Post.objects.select_related("organisation", "area").order_by("title", "id")


def post_label(post: Post) -> str:
    where = post.organisation.name if post.organisation_id else (post.area.name if post.area_id else "")
    return f"{post.title}, {where}" if where else post.title


class PostChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return post_label(obj)


class PostMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return post_label(obj)


class AreaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.system.short_name}, {obj.get_tier_display().lower()})"


# --- "Who can decide…?" ---------------------------------------------------------------------


class DecideForm(forms.Form):
    """The question: which function, where, on which day."""

    function = forms.ChoiceField(
        label="Function",
        help_text="A function covers the functions listed under it.",
        error_messages={
            "required": "Choose a function",
            "invalid_choice": "Choose a function from the list",
        },
    )
    area = forms.ChoiceField(
        label="Place",
        help_text="A place, or a whole system.",
        error_messages={"required": "Choose a place", "invalid_choice": "Choose a place from the list"},
    )
    on = forms.DateField(
        label="Date",
        required=False,
        input_formats=ISO_DATE,
        widget=DATE,
        help_text="The day the decision is taken, for example 2022-07-01. Leave empty for today.",
        error_messages={"invalid": BAD_DATE},
    )

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.tree = function_tree()
        self.functions = {str(f.pk): f for f, _ in self.tree}
        self.fields["function"].choices = [("", "Choose a function"), *function_choices(self.tree)]
        places = list(_places())
        self.places = {str(a.pk): a for a in places}
        self.fields["area"].choices = [("", "Choose a place"), *place_choices(places)]

    def clean_function(self):
        return self.functions[self.cleaned_data["function"]]

    def clean_area(self):
        return self.places[self.cleaned_data["area"]]

    def clean_on(self):
        return self.cleaned_data.get("on") or self.today


# --- Delegations ----------------------------------------------------------------------------

PARTY_KINDS = ("organisation", "body", "post")


def party_choices() -> list:
    """Who may delegate or be delegated to: organisations, bodies and posts, grouped by kind."""
    organisations = [
        (f"organisation:{pk}", name)
        for pk, name in Organisation.objects.order_by("name").values_list("pk", "name")
    ]
    bodies = [
        (f"body:{body.pk}", f"{body.name} ({body.system.short_name})")
        for body in Body.objects.select_related("system").only("name", "system__short_name").order_by("name")
    ]
    posts = [(f"post:{post.pk}", post_label(post)) for post in _posts()]
    return [("Organisations", organisations), ("Bodies", bodies), ("Posts", posts)]


def party_value(obj, prefix: str) -> str:
    for kind in PARTY_KINDS:
        pk = getattr(obj, f"{prefix}_{kind}_id", None)
        if pk:
            return f"{kind}:{pk}"
    return ""


class PartyField(forms.ChoiceField):
    """One of an organisation, a body or a post; cleaned to {"<prefix>_organisation": .., ...}."""

    def __init__(self, *, prefix: str, **kwargs):
        self.prefix = prefix
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        kind, _, pk = value.partition(":")
        model = {"organisation": Organisation, "body": Body, "post": Post}[kind]
        chosen = model.objects.filter(pk=pk).first()
        if chosen is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return {f"{self.prefix}_{k}": (chosen if k == kind else None) for k in PARTY_KINDS}


class FunctionsField(forms.MultipleChoiceField):
    def clean(self, value):
        chosen = super().clean(value)
        by_pk = {str(f.pk): f for f in Function.objects.filter(pk__in=[int(v) for v in chosen])}
        return [by_pk[v] for v in chosen if v in by_pk]


class DelegationForm(SourcedForm):
    delegator = PartyField(
        prefix="delegator",
        label="Delegated by",
        help_text="The organisation, body or post that holds the function and delegates it.",
        error_messages={
            "required": "Choose who delegates",
            "invalid_choice": "Choose who delegates from the list",
        },
    )
    delegate = PartyField(
        prefix="delegate",
        label="Delegated to",
        help_text="The body, post or organisation it is delegated to.",
        error_messages={
            "required": "Choose who it is delegated to",
            "invalid_choice": "Choose who it is delegated to from the list",
        },
    )
    functions = FunctionsField(
        label="Functions",
        help_text="The function(s) delegated; each covers the functions listed under it.",
        widget=forms.SelectMultiple(attrs={"size": 10}),
        error_messages={
            "required": "Choose at least one function",
            "invalid_choice": "Choose functions from the list",
        },
    )
    area = AreaChoiceField(
        queryset=Area.objects.none(),
        help_text="The area the delegation applies to.",
        error_messages={"required": "Choose the area it applies to"},
    )
    financial_limit = forms.DecimalField(
        label="Financial limit (£)",
        required=False,
        max_digits=16,
        decimal_places=2,
        help_text="The most the delegate may commit, in pounds. Leave empty when this delegation sets no limit of its own.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-10"}),
        error_messages={"invalid": "Enter the limit as an amount in pounds, for example 250000"},
    )
    parent = forms.ModelChoiceField(
        queryset=Delegation.objects.all(),
        required=False,
        label="Parent delegation number",
        help_text="The number of the delegation this one sub-delegates, shown on its page. "
        "Leave empty when the delegator holds the function by statute.",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-5"}),
        error_messages={"invalid_choice": "There is no delegation with this number"},
    )

    class Meta:
        model = Delegation
        fields = [
            "delegator",
            "delegate",
            "functions",
            "area",
            "vehicle",
            "status",
            "start_date",
            "end_date",
            "financial_limit",
            "conditions",
            "statutory_basis",
            "parent",
            "onward_delegation_permitted",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "conditions": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {
            "vehicle": "Legal vehicle",
            "onward_delegation_permitted": "The delegate may delegate this further",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        parties = party_choices()
        self.fields["delegator"].choices = [("", "Choose who delegates"), *parties]
        self.fields["delegate"].choices = [("", "Choose who it is delegated to"), *parties]
        self.fields["functions"].choices = function_choices(function_tree())
        self.fields["area"].queryset = _editable_areas(self.user, Delegation)
        # A revoked delegation is revoked with its own form, which records the date.
        self.fields["status"].choices = [
            c for c in DelegationStatus.choices if c[0] != DelegationStatus.REVOKED
        ]
        if self.instance.pk:
            self.initial["delegator"] = party_value(self.instance, "delegator")
            self.initial["delegate"] = party_value(self.instance, "delegate")
            self.initial["functions"] = [
                str(pk) for pk in self.instance.function_links.values_list("function_id", flat=True)
            ]
            if self.instance.status == DelegationStatus.REVOKED:
                self.fields["status"].choices = DelegationStatus.choices

    def changes(self) -> dict:
        changes = super().changes()
        changes.update(changes.pop("delegator", {}))
        changes.update(changes.pop("delegate", {}))
        return changes

    @staticmethod
    def field_for(key: str) -> str:
        """The form field a service message about `key` belongs beside."""
        for prefix in ("delegator", "delegate"):
            if key.startswith(prefix + "_") and key.removeprefix(prefix + "_") in PARTY_KINDS:
                return prefix
        return key


class ServiceForm(forms.Form):
    """A plain form for a service call that is not a model's fields (the form views pass these)."""

    def __init__(self, *args, user=None, instance=None, **kwargs):
        self.user = user
        self.instance = instance
        super().__init__(*args, **kwargs)

    @staticmethod
    def field_for(key: str) -> str:
        return key


class RevokeForm(ServiceForm):
    on = forms.DateField(
        label="Revoked from",
        input_formats=ISO_DATE,
        widget=DATE,
        help_text="The first day it is no longer in force, for example 2023-04-01. "
        "It stays in force until the day before.",
        error_messages={"required": "Enter the first day it is no longer in force", "invalid": BAD_DATE},
    )

    @staticmethod
    def field_for(key: str) -> str:
        return "on" if key in ("on", "end_date") else key


# --- Place-based leads ----------------------------------------------------------------------

ROLE_FIELD = "role_{}"


class PlaceLeadArrangementForm(SourcedForm):
    area = AreaChoiceField(
        queryset=Area.objects.none(),
        label="Locality",
        help_text="The place whose place-based lead this is.",
        error_messages={"required": "Choose the locality"},
    )
    models_considered = forms.MultipleChoiceField(
        choices=PlaceLeadModel.choices,
        required=False,
        label="Models under consideration",
        help_text="While the decision is not yet made: the models being considered.",
        widget=forms.CheckboxSelectMultiple,
    )
    host_organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"),
        required=False,
        label="Sits within",
        help_text="The organisation the lead sits within, for example the council, where known.",
    )
    posts = PostMultipleChoiceField(
        queryset=Post.objects.none(),
        required=False,
        label="Posts holding the role",
        help_text="The post or posts that hold the place-based lead role. "
        "A post chosen for one of the four roles below is included too.",
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    class Meta:
        model = PlaceLeadArrangement
        fields = [
            "area",
            "model",
            "models_considered",
            "host_organisation",
            "relationship_to_icb",
            "status",
            "start_date",
            "end_date",
            "posts",
            "note",
            "sources",
            "is_incomplete",
            "incomplete_note",
        ]
        widgets = {"start_date": DATE, "end_date": DATE, "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"model": "Model", "relationship_to_icb": "Relationship to the ICB"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        areas = _editable_areas(self.user, PlaceLeadArrangement).filter(tier=Tier.LOCALITY)
        self.fields["area"].queryset = areas
        posts = _posts()
        self.fields["posts"].queryset = posts
        current: dict[str, int] = {}
        if self.instance.pk:
            links = list(self.instance.post_links.all())
            self.initial["posts"] = [link.post_id for link in links]
            for link in links:
                for role in link.roles:
                    current.setdefault(role, link.post_id)
        for role in PlaceLeadRole:
            name = ROLE_FIELD.format(role.value)
            self.fields[name] = PostChoiceField(
                queryset=posts,
                required=False,
                label=f"Post carrying the role: {role.label}",
                help_text="Leave empty when no post carries it, or no source says.",
            )
            if role.value in current:
                self.initial[name] = current[role.value]
        # The four roles follow the posts they are given to.
        order = list(self.fields)
        roles = [ROLE_FIELD.format(role.value) for role in PlaceLeadRole]
        rest = [name for name in order if name not in roles]
        at = rest.index("posts") + 1
        self.order_fields(rest[:at] + roles + rest[at:])

    def changes(self) -> dict:
        changes = super().changes()
        chosen = list(changes.pop("posts", None) or [])
        roles: dict[int, list[str]] = {post.pk: [] for post in chosen}
        posts = {post.pk: post for post in chosen}
        for role in PlaceLeadRole:
            post = changes.pop(ROLE_FIELD.format(role.value), None)
            if post is not None:
                posts.setdefault(post.pk, post)
                roles.setdefault(post.pk, []).append(role.value)
        changes["posts"] = [(posts[pk], roles[pk]) for pk in posts]
        return changes

    @staticmethod
    def field_for(key: str) -> str:
        return key


# --- Schemes of delegation ------------------------------------------------------------------


class SordImportForm(ServiceForm):
    file = forms.FileField(
        label="Spreadsheet",
        help_text="A CSV or Excel (.xlsx) file with the columns policy area, function, reserved to, "
        "delegated to, further delegated to, statutory basis, limit, from, to, source.",
        error_messages={"required": "Choose a spreadsheet to import", "empty": "The file is empty"},
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(),
        label="Area",
        help_text="The locality, or the system, the scheme's delegations apply to.",
        error_messages={"required": "Choose the area the scheme applies to"},
    )
    status = forms.ChoiceField(
        choices=[c for c in DelegationStatus.choices if c[0] != DelegationStatus.REVOKED],
        initial=DelegationStatus.IN_FORCE,
        label="Status of the delegations",
        help_text="The status every imported delegation is given.",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = _editable_areas(self.user, Delegation).filter(
            tier__in=[Tier.SYSTEM, Tier.LOCALITY]
        )
        self.fields["area"].label_from_instance = lambda a: f"{a.name} ({a.system.short_name})"

    @staticmethod
    def field_for(key: str) -> str:
        return "file" if key in ("content", "file_name", "file") else key


# --- Dates and systems on the register and map pages ----------------------------------------


class RegisterFilterForm(forms.Form):
    on = forms.DateField(
        label="On",
        required=False,
        input_formats=ISO_DATE,
        widget=DATE,
        help_text="For example 2022-07-01.",
        error_messages={"invalid": BAD_DATE},
    )
    system = forms.ModelChoiceField(
        queryset=System.objects.order_by("name"),
        required=False,
        empty_label="All systems",
        error_messages={"invalid_choice": "Choose a system from the list"},
    )


class MapDateForm(forms.Form):
    as_of = forms.DateField(
        label="On",
        required=False,
        input_formats=ISO_DATE,
        widget=DATE,
        help_text="For example 2022-07-01.",
        error_messages={"invalid": BAD_DATE},
    )
