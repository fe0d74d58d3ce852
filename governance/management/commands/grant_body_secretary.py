from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from governance.models import Body
from governance.services import body_secretary_grant, body_secretary_revoke


class Command(BaseCommand):
    help = "Make a user the secretary of a body (they maintain its seats, holdings, status and terms of reference)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("body", help="The body's id or its exact name.")
        parser.add_argument("--revoke", action="store_true", help="Take the role away instead.")

    def handle(self, *args, username, body, revoke, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user is called {username!r}.") from exc
        matches = Body.objects.filter(pk=int(body)) if body.isdigit() else Body.objects.filter(name=body)
        found = list(matches[:2])
        if not found:
            raise CommandError(f"No body matches {body!r}.")
        if len(found) > 1:
            raise CommandError(f"Several bodies are called {body!r}; give its id.")
        if revoke:
            body_secretary_revoke(user=user, body=found[0])
            self.stdout.write(f"{username} is no longer secretary of {found[0]}.")
        else:
            body_secretary_grant(user=user, body=found[0])
            self.stdout.write(f"{username} is now secretary of {found[0]}.")
