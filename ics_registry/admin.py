from django.contrib import admin

from .models import ApiToken, JobRun, SourceDocument


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued and revoked with manage.py; the admin lists them (never the token itself)."""

    list_display = ("prefix", "name", "user", "read_only", "created_at", "last_used_at", "revoked_at")
    readonly_fields = (
        "prefix",
        "key_hash",
        "user",
        "name",
        "read_only",
        "created_at",
        "last_used_at",
        "revoked_at",
    )

    def has_add_permission(self, request):
        return False


@admin.register(JobRun)
class JobRunAdmin(admin.ModelAdmin):
    """Every run of a background job, for staff to see what ran and how it ended."""

    list_display = ("task", "started_at", "finished_at", "state")
    list_filter = ("task", "state")
    readonly_fields = ("task", "started_at", "finished_at", "state", "summary")

    def has_add_permission(self, request):
        return False


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "publisher", "published_on")
    readonly_fields = ("code", "title", "publisher", "published_on")


def _superusers_only(request) -> bool:
    """The admin is for superusers; staff and area editors change the registry through its pages."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superusers_only
admin.site.site_header = "ICS Registry administration"
