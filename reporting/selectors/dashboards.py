"""Reads for the committee's dashboards. Each function's query count is constant in the number
of units and months (pinned in tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models
from django.db.models import Sum
from django.utils import timezone

from indicators.models import Province, Task, Unit
from indicators.rankings import competition_ranks
from reporting.models import FieldScorecard, Period, Report, UnitScorecard
from reporting.selectors.reports import live_plan_ids, report_state, unit_expected

NOT_EXPECTED = "not_expected"


def current_period(province: Province) -> Period | None:
    """The province's latest period that has begun."""
    return (
        Period.objects.filter(province=province, month__lte=timezone.localdate())
        .order_by("-month")
        .first()
    )


def month_period(province: Province, month: dt.date) -> Period | None:
    """The province's period of a month (its first day), or None."""
    return Period.objects.filter(province=province, month=month).first()


# --- targets and drill-down ---------------------------------------------------------------


def field_cards(period: Period):
    return (
        FieldScorecard.objects.filter(period=period)
        .select_related("field")
        .order_by("field__number")
    )


def field_tasks(period: Period, field_id: int) -> list[dict]:
    """Field → tasks → units → reports: each task with where it stands (carried forward from
    its lead unit's latest counted report) and every owning unit's entry this month."""
    from reporting.models import TaskEntry
    from reporting.selectors.progress import task_progress

    progress = task_progress(period, field_id=field_id)
    tasks = [p.task for p in progress]
    entries = {}
    for entry in TaskEntry.objects.filter(report__period=period, task__in=tasks).select_related(
        "report__unit"
    ):
        entries.setdefault(entry.task_id, []).append(entry)
    status_labels = dict(TaskEntry.Status.choices)
    return [
        {
            "task": p.task,
            "progress": p,
            "status_label": status_labels.get(p.status, ""),
            "entries": entries.get(p.task.pk, []),
        }
        for p in progress
    ]


@dataclass
class IndicatorCard:
    indicator: object
    value: Decimal | None
    reports: int  # counted reports that gave a value
    target: object | None  # the IndicatorTarget in force
    met: bool | None
    month: dt.date | None = None  # the month the figures come from


def indicator_cards(period: Period) -> list[IndicatorCard]:
    """The quantitative indicators of the plans running this month, against their targets.
    Figures come from the latest month up to this one with counted reports (submitted or
    accepted). A SUM indicator adds the units' values;
    a RATIO indicator `<code>-pct` is 100 × the sum of `<code>` over the sum of the indicator
    `<code>` may not exceed (e.g. services integrated over services). The target in force is
    the first one due on or after the month, else the last one."""
    from indicators.models import Indicator
    from reporting.models import IndicatorValue
    from reporting.selectors.progress import COUNTED

    indicators = list(
        Indicator.objects.filter(plan__in=live_plan_ids(period))
        .select_related("at_most", "plan")
        .prefetch_related("targets")
        .order_by("plan__year", "code")
    )
    # Values are monthly figures: the latest month (this one or before) with counted reports,
    # so that a month not yet reported shows last month's figures, and says so.
    counted = IndicatorValue.objects.filter(
        report__period__province_id=period.province_id,
        report__period__month__lte=period.month,
        report__status__in=COUNTED,
        value__isnull=False,
    )
    basis = (
        counted.order_by("-report__period__month")
        .values_list("report__period__month", flat=True)
        .first()
    )
    sums: dict[int, tuple[Decimal, int]] = {}
    for row in (
        counted.filter(report__period__month=basis)
        .values("indicator_id")
        .annotate(total=Sum("value"), count=models.Count("pk"))
    ):
        sums[row["indicator_id"]] = (row["total"], row["count"])
    by_code = {(i.plan_id, i.code): i for i in indicators}
    cards = []
    for indicator in indicators:
        value, count = sums.get(indicator.pk, (None, 0))
        if indicator.aggregation == Indicator.Aggregation.RATIO:
            part = by_code.get((indicator.plan_id, indicator.code.removesuffix("-pct")))
            whole = part.at_most if part else None
            top, count = sums.get(part.pk, (None, 0)) if part else (None, 0)
            bottom = sums.get(whole.pk, (None, 0))[0] if whole else None
            value = (
                (Decimal(100) * top / bottom).quantize(Decimal("0.1"))
                if top is not None and bottom
                else None
            )
        targets = sorted(indicator.targets.all(), key=lambda t: t.due_on)
        target = next((t for t in targets if t.due_on >= period.month), None) or (
            targets[-1] if targets else None
        )
        met = None
        if target is not None and value is not None:
            higher = indicator.direction == Indicator.Direction.HIGHER
            met = value >= target.value if higher else value <= target.value
        cards.append(IndicatorCard(indicator, value, count, target, met, basis))
    return cards


# --- units ---------------------------------------------------------------------------------


def units_league(province: Province, year: int) -> list[dict]:
    """Each unit over the year's months: on-time rate, days late; tasks from the latest month."""
    totals = (
        UnitScorecard.objects.filter(period__province=province, period__month__year=year)
        .values("unit_id", "unit__name_vi", "unit__name_en")
        .annotate(
            expected=Sum("expected"),
            on_time=Sum("on_time"),
            submitted=Sum("submitted"),
            days_late=Sum("days_late"),
        )
    )
    latest = UnitScorecard.objects.filter(
        period__province=province, period__month__year=year
    ).order_by("unit_id", "-period__month")
    last = {}
    for card in latest:
        last.setdefault(card.unit_id, card)
    rows = []
    for row in totals:
        rate = Decimal(100) * row["on_time"] / row["expected"] if row["expected"] else None
        card = last.get(row["unit_id"])
        rows.append(
            {
                **row,
                "on_time_pct": rate.quantize(Decimal("0.1")) if rate is not None else None,
                "tasks_done": card.tasks_done if card else 0,
                "tasks_overdue": card.tasks_overdue if card else 0,
            }
        )
    rows.sort(
        key=lambda r: (
            -(r["on_time_pct"] or 0),
            r["days_late"],
            r["tasks_overdue"],
            r["unit__name_vi"],
        )
    )
    ranks = competition_ranks(
        [(r["on_time_pct"] or 0, -r["days_late"], -r["tasks_overdue"]) for r in rows]
    )
    for row, rank in zip(rows, ranks, strict=True):
        row["rank"] = rank
    return rows


def heatmap(province: Province, year: int, *, now: dt.datetime) -> dict:
    """Units × months of the year (up to now): on time, late, missing, not expected, …"""
    periods = list(
        Period.objects.filter(
            province=province, month__year=year, month__lte=timezone.localdate(now)
        ).order_by("month")
    )
    first = dt.date(year, 1, 1)
    units = list(
        Unit.objects.filter(province=province)
        .valid_during(first, dt.date(year, 12, 31))
        .order_by("kind", "name_vi")
    )
    spans = {}
    for lead, support, start, due in Task.objects.filter(plan__province=province).values_list(
        "lead_unit_id", "supporting_units", "start_date", "due_date"
    ):
        for unit_id in {lead, support} - {None}:
            spans.setdefault(unit_id, set()).add((start, due))
    reports = {(r.period_id, r.unit_id): r for r in Report.objects.filter(period__in=periods)}
    rows = []
    for unit in units:
        cells = []
        for period in periods:
            if not unit_expected(unit, period, spans.get(unit.pk, ())):
                cells.append(NOT_EXPECTED)
            else:
                cells.append(
                    report_state(reports.get((period.pk, unit.pk)), period=period, now=now)
                )
        rows.append({"unit": unit, "cells": cells})
    return {"periods": periods, "rows": rows}
