"""Reporting part of the demo: periods for both scenarios, and a lived-in last month for the
live scenario (some reports on time, some late, one returned, some missing)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators.models import Province
from indicators.services.demo import demo_window_start
from par_portal import months
from reporting import selectors, services
from reporting.models import Period, Report, TaskEntry
from reporting.services.scorecards import expected_progress, scorecard_rollup


@transaction.atomic
def demo_reporting_load(*, today: dt.date) -> None:
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
    # The live scenario: this year's past months, last month's awaiting review.
    da_nang = Province.objects.get(code="da-nang-2025")
    reviewer = get_user_model().objects.get(username="dn.reviewer")
    this_month = months.first_day(today)
    for period in da_nang.periods.filter(month__lt=this_month).order_by("month"):
        _seed_month(
            period,
            author=author,
            reviewer=reviewer,
            last=_is_last(period, this_month),
            returned="hai-chau",
        )
    # Scorecards for every month up to now, including those nobody has reported on yet.
    now = timezone.now()
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
        entries = {
            e.task_id: _demo_entry(e.task, period, index)
            for e in report.entries.select_related("task")
        }
        values = {
            v.indicator_id: {
                "value": _demo_value(v.indicator.code, period, index),
                "explanation": "",
            }
            for v in report.values.select_related("indicator")
        }
        services.report_submit(
            report=report,
            user=author,
            version=report.version,
            entries=entries,
            values=values,
            files={},
            now=moment,
        )
        review_at = moment + dt.timedelta(hours=3)
        if last and unit.code == returned:
            services.report_return(
                report=report,
                user=reviewer,
                now=review_at,
                note="Đề nghị bổ sung tài liệu kiểm chứng cho nhiệm vụ số hóa hồ sơ.",
            )
            # The period may lock before the demo is opened: let the unit resubmit.
            services.period_reopen(
                period=period,
                unit=unit,
                user=reviewer,
                now=review_at,
                until=max(period.locks_at, timezone.now()) + dt.timedelta(days=14),
                reason="Mở lại để đơn vị bổ sung tài liệu kiểm chứng (dữ liệu minh họa).",
            )
        elif not last:
            services.report_accept(report=report, user=reviewer, now=review_at)
