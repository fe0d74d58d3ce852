from django.core.management.base import BaseCommand, CommandError

from ics_registry.tokens import token_revoke


class Command(BaseCommand):
    help = "Revoke API tokens: by the token itself, by its prefix, or all tokens of a user."

    def add_arguments(self, parser):
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--token", help="The token as issued.")
        group.add_argument("--prefix", help="The token's first 8 characters, as listed in the admin.")
        group.add_argument("--user", help="Revoke every active token of this user.")

    def handle(self, *args, **options):
        count = token_revoke(raw=options["token"], prefix=options["prefix"], username=options["user"])
        if not count:
            raise CommandError("No active token matched.")
        self.stdout.write(f"Revoked {count} token(s).")
