"""Reads for monthly reporting: expected units, the reviewer's board, the reporter's home."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Role, Task, Unit
from reporting.models import Period, Reopening, Report

UNIT_ROLES = {Role.UNIT_REPORTER, Role.UNIT_HEAD}
PROVINCE_READERS = {Role.FOCAL_REVIEWER, Role.COMMITTEE, Role.PROVINCE_ADMIN}


def live_tasks(*, unit: Unit, period: Period) -> QuerySet[Task]:
    """The unit's tasks (as lead or support) that run at some time in the period's month."""
    return (
        Task.objects.filter(
            Q(lead_unit=unit) | Q(supporting_units=unit),
            plan__province_id=period.province_id,
            start_date__lte=period.last_day,
            due_date__gte=period.month,
        )
        .distinct()
        .select_related("field", "lead_unit")
        .order_by("field__number", "code")
    )


def live_plan_ids(*periods: Period) -> QuerySet:
    """The provinces' plans with a task running during the periods' month (a subquery; the
    periods are of one month)."""
    first = periods[0]
    return Task.objects.filter(
        plan__province_id__in=[period.province_id for period in periods],
        start_date__lte=first.last_day,
        due_date__gte=first.month,
    ).values("plan_id")


def reported_indicators(*, unit: Unit, period: Period) -> QuerySet[Indicator]:
    plans = live_plan_ids(period)
    return (
        Indicator.objects.filter(reporting_units=unit)
        .filter(Q(plan__in=plans) | Q(plan__year=period.month.year))
        .filter(plan__province_id=period.province_id)
        .distinct()
        .select_related("at_most")
        .order_by("code")
    )


def periods_by_month(periods) -> dict[dt.date, list[Period]]:
    """The periods grouped by month: the selectors that take several periods take one month's."""
    found: dict[dt.date, list[Period]] = {}
    for period in periods:
        found.setdefault(period.month, []).append(period)
    return found


def expected_units_by_period(periods) -> dict[int, list[Unit]]:
    """`expected_units` of each period (by pk), in one query per month among them."""
    found: dict[int, list[Unit]] = {period.pk: [] for period in periods}
    for group in periods_by_month(periods).values():
        period_of = {period.province_id: period.pk for period in group}
        for unit in expected_units(*group):
            found[period_of[unit.province_id]].append(unit)
    return found


def expected_units(*periods: Period) -> QuerySet[Unit]:
    """Units that owe a report: valid during the month, with a task of their province's plans
    live in it (leading or supporting). Several periods (of one month) give every province's."""
    first = periods[0]
    live = Task.objects.filter(
        plan__province_id=OuterRef("province_id"),
        start_date__lte=first.last_day,
        due_date__gte=first.month,
    ).filter(Q(lead_unit_id=OuterRef("pk")) | Q(supporting_units=OuterRef("pk")))
    return (
        Unit.objects.valid_during(first.month, first.last_day)
        .filter(province_id__in=[period.province_id for period in periods])
        .filter(Exists(live))
        .order_by("kind", "name_vi")
    )


def active_reopening(*, period: Period, unit: Unit, now: dt.datetime) -> Reopening | None:
    return (
        Reopening.objects.filter(period=period, unit=unit, until__gt=now).order_by("-until").first()
    )


def submit_block_reason(*, report: Report, now: dt.datetime) -> str | None:
    """Why the unit cannot submit this report now, or None when it can."""
    if not report.is_editable_by_unit:
        return str(
            _("This report has been submitted and is read-only until the focal agency returns it.")
        )
    if now >= report.period.locks_at and not active_reopening(
        period=report.period, unit=report.unit, now=now
    ):
        return str(
            _("The period locked on %(at)s. Ask the focal agency to reopen it for your unit.")
            % {"at": _local(report.period.locks_at)}
        )
    return None


def _local(moment: dt.datetime) -> str:
    from django.utils import timezone

    return timezone.localtime(moment).strftime("%H:%M %d/%m/%Y")


# --- the board ------------------------------------------------------------------------------


class BoardState:
    NOT_STARTED = "not_started"
    DRAFT = "draft"
    ON_TIME = "on_time"
    LATE = "late"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    MISSING = "missing"

    LABELS = {
        NOT_STARTED: _("not started"),
        DRAFT: _("draft"),
        ON_TIME: _("submitted on time"),
        LATE: _("submitted late"),
        RETURNED: _("returned"),
        ACCEPTED: _("accepted"),
        MISSING: _("missing after the deadline"),
    }
    COLOURS = {
        NOT_STARTED: "secondary",
        DRAFT: "info",
        ON_TIME: "success",
        LATE: "warning",
        RETURNED: "danger",
        ACCEPTED: "primary",
        MISSING: "dark",
    }


def report_state(report: Report | None, *, period: Period, now: dt.datetime) -> str:
    if report is None or report.first_submitted_at is None:
        if now >= period.due_at:
            return BoardState.MISSING
        return BoardState.DRAFT if report else BoardState.NOT_STARTED
    if report.status == Report.Status.ACCEPTED:
        return BoardState.ACCEPTED
    if report.status == Report.Status.RETURNED:
        return BoardState.RETURNED
    if report.status == Report.Status.DRAFT:
        return BoardState.DRAFT
    return BoardState.LATE if report.is_late else BoardState.ON_TIME


