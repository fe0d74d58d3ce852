from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view

from ics_registry.api_base import ERROR_RESPONSES, ErrorSerializer, RegistryViewSet
from ics_registry.as_at import today
from ics_registry.permissions import ADD, may_write_at_all

from .. import selectors, services
from ..filtersets import (
    AreaFilterSet,
    MembershipFilterSet,
    OrganisationFilterSet,
    PersonFilterSet,
    PostFilterSet,
    PostHoldingFilterSet,
    SuccessionFilterSet,
    SystemFilterSet,
)
from ..models import Area, Organisation, PartnershipMembership, Person, Post, PostHolding, Succession, System
from . import serializers as s

READ_ERRORS = {
    **{k: ERROR_RESPONSES[k] for k in (400, 401)},
    404: OpenApiResponse(ErrorSerializer, description="No such page: past the last page of results."),
}
DETAIL_ERRORS = {k: ERROR_RESPONSES[k] for k in (401, 404)}
WRITE_ERRORS = ERROR_RESPONSES


def documented(output, input_serializer):
    return extend_schema_view(
        list=extend_schema(responses={200: output(many=True), **READ_ERRORS}),
        retrieve=extend_schema(responses={200: output, **DETAIL_ERRORS}),
        create=extend_schema(request=input_serializer, responses={201: output, **WRITE_ERRORS}),
        update=extend_schema(request=input_serializer, responses={200: output, **WRITE_ERRORS}),
        partial_update=extend_schema(request=input_serializer, responses={200: output, **WRITE_ERRORS}),
        destroy=extend_schema(responses={204: None, **WRITE_ERRORS}),
    )


def _area_ids(*areas):
    return {a.pk for a in areas if a is not None}


@documented(s.SystemSerializer, s.SystemInputSerializer)
class SystemViewSet(RegistryViewSet):
    """Integrated care systems."""

    queryset = System.objects.all()
    serializer_class = s.SystemSerializer
    input_serializer_class = s.SystemInputSerializer
    filterset_class = SystemFilterSet

    create_service = staticmethod(services.system_create)
    update_service = staticmethod(services.system_update)
    delete_service = staticmethod(services.system_delete)


@documented(s.AreaSerializer, s.AreaInputSerializer)
class AreaViewSet(RegistryViewSet):
    """Footprints: systems, localities (places), neighbourhoods and footprints made of other areas."""

    queryset = Area.objects.all()
    serializer_class = s.AreaSerializer
    input_serializer_class = s.AreaInputSerializer
    filterset_class = AreaFilterSet

    def base_queryset(self):
        return (
            selectors.area_list().prefetch_related("members").order_by("system__name", "tier", "name", "pk")
        )

    def area_ids_for_create(self, data):
        # A new area sits within its parent: an editor of the parent may add it.
        return _area_ids(data.get("parent")) or {0}

    create_service = staticmethod(services.area_create)

    update_service = staticmethod(services.area_update)  # refuses moving an area out of an editor's areas
    delete_service = staticmethod(services.area_delete)


@documented(s.OrganisationSerializer, s.OrganisationInputSerializer)
class OrganisationViewSet(RegistryViewSet):
    """Organisations with their kind, ODS code, period and the areas they serve."""

    queryset = Organisation.objects.all()
    serializer_class = s.OrganisationSerializer
    input_serializer_class = s.OrganisationInputSerializer
    filterset_class = OrganisationFilterSet

    def base_queryset(self):
        return selectors.organisation_list().order_by("name", "pk")

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset()).prefetch_related(None)
        page = self.paginate_queryset(s.OrganisationRows.page(queryset))
        return self.get_paginated_response(
            s.OrganisationRows.represent(list(page), self.get_serializer_context())
        )

    def area_ids_for_create(self, data):
        return _area_ids(*data.get("areas", []))

    create_service = staticmethod(services.organisation_create)
    update_service = staticmethod(services.organisation_update)  # keeps links outside an editor's areas

    delete_service = staticmethod(services.organisation_delete)


