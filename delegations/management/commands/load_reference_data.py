from pathlib import Path

from django.core.management.base import BaseCommand

from delegations.reference import DELEGATIONS_FILE, load_reference_data
from governance.reference import GOVERNANCE_FILE
from organisations.reference import REFERENCE_FILE


class Command(BaseCommand):
    help = (
        "Load the reference data (GM and C&M organisations, places, posts, governance bodies, functions, "
        "statutory holders, delegations and place-based lead arrangements) from the source papers; "
        "safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(REFERENCE_FILE), help="The registry YAML file.")
        parser.add_argument(
            "--governance-file", default=str(GOVERNANCE_FILE), help="The governance bodies YAML file."
        )
        parser.add_argument(
            "--delegations-file",
            default=str(DELEGATIONS_FILE),
            help="The functions and delegations YAML file.",
        )

    def handle(self, *args, **options):
        created = load_reference_data(
            Path(options["delegations_file"]),
            registry_path=Path(options["file"]),
            governance_path=Path(options["governance_file"]),
        )
        made = {k: v for k, v in created.items() if v}
        if made:
            self.stdout.write(
                "Reference data loaded: " + ", ".join(f"{v} {k}" for k, v in sorted(made.items()))
            )
        else:
            self.stdout.write("Reference data already loaded; nothing to add.")
