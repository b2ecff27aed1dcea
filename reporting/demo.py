"""Reporting part of the demo: periods for both scenarios, and months that look lived in. The
live scenario's current month is as it would be at the moment the demo is loaded: before the
due moment some units have submitted and most hold a draft; after it most submitted on time, a
few late, one or two missing and one returned (the demo reporter's unit)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators.models import Province
from indicators.services.demo import demo_window_start
from par_portal import months
from reporting import selectors, services
from reporting.demo_assessments import (
    assessed_months,
    demo_assessments_load,
    demo_internal_load,
    demo_locker_load,
)
from reporting.models import Period, PublicPage, Report, TaskEntry
from reporting.services.queueing import rollups_in_process
from reporting.services.scorecards import expected_progress, scorecard_rollup


def demo_reporting_load(*, now: dt.datetime | None = None) -> None:
    """Rolled up in-process at the end: the submissions queue nothing on the broker."""
    with rollups_in_process(), transaction.atomic():
        _load(now=now or timezone.now())


def _load(*, now: dt.datetime) -> None:
    today = timezone.localdate(now)
    periods_by_code = {
        "quang-nam": (dt.date(2021, 8, 1), dt.date(2021, 12, 1)),
        "an-giang": (dt.date(2021, 1, 1), dt.date(2021, 12, 1)),
        # the live scenario's rolling window: twelve months back, a year ahead
        "da-nang-2025": (demo_window_start(today), months.add_months(months.first_day(today), 12)),
    }
    for code, (first, last) in periods_by_code.items():
        services.periods_ensure(province=Province.objects.get(code=code), first=first, last=last)
    author, _ = get_user_model().objects.get_or_create(
        username="demo.data",
        defaults={"first_name": "Dữ liệu minh họa", "is_active": False},
    )
    # The seed's 2021 in Quang Nam: every month reported, the last one awaiting review.
    quang_nam = Province.objects.get(code="quang-nam")
    reviewer = get_user_model().objects.get(username="qn.reviewer")
    qn_periods = list(quang_nam.periods.order_by("month"))
    for period in qn_periods:
        _seed_month(
            period, author=author, reviewer=reviewer, last=period == qn_periods[-1], returned=None
        )
    # The live scenario: the past twelve months, then the month under way as on `now`. Before
    # this month's due moment, last month is still under review (one report returned); after
    # it, last month is accepted and this month's reports await review (one returned).
    da_nang = Province.objects.get(code="da-nang-2025")
    reviewer = get_user_model().objects.get(username="dn.reviewer")
    this_month = months.first_day(today)
    current = da_nang.periods.get(month=this_month)
    due_passed = now >= current.due_at
    for period in da_nang.periods.filter(month__lt=this_month).order_by("month"):
        last = _is_last(period, this_month) and not due_passed
        _seed_month(period, author=author, reviewer=reviewer, last=last, returned=DN_RETURNED)
    _seed_current_month(current, author=author, reviewer=reviewer, now=now)
    # Self-assessments of the last three months of each scenario, some appraised with
    # adjustments (the projection rests on them).
    for province, last, username in [
        (quang_nam, qn_periods[-1].month, "qn.reviewer"),
        (da_nang, this_month, "dn.reviewer"),
    ]:
        reviewer_ = get_user_model().objects.get(username=username)
        demo_assessments_load(
            assessed_months(province, last), author=author, reviewer=reviewer_, now=now
        )
        # the evidence locker of the index year, partly filled
        demo_locker_load(province, last.year, reviewer=reviewer_, today=today)
    # the internal index of Đà Nẵng's units: last year's published, this year's provisional
    demo_internal_load(
        da_nang,
        [today.year - 1, today.year],
        published={today.year - 1},
        reviewer=get_user_model().objects.get(username="dn.reviewer"),
    )
    # Đà Nẵng's public page, every part chosen but not published: an admin publishes it.
    PublicPage.objects.get_or_create(
        province=da_nang,
        defaults={
            "show_result": True,
            "show_targets": True,
            "show_fields": True,
            "show_timeliness": True,
        },
    )
    # Scorecards for every month up to now, including those nobody has reported on yet.
    for period in Period.objects.filter(province__in=[quang_nam, da_nang], month__lte=this_month):
        scorecard_rollup(period=period, now=min(now, period.locks_at + dt.timedelta(days=30)))


def _demo_entry(task, period, index: int) -> dict:
    """Believable progress: about the elapsed share of the task's window at the month's end,
    some units ahead, some behind; 100 % is done (and done is 100 %)."""
    expected = int(expected_progress(task.start_date, task.due_date, period.last_day))
    progress = max(0, min(100, (expected + (-20, -5, 5)[(index + task.pk) % 3]) // 5 * 5))
    if progress == 100:
        status = TaskEntry.Status.DONE
    elif progress + 15 < expected:
        status = TaskEntry.Status.BEHIND
    else:
        status = TaskEntry.Status.IN_PROGRESS if progress else TaskEntry.Status.NOT_STARTED
    explanation = {
        TaskEntry.Status.DONE: "Hồ sơ kiểm chứng lưu tại đơn vị (minh họa).",
        TaskEntry.Status.BEHIND: "Chờ ý kiến của sở chuyên ngành (minh họa).",
    }.get(status, "")
    return {
        "status": status,
        "percent_done": progress,
        "result": "Đã triển khai theo kế hoạch (dữ liệu minh họa)." if progress else "",
        "difficulties": "",
        "explanation": explanation,
    }


def _demo_value(code: str, period, index: int) -> int:
    """Believable monthly counts: integration of online services rising month by month, most
    dossiers resolved on time; the at-most rules (integrated ≤ services, on time ≤ received)
    hold."""
    services = 40 + 7 * (index % 5)
    received = 150 + (37 * index + 11 * period.month.month) % 120
    share = min(1.0, 0.55 + 0.05 * period.month.month + 0.02 * (index % 3))
    on_time = 0.9 + 0.02 * ((index + period.month.month) % 5)
    return {
        "online-services": services,
        "online-services-integrated": round(services * share),
        "dossiers-received": received,
        "dossiers-on-time": min(received, round(received * on_time)),
    }.get(code, 0)


DN_RETURNED = "hai-chau"  # the demo reporter's unit: it finds a report returned to it


def _is_last(period, this_month: dt.date) -> bool:
    return months.previous_month(this_month) == period.month


def _seed_month(period, *, author, reviewer, last: bool, returned: str | None) -> None:
    """Most units report on time, some late, a few not at all; last month is still open for
    review (submitted, one returned), earlier months are accepted."""
    for index, unit in enumerate(selectors.expected_units(period)):
        if Report.objects.filter(period=period, unit=unit).exists():
            continue  # already seeded: loading twice changes nothing
        if (index + period.month.month) % 6 == 5:
            continue  # left missing on purpose
        late = (index + period.month.month) % 4 == 2
        moment = period.due_at + (dt.timedelta(days=1) if late else -dt.timedelta(days=2))
        report = services.report_start(period=period, unit=unit, user=author, now=moment)
        entries, values = _demo_inputs(report, period, index)
        _submit(report, entries, values, author=author, moment=moment)
        review_at = moment + dt.timedelta(hours=3)
        if last and unit.code == returned:
            _return_and_reopen(report, reviewer=reviewer, at=review_at)
        elif not last:
            services.report_accept(report=report, user=reviewer, now=review_at)


def _demo_inputs(report, period, index: int) -> tuple[dict, dict]:
    entries = {
        e.task_id: _demo_entry(e.task, period, index) for e in report.entries.select_related("task")
    }
    values = {
        v.indicator_id: {"value": _demo_value(v.indicator.code, period, index), "explanation": ""}
        for v in report.values.select_related("indicator")
    }
    return entries, values


def _submit(report, entries: dict, values: dict, *, author, moment: dt.datetime) -> None:
    services.report_submit(
        report=report,
        user=author,
        version=report.version,
        entries=entries,
        values=values,
        files={},
        now=moment,
    )


def _return_and_reopen(report, *, reviewer, at: dt.datetime) -> None:
    report.refresh_from_db()
    services.report_return(
        report=report,
        user=reviewer,
        now=at,
        note="Đề nghị bổ sung tài liệu kiểm chứng cho nhiệm vụ số hóa hồ sơ.",
    )
    # The period may lock before the demo is opened: let the unit resubmit.
    period = report.period
    services.period_reopen(
        period=period,
        unit=report.unit,
        user=reviewer,
        now=at,
        until=max(period.locks_at, timezone.now()) + dt.timedelta(days=14),
        reason="Mở lại để đơn vị bổ sung tài liệu kiểm chứng (dữ liệu minh họa).",
    )


def _seed_current_month(period, *, author, reviewer, now: dt.datetime) -> None:
    """The month under way as it looks at `now` (every moment seeded is at or before it)."""
    if now >= period.due_at:
        _seed_after_due(period, author=author, reviewer=reviewer, now=now)
        return
    start = max(now - dt.timedelta(days=3), months.start(period.month))
    units = list(selectors.expected_units(period))
    for index, unit in enumerate(units):
        if Report.objects.filter(period=period, unit=unit).exists():
            continue
        moment = start + (now - start) * (index + 1) / (len(units) + 1)  # over the last days
        report = services.report_start(period=period, unit=unit, user=author, now=moment)
        entries, values = _demo_inputs(report, period, index)
        # About a third have submitted already; the rest (the demo reporter's unit among
        # them) hold a draft with this month's figures partly filled in.
        if index % 3 == 1 and unit.code != DN_RETURNED:
            _submit(report, entries, values, author=author, moment=moment)
        else:
            services.report_save(
                report=report,
                user=author,
                version=report.version,
                entries=entries if index % 2 else {},
                values={},
                files={},
                now=moment,
            )


def _seed_after_due(period, *, author, reviewer, now: dt.datetime) -> None:
    """Most on time, a few late (submitted after the due moment, before now), one or two
    missing, the demo reporter's unit returned; the rest await review."""
    units = list(selectors.expected_units(period))
    others = [u.pk for u in units if u.code != DN_RETURNED]
    missing = set(others[-2:])
    late_ones = set(others[-2 - max(1, len(units) // 4) : -2])
    late_gap = min(dt.timedelta(days=1), (now - period.due_at) / 2)
    for index, unit in enumerate(units):
        if unit.pk in missing or Report.objects.filter(period=period, unit=unit).exists():
            continue
        late = unit.pk in late_ones
        moment = (
            period.due_at + late_gap * (index + 1) / len(units)
            if late
            else period.due_at - dt.timedelta(days=2, hours=index)
        )
        report = services.report_start(period=period, unit=unit, user=author, now=moment)
        entries, values = _demo_inputs(report, period, index)
        _submit(report, entries, values, author=author, moment=moment)
        if unit.code == DN_RETURNED:
            _return_and_reopen(
                report, reviewer=reviewer, at=min(now, moment + dt.timedelta(hours=3))
            )
