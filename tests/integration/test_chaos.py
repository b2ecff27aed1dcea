"""Chaos against the real services (CI): a broker stopped while an old month changes, two beat
processes started by mistake, a PostgreSQL connection dropped between two requests. (A worker
killed mid fan-out is in test_celery_worker.py.) Each prints its counts: sent or recomputed,
expected, duplicates, lost."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter

import pytest
from django.db import connection
from django.utils import timezone

from tests.integration.test_celery_worker import (
    ROOT,
    _database_url,
    chaos_record,
    start_worker,
    stop,
    wait_for,
)
from tests.smtp_sink import Sink
from tests.smtp_sink import free_port as _free_port

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _env(**extra: str) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": _database_url(), "DEBUG": "true", **extra}


class PrivateRedis:
    """A redis-server of the test's own, so it can be stopped and started again."""

    def __init__(self):
        if not shutil.which("redis-server"):
            from tests.conftest import skip_or_fail

            skip_or_fail("redis-server is not installed")
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        wait_for(lambda: _answers(client), timeout=10, what="redis-server to start")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _answers(client) -> bool:
    import redis

    try:
        return bool(client.ping())
    except redis.exceptions.ConnectionError:
        return False


def start_beat(broker_url: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "par_portal", "beat", "--loglevel", "INFO"],
        cwd=ROOT,
        env=_env(CELERY_BROKER_URL=broker_url, EMAIL_URL="locmem://"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _every(seconds: int, task: str) -> None:
    """Replace the beat schedule with one ticker (the database scheduler reads it)."""
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    PeriodicTask.objects.all().delete()
    interval, _ = IntervalSchedule.objects.get_or_create(every=seconds, period="seconds")
    PeriodicTask.objects.create(name=f"chaos {task}", task=task, interval=interval)


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        from tests.conftest import skip_or_fail

        skip_or_fail("the chaos tests need PostgreSQL (DATABASE_URL)")


@pytest.fixture
def live_world(postgres):
    """The test world moved to today's calendar: periods from two months back to this one,
    tasks running across them."""
    from indicators.models import Task
    from indicators.services.par_data import par_data_load
    from par_portal import months
    from reporting.services import periods_ensure
    from tests.reporting.world import build_world

    par_data_load()
    world = build_world(units=6)
    today = timezone.localdate()
    Task.objects.filter(plan=world.plan).update(
        start_date=today - dt.timedelta(days=150), due_date=today + dt.timedelta(days=200)
    )
    this_month = months.first_day(today)
    world.periods = periods_ensure(
        province=world.province, first=months.add_months(this_month, -2), last=this_month
    )
    return world


SUBMIT_ALL = """
import datetime as dt
from django.contrib.auth import get_user_model
from indicators.models import Unit
from reporting.models import Period
from reporting.services import report_start, report_submit
period = Period.objects.get(pk={period})
user = get_user_model().objects.get(username="both")
moment = period.due_at - dt.timedelta(days=1)
for unit in Unit.objects.filter(province=period.province, is_focal_agency=False).order_by("code"):
    report = report_start(period=period, unit=unit, user=user, now=moment)
    report_submit(report=report, user=user, version=report.version, entries={{}}, values={{}},
                  files={{}}, now=moment)
print("submitted", flush=True)
"""


def test_the_broker_stopped_while_an_old_month_changes_then_the_sweep_fixes_it(live_world):
    from reporting.models import Period, UnitScorecard
    from reporting.services.scorecards import scorecard_rollup

    old = live_world.periods[0]  # two months back
    for period in live_world.periods:
        scorecard_rollup(period=period, now=timezone.now())
    units = UnitScorecard.objects.filter(period=old).count()
    assert units >= 8 and not UnitScorecard.objects.filter(period=old, submitted=1).exists()
    _every(2, "reporting.tasks.sweep_stale")
    redis = PrivateRedis()
    redis.start()
    worker = start_worker(redis.url)
    beat = start_beat(redis.url)
    try:
        time.sleep(3)
        redis.stop()  # the broker goes down
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", SUBMIT_ALL.format(period=old.pk)],
            cwd=ROOT,
            env=_env(CELERY_BROKER_URL=redis.url),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0 and "submitted" in done.stdout, done.stdout + done.stderr
        submit_seconds = time.monotonic() - started
        # every submission succeeded; one warning line each, no traceback
        assert "Traceback" not in done.stderr and "stay marked dirty" in done.stderr
        stale = set(Period.objects.filter(dirty_since__isnull=False).values_list("pk", flat=True))
        assert stale == {p.pk for p in live_world.periods}  # the old month and those after it
        assert not UnitScorecard.objects.filter(period=old, submitted=1).exists()

        redis.start()  # the broker comes back; nobody runs a command
        back = time.monotonic()
        wait_for(
            lambda: not Period.objects.filter(dirty_since__isnull=False).exists(),
            timeout=90,
            what="the sweep to recompute the stale months",
        )
        fixed_after = time.monotonic() - back
    finally:
        beat_log = stop(beat)
        worker_log = stop(worker)
        redis.stop()
    counted = UnitScorecard.objects.filter(period=old, submitted=1).count()
    chaos_record(
        f"broker down during {units} submits ({submit_seconds:.1f}s): recomputed "
        f"{len(stale)} months, expected {len(stale)}; submissions counted {counted}, "
        f"expected {units}, lost {units - counted}; fixed {fixed_after:.1f}s after Redis "
        "came back"
    )
    assert counted == units
    assert "sweep_stale" in beat_log and "Stale scorecards:" in worker_log


def test_two_beat_processes_send_no_duplicate_email(live_world, purge_queue):
    from reporting.models import Period, Reminder

    this_month = live_world.periods[-1]
    Period.objects.exclude(pk=this_month.pk).delete()  # only this month's reminders are due
    now = timezone.now()
    Period.objects.filter(pk=this_month.pk).update(
        due_at=now + dt.timedelta(days=2), locks_at=now + dt.timedelta(days=7)
    )
    from reporting.models import CalendarException

    CalendarException.objects.get_or_create(  # nothing goes out on a day off: today is not one
        province_id=this_month.province_id,
        day=timezone.localdate(now),
        defaults={"kind": "working_day", "name_vi": "Ngày làm việc (thử)"},
    )
    _every(1, "reporting.tasks.send_reminders")
    with Sink() as sink:
        worker = start_worker(purge_queue, sink.port)
        beats = [start_beat(purge_queue), start_beat(purge_queue)]
        try:
            wait_for(
                lambda: (
                    Reminder.objects.filter(period=this_month).exists()
                    and not Reminder.objects.filter(status="pending").exists()
                ),
                timeout=60,
                what="the reminders to be sent",
            )
            time.sleep(8)  # both beats keep ticking every second
        finally:
            logs = [stop(beat) for beat in beats]
            stop(worker)
    assert all("send_reminders" in log for log in logs)  # both beats really sent ticks
    per_person = Counter(rcpt for rcpt, _ in sink.received)
    expected = 4 + 6  # ra, rb, head_a, both, and one reporter per extra unit
    chaos_record(
        f"two beats: sent {sum(per_person.values())}, expected {expected}, "
        f"duplicates {sum(n - 1 for n in per_person.values())}, "
        f"lost {expected - len(per_person)}"
    )
    assert len(per_person) == expected and set(per_person.values()) == {1}


@pytest.fixture
def purge_queue(redis_broker_url):
    from par_portal import celery_app

    celery_app.control.purge()
    yield redis_broker_url
    celery_app.control.purge()


def test_a_dropped_database_connection_does_not_fail_the_next_request(postgres, tmp_path):
    """gunicorn keeps its connection between requests (CONN_MAX_AGE); PostgreSQL drops it (a
    restart, a failover, an idle timeout); the next request checks it and reconnects."""
    import psycopg2

    port = _free_port()
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "par_portal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=_env(CELERY_BROKER_URL=os.environ.get("CELERY_BROKER_URL", "")),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def health() -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as reply:
                return reply.status, reply.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()
        except OSError:
            return 0, ""

    try:
        wait_for(lambda: health()[0] == 200, timeout=30, what="gunicorn to answer")
        name = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            ours = cursor.fetchone()[0]  # this test's own connection stays
        with psycopg2.connect(_database_url().replace(f"/{name}", "/postgres")) as admin:
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = %s AND pid NOT IN (pg_backend_pid(), %s)",
                    [name, ours],
                )
                dropped = cursor.fetchone()[0]
        status, body = health()
    finally:
        web.send_signal(signal.SIGTERM)
        output, _ = web.communicate(timeout=20)
    chaos_record(
        f"PostgreSQL connection dropped: {dropped} dropped, the next request answered {status}"
    )
    assert dropped >= 1
    assert status == 200 and '"database": "ok"' in body, body + output
