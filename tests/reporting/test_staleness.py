"""Stale scorecards are tracked, not guessed by month: every change marks the months it feeds
in the same transaction, the roll-up clears the mark, and the sweep (every five minutes, and in
the nightly run and the worker's catch-up) recomputes every dirty period of any month."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
import time_machine

from indicators.hooks import objects_changed
from indicators.models import NationalResult
from reporting import tasks
from reporting.models import FieldScorecard, Period, UnitScorecard
from reporting.services import periods_ensure, report_start, report_submit
from reporting.services.queueing import rollups_in_process
from reporting.services.scorecards import scorecard_rollup
from reporting.services.staleness import dirty_periods, periods_mark_dirty
from tests.reporting.world import build_world, local

pytestmark = pytest.mark.django_db

TODAY = local(2030, 5, 10, 9, 0)  # March is two months old


@pytest.fixture
def world():
    with time_machine.travel(TODAY, tick=False):
        world = build_world()
        periods_ensure(province=world.province, first=dt.date(2030, 4, 1), last=dt.date(2030, 6, 1))
        yield world


def _months(world):
    return {p.month.month: p for p in Period.objects.filter(province=world.province)}


def _rollup_all(world):
    for period in Period.objects.filter(province=world.province, month__lte=TODAY.date()):
        scorecard_rollup(period=period, now=TODAY)


def _submit_march(world):
    report = report_start(period=world.period, unit=world.b, user=world.users["rb"], now=TODAY)
    report_submit(
        report=report,
        user=world.users["rb"],
        version=report.version,
        entries={t.pk: {"status": "in_progress", "percent_done": 40} for t in world.tasks[2:]},
        values={},
        files={},
        now=local(2030, 3, 20, 9, 0),
    )


def _broker_down(monkeypatch):
    from kombu.exceptions import OperationalError

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.rollup_period, "delay", down)


def test_an_old_months_change_with_the_broker_down_is_fixed_by_the_sweep(
    world, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    _rollup_all(world)
    assert not dirty_periods().filter(province=world.province).exists()
    _broker_down(monkeypatch)
    with (
        caplog.at_level(logging.DEBUG, logger="reporting.services.queueing"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        _submit_march(world)  # succeeds although nothing can be queued
    months = _months(world)
    # March and the months it carries into are stale; June has not begun
    assert {p.month.month for p in dirty_periods().filter(province=world.province)} == {3, 4, 5}
    assert months[6].dirty_since is None
    march = UnitScorecard.objects.get(period=months[3], unit=world.b)
    assert march.submitted == 0  # stale
    # one warning line for the request, the traceback only at DEBUG
    (warning,) = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert warning.exc_info is None and "stay marked dirty" in warning.getMessage()
    assert any(r.levelno == logging.DEBUG and r.exc_info for r in caplog.records)

    with time_machine.travel(TODAY + dt.timedelta(minutes=5), tick=False):
        assert tasks.sweep_stale() == 3  # what beat runs every five minutes
    assert not dirty_periods().filter(province=world.province).exists()
    assert UnitScorecard.objects.get(period=months[3], unit=world.b).submitted == 1
    may = FieldScorecard.objects.get(period=months[5], field__code="impact")
    assert may.mean_done_pct == 40  # carried forward from March


def test_a_change_during_a_rollup_keeps_the_period_dirty(world, monkeypatch):
    from reporting.services import scorecards

    _rollup_all(world)
    march = world.period
    periods_mark_dirty(Period.objects.filter(pk=march.pk), now=TODAY)
    real = scorecards._unit_cards

    def with_a_concurrent_change(*args, **kwargs):
        rows = real(*args, **kwargs)
        periods_mark_dirty(Period.objects.filter(pk=march.pk), now=TODAY)  # arrives meanwhile
        return rows

    monkeypatch.setattr(scorecards, "_unit_cards", with_a_concurrent_change)
    scorecard_rollup(period=march, now=TODAY)
    march.refresh_from_db()
    assert march.dirty_since is not None  # the next sweep recomputes it
    monkeypatch.setattr(scorecards, "_unit_cards", real)
    scorecard_rollup(period=march, now=TODAY)
    march.refresh_from_db()
    assert march.dirty_since is None


def test_the_nightly_run_recomputes_a_dirty_period_of_any_month(world):
    _rollup_all(world)
    with rollups_in_process():  # marks, queues nothing
        periods_mark_dirty(Period.objects.filter(pk=world.period.pk), now=TODAY)
    assert list(dirty_periods().filter(province=world.province)) == [world.period]
    with time_machine.travel(TODAY, tick=False):
        tasks.nightly()
    assert not dirty_periods().filter(province=world.province).exists()


def test_inside_rollups_in_process_nothing_is_queued(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.rollup_period, "delay", queued.append)
    with django_capture_on_commit_callbacks(execute=True), rollups_in_process():
        periods_mark_dirty(Period.objects.filter(province=world.province), now=TODAY)
    assert queued == []
    assert dirty_periods().filter(province=world.province).count() == 3


def test_a_published_result_marks_every_provinces_later_months(world):
    result = NationalResult(province=world.province, year=2029, index_pct=80, rank=10)
    objects_changed(sender=None, objects=[result])
    stale = {p.month for p in dirty_periods().filter(province=world.province)}
    assert stale == {dt.date(2030, m, 1) for m in (3, 4, 5)}
    # an older published year does not reach back before it
    assert not dirty_periods().filter(month__lt=dt.date(2030, 1, 1)).exists()


def test_a_draft_save_changes_no_input(world):
    from reporting.services import report_save

    _rollup_all(world)
    report = report_start(period=world.period, unit=world.b, user=world.users["rb"], now=TODAY)
    report_save(
        report=report,
        user=world.users["rb"],
        version=report.version,
        entries={},
        values={},
        files={},
        now=TODAY,
    )
    assert not dirty_periods().filter(province=world.province).exists()


def test_the_demo_leaves_nothing_stale():
    assert not dirty_periods().filter(province__code__in=["quang-nam", "da-nang-2025"]).exists()
