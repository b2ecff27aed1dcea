"""A real Celery worker process against the real Redis and PostgreSQL (CI): a submission queues
a roll-up that the worker computes; a reminder run goes through the worker to a local SMTP
sink; a worker killed mid-run and restarted leaves every reminder sent exactly once; a webhook
(Zalo/SMS) that fails twice is retried by the worker and delivered once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from tests.smtp_sink import Sink

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(__file__)))


def _database_url() -> str:
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(broker_url: str, smtp_port: int | None = None, **extra: str) -> subprocess.Popen:
    env = {
        **os.environ,
        **extra,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": broker_url,
        "DEBUG": "true",
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}" if smtp_port else "locmem://",
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "par_portal",
            "worker",
            "--pool",
            "solo",
            "--loglevel",
            "INFO",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return worker


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> str:
    if worker.poll() is None:
        worker.send_signal(sig)
    try:
        output, _ = worker.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        worker.kill()
        output, _ = worker.communicate()
    return output or ""


def chaos_record(line: str) -> None:
    """A chaos run's counts, printed at the end of .ci/run (test-output/chaos-counts.txt)."""
    output = os.path.join(ROOT, "test-output")
    os.makedirs(output, exist_ok=True)
    with open(os.path.join(output, "chaos-counts.txt"), "a", encoding="utf-8") as counts:
        counts.write(line + "\n")
    print(line)


def wait_for(condition, *, timeout: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        from tests.conftest import skip_or_fail

        skip_or_fail("the worker integration tests need PostgreSQL (DATABASE_URL)")


@pytest.fixture
def purge_queue(redis_broker_url):
    from par_portal import celery_app

    celery_app.control.purge()
    yield redis_broker_url
    celery_app.control.purge()


@pytest.fixture
def world(postgres, purge_queue):
    from indicators.services.par_data import par_data_load
    from tests.reporting.world import build_world

    par_data_load()  # transactional tests begin from a flushed database
    return build_world(units=12)


def test_a_submission_queues_a_rollup_that_the_worker_computes(world, purge_queue):
    from reporting.models import FieldScorecard
    from reporting.services import report_start, report_submit
    from tests.reporting.world import local

    worker = start_worker(purge_queue)
    try:
        now = local(2030, 3, 20, 9, 0)
        report = report_start(period=world.period, unit=world.a, user=world.users["ra"], now=now)
        started = time.monotonic()
        report_submit(
            report=report,
            user=world.users["ra"],
            version=report.version,
            entries={
                t.pk: {"status": "done", "percent_done": 100, "explanation": "biên bản gửi sau"}
                for t in world.tasks[:2]
            },
            values={},
            files={},
            now=now,
        )  # autocommit: on_commit fires at once
        wait_for(
            lambda: FieldScorecard.objects.filter(period=world.period).exists(),
            what="the worker's roll-up",
        )
        elapsed = time.monotonic() - started
        card = FieldScorecard.objects.get(period=world.period, field__code="procedures")
        assert (card.tasks_done, card.mean_done_pct) == (2, 100)
        print(f"roll-up visible {elapsed:.2f}s after the submission")
    finally:
        output = stop(worker)
    assert "rollup_period" in output


def _make_reminders_due(world):
    """Move the world's period so that its 5-day reminder is due now (real time)."""
    import datetime as dt

    from reporting.models import CalendarException, Period

    now = timezone.now()
    Period.objects.filter(pk=world.period.pk).update(
        due_at=now + dt.timedelta(days=2), locks_at=now + dt.timedelta(days=7)
    )
    # nothing goes out on a day off: whatever day the suite runs, today is a working day here
    CalendarException.objects.get_or_create(
        province=world.province,
        day=timezone.localdate(now),
        defaults={"kind": "working_day", "name_vi": "Ngày làm việc (thử)"},
    )


def test_reminders_go_through_the_worker_to_smtp_once(world, purge_queue):
    from reporting.models import Reminder
    from reporting.tasks import send_reminders

    _make_reminders_due(world)
    with Sink() as sink:
        worker = start_worker(purge_queue, sink.port)
        try:
            send_reminders.delay()
            wait_for(
                lambda: (
                    Reminder.objects.exists()
                    and not Reminder.objects.filter(status="pending").exists()
                ),
                what="reminders sent",
            )
            send_reminders.delay()  # a duplicated tick
            send_reminders.delay()
            time.sleep(3)
        finally:
            stop(worker)
    per_person = Counter(rcpt for rcpt, _ in sink.received)
    assert set(per_person.values()) == {1}
    assert "both@people.example" in per_person
    assert len(per_person) == 4 + 12  # ra, rb, head_a, both, and one reporter per extra unit


def test_a_worker_killed_mid_run_then_restarted_sends_each_reminder_once(world, purge_queue):
    from reporting.models import Reminder
    from reporting.tasks import send_reminders

    _make_reminders_due(world)
    with Sink(rcpt_delay=0.5) as sink:
        worker = start_worker(purge_queue, sink.port)
        send_reminders.delay()
        wait_for(lambda: sink.count() >= 3, what="the first messages")
        time.sleep(0.25)  # now inside the next message's RCPT: addressed, not delivered
        stop(worker, signal.SIGKILL)
        delivered_before = sink.count()
        assert Reminder.objects.filter(status="pending").exists()  # the run did not finish

        # Nothing is queued by hand: the restarted worker's catch-up (worker_ready) finishes
        # the fan-out, within a minute of the restart.
        restarted = time.monotonic()
        worker = start_worker(purge_queue, sink.port)
        try:
            wait_for(
                lambda: not Reminder.objects.filter(status="pending").exists(),
                what="the restarted worker's catch-up to send every pending reminder",
                timeout=60,
            )
            caught_up = time.monotonic() - restarted
        finally:
            output = stop(worker)
    assert "Catch-up on worker start" in output
    per_person = Counter(rcpt for rcpt, _ in sink.received)
    chaos_record(
        f"kill -9 mid fan-out: sent {len(per_person)}, expected 16, "
        f"duplicates {sum(n - 1 for n in per_person.values())}, lost {16 - len(per_person)}, "
        f"caught up {caught_up:.1f}s after the restart"
    )
    assert delivered_before < len(per_person) == 16
    assert set(per_person.values()) == {1}, per_person
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}


