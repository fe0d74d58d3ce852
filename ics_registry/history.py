"""Trigger-based history for every registry record.

`track` puts insert, update and delete triggers on a model (django-pghistory); the event tables
are append-only (PGHISTORY_APPEND_ONLY: pgtrigger refuses UPDATE and DELETE on them). Requests get
their actor from pghistory's middleware; services and commands attach theirs with `actor_context`.
"""

from __future__ import annotations

import contextlib
from typing import Any

import pghistory
from django.contrib.auth import get_user_model


def track():
    return pghistory.track(
        pghistory.InsertEvent("created"),
        pghistory.UpdateEvent("updated"),
        pghistory.DeleteEvent("deleted"),
    )


@contextlib.contextmanager
def actor_context(actor=None, **extra: Any):
    """Attach who (or what) is making a change to every event written inside the block."""
    values: dict[str, Any] = dict(extra)
    if actor is not None and getattr(actor, "pk", None) is not None:
        values["user"] = actor.pk
    with pghistory.context(**values):
        yield


_HIDDEN = {
    "id",
    "pgh_id",
    "pgh_created_at",
    "pgh_label",
    "pgh_obj",
    "pgh_context",
    "pgh_obj_id",
    "pgh_context_id",
}


def events_for(obj, *, limit: int = 200) -> list[dict[str, Any]]:
    """The change log of one record, oldest first: when, who, what, and each field before → after."""
    from pghistory.models import Events

    rows = list(Events.objects.tracks(obj).order_by("pgh_created_at", "pgh_id")[:limit])
    user_ids = {(row.pgh_context or {}).get("user") for row in rows if isinstance(row.pgh_context, dict)} - {
        None
    }
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    out = []
    previous: dict[str, Any] | None = None
    for row in rows:
        context = row.pgh_context if isinstance(row.pgh_context, dict) else {}
        data = {k: v for k, v in (row.pgh_data or {}).items() if k not in _HIDDEN}
        if row.pgh_label == "updated" and previous is not None:
            changes = [
                {"field": key, "before": previous.get(key), "after": value}
                for key, value in data.items()
                if previous.get(key) != value
            ]
        elif row.pgh_label == "deleted":
            changes = [{"field": key, "before": value, "after": None} for key, value in data.items()]
        else:
            changes = [{"field": key, "before": None, "after": value} for key, value in data.items()]
        actor = names.get(context.get("user"))
        if actor is None:
            actor = context.get("command") or context.get("service")
        out.append(
            {
                "when": row.pgh_created_at,
                "label": row.pgh_label,
                "actor": actor,
                "actor_id": context.get("user"),
                "url": context.get("url"),
                "changes": changes,
            }
        )
        previous = data
    return out
