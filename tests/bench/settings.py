"""Settings for `make bench`: the local (production-like) settings with the benchmark's urlconf.

Debug stays off, persistent database connections (CONN_MAX_AGE from base) stay on, static files
go through the manifest storage (run.py collects them into a temporary STATIC_ROOT)."""

from ics_registry.settings.local import *  # noqa: F403

ROOT_URLCONF = "tests.bench.urls"
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]  # testserver: the in-process query counts
