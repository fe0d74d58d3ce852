"""The admin is for superusers: browsing governance records and appointing body secretaries
("Object permissions" on a body). Records are changed through the registry's own pages and API,
which apply the rules, so the admin shows them read-only."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from organisations.admin import ReadOnlyAdmin

from .models import (
    AccountabilityRelation,
    Body,
    BodyArea,
    BodyHost,
    BodyStatus,
    CompositionRule,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)


@admin.register(Body)
class BodyAdmin(GuardedModelAdmin, ReadOnlyAdmin):
    """Open a body and use "Object permissions" to make someone its secretary."""

    list_display = ("name", "kind", "tier", "system", "is_statutory", "is_incomplete")
    list_filter = ("system", "kind", "tier")
    search_fields = ("name", "short_name")


for model in (
    BodyArea,
    BodyHost,
    BodyStatus,
    AccountabilityRelation,
    TermsOfReference,
    Seat,
    SeatHolding,
    CompositionRule,
    ConstituencyMember,
):
    admin.site.register(model, ReadOnlyAdmin)
