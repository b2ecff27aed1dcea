"""The report lifecycle, lateness at the boundary instant, locks, reopening, concurrency."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.models import Unit
from par_portal.months import previous_month
from reporting import selectors, services
from reporting.models import Report, ReportChange, TaskEntry
from tests.reporting.conftest import HCM, PDF, before, upload

pytestmark = pytest.mark.django_db


def _entries(report, **overrides):
    return {
        e.task_id: {
            "status": "in_progress",
            "percent_done": 50,
            "result": "ok",
            "difficulties": "",
            "explanation": "",
            **overrides,
        }
        for e in report.entries.all()
    }


def _values(report, value=Decimal(3)):
    return {v.indicator_id: {"value": value, "explanation": ""} for v in report.values.all()}


def _start(period, unit, user, now):
    return services.report_start(period=period, unit=unit, user=user, now=now)


def _submit(report, user, now, **kwargs):
    report.refresh_from_db()
    return services.report_submit(
        report=report,
        user=user,
        version=report.version,
        entries=kwargs.get("entries") or _entries(report),
        values=kwargs.get("values") or _values(report),
        files=kwargs.get("files", {}),
        now=now,
    )


def test_due_at_is_the_start_of_the_25th_in_ho_chi_minh_city(period):
    month = period.month
    assert period.due_at.astimezone(HCM) == dt.datetime(month.year, month.month, 25, tzinfo=HCM)
    assert period.due_at.astimezone(dt.UTC).hour == 17  # 24th, 17:00 UTC
    # the lock: the start of the day after five working days counted from the due day
    from reporting.workdays import WorkCalendar

    calendar = WorkCalendar.for_province(period.province_id)
    first, lock = period.due_at.astimezone(HCM).date(), period.locks_at.astimezone(HCM)
    assert lock.time() == dt.time(0, 0)
    grace = [first + dt.timedelta(days=n) for n in range((lock.date() - first).days)]
    assert sum(calendar.is_working(day) for day in grace) == 5
    assert calendar.is_working(grace[-1])


def test_submitted_one_microsecond_before_the_deadline_is_on_time(period, hai_chau, reporter):
    now = before(period.due_at, microseconds=1)
    report = _submit(_start(period, hai_chau, reporter, now), reporter, now)
    assert report.status == Report.Status.SUBMITTED and report.is_late is False
    assert selectors.report_state(report, period=period, now=now) == "on_time"


def test_submitted_at_the_deadline_instant_is_late(period, hai_chau, reporter):
    now = period.due_at
    report = _submit(_start(period, hai_chau, reporter, before(now, days=3)), reporter, now)
    assert report.is_late is True
    assert report.submitted_by == reporter and report.submitted_at == now


def test_lifecycle_return_with_note_resubmit_accept(period, hai_chau, reporter, reviewer):
    now = before(period.due_at, days=2)
    report = _submit(_start(period, hai_chau, reporter, now), reporter, now)
    with pytest.raises(services.ReportError):  # submitted is read-only for the unit
        services.report_save(
            report=report,
            user=reporter,
            version=report.version,
            entries={},
            values={},
            files={},
            now=now,
        )
    report = services.report_return(report=report, user=reviewer, note="Thiếu số liệu", now=now)
    assert report.status == Report.Status.RETURNED and report.review_note == "Thiếu số liệu"
    later = period.due_at + dt.timedelta(days=1)
    report = _submit(report, reporter, later)
    assert report.status == Report.Status.SUBMITTED
    assert report.is_late is False  # judged on the first submission
    report = services.report_accept(report=report, user=reviewer, now=later)
    assert report.status == Report.Status.ACCEPTED
    actions = list(report.changes.order_by("at", "pk").values_list("action", flat=True))
    assert actions == ["created", "submitted", "returned", "submitted", "accepted"]


def test_return_needs_a_note(period, hai_chau, reporter, reviewer):
    now = before(period.due_at, days=1)
    report = _submit(_start(period, hai_chau, reporter, now), reporter, now)
    with pytest.raises(services.ReportError):
        services.report_return(report=report, user=reviewer, note="  ", now=now)
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED


def test_after_the_lock_a_draft_cannot_be_submitted_until_reopened(
    period, hai_chau, reporter, reviewer
):
    report = _start(period, hai_chau, reporter, before(period.due_at, days=3))
    after_lock = period.locks_at + dt.timedelta(hours=1)
    with pytest.raises(services.ReportError, match="khóa|locked"):
        _submit(report, reporter, after_lock)
    services.period_reopen(
        period=period,
        unit=hai_chau,
        user=reviewer,
        reason="Ốm",
        until=after_lock + dt.timedelta(days=2),
        now=after_lock,
    )
    report = _submit(report, reporter, after_lock)
    assert report.status == Report.Status.SUBMITTED and report.is_late
    assert report.changes.filter(action=ReportChange.Action.REOPENED).exists()


def test_an_expired_reopening_does_not_help(period, hai_chau, reporter, reviewer):
    report = _start(period, hai_chau, reporter, before(period.due_at, days=3))
    after_lock = period.locks_at + dt.timedelta(hours=1)
    services.period_reopen(
        period=period,
        unit=hai_chau,
        user=reviewer,
        reason="x",
        until=after_lock + dt.timedelta(hours=1),
        now=after_lock,
    )
    with pytest.raises(services.ReportError):
        _submit(report, reporter, after_lock + dt.timedelta(hours=2))


def test_returning_after_the_lock_reopens_for_the_unit(period, hai_chau, reporter, reviewer):
    report = _submit(_start(period, hai_chau, reporter, period.due_at), reporter, period.due_at)
    after_lock = period.locks_at + dt.timedelta(days=1)
    services.report_return(report=report, user=reviewer, note="Sửa lại", now=after_lock)
    assert selectors.active_reopening(period=period, unit=hai_chau, now=after_lock)
    assert _submit(report, reporter, after_lock + dt.timedelta(hours=1)).status == "submitted"


def test_second_save_of_the_same_version_is_refused(period, hai_chau, reporter, second_reporter):
    now = before(period.due_at, days=3)
    report = _start(period, hai_chau, reporter, now)
    opened = report.version
    services.report_save(
        report=report,
        user=reporter,
        version=opened,
        entries=_entries(report, result="first"),
        values={},
        files={},
        now=now,
    )
    with pytest.raises(services.StaleReportError):
        services.report_save(
            report=report,
            user=second_reporter,
            version=opened,
            entries=_entries(report, result="second"),
            values={},
            files={},
            now=now,
        )
    assert set(TaskEntry.objects.filter(report=report).values_list("result", flat=True)) == {
        "first"
    }


def test_failed_submit_leaves_the_draft_as_it_was(period, hai_chau, reporter):
    now = before(period.due_at, days=3)
    report = _start(period, hai_chau, reporter, now)
    services.report_save(
        report=report,
        user=reporter,
        version=report.version,
        entries=_entries(report, result="draft text"),
        values={},
        files={},
        now=now,
    )
    report.refresh_from_db()
    version = report.version
    with pytest.raises(ValidationError) as error:
        _submit(report, reporter, now, entries=_entries(report, status="behind", result="changed"))
    assert any(key.endswith("-explanation") for key in error.value.message_dict)
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT and report.version == version
    assert set(report.entries.values_list("result", flat=True)) == {"draft text"}
    assert set(report.entries.values_list("status", flat=True)) == {"in_progress"}


def test_done_without_evidence_needs_an_explanation(period, hai_chau, reporter):
    now = before(period.due_at, days=3)
    report = _start(period, hai_chau, reporter, now)
    with pytest.raises(ValidationError):
        _submit(report, reporter, now, entries=_entries(report, status="done", percent_done=100))
    files = {e.task_id: [(upload("kq.pdf", PDF), "application/pdf")] for e in report.entries.all()}
    submitted = _submit(
        report,
        reporter,
        now,
        entries=_entries(report, status="done", percent_done=100),
        files=files,
    )
    assert submitted.status == Report.Status.SUBMITTED
    assert all(e.evidence.count() == 1 for e in submitted.entries.all())


def test_more_dossiers_on_time_than_received_is_refused(period, hai_chau, reporter):
    now = before(period.due_at, days=3)
    report = _start(period, hai_chau, reporter, now)
    values = {}
    for v in report.values.select_related("indicator"):
        amount = {"dossiers-received": 10, "dossiers-on-time": 12}.get(v.indicator.code, 1)
        values[v.indicator_id] = {"value": Decimal(amount), "explanation": ""}
    with pytest.raises(ValidationError) as error:
        _submit(report, reporter, now, values=values)
    on_time = report.values.get(indicator__code="dossiers-on-time")
    assert f"i{on_time.indicator_id}-value" in error.value.message_dict


def test_a_missing_value_needs_an_explanation(period, hai_chau, reporter):
    now = before(period.due_at, days=3)
    report = _start(period, hai_chau, reporter, now)
    values = {v.indicator_id: {"value": None, "explanation": ""} for v in report.values.all()}
    with pytest.raises(ValidationError):
        _submit(report, reporter, now, values=values)


def test_new_report_is_prefilled_from_last_month(period, hai_chau, reporter, da_nang):
    month_before = previous_month(period.month)  # this month: not seeded yet
    earlier = da_nang.periods.get(month=month_before)
    now = before(earlier.due_at, days=2)
    last = _submit(
        _start(earlier, hai_chau, reporter, now),
        reporter,
        now,
        entries=_entries(
            _start(earlier, hai_chau, reporter, now), result="tháng trước", percent_done=70
        ),
    )
    assert last.status == "submitted"
    report = _start(period, hai_chau, reporter, now)
    shared = set(report.entries.values_list("task_id", flat=True)) & set(
        last.entries.values_list("task_id", flat=True)
    )
    assert shared
    for entry in report.entries.filter(task_id__in=shared):
        assert (entry.result, entry.percent_done) == ("tháng trước", 70)


def test_history_keeps_before_and_after(period, hai_chau, reporter):
    now = before(period.due_at, days=3)
    report = _start(period, hai_chau, reporter, now)
    entry = report.entries.select_related("task").first()
    was = entry.percent_done
    new = 30 if was != 30 else 40
    services.report_save(
        report=report,
        user=reporter,
        version=report.version,
        # the status too: a task pre-filled as done at 100 % is no longer done at 30 %
        entries={entry.task_id: {"status": "in_progress", "percent_done": new}},
        values={},
        files={},
        now=now,
    )
    change = report.changes.get(action="saved")
    assert change.user == reporter
    assert {"field": f"{entry.task.code} percent_done", "before": was, "after": new} in (
        change.changes
    )


def test_a_unit_that_did_not_exist_that_month_is_not_expected(da_nang, period):
    expected = set(selectors.expected_units(period).values_list("code", flat=True))
    assert "hai-chau" in expected
    Unit.objects.filter(province=da_nang, code="hoi-an").update(
        valid_from=period.last_day + dt.timedelta(days=1)
    )
    expected = set(selectors.expected_units(period).values_list("code", flat=True))
    assert "hoi-an" not in expected


def test_board_counts_completeness_and_timeliness(period, hai_chau, hoi_an, reporter, da_nang):
    on_time = before(period.due_at, days=1)
    _submit(_start(period, hai_chau, reporter, on_time), reporter, on_time)
    late = period.due_at + dt.timedelta(hours=1)
    _submit(_start(period, hoi_an, reporter, late), reporter, late)
    board = selectors.review_board(period, now=late)
    states = {row.unit.code: row.state for row in board.rows}
    assert states["hai-chau"] == "on_time" and states["hoi-an"] == "late"
    assert states["tam-ky"] == "missing"
    assert board.submitted == 2 and board.on_time == 1
    assert board.completeness == (Decimal(200) / board.expected).quantize(Decimal("0.1"))
    assert board.timeliness == (Decimal(100) / board.expected).quantize(Decimal("0.1"))


def test_a_refused_submit_leaves_no_evidence_file_behind(period, hai_chau, reporter, settings):
    from pathlib import Path

    now = before(period.due_at, days=3)
    report = _start(period, hai_chau, reporter, now)
    files = {e.task_id: [(upload("kq.pdf", PDF), "application/pdf")] for e in report.entries.all()}
    with pytest.raises(ValidationError):
        _submit(report, reporter, now, entries=_entries(report, status="blocked"), files=files)
    stored = [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
    assert stored == []
    assert not report.entries.filter(evidence__isnull=False).exists()
    _submit(report, reporter, now, files=files)
    assert len([p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]) == len(files)
