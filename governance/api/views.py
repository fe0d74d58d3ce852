from django.db.models import F, Prefetch
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from ics_registry.api_base import ERROR_RESPONSES, ErrorSerializer, RegistryViewSet
from ics_registry.as_at import parse_date, today
from ics_registry.permissions import ADD, can_write_in_areas
from organisations.api.views import WRITE_ERRORS, documented
from organisations.models import Area, Organisation

from .. import selectors, services
from ..filtersets import (
    BodyFilterSet,
    BodyStatusFilterSet,
    CompositionRuleFilterSet,
    ConstituencyFilterSet,
    RelationFilterSet,
    SeatFilterSet,
    SeatHoldingFilterSet,
    TermsOfReferenceFilterSet,
)
from ..models import (
    AccountabilityRelation,
    Body,
    BodyArea,
    BodyStatus,
    CompositionRule,
    ConstituencyMember,
    Seat,
    SeatHolding,
    TermsOfReference,
)
from . import serializers as s

START_ORDER = F("start_date").asc(nulls_first=True)
MAX_ID = 2**63 - 1


class GovernanceViewSet(RegistryViewSet):
    """A governance resource. Every record belongs to a body: area editors of the body's areas may
    change it, and so may the body's secretary where the model lets secretaries in
    (`container_field` on its queryset)."""

    def body_for_create(self, data) -> Body | None:
        return data.get("body")

    def may_create(self, data) -> bool:
        body = self.body_for_create(data)
        if body is None:
            return super().may_create(data)
        area_ids = set(BodyArea.objects.filter(body=body).values_list("area_id", flat=True))
        return can_write_in_areas(
            self.request.user, self.queryset.model, ADD, area_ids, container_ids=[body.pk]
        )

    def _on(self):
        return parse_date(self.request.query_params.get("as_of")) or today()

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "on": self._on()}

    # After a write, answer with the record as a read shows it (with its prefetches and annotations).
    def perform_service_create(self, data):
        return self.base_queryset().get(pk=super().perform_service_create(data).pk)

    def perform_service_update(self, instance, data):
        return self.base_queryset().get(pk=super().perform_service_update(instance, data).pk)


def read_query(serializer_class, request) -> dict:
    """The query string read through a serializer. A parameter sent with no value is refused, as
    the lists' filters refuse it, rather than read as left out."""
    blank = {
        name: ["Give a value, or leave this filter out."]
        for name in serializer_class().fields
        if name in request.query_params and not request.query_params.get(name, "").strip()
    }
    if blank:
        raise exceptions.ValidationError(blank)
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def body_queryset(on):
    return (
        selectors.body_list(on)
        .prefetch_related(None)
        .select_related("chair_post", "vice_chair_post")
        .prefetch_related(
            Prefetch("areas", queryset=Area.objects.order_by("name", "pk")),
            Prefetch("hosts", queryset=Organisation.objects.order_by("name", "pk")),
            Prefetch("statuses", queryset=BodyStatus.objects.order_by(*s.STATUS_ORDER)),
        )
    )


GRAPH_ERRORS = {
    400: OpenApiResponse(description="Invalid depth or as_of: field errors keyed by field name"),
    401: ERROR_RESPONSES[401],
    404: OpenApiResponse(ErrorSerializer, description="No such body"),
}


