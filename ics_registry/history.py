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


EDITOR = "a registry editor"


def events_for(obj, *, limit: int = 200, show_actors: bool = True) -> list[dict[str, Any]]:
    """The change log of one record, oldest first, covering its latest `limit` changes: when,
    who, what, and each field before → after. Links the record owns (the areas an organisation
    serves, the members of a footprint) appear as changes to it: see the model's HISTORY_LINKS.
    Without `show_actors`, people are shown as "a registry editor" rather than by username."""
    from pghistory.models import Events

    newest = list(Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id")[: limit + 1])
    newest.reverse()
    previous: dict[str, Any] | None = None
    if len(newest) > limit:  # the change before the window is the baseline of its first diff
        previous = _data(newest.pop(0))
    rows = [(row, None) for row in newest]
    for event_model, own_field, other_field, other_model, shown_as in getattr(obj, "HISTORY_LINKS", ()):
        linked = (
            Events.objects.references(obj)
            .filter(pgh_model=event_model)
            .order_by("-pgh_created_at", "-pgh_id")[:limit]
        )
        rows += [
            (row, (other_field, other_model, shown_as))
            for row in linked
            if row.pgh_data.get(own_field) == obj.pk
        ]
    # Events of one transaction share a timestamp: the record's own come before its links'.
    rows.sort(key=lambda item: (item[0].pgh_created_at, item[1] is not None, item[0].pgh_id))
    rows = rows[-limit:]

    contexts = [row.pgh_context if isinstance(row.pgh_context, dict) else {} for row, _ in rows]
    user_ids = {context.get("user") for context in contexts} - {None}
    names = dict(get_user_model().objects.filter(pk__in=user_ids).values_list("pk", "username"))
    linked_names = _linked_names(rows)
    out = []
    for (row, link), context in zip(rows, contexts, strict=True):
        if link is not None:
            other_field, other_model, shown_as = link
            name = linked_names.get((other_model, row.pgh_data.get(other_field)), "a record since deleted")
            before, after = (name, None) if row.pgh_label == "deleted" else (None, name)
            label, changes = "updated", [{"field": shown_as, "before": before, "after": after}]
        else:
            data = _data(row)
            label = row.pgh_label
            if label == "updated" and previous is not None:
                changes = [
                    {"field": key, "before": previous.get(key), "after": value}
                    for key, value in data.items()
                    if previous.get(key) != value
                ]
            elif label == "deleted":
                changes = [{"field": key, "before": value, "after": None} for key, value in data.items()]
            else:
                changes = [{"field": key, "before": None, "after": value} for key, value in data.items()]
            previous = data
        user = context.get("user")
        if user is not None:
            actor = names.get(user, EDITOR) if show_actors else EDITOR
        else:
            actor = context.get("command") or context.get("service")
        out.append(
            {
                "when": row.pgh_created_at,
                "label": label,
                "actor": actor,
                "actor_id": user if show_actors else None,
                "url": context.get("url") if show_actors else None,
                "changes": changes,
            }
        )
    return out


def _data(row) -> dict[str, Any]:
    return {k: v for k, v in (row.pgh_data or {}).items() if k not in _HIDDEN}


def _linked_names(rows) -> dict[tuple[str, Any], str]:
    from django.apps import apps

    wanted: dict[str, set] = {}
    for row, link in rows:
        if link is not None:
            wanted.setdefault(link[1], set()).add(row.pgh_data.get(link[0]))
    names = {}
    for label, pks in wanted.items():
        model = apps.get_model(label)
        names.update({(label, obj.pk): str(obj) for obj in model._base_manager.filter(pk__in=pks - {None})})
    return names
