from django.core.management.base import BaseCommand

from projects import services as project_services
from provinces import services as province_services


class Command(BaseCommand):
    """Orchestrated from the top: each app loads its own reference data, none calls an app above it."""

    help = "Load provinces, region memberships, communes, units, activity contents and programmes (idempotent)."

    def handle(self, *args, **options):
        counts = province_services.reference_load()
        counts["programmes"] = project_services.programmes_load()
        counts["support ceilings"] = project_services.ceilings_load()
        self.stdout.write(", ".join(f"{name}: {count}" for name, count in counts.items()))
