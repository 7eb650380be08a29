from django.core.management.base import BaseCommand

from products import services


class Command(BaseCommand):
    help = "Load the selection rules (score sheet, threshold, council sizes, windows) and public holidays."

    def handle(self, *args, **options):
        rules, holidays = services.rules_load()
        self.stdout.write(f"{rules} selection rules, {holidays} public holidays")
