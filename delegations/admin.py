"""The admin shows delegation records read-only to superusers. Records are changed through the
registry's own pages, API and spreadsheet import, which apply the rules."""

from django.contrib import admin

from organisations.admin import ReadOnlyAdmin

from .models import (
    Delegation,
    DelegationFunction,
    Function,
    PlaceLeadArrangement,
    PlaceLeadPost,
    ReservedMatter,
    SordImport,
    StatutoryHolding,
    TierAssignment,
)


@admin.register(Delegation)
class DelegationAdmin(ReadOnlyAdmin):
    list_display = ("pk", "area", "status", "vehicle", "start_date", "end_date", "financial_limit")
    list_filter = ("status", "vehicle", "area__system")


@admin.register(Function)
class FunctionAdmin(ReadOnlyAdmin):
    list_display = ("name", "parent", "spatial_level")
    search_fields = ("name",)


@admin.register(SordImport)
class SordImportAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "uploaded_by", "state", "rows_total", "rows_done", "created_at")

    def get_fields(self, request, obj=None):
        # The uploaded file itself is not shown: it may be large and is binary.
        return [name for name in self.get_readonly_fields(request, obj) if name != "content"]


for model in (
    DelegationFunction,
    StatutoryHolding,
    ReservedMatter,
    PlaceLeadArrangement,
    PlaceLeadPost,
    TierAssignment,
):
    admin.site.register(model, ReadOnlyAdmin)
