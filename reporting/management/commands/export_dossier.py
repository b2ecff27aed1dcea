from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from indicators.models import Province
from reporting.services.dossier import dossier_write


class Command(BaseCommand):
    help = "Write a province's self-assessment dossier of an index year as a ZIP file."

    def add_arguments(self, parser):
        parser.add_argument("--province", required=True, help="the province's code")
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--output", help="the ZIP to write (default: ho-so-<code>-<year>.zip)")

    def handle(self, *args, province, year, output, **options):
        found = Province.objects.filter(code=province).first()
        if found is None:
            raise CommandError(f"Unknown province code: {province}")
        if not 2000 <= year <= 2100:
            raise CommandError(f"Not a plausible year: {year}")
        path = Path(output or f"ho-so-tu-danh-gia-{found.code}-{year}.zip")
        # the dossier is written for MoHA: in Vietnamese, whatever the shell's language
        with translation.override(settings.LANGUAGE_CODE), path.open("wb") as target:
            count = dossier_write(found, year, target)
        self.stdout.write(self.style.SUCCESS(f"{path}: {count} documents"))
