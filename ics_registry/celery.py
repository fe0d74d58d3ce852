"""The Celery application: one worker pool and exactly one beat scheduler per deployment."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ics_registry.settings.local")

app = Celery("ics_registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
