import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Make sure a demo administrator exists; print its password once, when it is created."

    def handle(self, *args, **options):
        User = get_user_model()
        username = settings.DEMO_ADMIN_USERNAME
        if User.objects.filter(username=username).exists():
            self.stdout.write(f"Administrator '{username}' exists (password as printed when it was created).")
            return
        password = settings.DEMO_ADMIN_PASSWORD or secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        shown = "(from DEMO_ADMIN_PASSWORD)" if settings.DEMO_ADMIN_PASSWORD else password
        self.stdout.write(self.style.SUCCESS(f"Created administrator '{username}' with password {shown}"))
