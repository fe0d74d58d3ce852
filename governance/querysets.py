"""Reads of governance records: what held on a date, and who may change what.

Area editors change the bodies covering their areas and everything of those bodies. A body's
secretary (an object permission on the body) changes its seats, holdings, status and terms of
reference: the querysets of those say so with `container_field`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, Subquery

from ics_registry.models import DatedQuerySet
from ics_registry.permissions import RestrictedQuerySet

from .choices import Status


def _status_covering(on: dt.date):
    from .models import BodyStatus

    # No ordering: a body has one status a day, and the model's default order would join bodies.
    return BodyStatus.objects.filter(body=OuterRef("pk")).as_at(on).order_by()


class BodyQuerySet(RestrictedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(area_links__area__in=area_ids)

    def as_at(self, on: dt.date):
        """Bodies that existed on a date: proposed, shadow or established, not stood down."""
        return self.filter(Exists(_status_covering(on).exclude(status=Status.STOOD_DOWN)))

    def current(self):
        from ics_registry.as_at import today

        return self.as_at(today())

    def with_status(self, on: dt.date):
        """Each body's status on the date (None when none is recorded for that day)."""
        return self.annotate(status_on=Subquery(_status_covering(on).values("status")[:1]))

    def in_status(self, status: str, on: dt.date):
        return self.filter(Exists(_status_covering(on).filter(status=status)))

    def search(self, text: str):
        return self.filter(Q(name__icontains=text) | Q(short_name__icontains=text))


class BodyStatusQuerySet(DatedQuerySet):
    container_field = "body"

    def area_scope_q(self, area_ids):
        return Q(body__area_links__area__in=area_ids)


class RelationQuerySet(DatedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(from_body__area_links__area__in=area_ids)

    def involving(self, body_ids):
        return self.filter(Q(from_body__in=body_ids) | Q(to_body__in=body_ids))


class TermsOfReferenceQuerySet(RestrictedQuerySet):
    container_field = "body"

    def area_scope_q(self, area_ids):
        return Q(body__area_links__area__in=area_ids)

    def as_at(self, on: dt.date):
        """Versions approved by the date, and drafts (not yet approved)."""
        return self.filter(Q(approved_on__isnull=True) | Q(approved_on__lte=on))

    def latest_approved(self, on: dt.date):
        """Each body's latest version approved on or before the date."""
        newer = self.model.objects.filter(
            body=OuterRef("body"), approved_on__isnull=False, approved_on__lte=on
        ).filter(
            Q(approved_on__gt=OuterRef("approved_on"))
            | Q(approved_on=OuterRef("approved_on"), pk__gt=OuterRef("pk"))
        )
        return self.filter(approved_on__isnull=False, approved_on__lte=on).exclude(Exists(newer))

    def overdue(self, on: dt.date):
        """Bodies' current terms of reference whose review date has passed by the date."""
        return self.latest_approved(on).filter(review_due__lt=on)


class SeatQuerySet(DatedQuerySet):
    container_field = "body"

    def area_scope_q(self, area_ids):
        return Q(body__area_links__area__in=area_ids)


class SeatHoldingQuerySet(DatedQuerySet):
    container_field = "seat__body"

    def area_scope_q(self, area_ids):
        return Q(seat__body__area_links__area__in=area_ids)


class CompositionRuleQuerySet(RestrictedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(body__area_links__area__in=area_ids)


class ConstituencyQuerySet(DatedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(body__area_links__area__in=area_ids)
