from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from organisations.models import Area
from organisations.services import area_editor_grant, area_editor_revoke


class Command(BaseCommand):
    help = "Make a user an area editor of an area (and the areas within it), or take it away."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username.")
        parser.add_argument("--area", required=True, help="Area id or exact name, e.g. Stockport.")
        parser.add_argument("--revoke", action="store_true", help="Take the grant away instead.")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user called {options['user']!r}.") from exc
        value = options["area"]
        areas = Area.objects.filter(pk=int(value)) if value.isdigit() else Area.objects.filter(name=value)
        if areas.count() != 1:
            raise CommandError(f"{areas.count()} areas match {value!r}; give the area's id.")
        area = areas.get()
        if options["revoke"]:
            area_editor_revoke(user=user, area=area)
            self.stdout.write(f"{user.username} is no longer an area editor of {area.name}.")
        else:
            area_editor_grant(user=user, area=area)
            self.stdout.write(f"{user.username} is now an area editor of {area.name}.")
