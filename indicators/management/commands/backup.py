from pathlib import Path

from django.core.management.base import BaseCommand

from indicators.services.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database and the uploaded evidence into a new folder under --to."

    def add_arguments(self, parser):
        parser.add_argument("--to", default="backups", help="parent folder (default: backups)")

    def handle(self, *args, to, **options):
        folder = backup_create(target=Path(to))
        self.stdout.write(f"Backup written to {folder}")
