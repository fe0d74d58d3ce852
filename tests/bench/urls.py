"""The app's urls plus the benchmark floors (selected by tests.bench.settings only)."""

from django.urls import include, path

from ics_registry.urls import handler404, handler500  # noqa: F401 - the root urlconf names them

from .floor import bodies_floor, map_floor, organisations_floor, rights_floor

urlpatterns = [
    path("bench/floor/", organisations_floor, name="bench-floor"),
    path("bench/bodies-floor/", bodies_floor, name="bench-bodies-floor"),
    path("bench/rights-floor/", rights_floor, name="bench-rights-floor"),
    path("bench/map-floor/", map_floor, name="bench-map-floor"),
    path("", include("ics_registry.urls")),
]