@dataclass
class BoardRow:
    unit: Unit
    report: Report | None
    state: str
    reopening: Reopening | None

    @property
    def label(self):
        return BoardState.LABELS[self.state]

    @property
    def colour(self):
        return BoardState.COLOURS[self.state]


@dataclass
class Board:
    period: Period
    rows: list[BoardRow]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def expected(self) -> int:
        return len(self.rows)

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.rows if r.report and r.report.first_submitted_at)

    @property
    def on_time(self) -> int:
        return sum(
            1
            for r in self.rows
            if r.report and r.report.first_submitted_at and not r.report.is_late
        )

    @property
    def completeness(self) -> Decimal | None:
        return _pct(self.submitted, self.expected)

    @property
    def timeliness(self) -> Decimal | None:
        return _pct(self.on_time, self.expected)


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / whole).quantize(Decimal("0.1"))


def review_board(period: Period, *, now: dt.datetime) -> Board:
    """Every expected unit of the period with its state. Three queries, whatever the size."""
    units = list(expected_units(period))
    reports = {r.unit_id: r for r in Report.objects.filter(period=period)}
    reopenings = {}
    for reopening in Reopening.objects.filter(period=period, until__gt=now).order_by("until"):
        reopenings[reopening.unit_id] = reopening
    rows = [
        BoardRow(
            unit=unit,
            report=reports.get(unit.pk),
            state=report_state(reports.get(unit.pk), period=period, now=now),
            reopening=reopenings.get(unit.pk),
        )
        for unit in units
    ]
    board = Board(period=period, rows=rows)
    for row in rows:
        board.counts[row.state] = board.counts.get(row.state, 0) + 1
    return board


# --- the reporter's home ------------------------------------------------------------------


@dataclass
class UnitMonth:
    period: Period
    report: Report | None
    state: str


def unit_months(*, unit: Unit, now: dt.datetime, limit: int = 24) -> list[UnitMonth]:
    """The unit's periods up to this month: returned reports first, then newest first."""
    spans = set(
        Task.objects.filter(Q(lead_unit=unit) | Q(supporting_units=unit))
        .filter(plan__province_id=unit.province_id)
        .values_list("start_date", "due_date")
    )
    periods = [
        p
        for p in Period.objects.filter(
            province_id=unit.province_id, month__lte=timezone.localdate(now)
        )
        .select_related("province")
        .order_by("-month")
        if unit_expected(unit, p, spans)
    ][:limit]
    reports = {r.period_id: r for r in Report.objects.filter(unit=unit, period__in=periods)}
    months = [
        UnitMonth(p, reports.get(p.pk), report_state(reports.get(p.pk), period=p, now=now))
        for p in periods
    ]
    months.sort(key=lambda m: (m.state != BoardState.RETURNED, -m.period.month.toordinal()))
    return months


def unit_expected(unit: Unit, period: Period, spans) -> bool:
    """Did the unit exist in the period's month and own a task (start, due) live in it?"""
    exists = (unit.valid_from is None or unit.valid_from <= period.last_day) and (
        unit.valid_to is None or unit.valid_to >= period.month
    )
    return exists and any(s <= period.last_day and d >= period.month for s, d in spans)


def report_detail(report: Report, *, history: bool = True) -> Report:
    """The report with its entries, evidence, values and (unless `history` is False, as for
    binding a posted form) its changes."""
    prefetch = [Prefetch("entries__evidence"), "entries__task__field", "values__indicator"]
    if history:
        prefetch.append("changes__user")
    return (
        Report.objects.select_related("period", "unit", "submitted_by", "reviewed_by")
        .prefetch_related(*prefetch)
        .get(pk=report.pk)
    )


def due_rule_text(period: Period) -> str:
    """Which rule set the period's deadline, when its last day to submit is a day off ("" for
    an ordinary month). Stored as a code; named here in the reader's language."""
    from django.utils.translation import gettext

    from reporting.workdays import WorkCalendar, national_why_off

    if period.due_rule not in (Period.DueRule.KEPT, Period.DueRule.MOVED):
        if period.due_rule == Period.DueRule.MANUAL:
            return gettext("The deadline was set by an admin.")
        return ""
    day = period.nominal_last_day
    if day is None:
        return ""
    # the holiday or weekend named without a query; the province's exceptions only otherwise
    reason = national_why_off(day) or WorkCalendar.for_province(period.province_id).why_off(day)
    reason = reason or gettext("a day off")
    values = {"day": f"{day:%d/%m}", "reason": reason}
    if period.due_rule == Period.DueRule.KEPT:
        return (
            gettext(
                "The last day to submit, %(day)s, is a day off (%(reason)s); the deadline stays."
            )
            % values
        )
    return (
        gettext(
            "The last day to submit, %(day)s, is a day off (%(reason)s); it moves to the next "
            "working day."
        )
        % values
    )
