from django.core.management.base import BaseCommand

from conferences import services


class Command(BaseCommand):
    help = "Load the known history of the southern regional conference (idempotent; needs load_reference)."

    def handle(self, *args, **options):
        counts = services.conferences_load()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
