from django.core.management.base import BaseCommand

from organisations.reference import REFERENCE_FILE, load_reference_data


class Command(BaseCommand):
    help = "Load the reference registry (GM and C&M) from the source papers; safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(REFERENCE_FILE), help="The reference YAML file.")

    def handle(self, *args, **options):
        from pathlib import Path

        created = load_reference_data(Path(options["file"]))
        made = {k: v for k, v in created.items() if v}
        if made:
            self.stdout.write(
                "Reference data loaded: " + ", ".join(f"{v} {k}" for k, v in sorted(made.items()))
            )
        else:
            self.stdout.write("Reference data already loaded; nothing to add.")
