"""manage.py import_communes --province <code> [--dry-run]: every commune, ward and special
zone of a province (Vietnam's official list since July 2025, the `vietnam-provinces` package)
as commune People's Committee units, with their official codes. Safe to run again."""

from django.core.management.base import BaseCommand, CommandError

from indicators.models import Province
from indicators.services.official_units import DATA_VERSION, communes_import, official_province


class Command(BaseCommand):
    help = "Create a province's commune People's Committees from the official list."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", required=True, help="the province's code, e.g. da-nang-2025"
        )
        parser.add_argument("--dry-run", action="store_true", help="show, change nothing")

    def handle(self, *args, province, dry_run, **options):
        found = Province.objects.filter(code=province).first()
        if found is None:
            raise CommandError(f"No province with code {province!r}.")
        if official_province(found) is None:
            raise CommandError(
                f"{found.name_vi} is not on the map since July 2025: the official list "
                "has its communes only for the 34 provinces."
            )
        result = communes_import(province=found, dry_run=dry_run)
        for name in result.created:
            self.stdout.write(f"+ {name}")
        for name in result.linked:
            self.stdout.write(f"= {name} (existing unit, official code added)")
        verb = "would create" if dry_run else "created"
        self.stdout.write(
            f"{found.name_vi}: {verb} {len(result.created)}, linked {len(result.linked)}, "
            f"already there {result.existing} (official list {DATA_VERSION})."
        )
