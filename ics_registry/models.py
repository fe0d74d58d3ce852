"""Cross-cutting building blocks: periods, sources, completeness, API tokens and job runs."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.contrib.postgres.fields import BigIntegerRangeField, DateRangeField
from django.db import models
from django.db.models import F, Func, Q, Value
from django.db.models.functions import Now

from .history import track
from .permissions import RestrictedQuerySet


class DateRange(Func):
    """daterange(start, end, '[]'): a period whose end date is its last day; open ends are unbounded."""

    function = "DATERANGE"
    output_field = DateRangeField()

    def __init__(self, start, end):
        super().__init__(start, end, Value("[]"))


class Same(Func):
    """int8range(x, x, '[]'): "the same x" written as an overlap of one-value ranges, so exclusion
    constraints need only PostgreSQL's built-in GiST support (no btree_gist extension)."""

    function = "INT8RANGE"
    output_field = BigIntegerRangeField()

    def __init__(self, expression):
        super().__init__(expression, expression, Value("[]"))


def period_check(name: str) -> models.CheckConstraint:
    """The check every dated record declares: a period ends on or after the day it starts."""
    return models.CheckConstraint(
        condition=Q(start_date__isnull=True) | Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
        name=name,
        violation_error_message="The end date must be on or after the start date.",
        violation_error_code="period_order",
    )


class DatedQuerySet(RestrictedQuerySet):
    """Querysets of things that start and end: what was true on a date is a filter, not a loop."""

    start_field = "start_date"
    end_field = "end_date"

    def as_at(self, on: dt.date):
        return self.filter(
            Q(**{f"{self.start_field}__isnull": True}) | Q(**{f"{self.start_field}__lte": on}),
            Q(**{f"{self.end_field}__isnull": True}) | Q(**{f"{self.end_field}__gte": on}),
        )

    def current(self):
        from .as_at import today

        return self.as_at(today())


class SourcedModel(models.Model):
    """Where a fact came from, and whether the record is known to be incomplete."""

    sources = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Where the facts in this record come from: a list of {document, section, note} entries, "
            'for example {"document": "001", "section": "Appendix 1"}.'
        ),
    )
    is_incomplete = models.BooleanField(
        default=False,
        help_text="True when a source does not give every fact of this record (for example its name).",
    )
    incomplete_note = models.CharField(
        max_length=500, blank=True, help_text="What is missing from this record, and why."
    )

    class Meta:
        abstract = True


class PeriodModel(models.Model):
    """A record that holds from a start date to an end date; the end date is the last day it held."""

    start_date = models.DateField(
        null=True, blank=True, help_text="First day this held. Empty when not known or not recorded."
    )
    end_date = models.DateField(
        null=True, blank=True, help_text="Last day this held. Empty while it still holds."
    )

    class Meta:
        abstract = True

    def in_force_on(self, on: dt.date) -> bool:
        return (self.start_date is None or self.start_date <= on) and (
            self.end_date is None or self.end_date >= on
        )

    @property
    def period_display(self) -> str:
        start = self.start_date.strftime("%-d %b %Y") if self.start_date else "Start not recorded"
        end = self.end_date.strftime("%-d %b %Y") if self.end_date else "present"
        return f"{start} – {end}"


@track()
class SourceDocument(models.Model):
    """A published paper the registry's facts come from (board papers, registers of codes)."""

    code = models.CharField(
        max_length=20, unique=True, help_text='Short reference used in sources, e.g. "001".'
    )
    title = models.CharField(max_length=500, help_text="Title of the document.")
    publisher = models.CharField(
        max_length=255, blank=True, help_text="Who published it; empty when not known."
    )
    published_on = models.DateField(
        null=True, blank=True, help_text="Date of the document or meeting, where known."
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A partner system's credential for the REST API; only a hash of the token is stored."""

    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        help_text="The user whose permissions the token carries.",
    )
    name = models.CharField(
        max_length=100, blank=True, help_text="What the token is for, e.g. the partner system."
    )
    prefix = models.CharField(
        max_length=PREFIX_LENGTH, db_index=True, help_text="First characters of the token."
    )
    key_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the token.")
    read_only = models.BooleanField(
        default=False, help_text="A read-only token may only read, whatever its user may do."
    )
    created_at = models.DateTimeField(db_default=Now(), help_text="When the token was issued.")
    revoked_at = models.DateTimeField(null=True, blank=True, help_text="When the token was revoked.")
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="When the token was last used.")

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        state = "revoked" if self.revoked_at else "active"
        return f"{self.prefix}… {self.name or self.user} ({state})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        # Never starting with "-": a token (or its prefix) is given to revoke_api_token as the
        # value of an option, where a leading "-" reads as another option.
        while (raw := secrets.token_urlsafe(32)).startswith("-"):
            pass
        return raw


class JobRun(models.Model):
    """One run of a background job: what ran, when, and how it ended."""

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    task = models.CharField(max_length=200, help_text="The task's dotted name.")
    started_at = models.DateTimeField(db_default=Now(), help_text="When the run started.")
    finished_at = models.DateTimeField(null=True, blank=True, help_text="When the run ended.")
    state = models.CharField(
        max_length=20, choices=State.choices, default=State.RUNNING, help_text="How the run ended."
    )
    summary = models.JSONField(default=dict, blank=True, help_text="What the run found or changed.")

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.task} at {self.started_at:%Y-%m-%d %H:%M} ({self.state})"
