import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.services.reminders import reminders_run


class Command(BaseCommand):
    help = "Send the reminders due now (the same service as the hourly Celery ticker)."

    def add_arguments(self, parser):
        parser.add_argument("--now", help="ISO-8601 date and time to act as now (local if naive)")
        parser.add_argument("--dry-run", action="store_true", help="List, send nothing")

    def handle(self, *args, now=None, dry_run=False, **options):
        moment = timezone.now()
        if now:
            try:
                moment = dt.datetime.fromisoformat(now)
            except ValueError as error:
                raise CommandError(f"--now: not an ISO-8601 date and time: {now!r}") from error
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        report = reminders_run(now=moment, dry_run=dry_run)
        if dry_run:
            for email, items in report.planned:
                self.stdout.write(f"{email}: {'; '.join(items)}")
            for label in report.unreachable:
                self.stdout.write(f"NO ADDRESS (would fail): {label}")
            self.stdout.write(f"{len(report.planned)} message(s) would be sent; none was.")
            return
        if report.locked_out:
            self.stdout.write("Another reminder run is in progress; nothing done.")
            return
        self.stdout.write(
            f"created {report.created}, sent {report.sent_messages} message(s), "
            f"skipped {report.skipped}, failed {report.failed}"
        )
