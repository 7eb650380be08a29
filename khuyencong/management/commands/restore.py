"""`manage.py restore ARCHIVE [--force]`: put back the database and MEDIA_ROOT from a `backup` archive."""

from django.core.management.base import BaseCommand, CommandError

from khuyencong import backup


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from an archive made by `backup`. Refuses a non-empty "
        "database or MEDIA_ROOT unless --force; verifies every checksum first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--force", action="store_true", help="replace a database and files that hold data")

    def handle(self, *args, archive, force, **options):
        try:
            manifest = backup.backup_restore(archive=archive, force=force)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        problems = backup.restore_differences(manifest)
        if problems:
            raise CommandError("Restored, but it differs from the manifest:\n" + "\n".join(problems))
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {len(manifest['row_counts'])} tables and "
            f"{len(manifest['media'])} media files match the manifest. Run `migrate` if this code is newer."
        )
