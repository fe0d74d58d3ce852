from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from ics_registry.tokens import token_issue


class Command(BaseCommand):
    help = "Issue an API token for a user; the token is printed once and stored only as a hash."

    def add_arguments(self, parser):
        parser.add_argument("--user", required=True, help="Username the token acts for.")
        parser.add_argument("--read-only", action="store_true", help="The token may only read.")
        parser.add_argument("--name", default="", help="What the token is for, e.g. the partner system.")

    def handle(self, *args, **options):
        try:
            user = get_user_model().objects.get(username=options["user"])
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"No user called {options['user']!r}.") from exc
        token, raw = token_issue(user=user, name=options["name"], read_only=options["read_only"])
        self.stdout.write(raw)
        self.stderr.write(
            f"Token {token.prefix}… issued for {user.username}"
            f"{' (read-only)' if token.read_only else ''}. It will not be shown again."
        )
