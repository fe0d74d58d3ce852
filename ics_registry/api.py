"""The one API router: every app registers its viewsets here, under /api/v1/."""

from rest_framework.routers import DefaultRouter

from delegations.api.urls import ROUTES as DELEGATION_ROUTES
from governance.api.urls import ROUTES as GOVERNANCE_ROUTES
from organisations.api.urls import ROUTES as ORGANISATION_ROUTES

router = DefaultRouter(trailing_slash="/?")
for prefix, viewset, basename in [*ORGANISATION_ROUTES, *GOVERNANCE_ROUTES, *DELEGATION_ROUTES]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = router.urls
