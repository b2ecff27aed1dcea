"""Reads for the committee's dashboards. Each function's query count is constant in the number
of units and months (pinned in tests)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.db.models import Sum
from django.utils import timezone

from indicators.models import (
    FieldResult,
    FieldTarget,
    Methodology,
    NationalResult,
    NationalStatistic,
    Plan,
    Province,
    Task,
    Unit,
)
from indicators.selectors import lineage
from reporting.models import FieldScorecard, Period, Report, UnitScorecard
from reporting.models.scorecards import GapNote, gap_note_text
from reporting.selectors.reports import live_plan_ids, report_state, unit_expected

NOT_EXPECTED = "not_expected"


@dataclass
class RankRow:
    province: Province
    value: Decimal | None
    rank: int | None
    is_synthetic: bool
    is_own: bool = False


@dataclass
class Ranking:
    year: int
    field_code: str | None
    rows: list[RankRow]
    average: Decimal | None = None
    target_rank: int | None = None
    target_value: Decimal | None = None
    target_note_code: str = ""  # a GapNote, worded by gap_note_text at render time
    target_note_params: dict = field(default_factory=dict)
    pool: int = 0

    @property
    def target_note(self) -> str:
        return gap_note_text(self.target_note_code, self.target_note_params)


def competition_ranks(values: list[Decimal | None]) -> list[int | None]:
    """1, 2, 2, 4 … for values sorted best first; equal values share a rank."""
    ranks: list[int | None] = []
    for index, value in enumerate(values):
        if value is None:
            ranks.append(None)
        elif index and values[index - 1] == value:
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks


def nth_best(values: list[Decimal], n: int) -> Decimal | None:
    """The score that holds rank ≤ n: the n-th best (equal scores share a rank)."""
    ordered = sorted((v for v in values if v is not None), reverse=True)
    return ordered[n - 1] if len(ordered) >= n else None


def ranking(
    *,
    year: int,
    own: Province | None,
    field_code: str | None = None,
    target_rank: int | None = None,
) -> Ranking:
    own_ids = {p.pk for p in lineage(own)} if own else set()
    if field_code:
        results = FieldResult.objects.filter(year=year, field__code=field_code).select_related(
            "province"
        )
        pairs = [(r.province, r.points, r.rank, r.is_synthetic) for r in results]
    else:
        results = NationalResult.objects.filter(year=year).select_related("province")
        pairs = [(r.province, r.index_pct, r.rank, r.is_synthetic) for r in results]
    pairs.sort(key=lambda p: (p[1] is None, -(p[1] or 0), p[2] or 999, p[0].name_vi))
    computed = competition_ranks([p[1] for p in pairs])
    rows = [
        RankRow(province, value, rank or computed[i], synthetic, province.pk in own_ids)
        for i, (province, value, rank, synthetic) in enumerate(pairs)
    ]
    board = Ranking(
        year=year, field_code=field_code, rows=rows, pool=len(rows), target_rank=target_rank
    )
    if not field_code:
        average = NationalStatistic.objects.filter(
            year=year, metric="provinces_average_pct"
        ).first()
        board.average = average.number if average else None
    if target_rank:
        others = [r.value for r in rows if not r.is_own]
        board.target_value = nth_best(others, target_rank)
        if board.target_value is None:
            board.target_note_code = GapNote.TOO_FEW
            board.target_note_params = {
                "n": sum(v is not None for v in others),
                "year": year,
                "rank": target_rank,
            }
        elif any(r.is_synthetic for r in rows):
            board.target_note_code = GapNote.ILLUSTRATIVE
    return board


@dataclass
class IndexStanding:
    """Where the province's whole index stood in the last published year, against the plan's
    targets: the top-N rank (the N-th best score of the other provinces) and the minimum %."""

    ranking: Ranking
    year: int
    value: Decimal | None
    rank: int | None
    is_synthetic: bool
    gap_points: Decimal | None
    target_pct: Decimal | None
    gap_pct: Decimal | None
    note_code: str = ""
    note_params: dict = field(default_factory=dict)

    @property
    def target_rank(self) -> int | None:
        return self.ranking.target_rank

    @property
    def target_value(self) -> Decimal | None:
        return self.ranking.target_value

    @property
    def note(self) -> str:
        return gap_note_text(self.note_code, self.note_params)

    @property
    def is_illustrative(self) -> bool:
        return self.note_code == GapNote.ILLUSTRATIVE


def index_standing(province: Province, plan_year: int) -> IndexStanding | None:
    """The one computation of the index gap (targets dashboard, brief, API): the last year
    published before the plan's year."""
    year = latest_year_with_results(province, before=plan_year)
    if year is None:
        return None
    plan = plan_for(province, plan_year)
    board = ranking(year=year, own=province, target_rank=plan.best_rank if plan else None)
    own = next((r for r in board.rows if r.province.pk == province.pk), None) or next(
        (r for r in board.rows if r.is_own), None
    )
    value = own.value if own else None
    note_code, note_params = board.target_note_code, board.target_note_params
    if own and own.is_synthetic and board.target_value is not None:
        note_code = GapNote.ILLUSTRATIVE
    target_pct = plan.min_pct if plan else None
    return IndexStanding(
        ranking=board,
        year=year,
        value=value,
        rank=own.rank if own else None,
        is_synthetic=bool(own and own.is_synthetic),
        gap_points=max(Decimal(0), board.target_value - value)
        if board.target_value is not None and value is not None
        else None,
        target_pct=target_pct,
        gap_pct=max(Decimal(0), target_pct - value)
        if target_pct is not None and value is not None
        else None,
        note_code=note_code,
        note_params=note_params,
    )


