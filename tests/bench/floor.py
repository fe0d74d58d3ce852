"""The floors: the same rows as an API list's first page, read with `.values()` and written with
JsonResponse — one query, no serializers, no pagination count. Mounted only by tests.bench.urls."""

import datetime as dt

from django.http import JsonResponse

from governance.models import Body
from organisations.models import Organisation

FIELDS = (
    "id",
    "name",
    "kind",
    "ods_code",
    "start_date",
    "end_date",
    "sources",
    "is_incomplete",
    "incomplete_note",
)
BODY_FIELDS = (
    "id",
    "name",
    "short_name",
    "kind",
    "tier",
    "system_id",
    "is_statutory",
    "purpose",
    "meeting_frequency",
    "meetings_per_year",
    "chair_post_id",
    "vice_chair_post_id",
    "sources",
    "is_incomplete",
    "incomplete_note",
)


def _size(request) -> int:
    try:
        return max(1, min(int(request.GET.get("page_size", 100)), 500))
    except ValueError:
        return 100


def organisations_floor(request):
    rows = list(Organisation.objects.order_by("name", "pk").values(*FIELDS)[: _size(request)])
    return JsonResponse({"results": rows})


def bodies_floor(request):
    """The bodies API's first page: all bodies by name, or with `as_of` those that existed that
    day (the API's as_of filter: a status other than stood down covering the day)."""
    bodies = Body.objects.all()
    if "as_of" in request.GET:
        try:
            bodies = bodies.as_at(dt.date.fromisoformat(request.GET["as_of"]))
        except ValueError:
            return JsonResponse({"as_of": ["Enter a date as YYYY-MM-DD."]}, status=400)
    rows = list(bodies.order_by("name", "pk").values(*BODY_FIELDS)[: _size(request)])
    return JsonResponse({"results": rows})
