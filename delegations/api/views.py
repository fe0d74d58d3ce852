"""The delegations API: the function catalogue, statutory holdings, delegations with their chains,
reserved matters, place-based lead arrangements, the tier table, who may decide what, and schemes
of reservation and delegation in and out as spreadsheets."""

from __future__ import annotations

from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from governance.api.views import read_query
from ics_registry.api_base import ERROR_RESPONSES, ErrorSerializer, RegistryFilterBackend, RegistryViewSet
from ics_registry.as_at import parse_date, today
from ics_registry.permissions import ADD, CHANGE, can_write_in_areas
from ics_registry.serializers import url_maker
from organisations.api.views import documented

from .. import selectors, services
from ..filtersets import (
    DelegationFilterSet,
    FunctionFilterSet,
    PlaceLeadArrangementFilterSet,
    ReservedMatterFilterSet,
    StatutoryHoldingFilterSet,
    TierAssignmentFilterSet,
)
from ..models import (
    Delegation,
    Function,
    PlaceLeadArrangement,
    PlaceLeadPost,
    ReservedMatter,
    SordImport,
    StatutoryHolding,
    TierAssignment,
)
from ..services.sord import SORD_MAX_BYTES
from ..services.sord import TOO_LARGE as SORD_TOO_LARGE
from . import serializers as s

START_ORDER = F("start_date").asc(nulls_first=True)

READ_ERRORS = {
    400: ERROR_RESPONSES[400],
    401: ERROR_RESPONSES[401],
}


class DelegationsViewSet(RegistryViewSet):
    """A delegations resource; `as_of` reads what held on a date (today when not given)."""

    def _on(self):
        return parse_date(self.request.query_params.get("as_of")) or today()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "on": self._on()}

    # After a write, answer with the record as a read shows it (with its prefetches).
    def perform_service_create(self, data):
        return self.base_queryset().get(pk=super().perform_service_create(data).pk)

    def perform_service_update(self, instance, data):
        return self.base_queryset().get(pk=super().perform_service_update(instance, data).pk)


@documented(s.FunctionSerializer, s.FunctionInputSerializer)
class FunctionViewSet(DelegationsViewSet):
    """The function catalogue: what statutory bodies are responsible for, each part of a wider one
    (a function covers its parts), with the footprint it is best decided at. Staff maintain it."""

    queryset = Function.objects.all()
    serializer_class = s.FunctionSerializer
    input_serializer_class = s.FunctionInputSerializer
    filterset_class = FunctionFilterSet

    def base_queryset(self):
        return Function.objects.select_related("parent").order_by("name", "pk")

    create_service = staticmethod(services.function_create)
    update_service = staticmethod(services.function_update)
    delete_service = staticmethod(services.function_delete)


@documented(s.StatutoryHoldingSerializer, s.StatutoryHoldingInputSerializer)
class StatutoryHoldingViewSet(DelegationsViewSet):
    """Who holds each function by statute, for which area, over which period (a CCG until 30 June
    2022, its ICB from 1 July 2022). Staff maintain them."""

    queryset = StatutoryHolding.objects.all()
    serializer_class = s.StatutoryHoldingSerializer
    input_serializer_class = s.StatutoryHoldingInputSerializer
    filterset_class = StatutoryHoldingFilterSet

    def base_queryset(self):
        return StatutoryHolding.objects.select_related("function", "holder", "area").order_by(
            "function__name", "function_id", START_ORDER, "pk"
        )

    create_service = staticmethod(services.statutory_holding_create)
    update_service = staticmethod(services.statutory_holding_update)
    delete_service = staticmethod(services.statutory_holding_delete)


@documented(s.ReservedMatterSerializer, s.ReservedMatterInputSerializer)
class ReservedMatterViewSet(DelegationsViewSet):
    """Functions reserved to a holder (for example an ICB's board): never delegable. Area editors
    change those of their areas; a reservation for everywhere is for staff."""

    queryset = ReservedMatter.objects.all()
    serializer_class = s.ReservedMatterSerializer
    input_serializer_class = s.ReservedMatterInputSerializer
    filterset_class = ReservedMatterFilterSet

    def base_queryset(self):
        return ReservedMatter.objects.select_related(
            "function", "reserved_to_organisation", "reserved_to_body", "area"
        ).order_by("function__name", "function_id", START_ORDER, "pk")

    def area_ids_for_create(self, data):
        area = data.get("area")
        return {area.pk} if area is not None else set()

    create_service = staticmethod(services.reserved_matter_create)
    update_service = staticmethod(services.reserved_matter_update)
    delete_service = staticmethod(services.reserved_matter_delete)


