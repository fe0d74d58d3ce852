"""Settings for the test suite: real PostgreSQL, fast password hashing, tasks run by a worker
only where a test starts one."""

from .base import *  # noqa: F403
from .base import env

SECRET_KEY = SECRET_KEY or "test-secret-key-not-for-production-" + "x" * 20  # noqa: F405
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
DATABASES["default"]["TEST"] = {"NAME": env("TEST_DATABASE_NAME", "test_ics_registry")}  # noqa: F405
