from django.core.management.base import BaseCommand

from provinces import services


class Command(BaseCommand):
    help = "Load provinces, region memberships, communes, units and activity contents (idempotent)."

    def handle(self, *args, **options):
        counts = services.reference_load()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