@documented(s.SuccessionSerializer, s.SuccessionInputSerializer)
class SuccessionViewSet(RegistryViewSet):
    """Successions: one organisation taking over another's functions from a date."""

    queryset = Succession.objects.all()
    serializer_class = s.SuccessionSerializer
    input_serializer_class = s.SuccessionInputSerializer
    filterset_class = SuccessionFilterSet

    def base_queryset(self):
        return selectors.succession_list().order_by("effective_date", "pk")

    def area_ids_for_create(self, data):
        pred = data.get("predecessor")
        return set(pred.areas.values_list("pk", flat=True)) if pred else set()

    create_service = staticmethod(services.succession_create)
    update_service = staticmethod(services.succession_update)
    delete_service = staticmethod(services.succession_delete)


@documented(s.MembershipSerializer, s.MembershipInputSerializer)
class MembershipViewSet(RegistryViewSet):
    """Partnership memberships: organisations in a system's partnership, by category."""

    queryset = PartnershipMembership.objects.all()
    serializer_class = s.MembershipSerializer
    input_serializer_class = s.MembershipInputSerializer
    filterset_class = MembershipFilterSet

    def base_queryset(self):
        return selectors.membership_list().order_by("system__name", "category", "organisation__name", "pk")

    def area_ids_for_create(self, data):
        org = data.get("organisation")
        return set(org.areas.values_list("pk", flat=True)) if org else set()

    create_service = staticmethod(services.membership_create)
    update_service = staticmethod(services.membership_update)
    delete_service = staticmethod(services.membership_delete)


@documented(s.PersonSerializer, s.PersonInputSerializer)
class PersonViewSet(RegistryViewSet):
    """People named as holding posts."""

    queryset = Person.objects.all()
    serializer_class = s.PersonSerializer
    input_serializer_class = s.PersonInputSerializer
    filterset_class = PersonFilterSet

    def base_queryset(self):
        return Person.objects.order_by("name", "pk")

    # People belong to areas only through the posts they hold, so a new person is in nobody's
    # areas yet: anyone who may edit some area may add one.
    scope_checked = False

    def may_create(self, data) -> bool:
        return may_write_at_all(self.request.user, Person, ADD)

    create_service = staticmethod(services.person_create)
    update_service = staticmethod(services.person_update)
    delete_service = staticmethod(services.person_delete)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("as_of", str, description="Holders on this date (YYYY-MM-DD).")]
    ),
)
@documented(s.PostSerializer, s.PostInputSerializer)
class PostViewSet(RegistryViewSet):
    """Posts: named roles in an organisation or for an area, with their holders on the as_of date."""

    queryset = Post.objects.all()
    serializer_class = s.PostSerializer
    input_serializer_class = s.PostInputSerializer
    filterset_class = PostFilterSet

    def base_queryset(self):
        on = self._on()
        return selectors.post_list(on).order_by("title", "pk")

    def _on(self):
        from ics_registry.as_at import parse_date

        return parse_date(self.request.query_params.get("as_of")) or today()

    def area_ids_for_create(self, data):
        ids = _area_ids(data.get("area"))
        org = data.get("organisation")
        if org is not None:
            ids |= set(org.areas.values_list("pk", flat=True))
        return ids

    create_service = staticmethod(services.post_create)
    update_service = staticmethod(services.post_update)
    delete_service = staticmethod(services.post_delete)


@documented(s.PostHoldingSerializer, s.PostHoldingInputSerializer)
class PostHoldingViewSet(RegistryViewSet):
    """Post holdings: a person in a post over a period."""

    queryset = PostHolding.objects.all()
    serializer_class = s.PostHoldingSerializer
    input_serializer_class = s.PostHoldingInputSerializer
    filterset_class = PostHoldingFilterSet

    def base_queryset(self):
        return selectors.post_holding_list().order_by("post__title", "start_date", "pk")

    def area_ids_for_create(self, data):
        post = data.get("post")
        if post is None:
            return set()
        ids = _area_ids(post.area)
        if post.organisation_id:
            ids |= set(post.organisation.areas.values_list("pk", flat=True))
        return ids

    create_service = staticmethod(services.post_holding_create)

    update_service = staticmethod(services.post_holding_update)
    delete_service = staticmethod(services.post_holding_delete)
