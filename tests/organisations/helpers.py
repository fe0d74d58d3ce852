"""Small assertions shared by the organisations tests."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def messages(exc: ValidationError) -> dict[str, list[str]]:
    """The messages a user sees, by field ("__all__" for the record as a whole)."""
    if hasattr(exc, "error_dict"):
        return {field: [m for e in errors for m in e.messages] for field, errors in exc.error_dict.items()}
    return {NON_FIELD_ERRORS: exc.messages}


def last_event(obj):
    """The newest history event of a record."""
    return obj.events.order_by("-pgh_id").select_related("pgh_context").first()


def assert_recorded(obj, label: str, actor, service: str | None = None):
    """The record's newest history event has this label and carries the actor (and service)."""
    event = last_event(obj)
    assert event is not None, f"no history event for {obj!r}"
    assert event.pgh_label == label
    assert event.pgh_context is not None, "the event has no context (who made the change)"
    assert event.pgh_context.metadata.get("user") == actor.pk
    if service:
        assert event.pgh_context.metadata.get("service") == service
    return event
