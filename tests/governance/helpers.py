"""Assertions shared by the governance service tests: what a user is told, what history records,
and that a refused change left the registry exactly as it was."""

from __future__ import annotations

import contextlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from tests.organisations.helpers import assert_recorded, last_event, messages

__all__ = ["assert_recorded", "last_event", "messages", "nothing_changes", "refused"]


def _snapshot(objs):
    from pghistory.models import Context

    models = [
        *apps.get_app_config("organisations").get_models(),
        *apps.get_app_config("governance").get_models(),
    ]
    counts = {model._meta.label: model._base_manager.count() for model in models}
    counts["pghistory.Context"] = Context.objects.count()
    rows = []
    for obj in objs:
        fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
        rows.append(model_to_dict(fresh) if fresh is not None else None)
    return counts, rows


@contextlib.contextmanager
def nothing_changes(*objs):
    """No row added or removed in any organisations or governance table (history events
    included), no history context written, and the given records are as they were."""
    before_counts, before_rows = _snapshot(objs)
    yield
    after_counts, after_rows = _snapshot(objs)
    changed = {
        k: (before_counts[k], after_counts[k]) for k in before_counts if before_counts[k] != after_counts[k]
    }
    assert not changed, f"row counts changed (before, after): {changed}"
    assert after_rows == before_rows, "a record was changed by a refused write"


def refused(call, *objs) -> dict[str, list[str]]:
    """Run a write that must be refused; check nothing changed; return the messages by field."""
    with nothing_changes(*objs), pytest.raises(ValidationError) as info:
        call()
    return messages(info.value)
