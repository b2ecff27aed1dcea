"""`make bench`: timings that must not be asserted in tests. Runs on a scratch database
(SQLite unless DATABASE_URL is set) with the demo loaded, and prints what it measured."""

import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'bench.sqlite3'}")
os.environ["EMAIL_URL"] = "locmem://"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "par_portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402


def timed(label, function, repeat=5):
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    print(
        f"{label:<58} median {statistics.median(samples) * 1000:8.1f} ms  "
        f"(min {min(samples) * 1000:.1f}, n={repeat})"
    )


def main() -> None:
    setup_test_environment()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    print(
        f"{'migrate is done; load_demo on this database':<58} {time.perf_counter() - start:8.2f} s"
    )

    from reporting.models import Period, Reminder
    from reporting.selectors.reminders import reminder_time
    from reporting.services.reminders import reminders_run
    from reporting.services.scorecards import scorecard_rollup

    today = timezone.localdate()
    month = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    period = Period.objects.get(province__code="da-nang-2025", month=month)
    # the 5-day reminder's moment (the working day before, when that day is a day off)
    moment = reminder_time(period.due_at, 5, province_id=period.province_id) + dt.timedelta(
        minutes=5
    )

    def fan_out():
        Reminder.objects.filter(period=period).delete()
        mail.outbox = []
        reminders_run(now=moment)

    timed("reminder fan-out, all Da Nang units (create + send)", fan_out)
    print(
        f"  → {len(mail.outbox)} e-mails for {Reminder.objects.filter(period=period).count()} "
        "reminder rows"
    )
    timed("reminder tick with nothing new to send", lambda: reminders_run(now=moment))
    timed(
        "scorecard roll-up of one month (Da Nang)",
        lambda: scorecard_rollup(period=period, now=timezone.now()),
    )
    periods = list(Period.objects.all())
    timed(
        f"scorecard roll-up of every period ({len(periods)})",
        lambda: [scorecard_rollup(period=p, now=timezone.now()) for p in periods],
        repeat=2,
    )

    User = get_user_model()
    client = Client()
    client.force_login(User.objects.get(username="dn.reviewer"))
    board = reverse("reporting:board", args=[period.pk])
    response = client.get(board)
    print(f"{'board page weight (HTML)':<58} {len(response.content) / 1024:8.1f} KiB")
    timed("board page render", lambda: client.get(board))
    reporter = Client()
    reporter.force_login(User.objects.get(username="dn.reporter"))
    unit = period.province.units.get(code="hai-chau")
    form = reverse("reporting:report", args=[period.pk, unit.pk])
    response = reporter.get(form)
    print(f"{'report form page weight (HTML)':<58} {len(response.content) / 1024:8.1f} KiB")
    timed("report form render", lambda: reporter.get(form))
    css = ROOT / "static/vendor/bootstrap-5.3.3/bootstrap.min.css"
    js = ROOT / "static/vendor/bootstrap-5.3.3/bootstrap.bundle.min.js"
    print(
        f"{'static per first visit (Bootstrap CSS + JS, uncompressed)':<58} "
        f"{(css.stat().st_size + js.stat().st_size) / 1024:8.1f} KiB"
    )


if __name__ == "__main__":
    main()
