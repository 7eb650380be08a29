"""`manage.py backup [--output PATH]`: one .tar.gz with the database, MEDIA_ROOT and a manifest."""

from django.core.management.base import BaseCommand, CommandError

from khuyencong import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into one archive (var/backups/khuyencong-<time>.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="archive path (default: var/backups/khuyencong-YYYYmmdd-HHMMSS.tar.gz)")

    def handle(self, *args, output, **options):
        try:
            path, manifest = backup.backup_create(output=output)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["row_counts"].values())
        self.stderr.write(
            f"{manifest['database']['vendor']} database ({len(manifest['row_counts'])} tables, {rows} rows) "
            f"and {len(manifest['media'])} media files, {path.stat().st_size} bytes:"
        )
        self.stdout.write(str(path))
