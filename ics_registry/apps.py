from django.apps import AppConfig


class IcsRegistryConfig(AppConfig):
    name = "ics_registry"
    verbose_name = "ICS Registry core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from drf_spectacular.extensions import OpenApiAuthenticationExtension  # noqa: F401

        from . import schema  # noqa: F401  (registers the token auth scheme)
