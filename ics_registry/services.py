"""Helpers every app's services use: validate before saving, save with the actor recorded, and
turn database refusals into clear messages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import ProtectedError, RestrictedError

from .history import actor_context


def validate(
    instance: models.Model,
    *,
    exclude: Iterable[str] | None = None,
    code_fields: Mapping[str, str] | None = None,
) -> None:
    """full_clean(), with constraint errors moved beside the field they are about.

    `code_fields` maps a constraint's violation_error_code to the field that should carry it.
    """
    start, end = getattr(instance, "start_date", None), getattr(instance, "end_date", None)
    if start is not None and end is not None and end < start:
        # Refuse before the constraint checks: an overlap check cannot even build a reversed range.
        raise ValidationError({"end_date": "The end date must be on or after the start date."})
    try:
        instance.full_clean(exclude=list(exclude or []))
    except ValidationError as exc:
        if not code_fields or not hasattr(exc, "error_dict"):
            raise
        errors: dict[str, list[ValidationError]] = {}
        for field, field_errors in exc.error_dict.items():
            for error in field_errors:
                target = code_fields.get(error.code, field) if field == NON_FIELD_ERRORS else field
                errors.setdefault(target, []).append(error)
        raise ValidationError(errors) from exc


def apply_changes(instance: models.Model, changes: Mapping[str, Any], allowed: Iterable[str]) -> list[str]:
    """Set the allowed fields that are present in `changes`; return which changed."""
    changed = []
    allowed = set(allowed)
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in sorted(unknown)})
    for name, value in changes.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def save(
    instance: models.Model,
    *,
    actor,
    service: str,
    code_fields: Mapping[str, str] | None = None,
    exclude: Iterable[str] | None = None,
) -> models.Model:
    validate(instance, exclude=exclude, code_fields=code_fields)
    with actor_context(actor, service=service):
        try:
            with transaction.atomic():
                instance.save()
        except IntegrityError as exc:
            raise ValidationError(
                "This change conflicts with a record saved at the same time; reload and try again."
            ) from exc
    return instance


def delete(instance: models.Model, *, actor, service: str, what: str) -> None:
    with actor_context(actor, service=service):
        try:
            with transaction.atomic():
                instance.delete()
        except (ProtectedError, RestrictedError) as exc:
            names = (
                sorted({str(obj._meta.verbose_name_plural) for obj in list(exc.protected_objects)[:50]})
                if hasattr(exc, "protected_objects")
                else []
            )
            detail = f" ({', '.join(names)})" if names else ""
            raise ValidationError(
                f"This {what} cannot be deleted while other records refer to it{detail}. "
                "End its period instead, or remove those records first."
            ) from exc
