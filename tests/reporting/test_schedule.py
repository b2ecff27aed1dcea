"""The beat schedule: fixed tickers installed by a migration, each expiring before its next
tick, pointing at tasks that exist."""

import pytest
from django_celery_beat.models import PeriodicTask

from par_portal import celery_app

pytestmark = pytest.mark.django_db


def test_tickers_are_installed_and_expire_before_their_next_tick():
    tasks = {t.task: t for t in PeriodicTask.objects.select_related("crontab")}
    hourly = tasks["reporting.tasks.send_reminders"]
    nightly = tasks["reporting.tasks.nightly"]
    assert (hourly.crontab.minute, hourly.crontab.hour) == ("5", "*")
    assert hourly.expire_seconds < 3600
    assert (nightly.crontab.minute, nightly.crontab.hour) == ("30", "1")
    assert nightly.expire_seconds < 24 * 3600
    assert str(nightly.crontab.timezone) == "Asia/Ho_Chi_Minh"
    celery_app.loader.import_default_modules()
    assert {
        "reporting.tasks.send_reminders",
        "reporting.tasks.nightly",
        "reporting.tasks.rollup_period",
    } <= set(celery_app.tasks)


def test_reminder_and_rollup_tasks_are_safe_to_redeliver():
    from reporting.tasks import nightly, rollup_period, send_reminders

    assert send_reminders.acks_late and rollup_period.acks_late and nightly.acks_late
    assert rollup_period.max_retries == 5 and rollup_period.retry_backoff_max == 300


def test_publishing_never_hangs_a_request_on_a_dead_broker():
    policy = celery_app.conf.task_publish_retry_policy
    assert policy["max_retries"] <= 2 and policy["interval_max"] <= 1


def test_the_deadline_reads_as_people_say_it():
    import datetime as dt
    from zoneinfo import ZoneInfo

    from reporting.models.reports import deadline_text

    hcm = ZoneInfo("Asia/Ho_Chi_Minh")
    start_of_25th = dt.datetime(2026, 11, 25, 0, 0, tzinfo=hcm)
    assert deadline_text(start_of_25th) == "trước ngày 25/11/2026 (hết ngày 24/11)"
    moved = dt.datetime(2027, 2, 3, 14, 0, tzinfo=hcm)  # a deadline moved by an admin
    assert deadline_text(moved) == "trước 14:00 ngày 03/02/2027"
    assert deadline_text(dt.datetime(2026, 3, 1, 0, 0, tzinfo=hcm)).endswith("(hết ngày 28/02)")
