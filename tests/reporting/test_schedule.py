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


def test_the_stale_scorecard_sweep_runs_every_five_minutes():
    sweep = PeriodicTask.objects.select_related("crontab").get(task="reporting.tasks.sweep_stale")
    assert (sweep.crontab.minute, sweep.crontab.hour) == ("*/5", "*")
    assert sweep.expire_seconds < 5 * 60


def test_a_dying_worker_loses_no_task_and_no_message_comes_back_while_valid():
    from reporting.services.reminders import BACKOFF_CAP

    conf = celery_app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    timeout = conf.broker_transport_options["visibility_timeout"]
    longest_expiry = max(t.expire_seconds for t in PeriodicTask.objects.filter(enabled=True))
    assert timeout > longest_expiry and timeout > BACKOFF_CAP.total_seconds()


def test_a_starting_worker_queues_one_catch_up(monkeypatch):
    from celery.signals import worker_ready

    from reporting import tasks

    queued = []
    monkeypatch.setattr(tasks.catch_up, "delay", lambda: queued.append("catch_up"))
    worker_ready.send(sender=None)
    assert queued == ["catch_up"]


def test_the_catch_up_sends_pending_reminders_and_recomputes_stale_months(settings, caplog):
    import logging

    import time_machine
    from django.core import mail

    from reporting import tasks
    from reporting.models import Period, Reminder
    from reporting.services.queueing import rollups_in_process
    from reporting.services.staleness import dirty_periods, periods_mark_dirty
    from tests.reporting.world import build_world, local

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    world = build_world()
    with rollups_in_process():
        periods_mark_dirty(Period.objects.filter(pk=world.period.pk), now=local(2030, 3, 20))
    with (
        time_machine.travel(local(2030, 3, 20, 8, 30), tick=False),
        caplog.at_level(logging.INFO, logger="reporting.tasks"),
    ):
        outcome = tasks.catch_up()
    assert outcome["reminders"]["sent"] == len(mail.outbox) == 4
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert outcome["periods"] == 1 and not dirty_periods().exists()
    (line,) = [r.getMessage() for r in caplog.records if "Catch-up" in r.getMessage()]
    assert "sent=4" in line and "1 stale periods recomputed in" in line


def test_each_task_logs_its_outcome_and_duration(caplog):
    import logging

    from reporting import tasks
    from tests.reporting.world import build_world

    world = build_world()
    with caplog.at_level(logging.INFO, logger="reporting.tasks"):
        tasks.rollup_period(world.period.pk)
        tasks.sweep_stale()
    lines = [r.getMessage() for r in caplog.records if r.name == "reporting.tasks"]
    assert any(line.startswith("Roll-up of tinh-thu 2030-03: recomputed in") for line in lines)
    assert any(line.startswith("Stale scorecards: 0 periods recomputed in") for line in lines)
