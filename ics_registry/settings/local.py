"""Settings for `make run` on one machine: the embedded services, debug off unless asked for."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DJANGO_DEBUG", False)
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("DJANGO_SECRET_KEY is not set (make run keeps one under ./var/).")  # noqa: F405
