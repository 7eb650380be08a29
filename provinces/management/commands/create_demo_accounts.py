from django.core.management.base import BaseCommand

from provinces import services


class Command(BaseCommand):
    help = "Create or refresh the demo accounts listed in the README (refused in production mode)."

    def handle(self, *args, **options):
        users = services.demo_accounts_create()
        self.stdout.write(f"{len(users)} demo accounts, password: {services.DEMO_PASSWORD}")
