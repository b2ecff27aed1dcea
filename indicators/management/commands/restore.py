from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from indicators.services.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder into the (fresh, empty) database of DATABASE_URL and into "
        "MEDIA_ROOT, then verify row counts and file checksums against its manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by `manage.py backup`")

    def handle(self, *args, folder, **options):
        try:
            found = backup_restore(source=Path(folder))
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored and verified: {sum(found['rows'].values())} rows in "
            f"{len(found['rows'])} tables, {len(found['media'])} files"
        )
