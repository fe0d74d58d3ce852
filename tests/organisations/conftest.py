"""Helpers for the service tests: prove a refused change left the registry exactly as it was."""

from __future__ import annotations

import contextlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict

from .helpers import messages


def _registry_models():
    """Every model of the organisations app, including the history event tables."""
    return list(apps.get_app_config("organisations").get_models())


def _snapshot(objs):
    from pghistory.models import Context

    counts = {model._meta.label: model._base_manager.count() for model in _registry_models()}
    counts["pghistory.Context"] = Context.objects.count()
    rows = []
    for obj in objs:
        fresh = type(obj)._base_manager.filter(pk=obj.pk).first()
        rows.append(model_to_dict(fresh) if fresh is not None else None)
    return counts, rows


@contextlib.contextmanager
def _nothing_changes(*objs):
    before_counts, before_rows = _snapshot(objs)
    yield
    after_counts, after_rows = _snapshot(objs)
    changed = {
        k: (before_counts[k], after_counts[k]) for k in before_counts if before_counts[k] != after_counts[k]
    }
    assert not changed, f"row counts changed (before, after): {changed}"
    assert after_rows == before_rows, "a record was changed by a refused write"


@pytest.fixture
def nothing_changes(db):
    """`with nothing_changes(obj, ...):` — no row added or removed in any registry table or event
    table, no history context written, and the given records are as they were."""
    return _nothing_changes


@pytest.fixture
def refused(nothing_changes):
    """`refused(call, *objs)` runs a write that must be refused, checks nothing changed, and returns
    the messages by field."""

    def run(call, *objs):
        with nothing_changes(*objs), pytest.raises(ValidationError) as info:
            call()
        return messages(info.value)

    return run
