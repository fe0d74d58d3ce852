"""Settings for `make run` on one machine: the embedded services, debug off unless asked for."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
if not SECRET_KEY and (BASE_DIR / "var" / "secret_key").exists():  # noqa: F405
    SECRET_KEY = (BASE_DIR / "var" / "secret_key").read_text().strip()  # noqa: F405  (kept by make run)
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set (make run keeps one under ./var/).")  # noqa: F405
