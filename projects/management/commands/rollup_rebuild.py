from django.core.management.base import BaseCommand, CommandError

from khuyencong import cachekeys
from projects import rollup


class Command(BaseCommand):
    help = (
        "Recompute the money roll-up (the dashboards' and reports' sums per province, plan year, fund, activity, "
        "kind and quarter) from the money entries. --check only compares and fails on any difference."
    )

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="compare with the entries; change nothing")

    def handle(self, *args, check, **options):
        if check:
            differences = rollup.differences()
            for key, (have, want) in sorted(differences.items(), key=str)[:20]:
                self.stderr.write(f"{key}: stored {have}, from the entries {want}")
            if differences:
                raise CommandError(f"{len(differences)} roll-up rows differ from the entries.")
            self.stdout.write("The money roll-up matches the entries.")
            return
        rows = rollup.rebuild()
        cachekeys.bump()
        self.stdout.write(f"{rows} roll-up rows rebuilt from the money entries.")
