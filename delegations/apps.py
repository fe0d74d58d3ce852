from django.apps import AppConfig


class DelegationsConfig(AppConfig):
    name = "delegations"
    default_auto_field = "django.db.models.BigAutoField"
