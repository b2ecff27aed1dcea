import time

from django.core.management.base import BaseCommand

from reporting.services.load_data import LoadSizes, load_data_clear, load_data_generate


class Command(BaseCommand):
    help = (
        "Synthetic data at national scale for the benchmark (marked: units 'tai-…', demo plans "
        "'TAI-GIA-LAP'): provinces × units × months × tasks per unit, with submitted reports, "
        "entries, evidence rows and indicator values, by bulk inserts. Replaces a previous load."
    )

    def add_arguments(self, parser):
        defaults = LoadSizes()
        parser.add_argument("--provinces", type=int, default=defaults.provinces)
        parser.add_argument("--units", type=int, default=defaults.units)
        parser.add_argument("--months", type=int, default=defaults.months)
        parser.add_argument("--tasks", type=int, default=defaults.tasks)
        parser.add_argument(
            "--only", nargs="*", default=[], help="province codes (default: the first by code)"
        )
        parser.add_argument("--clear", action="store_true", help="only remove a previous load")

    def handle(self, *args, provinces, units, months, tasks, only, clear, **options):
        if clear:
            load_data_clear()
            return
        started = time.monotonic()
        counts = load_data_generate(
            LoadSizes(
                provinces=provinces, units=units, months=months, tasks=tasks, only=tuple(only)
            )
        )
        self.stdout.write(
            f"{counts.provinces} provinces, {counts.units} units, {counts.tasks} tasks, "
            f"{counts.periods} periods, {counts.reports} reports, {counts.entries} entries, "
            f"{counts.evidence} evidence rows, {counts.values} indicator values "
            f"in {time.monotonic() - started:.1f}s"
        )
