"""Serializer building blocks shared by every app's API."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


def _json_type_error(field, value) -> str | None:
    """Why `value` is not of the JSON type that the schema documents for `field`, if it is not."""

    def whole(v):
        return isinstance(v, int) and not isinstance(v, bool)

    if isinstance(field, serializers.ManyRelatedField):
        # DRF would take any iterable here: {} or {"5": 1} as a list of its keys.
        if not isinstance(value, list) or not all(whole(v) for v in value):
            return "Give a list of ids (whole numbers)."
        return None
    if isinstance(field, (serializers.PrimaryKeyRelatedField, serializers.IntegerField)):
        return None if whole(value) else "A whole number."
    if isinstance(field, serializers.BooleanField):
        return None if isinstance(value, bool) else "true or false."
    if isinstance(field, (serializers.CharField, serializers.ChoiceField, serializers.DateField)):
        return None if isinstance(value, str) else "A string."
    return None


class StrictJsonTypesMixin(serializers.Serializer):
    """Input has the JSON types the schema documents: "12" is not a number, 0 is not a string and
    "true" is not a boolean. DRF would coerce them without a word; we refuse them beside the field."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only or data.get(name) is None:
                    continue
                message = _json_type_error(field, data[name])
                if message:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


class SourceSerializer(StrictJsonTypesMixin, serializers.Serializer):
    document = serializers.CharField(help_text='The source document\'s code, e.g. "001".')
    section = serializers.CharField(required=False, allow_blank=True, help_text="Section, annex or page.")
    note = serializers.CharField(required=False, allow_blank=True, help_text="What the source says, briefly.")

    def to_internal_value(self, data):
        # Refuse what the services refuse, rather than dropping it without a word.
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(
                    f"Unknown source keys: {', '.join(sorted(map(str, unknown)))}."
                )
        return super().to_internal_value(data)


class SourcedFieldsMixin(StrictJsonTypesMixin, serializers.Serializer):
    sources = SourceSerializer(many=True, required=False, help_text="Where the facts come from.")
    is_incomplete = serializers.BooleanField(
        required=False, help_text="True when a source does not give every fact."
    )
    incomplete_note = serializers.CharField(
        required=False, allow_blank=True, help_text="What is missing, and why."
    )


_MARKER = 2147483647


def url_maker(context: dict, route_name: str):
    """pk → absolute API address, reversing the route once per response rather than once per row."""
    makers = context.setdefault("_url_makers", {})
    maker = makers.get(route_name)
    if maker is None:
        path = reverse(route_name, kwargs={"pk": _MARKER})
        request = context.get("request")
        head, tail = (request.build_absolute_uri(path) if request else path).split(str(_MARKER))
        maker = makers[route_name] = lambda pk: f"{head}{pk}{tail}"
    return maker


@extend_schema_field(OpenApiTypes.URI)
class RecordUrlField(serializers.Field):
    """This record's API address (read-only)."""

    def __init__(self, route_name: str, **kwargs):
        self.route_name = route_name
        kwargs.setdefault("help_text", "This record's API address.")
        super().__init__(source="pk", read_only=True, **kwargs)

    def to_representation(self, value):
        return url_maker(self.context, self.route_name)(value)


@extend_schema_field(OpenApiTypes.STR)
class ChoiceLabelField(serializers.Field):
    """The human label of a choice field, e.g. "Clinical commissioning group" for "ccg"."""

    def __init__(self, field_name: str, choices, **kwargs):
        self.labels = {str(value): str(label) for value, label in choices}
        kwargs.setdefault("help_text", "The label people see for this value.")
        super().__init__(source=field_name, read_only=True, **kwargs)

    def to_representation(self, value):
        return self.labels.get(value, value)


class BriefSerializer(serializers.Serializer):
    """A short representation of a related record: id, url, display text and official code."""

    route_name: str = ""
    code_field: str | None = None

    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    display = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        return url_maker(self.context, self.route_name)(obj.pk)

    def get_display(self, obj) -> str:
        return str(obj)
