"""Reminder fan-out against its floor (run by tests/bench/pages.py on the bench database): the
reminders of every unit in the country that has not reported this month, sent by the real
reminder run to a local SMTP sink, next to a bare smtplib loop sending the same messages over
one connection. Prints one JSON object."""

from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "par_portal.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.utils import timezone  # noqa: E402

from par_portal import months  # noqa: E402
from reporting.models import Period, Reminder, Report  # noqa: E402
from reporting.selectors.reminders import reminder_time  # noqa: E402
from reporting.services.load_data import PREFIX  # noqa: E402
from reporting.services.reminders import reminders_run  # noqa: E402
from tests.smtp_sink import Sink  # noqa: E402


def main() -> None:
    month = months.first_day(timezone.localdate())
    periods = Period.objects.filter(month=month)
    # this month's synthetic reports are withdrawn: every synthetic unit is unreported
    Report.objects.filter(period__in=periods, unit__code__startswith=PREFIX).delete()
    Reminder.objects.filter(period__in=periods).delete()
    due = min(p.due_at for p in periods)
    # the 5-day reminder's moment (the working day before, when that day is a day off)
    moment = reminder_time(due, 5, province_id=periods[0].province_id) + dt.timedelta(minutes=5)
    with Sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        start = time.perf_counter()
        report = reminders_run(now=moment)
        run_s = time.perf_counter() - start
        sent = list(sink.messages)
        sink.messages.clear()
        start = time.perf_counter()
        with smtplib.SMTP("127.0.0.1", sink.port) as bare:
            for sender, recipients, content in sent:
                bare.sendmail(sender, recipients, content)
        floor_s = time.perf_counter() - start
        replayed = len(sink.messages)
    print(
        json.dumps(
            {
                "month": f"{month:%Y-%m}",
                "reminder_rows": Reminder.objects.filter(period__in=periods).count(),
                "messages": report.sent_messages,
                "received": len(sent),
                "replayed": replayed,
                "run_s": run_s,
                "floor_s": floor_s,
            }
        )
    )


if __name__ == "__main__":
    main()
