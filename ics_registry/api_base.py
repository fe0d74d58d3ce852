"""Shared API machinery: pagination with a hard maximum, JSON errors that never become a 500 for
bad input, and the base viewset that applies `restrict()` and writes through services."""

from __future__ import annotations

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .history import events_for
from .permissions import ADD, CHANGE, DELETE, OUT_OF_SCOPE, can_write_in_areas, still_in_scope


def django_error_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return {
            field if field != "__all__" else "non_field_errors": [str(m) for m in msgs]
            for field, msgs in exc.message_dict.items()
        }
    return {"non_field_errors": [str(m) for m in exc.messages]}


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(django_error_detail(exc))
    elif isinstance(exc, (ProtectedError, RestrictedError)):
        exc = exceptions.ValidationError(
            {"non_field_errors": ["This record is still referred to by other records; remove those first."]}
        )
    elif isinstance(exc, IntegrityError):
        exc = exceptions.ValidationError(
            {"non_field_errors": ["This change conflicts with existing records."]}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, list):
        response.data = {"non_field_errors": response.data}
    return response


class RegistryFilterBackend(DjangoFilterBackend):
    """The model's FilterSet, for the API. A typed filter (a date, an id, a choice) sent with no
    value is refused rather than read as "no filter": `?as_of=` would otherwise answer for all time.
    (Pages share the FilterSets, and their forms do send blank fields, so this is the API's rule.)"""

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None:
            blank = {
                name: ["Give a value, or leave this filter out."]
                for name, filter_ in filterset_class.base_filters.items()
                if not isinstance(filter_, django_filters.CharFilter)
                and name in request.query_params
                and not request.query_params.get(name, "").strip()
            }
            if blank:
                raise exceptions.ValidationError(blank)
        return super().filter_queryset(request, queryset, view)


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


ERROR_RESPONSES = {
    400: OpenApiResponse(description="Invalid input: field errors keyed by field name"),
    401: OpenApiResponse(ErrorSerializer, description="Not signed in, or the token is invalid or revoked"),
    403: OpenApiResponse(ErrorSerializer, description="Not allowed (e.g. a read-only token)"),
    404: OpenApiResponse(ErrorSerializer, description="Not found, or not yours to change"),
    415: OpenApiResponse(
        ErrorSerializer, description="The body is not JSON: send Content-Type: application/json"
    ),
}


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    before = serializers.JSONField(allow_null=True)
    after = serializers.JSONField(allow_null=True)


class HistoryEventSerializer(serializers.Serializer):
    when = serializers.DateTimeField()
    label = serializers.ChoiceField(choices=["created", "updated", "deleted"])
    actor = serializers.CharField(allow_null=True)
    changes = HistoryChangeSerializer(many=True)


class RegistryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """List and detail for everyone; create, update and delete through services for those with
    rights. Subclasses name the input serializer and the service calls."""

    input_serializer_class: type[serializers.Serializer] | None = None
    # A new record must land in the creator's own areas (see still_in_scope).
    scope_checked = True
    lookup_value_regex = r"[0-9]+"
    # JSON only: form encodings cannot carry nested fields such as `sources`, which DRF then
    # dropped without a word (201, sources []). Anything else is a 415.
    parser_classes = [JSONParser]
    filter_backends = [RegistryFilterBackend]

    def get_queryset(self):
        action_name = {
            "update": CHANGE,
            "partial_update": CHANGE,
            "destroy": DELETE,
        }.get(self.action, "view")
        return self.base_queryset().restrict(self.request.user, action_name)

    def base_queryset(self):
        return self.queryset.all()

    def filter_queryset(self, queryset):
        # With no filter in the query string there is nothing to validate or apply: skip building
        # the FilterSet (its form costs more than the rest of a list request).
        filterset_class = getattr(self, "filterset_class", None)
        if filterset_class is not None and not set(self.request.query_params) & set(
            filterset_class.base_filters
        ):
            return queryset
        return super().filter_queryset(queryset)

    def get_serializer_class(self):
        if self.action in {"create", "update", "partial_update"} and self.input_serializer_class:
            return self.input_serializer_class
        return self.serializer_class

    def get_object(self):
        # Ids that are not numbers are simply missing records.
        lookup = self.kwargs.get(self.lookup_field)
        if lookup is not None and not str(lookup).isdigit():
            raise Http404
        return super().get_object()

    # Writes -------------------------------------------------------------------------------
    def may_create(self, data) -> bool:
        return can_write_in_areas(self.request.user, self.queryset.model, ADD, self.area_ids_for_create(data))

    def area_ids_for_create(self, data) -> set[int]:
        return set()

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        model = self.queryset.model
        if not self.may_create(serializer.validated_data):
            raise exceptions.PermissionDenied("You may not add records here.")
        with transaction.atomic():
            instance = self.perform_service_create(serializer.validated_data)
            if self.scope_checked and not still_in_scope(request.user, model, instance.pk):
                raise exceptions.ValidationError({"non_field_errors": [OUT_OF_SCOPE]})
        output = self.serializer_class(instance, context=self.get_serializer_context())
        return Response(output.data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        instance = self.get_object()
        serializer = self.get_serializer(instance, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            instance = self.perform_service_update(instance, serializer.validated_data)
            if not still_in_scope(request.user, self.queryset.model, instance.pk):
                raise exceptions.ValidationError({"non_field_errors": [OUT_OF_SCOPE]})
        output = self.serializer_class(instance, context=self.get_serializer_context())
        return Response(output.data)

    def destroy(self, request, *args, **kwargs):
        instance = self.get_object()
        self.perform_service_delete(instance)
        return Response(status=status.HTTP_204_NO_CONTENT)

    # Subclasses name their services: create_service(actor=, **data), update_service(instance,
    # actor=, **data), delete_service(instance, actor=). A missing one means the method is not allowed.
    create_service = None
    update_service = None
    delete_service = None

    def perform_service_create(self, data):
        if self.create_service is None:
            raise exceptions.MethodNotAllowed("POST")
        return self.create_service(actor=self.request.user, **data)

    def perform_service_update(self, instance, data):
        if self.update_service is None:
            raise exceptions.MethodNotAllowed(self.request.method)
        return self.update_service(instance, actor=self.request.user, **data)

    def perform_service_delete(self, instance):
        if self.delete_service is None:
            raise exceptions.MethodNotAllowed("DELETE")
        self.delete_service(instance, actor=self.request.user)

    @extend_schema(
        responses={
            200: HistoryEventSerializer(many=True),
            401: ERROR_RESPONSES[401],
            404: ERROR_RESPONSES[404],
        },
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def history(self, request, *args, **kwargs):
        """Every change to this record: when, by whom, each field before and after."""
        instance = self.get_object()
        events = events_for(instance, show_actors=request.user.is_authenticated)
        return Response(
            [
                {"when": e["when"], "label": e["label"], "actor": e["actor"], "changes": e["changes"]}
                for e in events
            ]
        )
