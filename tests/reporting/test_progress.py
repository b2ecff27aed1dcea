"""Progress carries forward: a task stands where its lead unit's latest counted report left it.

The small province of tests/reporting/world.py: T1 (unit A, 1 Jan–31 Mar 2030, weight 2),
T2 (unit A, 1–10 Mar, weight 1), T3 (unit B, all of 2030, weight 1). Unit A reports in
February only; unit B in March only. The roll-up of March runs on 20 March 2030.
"""

import datetime as dt
from decimal import Decimal

import pytest

from reporting.models import FieldScorecard, Period, Report
from reporting.selectors.progress import task_progress, tasks_progress
from reporting.services import report_return, report_start, report_submit
from reporting.services.reports import periods_ensure
from reporting.services.scorecards import scorecard_rollup
from tests.reporting.world import build_world, local

pytestmark = pytest.mark.django_db

NOW = local(2030, 3, 20, 12, 0)
FEB_DAY = local(2030, 2, 20, 9, 0)


def _submit(world, period, unit, user, entries, now):
    report = report_start(period=period, unit=unit, user=world.users[user], now=now)
    report_submit(
        report=report,
        user=world.users[user],
        version=report.version,
        entries=entries,
        values={},
        files={},
        now=now,
    )
    return Report.objects.get(pk=report.pk)


@pytest.fixture
def world():
    world = build_world()
    (world.february,) = periods_ensure(
        province=world.province, first=dt.date(2030, 2, 1), last=dt.date(2030, 2, 1)
    )
    t1, _t2, t3 = world.tasks
    world.feb_report = _submit(
        world,
        world.february,
        world.a,
        "ra",
        {t1.pk: {"status": "in_progress", "percent_done": 40}},
        FEB_DAY,
    )
    _submit(
        world,
        world.period,
        world.b,
        "rb",
        {t3.pk: {"status": "in_progress", "percent_done": 50}},
        NOW,
    )
    return world


def test_a_task_stands_on_its_lead_units_latest_counted_report(world):
    t1, t2, t3 = world.tasks
    progress = {p.task.pk: p for p in task_progress(world.period)}
    assert (progress[t1.pk].percent_done, progress[t1.pk].reported_month) == (
        Decimal(40),
        dt.date(2030, 2, 1),  # carried forward from February
    )
    assert (progress[t2.pk].percent_done, progress[t2.pk].is_reported) == (Decimal(0), False)
    assert progress[t3.pk].reported_month == dt.date(2030, 3, 1)


def test_march_scorecard_uses_februarys_report_and_the_behind_rule(world):
    scorecard_rollup(period=world.period, now=NOW)
    card = FieldScorecard.objects.get(period=world.period, field__code="procedures")
    # T1 at 40 % (February's report), T2 never reported: (2 × 40 + 1 × 0) / 3
    assert card.mean_done_pct == Decimal("26.67")
    # expected: T1 78 of 89 days = 87.64, T2 due 10 March = 100 → (175.28 + 100) / 3
    assert card.expected_pct == Decimal("91.76")
    # T1 is "in progress" but 47.64 points behind its time (> 10): behind; T2 too (100 behind)
    assert (card.tasks_total, card.tasks_done, card.tasks_behind) == (2, 0, 2)
    assert (card.tasks_overdue, card.tasks_unreported) == (1, 1)
    assert card.reported_through == dt.date(2030, 2, 1)
    assert card.status == "off_track"  # 65.09 points behind
    impact = FieldScorecard.objects.get(period=world.period, field__code="impact")
    # T3 at 50 % against 78 of 364 days = 21.43 % expected: ahead, on track
    assert (impact.mean_done_pct, impact.expected_pct) == (Decimal("50.00"), Decimal("21.43"))
    assert (impact.tasks_behind, impact.status, impact.reported_through) == (
        0,
        "on_track",
        dt.date(2030, 3, 1),
    )