def delegation_queryset():
    functions = Function.objects.order_by("name", "pk")
    return Delegation.objects.select_related(
        "area", "parent", *(f"{side}_{kind}" for side in ("delegator", "delegate") for kind in s.PARTY_KINDS)
    ).prefetch_related(Prefetch("functions", queryset=functions, to_attr="functions_shown"))


CHAIN_ERRORS = {
    401: ERROR_RESPONSES[401],
    404: OpenApiResponse(ErrorSerializer, description="No such delegation"),
}


@documented(s.DelegationSerializer, s.DelegationInputSerializer)
class DelegationViewSet(DelegationsViewSet):
    """Delegations of functions for an area, from their holder to a body, post or organisation, and
    sub-delegations of those: never more function, area, limit or time than the parent holds. With
    `as_of`, only those in force on that date. Area editors change those of their areas."""

    queryset = Delegation.objects.all()
    serializer_class = s.DelegationSerializer
    input_serializer_class = s.DelegationInputSerializer
    filterset_class = DelegationFilterSet

    def base_queryset(self):
        return delegation_queryset().order_by("area__name", "area_id", START_ORDER, "pk")

    def area_ids_for_create(self, data):
        area = data.get("area")
        return {area.pk} if area is not None else set()

    create_service = staticmethod(services.delegation_create)
    update_service = staticmethod(services.delegation_update)
    delete_service = staticmethod(services.delegation_delete)

    def get_queryset(self):
        if self.action == "revoke":
            return self.base_queryset().restrict(self.request.user, CHANGE)
        return super().get_queryset()

    @extend_schema(
        request=s.RevokeInputSerializer,
        responses={200: s.DelegationSerializer, **ERROR_RESPONSES},
        filters=False,
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def revoke(self, request, *args, **kwargs):
        """Revoke the delegation from a day: it stays in force until the day before, and the
        record stays, revoked, with its last day. A delegation never in force, or revoked on or
        before its first day, never took effect."""
        delegation = self.get_object()
        query = s.RevokeInputSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        services.delegation_revoke(delegation, on=query.validated_data["on"], actor=request.user)
        output = self.serializer_class(
            self.base_queryset().get(pk=delegation.pk), context=self.get_serializer_context()
        )
        return Response(output.data)

    @extend_schema(responses={200: s.ChainSerializer, **CHAIN_ERRORS}, filters=False)
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def chain(self, request, *args, **kwargs):
        """The chain of authority around this delegation: up, the delegations it sub-delegates
        from the one the statutory holder made down to this one; down, every delegation made
        under it, at any depth, each with how many links below this one it is."""
        delegation = self.get_object()
        context = self.get_serializer_context()
        up = selectors.chain_up(selectors.with_parties(Delegation.objects.filter(pk=delegation.pk)).get())
        down = selectors.chain_down(delegation)
        return Response(
            {
                "delegation": delegation.pk,
                "up": [s.chain_link(context, d) for d in up],
                "down": [{**s.chain_link(context, d), "depth": depth} for d, depth in down],
            }
        )


@documented(s.PlaceLeadArrangementSerializer, s.PlaceLeadArrangementInputSerializer)
class PlaceLeadArrangementViewSet(DelegationsViewSet):
    """How each locality's place-based lead is arranged over time: the model, the posts holding it
    and which of the four roles each carries. A locality has one arrangement on any day."""

    queryset = PlaceLeadArrangement.objects.all()
    serializer_class = s.PlaceLeadArrangementSerializer
    input_serializer_class = s.PlaceLeadArrangementInputSerializer
    filterset_class = PlaceLeadArrangementFilterSet

    def base_queryset(self):
        links = PlaceLeadPost.objects.select_related("post").order_by("post__title", "pk")
        return (
            PlaceLeadArrangement.objects.select_related("area", "host_organisation")
            .prefetch_related(Prefetch("post_links", queryset=links, to_attr="post_links_shown"))
            .order_by("area__name", "area_id", START_ORDER, "pk")
        )

    def area_ids_for_create(self, data):
        area = data.get("area")
        return {area.pk} if area is not None else set()

    create_service = staticmethod(services.place_lead_arrangement_create)
    update_service = staticmethod(services.place_lead_arrangement_update)
    delete_service = staticmethod(services.place_lead_arrangement_delete)


class ReadOnlyRegistryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List, detail and history, for records the API does not change."""

    lookup_value_regex = RegistryViewSet.lookup_value_regex
    filter_backends = [RegistryFilterBackend]
    history = RegistryViewSet.history

    def get_queryset(self):
        return self.base_queryset()

    def base_queryset(self):
        return self.queryset.all()

    def filter_queryset(self, queryset):
        # As RegistryViewSet: with no filter in the query string, no FilterSet is built.
        if not set(self.request.query_params) & set(self.filterset_class.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self):
        lookup = self.kwargs.get(self.lookup_field)
        if lookup is not None and not str(lookup).isdigit():
            raise Http404
        return super().get_object()


class TierAssignmentViewSet(ReadOnlyRegistryViewSet):
    """Systems' tier tables (001 Appendix 2): per tier, its accountabilities, governance bodies,
    delivery functions and teams. Read-only here."""

    queryset = TierAssignment.objects.all()
    serializer_class = s.TierAssignmentSerializer
    filterset_class = TierAssignmentFilterSet

    def base_queryset(self):
        return TierAssignment.objects.select_related("system", "function", "body").order_by(
            "system__name", "system_id", "tier", "column", "order", "pk"
        )

    @extend_schema(
        responses={
            200: s.TierAssignmentSerializer(many=True),
            **READ_ERRORS,
            404: OpenApiResponse(ErrorSerializer, description="No such page: past the last page of results."),
        }
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        responses={200: s.TierAssignmentSerializer, 401: ERROR_RESPONSES[401], 404: ERROR_RESPONSES[404]}
    )
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)


# --- Who may decide --------------------------------------------------------------------------


class OneAnswerSchema(AutoSchema):
    """The router's "list" route of a resource that answers one object, not a list of them."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


class DecisionRightsViewSet(viewsets.GenericViewSet):
    """Who may decide a function for a place on a date, and under what authority."""

    schema = OneAnswerSchema()
    pagination_class = None
    filter_backends = []
    serializer_class = s.DecisionRightsSerializer

    @extend_schema(
        parameters=[s.DecisionRightsQuerySerializer],
        responses={
            200: s.DecisionRightsSerializer,
            400: OpenApiResponse(description="A missing or bad function, area or date: field errors"),
            401: ERROR_RESPONSES[401],
        },
        filters=False,
    )
    def list(self, request, *args, **kwargs):
        """Everyone who may decide `function` for `area` on the day `on`: each with the basis
        (statute, delegation, or a matter reserved to them), the chain of delegations from the
        statutory holder to them (delegator → delegate, vehicle, limit, period, source) and the
        effective limit, the smallest along the chain. When nobody may, `reason` says why."""
        query = read_query(s.DecisionRightsQuerySerializer, request)
        rights = selectors.decision_rights(function=query["function"], area=query["area"], on=query["on"])
        return Response(s.represent_rights(self.get_serializer_context(), rights))


# --- Schemes of reservation and delegation ---------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXPORT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}


class JsonOnlyNegotiation(DefaultContentNegotiation):
    """The export's `format` names the spreadsheet, not a renderer: errors are always JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        renderer = JSONRenderer()
        return renderer, renderer.media_type


class SordViewSet(viewsets.GenericViewSet):
    """Schemes of reservation and delegation as spreadsheets (columns: policy area, function,
    reserved to, delegated to, further delegated to, statutory basis, limit, from, to, source)."""

    pagination_class = None
    filter_backends = []
    content_negotiation_class = JsonOnlyNegotiation
    renderer_classes = [JSONRenderer]

    @extend_schema(
        parameters=[s.SordExportQuerySerializer],
        responses={
            (200, "text/csv"): OpenApiResponse(OpenApiTypes.STR, description="The scheme as CSV"),
            (200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="The scheme as an Excel workbook"),
            (400, "application/json"): OpenApiResponse(
                description="No area or system, an unknown one, a bad date or format: field errors"
            ),
            (401, "application/json"): ERROR_RESPONSES[401],
        },
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request, *args, **kwargs):
        """The delegations and reserved matters of an area, or of every area of a system, as a
        scheme of reservation and delegation: one row per function delegated or reserved. With
        `as_of`, only what covered that day. The file imports back unchanged."""
        query = read_query(s.SordExportQuerySerializer, request)
        rows = selectors.sord_rows(area=query.get("area"), system=query.get("system"), on=query.get("as_of"))
        kind = query["format"]
        response = HttpResponse(selectors.sord_export(rows, kind), content_type=EXPORT_TYPES[kind])
        response["Content-Disposition"] = f'attachment; filename="{_export_name(query)}.{kind}"'
        return response


def _export_name(query) -> str:
    place = query.get("area") or query.get("system")
    words = getattr(place, "short_name", "") or place.name
    stem = "-".join("".join(c if c.isalnum() else " " for c in words).split()).lower()
    on = query.get("as_of")
    return f"scheme-of-delegation-{stem or place.pk}" + (f"-{on.isoformat()}" if on else "")


IMPORT_ERRORS = {
    400: OpenApiResponse(
        description="No file, not a spreadsheet, too large, wrong columns, or a bad area or status: field errors"
    ),
    401: ERROR_RESPONSES[401],
    403: OpenApiResponse(ErrorSerializer, description="You may not add delegations in that area"),
    415: OpenApiResponse(ErrorSerializer, description="Send the file as multipart/form-data"),
}


class SordImportViewSet(viewsets.GenericViewSet):
    """Imports of schemes of reservation and delegation: upload one, then follow its progress."""

    queryset = SordImport.objects.all()
    pagination_class = None
    filter_backends = []
    parser_classes = [MultiPartParser, FormParser]
    lookup_value_regex = r"[0-9]+"
    serializer_class = s.SordImportSerializer

    @extend_schema(
        request={"multipart/form-data": s.SordImportInputSerializer},
        responses={202: s.SordImportAcceptedSerializer, **IMPORT_ERRORS},
    )
    def create(self, request, *args, **kwargs):
        """Upload a scheme (CSV or XLSX, at most 5 MB) for a locality or a system footprint:
        answered at once with the import's id and where to follow it. Every row goes through the
        same rules as a delegation made by hand, and the import is all or nothing: one bad row and
        nothing is imported, and the report names each bad row and why. A file that is not a
        spreadsheet of the expected columns is refused at once."""
        query = s.SordImportInputSerializer(data=request.data)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        upload = data["file"]
        if upload.size > SORD_MAX_BYTES:  # refused before it is read into memory
            raise exceptions.ValidationError({"file": [SORD_TOO_LARGE]})
        if not can_write_in_areas(request.user, Delegation, ADD, {data["area"].pk}):
            raise exceptions.PermissionDenied("You may not add delegations in that area.")
        optional = {"status": data["status"]} if "status" in data else {}
        job = services.sord_import_start(
            content=upload.read(), file_name=upload.name, area=data["area"], actor=request.user, **optional
        )
        url = url_maker(self.get_serializer_context(), "api:sord-import-detail")(job.pk)
        return Response(
            {"id": job.pk, "url": url, "state": job.state},
            status=status.HTTP_202_ACCEPTED,
            headers={"Location": url},
        )

    @extend_schema(
        responses={
            200: s.SordImportSerializer,
            401: ERROR_RESPONSES[401],
            404: OpenApiResponse(ErrorSerializer, description="No such import, or not yours"),
        }
    )
    def retrieve(self, request, *args, **kwargs):
        """An import's progress (rows checked of the rows in the file) and, once it has finished,
        its report: what was imported, or each refused row and why. Seen by whoever uploaded it,
        and by staff."""
        pk = str(self.kwargs.get("pk", ""))
        if not pk.isdigit() or int(pk) > s.MAX_ID:
            raise exceptions.NotFound("Not found.")
        job = (
            SordImport.objects.visible_to(request.user)
            .select_related("area")
            .defer("content")
            .filter(pk=int(pk))
            .first()
        )
        if job is None:
            raise exceptions.NotFound("Not found.")
        return Response(
            s.represent_import(self.get_serializer_context(), job, selectors.sord_import_progress(job))
        )
