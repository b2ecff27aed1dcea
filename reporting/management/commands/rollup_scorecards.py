import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.models import Period
from reporting.services.scorecards import scorecards_rollup


class Command(BaseCommand):
    help = "Recompute scorecards (all provinces' current month unless narrowed)."

    def add_arguments(self, parser):
        parser.add_argument("--province", help="province code, e.g. da-nang-2025")
        parser.add_argument("--period", help="month as YYYY-MM")

    def handle(self, *args, province=None, period=None, **options):
        periods = Period.objects.select_related("province")
        if province:
            periods = periods.filter(province__code=province)
            if not periods.exists():
                raise CommandError(f"No periods for a province coded {province!r}.")
        try:
            month = (
                dt.date.fromisoformat(f"{period}-01")
                if period
                else timezone.localdate().replace(day=1)
            )
        except ValueError as error:
            raise CommandError(f"--period must look like 2026-11, not {period!r}.") from error
        periods = list(periods.filter(month=month))
        scorecards_rollup(periods, now=timezone.now())
        for item in periods:
            self.stdout.write(f"{item.province.code} {item.month:%Y-%m}: recomputed")
        if not periods:
            self.stdout.write("No period matched.")
