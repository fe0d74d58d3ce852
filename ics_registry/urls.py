from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from organisations import views as organisation_views

from . import health, pages

urlpatterns = [
    path("", organisation_views.home, name="home"),
    path("sources/", pages.sources, name="sources"),
    path("healthz", health.healthz, name="healthz"),
    path("jobs/", pages.jobs, name="jobs"),
    path(
        "accounts/login/", auth_views.LoginView.as_view(template_name="registration/login.html"), name="login"
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/v1/", include(("ics_registry.api", "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    # Delegations, then governance, first: their place (and person) pages answer at the
    # organisations paths, each adding what its layer knows.
    path("", include("delegations.urls")),
    path("", include("governance.urls")),
    path("", include("organisations.urls")),
]

handler404 = "ics_registry.errors.not_found"
handler500 = "ics_registry.errors.server_error"
