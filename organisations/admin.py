"""The admin is for superusers: browsing records and granting area editors. Records are changed
through the registry's own pages and API, which apply the rules, so the admin shows them read-only."""

from django.contrib import admin
from guardian.admin import GuardedModelAdmin

from .models import (
    Area,
    AreaMember,
    Organisation,
    OrganisationArea,
    PartnershipMembership,
    Person,
    Post,
    PostHolding,
    Succession,
    System,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + [f.name for f in self.model._meta.many_to_many]


@admin.register(Area)
class AreaAdmin(GuardedModelAdmin, ReadOnlyAdmin):
    """Open an area and use "Object permissions" to make someone its area editor."""

    list_display = ("name", "system", "tier", "kind", "ons_code", "is_incomplete")
    list_filter = ("system", "tier", "kind")
    search_fields = ("name", "ons_code")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "ods_code", "start_date", "end_date", "is_incomplete")
    list_filter = ("kind",)
    search_fields = ("name", "ods_code")


for model in (
    System,
    AreaMember,
    OrganisationArea,
    Succession,
    PartnershipMembership,
    Person,
    Post,
    PostHolding,
):
    admin.site.register(model, ReadOnlyAdmin)
