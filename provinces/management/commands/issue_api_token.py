"""`manage.py issue_api_token <username> --days N [--write] [--name NAME]`: prints a new API token once."""

from django.core.management.base import BaseCommand, CommandError

from provinces import api_tokens
from provinces.models import User


class Command(BaseCommand):
    help = "Issue an API token for a user (read-only unless --write) and print it once."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--write", action="store_true", help="allow writes within the user's role and provinces")
        parser.add_argument("--name", default="", help="what the token is for (default: issued by command)")

    def handle(self, *args, username, days, write, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"No user named {username!r}.") from None
        token, secret = api_tokens.api_token_issue(
            user=user, by=user, name=name or "issued by manage.py issue_api_token", days=days, can_write=write
        )
        self.stderr.write(
            f"Token {token.prefix} for {username}, {'read-write' if write else 'read-only'}, "
            f"expires {token.expires_at:%Y-%m-%d %H:%M %Z}. It is shown once:"
        )
        self.stdout.write(secret)