def test_a_returned_report_counts_only_once_resubmitted(world):
    t1 = world.tasks[0]
    report_return(report=world.feb_report, user=world.users["reviewer"], note="Sửa", now=NOW)
    progress = {p.task.pk: p for p in task_progress(world.period)}
    assert progress[t1.pk].is_reported is False  # no January report: back to 0 %
    report = Report.objects.get(pk=world.feb_report.pk)
    report_submit(
        report=report,
        user=world.users["ra"],
        version=report.version,
        entries={t1.pk: {"status": "in_progress", "percent_done": 45}},
        values={},
        files={},
        now=NOW,
    )
    progress = {p.task.pk: p for p in task_progress(world.period)}
    assert (progress[t1.pk].percent_done, progress[t1.pk].reported_month) == (
        Decimal(45),
        dt.date(2030, 2, 1),
    )


def test_a_task_missing_from_its_units_latest_report_stands_on_the_one_before(world):
    """The unit's latest counted report is read first; a task that report has no entry for
    (it was added to the unit's tasks later, say) stands on its own latest entry."""
    t1 = world.tasks[0]
    march = _submit(world, world.period, world.a, "ra", {}, NOW)
    march.entries.filter(task=t1).delete()
    progress = {p.task.pk: p for p in task_progress(world.period)}
    assert (progress[t1.pk].percent_done, progress[t1.pk].reported_month) == (
        Decimal(40),
        dt.date(2030, 2, 1),
    )


def test_many_periods_at_once_stand_where_each_alone_stands(world):
    both = tasks_progress([world.february, world.period])
    for period in (world.february, world.period):
        alone = task_progress(period)
        assert [
            (p.task.pk, p.percent_done, p.status, p.reported_month) for p in both[period.pk]
        ] == [(p.task.pk, p.percent_done, p.status, p.reported_month) for p in alone]
        assert alone  # each month has tasks to compare
    light = tasks_progress([world.period], related=False)[world.period.pk]
    assert sorted((p.task.pk, p.percent_done) for p in light) == sorted(
        (p.task.pk, p.percent_done) for p in task_progress(world.period)
    )


def test_a_later_month_does_not_reach_back_into_an_earlier_one(world):
    t3 = world.tasks[2]
    progress = {p.task.pk: p for p in task_progress(world.february)}
    assert progress[t3.pk].is_reported is False  # B's March report is after February
    assert Period.objects.filter(province=world.province).count() == 2


# --- 100 % is done, done is 100 % ------------------------------------------------------------


def test_the_database_refuses_done_below_100_and_100_not_done(world):
    from django.db import IntegrityError, transaction

    from reporting.models import TaskEntry

    entry = TaskEntry.objects.filter(report=world.feb_report).first()
    for status, percent in [("done", 90), ("in_progress", 100)]:
        with pytest.raises(IntegrityError), transaction.atomic():
            TaskEntry.objects.filter(pk=entry.pk).update(status=status, percent_done=percent)
    TaskEntry.objects.filter(pk=entry.pk).update(status="done", percent_done=100)


@pytest.mark.parametrize(
    "status,percent,field,message",
    [
        ("done", 80, "percent_done", "phải đạt 100 %"),
        ("in_progress", 100, "status", "là đã hoàn thành"),
    ],
)
def test_the_form_says_which_field_disagrees_in_vietnamese(world, status, percent, field, message):
    from reporting.forms import ReportForm

    report = report_start(period=world.period, unit=world.a, user=world.users["ra"], now=NOW)
    t1 = world.tasks[0]
    data = {"version": report.version}
    for entry in report.entries.all():
        p = f"t{entry.task_id}"
        data.update({f"{p}-status": "in_progress", f"{p}-percent_done": 10})
    data.update({f"t{t1.pk}-status": status, f"t{t1.pk}-percent_done": percent})
    form = ReportForm(data, report=report)
    assert not form.is_valid()
    assert message in form.errors[f"t{t1.pk}-{field}"][0]
