from django.core.management.base import BaseCommand

from indicators.services.par_data import par_data_load


class Command(BaseCommand):
    help = "Load the bundled PAR facts: provinces, schemes and fields, published results."

    def handle(self, *args, **options):
        report = par_data_load()
        for what, n in report.counts.items():
            self.stdout.write(f"{what}: {n}")
