"""Serializer building blocks shared by every app's API."""

from django.urls import reverse
from rest_framework import serializers


class SourceSerializer(serializers.Serializer):
    document = serializers.CharField(help_text='The source document\'s code, e.g. "001".')
    section = serializers.CharField(required=False, allow_blank=True, help_text="Section, annex or page.")
    note = serializers.CharField(required=False, allow_blank=True, help_text="What the source says, briefly.")

    def to_internal_value(self, data):
        # Refuse what the services refuse, rather than dropping it without a word.
        if isinstance(data, dict):
            unknown = set(data) - set(self.fields)
            if unknown:
                raise serializers.ValidationError(f"Unknown source keys: {', '.join(sorted(map(str, unknown)))}.")
        return super().to_internal_value(data)


class SourcedFieldsMixin(serializers.Serializer):
    sources = SourceSerializer(many=True, required=False, help_text="Where the facts come from.")
    is_incomplete = serializers.BooleanField(
        required=False, help_text="True when a source does not give every fact."
    )
    incomplete_note = serializers.CharField(
        required=False, allow_blank=True, help_text="What is missing, and why."
    )


class BriefSerializer(serializers.Serializer):
    """A short representation of a related record: id, url, display text and official code."""

    route_name: str = ""
    code_field: str | None = None

    id = serializers.IntegerField(read_only=True)
    url = serializers.SerializerMethodField()
    display = serializers.SerializerMethodField()

    def get_url(self, obj) -> str:
        path = reverse(self.route_name, kwargs={"pk": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    def get_display(self, obj) -> str:
        return str(obj)
