"""The floors: the same rows as an API list's first page, read with `.values()` and written with
JsonResponse — one query, no serializers, no pagination count. Mounted only by tests.bench.urls."""

import datetime as dt

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.http import JsonResponse

from delegations.models import Delegation, DelegationFunction
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


# --- Delegations ----------------------------------------------------------------------------

DELEGATION_FIELDS = (
    "id",
    "parent_id",
    "status",
    "start_date",
    "end_date",
    "area_id",
    "financial_limit",
    "vehicle",
    "delegator_organisation_id",
    "delegator_body_id",
    "delegator_post_id",
    "delegate_organisation_id",
    "delegate_body_id",
    "delegate_post_id",
    "sources",
)


def rights_floor_rows(function_id: int, area_id: int, on: dt.date) -> list[dict]:
    """The rows a decision-rights answer is built from, in one query: the delegations in force on the
    day for the area or an area it lies in, covering the function or a function it is part of. No
    statutory holdings, no names, no chains."""
    lineage = RawSQL(
        "SELECT unnest(ancestor_ids || id) FROM delegations_function WHERE id = %s", [function_id]
    )
    containers = RawSQL(
        "SELECT id FROM organisations_area WHERE id = %s "
        "UNION SELECT parent_id FROM organisations_area WHERE id = %s "
        "UNION SELECT p.parent_id FROM organisations_area c JOIN organisations_area p ON p.id = c.parent_id "
        "WHERE c.id = %s",
        [area_id, area_id, area_id],
    )
    covering = DelegationFunction.objects.filter(delegation=OuterRef("pk"), function_id__in=lineage)
    return list(
        Delegation.objects.in_force(on)
        .filter(area_id__in=containers)
        .filter(Exists(covering))
        .order_by("pk")
        .values(*DELEGATION_FIELDS)
    )


def map_floor_rows(system_id: int, on: dt.date) -> list[dict]:
    """The rows a system's functions and decisions map is built from, in one query: the delegations in
    force on the day in the system's areas, each with the ids of the functions it covers."""
    return list(
        Delegation.objects.in_force(on)
        .filter(area__system_id=system_id)
        .annotate(
            function_ids=ArraySubquery(
                DelegationFunction.objects.filter(delegation=OuterRef("pk")).values("function_id")
            )
        )
        .order_by("pk")
        .values(*DELEGATION_FIELDS, "function_ids")
    )


def _ids(request, *names):
    try:
        values = [int(request.GET[name]) for name in names]
        on = dt.date.fromisoformat(request.GET.get("on") or request.GET["as_of"])
    except (KeyError, ValueError):
        return None
    return [*values, on]


def rights_floor(request):
    """The floor of `/api/v1/decision-rights/?function=&area=&on=`."""
    args = _ids(request, "function", "area")
    if args is None:
        return JsonResponse({"detail": "Give function, area and on (YYYY-MM-DD)."}, status=400)
    return JsonResponse({"results": rights_floor_rows(*args)})


def map_floor(request):
    """The floor of a system's functions and decisions map: `?system=&as_of=`."""
    args = _ids(request, "system")
    if args is None:
        return JsonResponse({"detail": "Give system and as_of (YYYY-MM-DD)."}, status=400)
    return JsonResponse({"results": map_floor_rows(*args)})
