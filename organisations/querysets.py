"""Reads of the registry: what held on a date, who succeeded whom, what a user may touch."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from ics_registry.models import DatedQuerySet
from ics_registry.permissions import RestrictedQuerySet


class SystemQuerySet(RestrictedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(pk__in=[])  # systems are changed by staff only


class AreaQuerySet(DatedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(pk__in=area_ids)

    def search(self, text: str):
        return self.filter(Q(name__icontains=text) | Q(ons_code__iexact=text))


class OrganisationQuerySet(DatedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(areas__in=area_ids)

    def search(self, text: str):
        return self.filter(Q(name__icontains=text) | Q(ods_code__iexact=text))

    def serving(self, area_ids):
        return self.filter(
            pk__in=self.model.areas.through.objects.filter(area__in=area_ids).values("organisation")
        )


class SuccessionQuerySet(RestrictedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(predecessor__areas__in=area_ids) | Q(successor__areas__in=area_ids)

    def as_at(self, on: dt.date):
        """Successions that had taken effect by this date."""
        return self.filter(effective_date__lte=on)


class MembershipQuerySet(DatedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(organisation__areas__in=area_ids)


class PersonQuerySet(RestrictedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(holdings__post__area__in=area_ids) | Q(holdings__post__organisation__areas__in=area_ids)

    def search(self, text: str):
        return self.filter(name__icontains=text)


class PostQuerySet(DatedQuerySet):
    def as_at(self, on: dt.date):
        """Posts in force on a date: the post's own period, and its organisation's (a post in a
        CCG ended when the CCG closed, whether or not its own end was recorded)."""
        org_in_force = (Q(organisation__start_date__isnull=True) | Q(organisation__start_date__lte=on)) & (
            Q(organisation__end_date__isnull=True) | Q(organisation__end_date__gte=on)
        )
        return super().as_at(on).filter(Q(organisation__isnull=True) | org_in_force)

    def area_scope_q(self, area_ids):
        return Q(area__in=area_ids) | Q(organisation__areas__in=area_ids)

    def search(self, text: str):
        return self.filter(title__icontains=text)


class PostHoldingQuerySet(DatedQuerySet):
    def area_scope_q(self, area_ids):
        return Q(post__area__in=area_ids) | Q(post__organisation__areas__in=area_ids)
