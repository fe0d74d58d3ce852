from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Registry: systems, areas and organisations"
    default_auto_field = "django.db.models.BigAutoField"
