"""Reads of delegation records: what was in force on a date, and who may change what.

The function catalogue, statutory holdings and the tier table are national reference data that staff
maintain. Delegations, reserved matters and place-based lead arrangements belong to the area they
apply to: an area editor (a grant on the system's footprint or on a locality) changes those of their
areas.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ics_registry.models import DatedQuerySet
from ics_registry.permissions import RestrictedQuerySet

from .choices import DelegationStatus


class FunctionQuerySet(RestrictedQuerySet):
    def search(self, text: str):
        return self.filter(Q(name__icontains=text) | Q(description__icontains=text))

    def within(self, function_id: int):
        """The function and every function it covers."""
        return self.filter(Q(pk=function_id) | Q(ancestor_ids__contains=[function_id]))


class StatutoryHoldingQuerySet(DatedQuerySet):
    pass


class ReservedMatterQuerySet(DatedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(area__in=area_ids)


class DelegationQuerySet(DatedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(area__in=area_ids)

    def in_force(self, on: dt.date):
        """In force on the date: in force and covering it, or revoked after being in force until its
        end date (a revoked delegation with no end date never took effect)."""
        return self.as_at(on).filter(
            Q(status=DelegationStatus.IN_FORCE) | Q(status=DelegationStatus.REVOKED, end_date__isnull=False)
        )

    def involving_holder(self, *, organisation=None, body=None, post=None):
        q = Q(pk__in=[])
        if organisation is not None:
            q |= Q(delegator_organisation=organisation) | Q(delegate_organisation=organisation)
        if body is not None:
            q |= Q(delegator_body=body) | Q(delegate_body=body)
        if post is not None:
            q |= Q(delegator_post=post) | Q(delegate_post=post)
        return self.filter(q)

    def search(self, text: str):
        return self.filter(
            Q(function_links__function__name__icontains=text)
            | Q(delegate_body__name__icontains=text)
            | Q(delegate_organisation__name__icontains=text)
            | Q(delegate_post__title__icontains=text)
            | Q(delegator_organisation__name__icontains=text)
            | Q(delegator_body__name__icontains=text)
        ).distinct()


class DelegationFunctionQuerySet(RestrictedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(delegation__area__in=area_ids)


class PlaceLeadArrangementQuerySet(DatedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(area__in=area_ids)


class PlaceLeadPostQuerySet(RestrictedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(arrangement__area__in=area_ids)


class TierAssignmentQuerySet(RestrictedQuerySet):
    pass


class SordImportQuerySet(RestrictedQuerySet):
    def visible_to(self, user):
        """An import's report is seen by whoever uploaded it, and by staff."""
        if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(uploaded_by=user)