@documented(s.BodySerializer, s.BodyInputSerializer)
class BodyViewSet(GovernanceViewSet):
    """Governance bodies: boards, committees and partnerships, with their status on the as_of date
    (today when as_of is not given)."""

    queryset = Body.objects.all()
    serializer_class = s.BodySerializer
    input_serializer_class = s.BodyInputSerializer
    filterset_class = BodyFilterSet

    def base_queryset(self):
        return body_queryset(self._on())

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(s.BodyRows.page(queryset))
        return self.get_paginated_response(s.BodyRows.represent(list(page), self.get_serializer_context()))

    def body_for_create(self, data):
        return None

    def area_ids_for_create(self, data):
        return {a.pk for a in data.get("areas", [])}

    create_service = staticmethod(services.body_create)
    update_service = staticmethod(services.body_update)  # keeps area links outside an editor's areas
    delete_service = staticmethod(services.body_delete)

    @extend_schema(
        parameters=[s.GraphQuerySerializer],
        responses={200: s.GraphSerializer, **GRAPH_ERRORS},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def graph(self, request, *args, **kwargs):
        """The accountability graph around this body on a date: the bodies within `depth` links of
        it, and the links among them."""
        lookup = str(self.kwargs.get(self.lookup_field, ""))
        if not lookup.isdigit() or int(lookup) > MAX_ID:
            raise exceptions.NotFound("Not found.")
        query = read_query(s.GraphQuerySerializer, request)
        on = query.get("as_of") or today()
        depth = query["depth"]
        # Reads are public, so the body need not be read first: the graph's own query for its
        # bodies says whether it exists. One query per level, and one for the bodies.
        graph = selectors.body_graph(Body(pk=int(lookup)), on=on, depth=depth)
        if not any(node["id"] == graph.centre for node in graph.nodes):
            raise exceptions.NotFound("Not found.")
        body_url = s.url_maker(self.get_serializer_context(), "api:body-detail")
        # The selector's rows are already the documented shape (GraphSerializer, in the schema);
        # passing them through the serializer again would cost more than the queries.
        return Response(
            {
                "centre": graph.centre,
                "as_of": on,
                "depth": depth,
                "nodes": [{**node, "url": body_url(node["id"])} for node in graph.nodes],
                "edges": graph.edges,
            }
        )


@documented(s.BodyStatusSerializer, s.BodyStatusInputSerializer)
class BodyStatusViewSet(GovernanceViewSet):
    """Bodies' stages over time: proposed, shadow, established, stood down — never backwards, never
    two at once."""

    queryset = BodyStatus.objects.all()
    serializer_class = s.BodyStatusSerializer
    input_serializer_class = s.BodyStatusInputSerializer
    filterset_class = BodyStatusFilterSet

    def base_queryset(self):
        return BodyStatus.objects.select_related("body").order_by("body__name", "body_id", START_ORDER, "pk")

    create_service = staticmethod(services.body_status_create)
    update_service = staticmethod(services.body_status_update)
    delete_service = staticmethod(services.body_status_delete)


@documented(s.RelationSerializer, s.RelationInputSerializer)
class RelationViewSet(GovernanceViewSet):
    """How bodies stand to one another over time: "the Executive is accountable to the Board"."""

    queryset = AccountabilityRelation.objects.all()
    serializer_class = s.RelationSerializer
    input_serializer_class = s.RelationInputSerializer
    filterset_class = RelationFilterSet

    def base_queryset(self):
        return AccountabilityRelation.objects.select_related("from_body", "to_body").order_by(
            "from_body__name", "from_body_id", "kind", "to_body__name", START_ORDER, "pk"
        )

    def body_for_create(self, data):
        return data.get("from_body")

    create_service = staticmethod(services.relation_create)
    update_service = staticmethod(services.relation_update)
    delete_service = staticmethod(services.relation_delete)


@documented(s.TermsOfReferenceSerializer, s.TermsOfReferenceInputSerializer)
class TermsOfReferenceViewSet(GovernanceViewSet):
    """Versions of bodies' terms of reference: when and by whom each was approved, when due for review."""

    queryset = TermsOfReference.objects.all()
    serializer_class = s.TermsOfReferenceSerializer
    input_serializer_class = s.TermsOfReferenceInputSerializer
    filterset_class = TermsOfReferenceFilterSet

    def base_queryset(self):
        return TermsOfReference.objects.select_related("body", "approved_by").order_by(
            "body__name", "body_id", F("approved_on").desc(nulls_first=True), "-pk"
        )

    create_service = staticmethod(services.terms_of_reference_create)
    update_service = staticmethod(services.terms_of_reference_update)
    delete_service = staticmethod(services.terms_of_reference_delete)


@documented(s.SeatSerializer, s.SeatInputSerializer)
class SeatViewSet(GovernanceViewSet):
    """Seats on bodies, with who sat in each on the as_of date (today when as_of is not given) and
    how many places were vacant."""

    queryset = Seat.objects.all()
    serializer_class = s.SeatSerializer
    input_serializer_class = s.SeatInputSerializer
    filterset_class = SeatFilterSet

    def base_queryset(self):
        holders = (
            SeatHolding.objects.as_at(self._on())
            .select_related("person", "organisation")
            .order_by("position", "role", START_ORDER, "pk")
        )
        return (
            Seat.objects.select_related("body", "represents_organisation")
            .prefetch_related(Prefetch("holdings", queryset=holders, to_attr="holdings_shown"))
            .order_by("body__name", "body_id", "order", "pk")
        )

    create_service = staticmethod(services.seat_create)
    update_service = staticmethod(services.seat_update)
    delete_service = staticmethod(services.seat_delete)


@extend_schema_view(
    create=extend_schema(
        request=s.SeatHoldingInputSerializer, responses={201: s.SeatHoldingResultSerializer, **WRITE_ERRORS}
    ),
    update=extend_schema(
        request=s.SeatHoldingInputSerializer, responses={200: s.SeatHoldingResultSerializer, **WRITE_ERRORS}
    ),
    partial_update=extend_schema(
        request=s.SeatHoldingInputSerializer, responses={200: s.SeatHoldingResultSerializer, **WRITE_ERRORS}
    ),
)
@documented(s.SeatHoldingSerializer, s.SeatHoldingInputSerializer)
class SeatHoldingViewSet(GovernanceViewSet):
    """People in seats over time, as members or as deputies or substitutes. A change answers with
    the body's composition rules its membership then breaks (`composition_warnings`): shown, not
    refused."""

    queryset = SeatHolding.objects.all()
    serializer_class = s.SeatHoldingSerializer
    input_serializer_class = s.SeatHoldingInputSerializer
    filterset_class = SeatHoldingFilterSet

    def base_queryset(self):
        return SeatHolding.objects.select_related("seat", "seat__body", "person", "organisation").order_by(
            "seat__body__name",
            "seat__body_id",
            "seat__order",
            "seat_id",
            "position",
            "role",
            START_ORDER,
            "pk",
        )

    def body_for_create(self, data):
        seat = data.get("seat")
        return seat.body if seat is not None else None

    def perform_service_create(self, data):
        result = services.seat_holding_create(actor=self.request.user, **data)
        return self._with_warnings(result)

    def perform_service_update(self, instance, data):
        result = services.seat_holding_update(instance, actor=self.request.user, **data)
        return self._with_warnings(result)

    def _with_warnings(self, result):
        holding = self.base_queryset().get(pk=result.holding.pk)
        holding.composition_warnings = list(result.warnings)
        return holding

    def create(self, request, *args, **kwargs):
        self.serializer_class = s.SeatHoldingResultSerializer
        return super().create(request, *args, **kwargs)

    def update(self, request, *args, **kwargs):
        self.serializer_class = s.SeatHoldingResultSerializer
        return super().update(request, *args, **kwargs)

    delete_service = staticmethod(services.seat_holding_delete)


@documented(s.CompositionRuleSerializer, s.CompositionRuleInputSerializer)
class CompositionRuleViewSet(GovernanceViewSet):
    """Rules about who may make up a body, checked whenever its membership changes."""

    queryset = CompositionRule.objects.all()
    serializer_class = s.CompositionRuleSerializer
    input_serializer_class = s.CompositionRuleInputSerializer
    filterset_class = CompositionRuleFilterSet

    def base_queryset(self):
        return CompositionRule.objects.select_related("body", "other_body").order_by(
            "body__name", "body_id", "pk"
        )

    create_service = staticmethod(services.composition_rule_create)
    update_service = staticmethod(services.composition_rule_update)
    delete_service = staticmethod(services.composition_rule_delete)


@documented(s.ConstituencyMemberSerializer, s.ConstituencyMemberInputSerializer)
class ConstituencyMemberViewSet(GovernanceViewSet):
    """Organisations in bodies' wider constituencies (e.g. the C&M Assembly, MoU Annex 5)."""

    queryset = ConstituencyMember.objects.all()
    serializer_class = s.ConstituencyMemberSerializer
    input_serializer_class = s.ConstituencyMemberInputSerializer
    filterset_class = ConstituencyFilterSet

    def base_queryset(self):
        return ConstituencyMember.objects.select_related("body", "organisation", "decided_by").order_by(
            "body__name", "body_id", "label", "organisation__name", "pk"
        )

    create_service = staticmethod(services.constituency_member_create)
    update_service = staticmethod(services.constituency_member_update)
    delete_service = staticmethod(services.constituency_member_delete)


# --- Exports ---------------------------------------------------------------------------------


class ExportViewSet(viewsets.GenericViewSet):
    """Whole systems in open formats."""

    pagination_class = None
    filter_backends = []

    @extend_schema(
        parameters=[s.PopoloQuerySerializer],
        responses={
            200: s.PopoloSerializer,
            400: OpenApiResponse(description="No system, an unknown one, or a bad as_of: field errors"),
            401: ERROR_RESPONSES[401],
        },
        filters=False,
    )
    @action(detail=False, methods=["get"], url_path="popolo")
    def popolo(self, request, *args, **kwargs):
        """A system's governance as Popolo JSON (https://www.popoloproject.com/specs/): its bodies
        and the organisations that host them or sit on them (`organizations`), seat places and chair
        posts (`posts`), who held them (`memberships`) and those people (`persons`). With `as_of`,
        what held on that date; without, everything recorded, with its dates."""
        query = read_query(s.PopoloQuerySerializer, request)
        export = s.PopoloExport(
            query["system"],
            on=query.get("as_of"),
            context=self.get_serializer_context(),
        )
        return Response(export.data(), status=status.HTTP_200_OK)

    def get_serializer_context(self):
        return {"request": self.request, "format": self.format_kwarg, "view": self}
