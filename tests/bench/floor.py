"""The floor: the same organisations as the API's first page, read with `.values()` and written
with JsonResponse — one query, no serializers, no pagination count. Mounted only by tests.bench.urls."""

from django.http import JsonResponse

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


def organisations_floor(request):
    try:
        size = max(1, min(int(request.GET.get("page_size", 100)), 500))
    except ValueError:
        size = 100
    rows = list(Organisation.objects.order_by("name", "pk").values(*FIELDS)[:size])
    return JsonResponse({"results": rows})