def ranking_target_rank(province: Province, year: int, field_code: str | None) -> int | None:
    """The top-N target that a ranking of `year` is measured against: the province's (or its
    predecessors') target for the following year, for the whole index or one field."""
    if field_code:
        target = field_target(province, year + 1, field_code)
        return target.best_rank if target else None
    plan = plan_for(province, year + 1)
    return plan.best_rank if plan else None


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


def plan_for(province: Province, year: int) -> Plan | None:
    return (
        Plan.objects.filter(province__in=lineage(province), year__lte=year)
        .order_by("-year", "-issued_on")
        .first()
    )


# --- trend --------------------------------------------------------------------------------


@dataclass
class TrendSeries:
    province: Province
    points: list[dict] = field(default_factory=list)  # year, index, rank, synthetic


@dataclass
class Trend:
    years: list[int]
    series: list[TrendSeries]
    schemes: dict[int, str]  # year → scheme decision
    scheme_changes: set[int]
    fields: dict[str, list[dict]]  # field code → [{year, province, points, rank}]


def trend(province: Province) -> Trend:
    members = lineage(province)
    results = NationalResult.objects.filter(province__in=members).select_related("province")
    by_province = {p.pk: TrendSeries(p) for p in members}
    years = set()
    for r in results.order_by("year"):
        years.add(r.year)
        by_province[r.province_id].points.append(
            {"year": r.year, "index": r.index_pct, "rank": r.rank, "synthetic": r.is_synthetic}
        )
    schemes = {}
    changes = set()
    methodologies = list(Methodology.objects.filter(level="province").order_by("first_year"))
    previous = None
    for index, year in enumerate(sorted(years)):
        scheme = next((m for m in methodologies if m.covers(year)), None)
        schemes[year] = scheme.decision if scheme else ""
        if index and scheme != previous:
            changes.add(year)  # not comparable with the year before: another scheme
        previous = scheme
    fields: dict[str, list[dict]] = {}
    for r in (
        FieldResult.objects.filter(province__in=members)
        .select_related("field", "province")
        .order_by("year")
    ):
        fields.setdefault(r.field.code, []).append(
            {"year": r.year, "province": r.province.name, "points": r.points, "rank": r.rank}
        )
    return Trend(
        sorted(years), [s for s in by_province.values() if s.points], schemes, changes, fields
    )


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
        Period.objects.filter(province=province, month__year=year, month__lte=now.date()).order_by(
            "month"
        )
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


def reading_province(user, code: str | None = None) -> Province | None:
    """The province whose internal data the user may read (committee, reviewer, admin)."""
    from indicators.models import Membership, Role

    memberships = Membership.objects.filter(
        user=user, role__in=[Role.COMMITTEE, Role.FOCAL_REVIEWER, Role.PROVINCE_ADMIN]
    ).select_related("province")
    if code:
        memberships = memberships.filter(province__code=code)
    membership = memberships.first()
    return membership.province if membership else None


def latest_year_with_results(province: Province, before: int | None = None) -> int | None:
    """The last published year of the province (or those it absorbed), before a year if given."""
    results = NationalResult.objects.filter(province__in=lineage(province))
    if before is not None:
        results = results.filter(year__lt=before)
    return results.order_by("-year").values_list("year", flat=True).first()


def field_target(province: Province, year: int, code: str) -> FieldTarget | None:
    return (
        FieldTarget.objects.filter(
            plan__province__in=lineage(province), field__code=code, plan__year__lte=year
        )
        .order_by("-plan__year")
        .first()
    )
