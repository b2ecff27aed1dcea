"""Roll-up of a province's month into scorecard snapshot rows (DESIGN.md §6).

Progress is carried forward: each task stands where its lead unit's latest counted report at
or before the month left it (reporting.selectors.progress: submitted or accepted; a returned
report counts again once resubmitted; never reported = 0 %, "not reported"). The province has
tens to a few hundred live tasks, so the per-field sums are done in Python on one query's rows.
Writing the rows replaces the month's snapshot in one transaction, so two runs with the same
data give the same rows.

The status rule, with each threshold a ScorecardPolicy setting (defaults 10 / 25 / 25):
  expected progress of a task = the share of its start→due window elapsed at the reference
  date (100 % once due);
  a task is *done* when its report says done (which is 100 %, and 100 % is done);
  a task is *overdue* when its due date has passed and it is not done;
  a task is *behind* when it is reported behind or blocked, or when its % done trails its
  expected progress by more than the at-risk threshold (10 points);
  a field is
  * on track  when its weighted % done ≥ weighted expected progress − 10 points and none of
              its tasks is overdue;
  * off track when it is more than 25 points behind, or more than 25 % of its task weight is
              overdue;
  * at risk   otherwise.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from indicators.models import Field, FieldResult, Province
from indicators.selectors import field_targets, lineage
from par_portal import months as months_
from par_portal.cache import bump, province_scope
from reporting.models import (
    FieldScorecard,
    Period,
    Report,
    ScorecardPolicy,
    TaskEntry,
    UnitScorecard,
)
from reporting.models.scorecards import GapNote, Status
from reporting.selectors.progress import TaskProgress, tasks_progress
from reporting.selectors.reports import expected_units_by_period
from reporting.services.reports import periods_ensure

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def reference_date(period: Period, now: dt.datetime) -> dt.date:
    return min(period.last_day, timezone.localdate(now))


def expected_progress(start: dt.date, due: dt.date, on: dt.date) -> Decimal:
    if on >= due:
        return HUNDRED
    if on <= start:
        return Decimal(0)
    return (HUNDRED * (on - start).days / (due - start).days).quantize(CENT)


def task_is_behind(progress: TaskProgress, expected: Decimal, policy: ScorecardPolicy) -> bool:
    """Reported behind or blocked, or trailing its expected progress by more than the at-risk
    threshold (a task reported "in progress" at 40 % when 88 % of its time is gone is behind)."""
    if progress.is_done:
        return False
    reported = progress.status in (TaskEntry.Status.BEHIND, TaskEntry.Status.BLOCKED)
    return reported or expected - progress.percent_done > policy.at_risk_points


@dataclass
class _FieldSums:
    total: int = 0
    done: int = 0
    behind: int = 0
    overdue: int = 0
    unreported: int = 0
    weight: Decimal = Decimal(0)
    done_weighted: Decimal = Decimal(0)
    expected_weighted: Decimal = Decimal(0)
    overdue_weight: Decimal = Decimal(0)
    reported_through: dt.date | None = None
    owners: set = field(default_factory=set)


def scorecard_rollup(*, period: Period, now: dt.datetime) -> None:
    scorecards_rollup([period], now=now)


CHUNK = 64  # periods rolled up together: their tasks are held in memory at once


def scorecards_rollup(periods: Iterable[Period], *, now: dt.datetime) -> int:
    """Roll up the periods, up to CHUNK at a time, each chunk in one transaction: their
    progress, expected units and reports are read together (a few queries per month, however
    many provinces), then their rows are replaced."""
    periods = list(periods)
    for start in range(0, len(periods), CHUNK):
        with transaction.atomic():
            _rollup_chunk(periods[start : start + CHUNK], now=now)
    return len(periods)


def _rollup_chunk(periods: list[Period], *, now: dt.datetime) -> None:
    ids = [p.pk for p in periods]
    # The changes seen before reading the inputs; a period's dirty mark is cleared at the end
    # only if no change arrived since (reporting.services.staleness).
    seen = dict(Period.objects.filter(pk__in=ids).values_list("pk", "dirty_seq"))
    province_ids = {p.province_id for p in periods}
    policies = {
        policy.province_id: policy
        for policy in ScorecardPolicy.objects.filter(province_id__in=province_ids)
    }
    progress = tasks_progress(periods, related=False)
    units = expected_units_by_period(periods)
    reports: dict[int, dict[int, Report]] = {pk: {} for pk in ids}
    for report in Report.objects.filter(period_id__in=ids, first_submitted_at__isnull=False):
        reports[report.period_id][report.unit_id] = report
    cards: list[FieldScorecard] = []
    rows: list[UnitScorecard] = []
    published = _Published.of({p.task.field_id for items in progress.values() for p in items})
    for period in periods:
        policy = policies.get(period.province_id) or ScorecardPolicy(province_id=period.province_id)
        field_cards, per_unit = _field_cards(
            period, progress[period.pk], policy, units[period.pk], reports[period.pk], now=now
        )
        _targets_and_gaps(field_cards, period, published)
        cards += field_cards
        rows += _unit_cards(period, units[period.pk], reports[period.pk], per_unit, now=now)
    FieldScorecard.objects.filter(period_id__in=ids).delete()
    UnitScorecard.objects.filter(period_id__in=ids).delete()
    FieldScorecard.objects.bulk_create(cards)
    UnitScorecard.objects.bulk_create(rows)
    unchanged = [Q(pk=pk, dirty_seq=seq) for pk, seq in seen.items()]
    if unchanged:
        Period.objects.filter(reduce(operator.or_, unchanged)).update(dirty_since=None)
    bump([province_scope(p) for p in province_ids])  # new scorecards: the dashboards' cache


def _field_cards(
    period: Period,
    progress: list[TaskProgress],
    policy: ScorecardPolicy,
    units: list,
    reports: dict[int, Report],
    *,
    now: dt.datetime,
) -> tuple[list[FieldScorecard], dict[int, dict[str, int]]]:
    """The period's field scorecards (not saved), and each lead unit's done and overdue tasks."""
    on = reference_date(period, now)
    sums: dict[int, _FieldSums] = {}
    per_unit: dict[int, dict[str, int]] = {}
    for item in progress:
        task = item.task
        expected = expected_progress(task.start_date, task.due_date, on)
        overdue = task.due_date < on and not item.is_done
        row = sums.setdefault(task.field_id, _FieldSums())
        row.total += 1
        row.done += item.is_done
        row.behind += task_is_behind(item, expected, policy)
        row.overdue += overdue
        row.unreported += not item.is_reported
        row.weight += task.weight
        row.done_weighted += task.weight * item.percent_done
        row.expected_weighted += task.weight * expected
        row.overdue_weight += task.weight if overdue else 0
        row.owners.add(task.lead_unit_id)
        if item.reported_month and (
            row.reported_through is None or item.reported_month > row.reported_through
        ):
            row.reported_through = item.reported_month
        unit = per_unit.setdefault(task.lead_unit_id, {"done": 0, "overdue": 0})
        unit["done"] += item.is_done
        unit["overdue"] += overdue
    expected_ids = {u.pk for u in units}
    cards = []
    for field_id, row in sorted(sums.items()):
        owners = expected_ids & row.owners
        on_time = sum(1 for u in owners if u in reports and not reports[u].is_late)
        mean = (row.done_weighted / row.weight).quantize(CENT) if row.weight else None
        expected = (row.expected_weighted / row.weight).quantize(CENT) if row.weight else None
        overdue_share = (HUNDRED * row.overdue_weight / row.weight).quantize(CENT)
        cards.append(
            FieldScorecard(
                period=period,
                field_id=field_id,
                tasks_total=row.total,
                tasks_done=row.done,
                tasks_behind=row.behind,
                tasks_overdue=row.overdue,
                tasks_unreported=row.unreported,
                reported_through=row.reported_through,
                mean_done_pct=mean,
                expected_pct=expected,
                overdue_weight_pct=overdue_share,
                on_time_pct=(HUNDRED * on_time / len(owners)).quantize(CENT) if owners else None,
                status=field_status(mean, expected, row.overdue, overdue_share, policy),
                computed_at=now,
            )
        )
    return cards, per_unit


def field_status(mean, expected, overdue_count, overdue_share, policy) -> str:
    if mean is None:
        return Status.NO_TASKS
    behind = expected - mean
    if behind > policy.off_track_points or overdue_share > policy.off_track_overdue_share:
        return Status.OFF_TRACK
    if behind <= policy.at_risk_points and overdue_count == 0:
        return Status.ON_TRACK
    return Status.AT_RISK


@dataclass
class _Published:
    """The fields' codes and every published (or synthetic) result under those codes, of every
    province, year and scheme (a code names the same field across schemes): read once for all
    the periods rolled up together (a few thousand rows nationally)."""

    codes: dict[int, str]
    results: list[tuple[int, str, int, Decimal | None, int | None, bool]]

    @classmethod
    def of(cls, field_ids: set[int]) -> _Published:
        codes = dict(Field.objects.filter(pk__in=field_ids).values_list("pk", "code"))
        # a published figure before a synthetic one (e.g. Quang Nam's real 2023 score before
        # old Da Nang's synthetic one), then the better score
        results = (
            FieldResult.objects.filter(field__code__in=set(codes.values()))
            .order_by("-year", "is_synthetic", "-points")
            .values_list("province_id", "field__code", "year", "points", "rank", "is_synthetic")
        )
        return cls(codes=codes, results=list(results))


@dataclass
class _Own:
    year: int
    points: Decimal | None
    rank: int | None
    is_synthetic: bool


def _targets_and_gaps(cards: list[FieldScorecard], period: Period, published: _Published) -> None:
    """Each field's target (top N, %) and last published result, of the province or those it
    absorbed, and the gap to rank N: the N-th best score of the *other* provinces that year,
    minus ours, floored at 0. The gap is left empty only when fewer than N other scores exist;
    when any score involved is synthetic it is computed and marked illustrative. `published`
    holds at least these fields."""
    codes = {c.field_id: published.codes[c.field_id] for c in cards}
    targets = field_targets(period.province, period.month.year, codes=list(codes.values()))
    members = {p.pk for p in lineage(period.province)}
    own_results: dict[str, _Own] = {}
    for province_id, code, year, points, rank, synthetic in published.results:
        if province_id in members and year < period.month.year:
            own_results.setdefault(code, _Own(year, points, rank, synthetic))
    years = {r.year for r in own_results.values()}
    others: dict[tuple[str, int], list[tuple[Decimal, bool]]] = {}
    for province_id, code, year, points, _rank, synthetic in published.results:
        if year in years and points is not None and province_id not in members:
            others.setdefault((code, year), []).append((points, synthetic))
    for card in cards:
        code = codes[card.field_id]
        target = targets.get(code)
        if target:
            card.target_rank, card.target_pct = target.best_rank, target.min_pct
        own = own_results.get(code)
        if own is None:
            card.gap_code = GapNote.NO_RESULT
            continue
        card.last_year, card.last_points, card.last_rank = own.year, own.points, own.rank
        if not card.target_rank or own.points is None:
            continue
        pool = others.get((code, own.year), [])
        if len(pool) < card.target_rank:
            card.gap_code = GapNote.TOO_FEW
            card.gap_params = {"n": len(pool), "year": own.year, "rank": card.target_rank}
            continue
        nth = sorted((points for points, _synthetic in pool), reverse=True)[card.target_rank - 1]
        card.gap_points = max(Decimal(0), nth - own.points)
        if own.is_synthetic or any(synthetic for _points, synthetic in pool):
            card.gap_code = GapNote.ILLUSTRATIVE


def _unit_cards(period, units, reports, per_unit, *, now) -> list[UnitScorecard]:
    """The period's unit scorecards, ranked (not saved)."""
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        late_by = (report.first_submitted_at if report else now) - period.due_at
        # Whole days started after the deadline: a report one hour late is one day late.
        days_late = 0
        if late_by > dt.timedelta(0):
            days_late = late_by.days + (1 if late_by % dt.timedelta(days=1) else 0)
        stats = per_unit.get(unit.pk, {"done": 0, "overdue": 0})
        rows.append(
            UnitScorecard(
                period=period,
                unit=unit,
                expected=1,
                submitted=1 if report else 0,
                on_time=1 if report and not report.is_late else 0,
                days_late=days_late,
                tasks_done=stats["done"] or 0,
                tasks_overdue=stats["overdue"] or 0,
                rank=1,
                computed_at=now,
            )
        )

    def key(card):
        return (
            -card.on_time,
            -card.submitted,
            card.days_late,
            card.tasks_overdue,
            -card.tasks_done,
        )

    rows.sort(key=lambda c: (key(c), c.unit.name_vi))
    for index, card in enumerate(rows):
        same = index and key(rows[index - 1]) == key(card)
        card.rank = rows[index - 1].rank if same else index + 1
    return rows


def periods_ensure_ahead(*, today: dt.date, months: int = 2) -> None:
    """Every province with work running gets its periods created two months ahead."""
    last = months_.add_months(months_.first_day(today), months)
    provinces = (
        Province.objects.valid_on(today).filter(plans__tasks__due_date__gte=today).distinct()
    )
    for province in provinces:
        periods_ensure(province=province, first=months_.first_day(today), last=last)