def test_a_webhook_failing_twice_is_retried_by_the_worker_and_delivered_once(world, purge_queue):
    from indicators.services.preferences import preference_set_channels
    from reporting.models import ChannelDelivery, Reminder, WebhookChannel
    from reporting.tasks import send_reminders
    from reporting.webhook_sink import WebhookSink

    _make_reminders_due(world)
    for name in ("ra", "both"):
        preference_set_channels(
            user=world.users[name],
            wants_webhook=True,
            phone="0905123456",
            consent=True,
            now=timezone.now(),
        )
    with Sink() as smtp, WebhookSink(secret="worker-secret", fail_first=2) as hook:
        WebhookChannel.objects.create(
            province=world.province, name="Zalo OA", url=hook.url, secret="worker-secret"
        )
        worker = start_worker(purge_queue, smtp.port, WEBHOOK_RETRY_SECONDS="1")
        try:
            send_reminders.delay()
            wait_for(
                lambda: (
                    ChannelDelivery.objects.count() == 3
                    and not ChannelDelivery.objects.exclude(status="sent").exists()
                ),
                what="the webhook deliveries, after two failures",
                timeout=90,
            )
            send_reminders.delay()  # duplicated ticks: nothing is sent twice
            send_reminders.delay()
            time.sleep(3)
        finally:
            output = stop(worker)
    # ra (unit A), and "both" for units A and B: three reminder rows' deliveries
    keys = Counter(entry["key"] for entry in hook.received)
    assert len(keys) == 3 and set(keys.values()) == {1}, keys
    assert all(entry["valid"] for entry in hook.received)
    assert hook.requests == 2 + 3  # two refused, then each delivery once
    assert sorted(ChannelDelivery.objects.values_list("attempts", flat=True))[-1] >= 2
    assert "retry_in=" in output
    # e-mail went its own way, once per person
    per_person = Counter(rcpt for rcpt, _ in smtp.received if rcpt.endswith("@people.example"))
    assert set(per_person.values()) == {1} and len(per_person) == 16
    assert set(Reminder.objects.filter(period=world.period).values_list("status", flat=True)) == {
        "sent"
    }
