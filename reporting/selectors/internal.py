"""The province's internal PAR index of a year: each unit's points per criterion (the computed
ones from the portal's own data, the rest as the focal agency scored them), its % of the
maximum, its band, its rank in its group (departments and agencies; district or commune
committees) and its movement since the year before.

The computed criteria, each as a share of its maximum points:
- monthly reports on time: reports first submitted before the deadline / months expected
  (the year's unit scorecards);
- tasks done on time: the unit's tasks (as lead) due in the year by the reference date that
  its own counted report of the due month or earlier marked done / those tasks;
- evidence completeness: checklist items of the sub-criteria it owns that are ready / all;
- self-assessment accuracy: 1 − the mean over its appraised self-scores of |self − appraised|
  / the sub-criterion's maximum.
A unit with nothing to measure in a computed criterion (no task due, no sub-criterion owned) is
not marked down for it: that criterion leaves its maximum too ("–" on the page).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Min, Sum
from django.utils import timezone

from indicators.models import ChecklistItem, CriterionAssignment, Task, Unit
from indicators.rankings import competition_ranks
from indicators.selectors import plan_for
from reporting.models import (
    InternalCriterion,
    InternalFramework,
    InternalScore,
    LockerDocument,
    SelfScore,
    TaskEntry,
    UnitScorecard,
)
from reporting.selectors.assessments import COUNTED as COUNTED_ASSESSMENTS
from reporting.selectors.progress import COUNTED as COUNTED_REPORTS

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
GROUPS = {
    Unit.Kind.DEPARTMENT: "departments",
    Unit.Kind.AGENCY: "departments",
    Unit.Kind.OTHER: "departments",
    Unit.Kind.DISTRICT_COMMITTEE: "localities",
    Unit.Kind.COMMUNE_COMMITTEE: "localities",
}


@dataclass
class UnitLine:
    unit: Unit
    points: dict[int, Decimal | None] = field(default_factory=dict)  # criterion id → points
    total: Decimal = Decimal(0)
    maximum: Decimal = Decimal(0)
    band: str = ""
    rank: int | None = None
    previous_rank: int | None = None

    @property
    def pct(self) -> Decimal | None:
        return (HUNDRED * self.total / self.maximum).quantize(CENT) if self.maximum else None

    @property
    def movement(self) -> int | None:
        """Places gained since the year before (positive: up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank

    @property
    def group(self) -> str:
        return GROUPS.get(self.unit.kind, "departments")

    def cells(self, criteria) -> list:
        return [self.points.get(c.pk) for c in criteria]


@dataclass
class InternalIndex:
    framework: InternalFramework
    criteria: list[InternalCriterion]
    lines: list[UnitLine]

    def groups(self) -> list[tuple[str, list[UnitLine]]]:
        return [
            (name, [line for line in self.lines if line.group == name])
            for name in ("departments", "localities")
        ]


def share(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def band_of(pct: Decimal | None, bands) -> str:
    """The first band (highest first) whose floor the % reaches."""
    if pct is None:
        return ""
    for band in sorted(bands, key=lambda b: -b.min_pct):
        if pct >= band.min_pct:
            return band.label
    return ""


def internal_index(
    framework: InternalFramework, *, now: dt.datetime | None = None, movement: bool = True
) -> InternalIndex:
    now = now or timezone.now()
    year, province = framework.year, framework.province
    criteria = list(framework.criteria.order_by("order", "code"))
    bands = list(framework.bands.all())
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    units = list(
        Unit.objects.valid_during(first, last)
        .filter(province=province)
        .filter(is_focal_agency=False)
        .order_by("kind", "name_vi")
    )
    measured = _measures(province, year, [u.pk for u in units], now=now)
    manual = {
        (s.criterion_id, s.unit_id): s.points
        for s in InternalScore.objects.filter(criterion__framework=framework)
    }
    lines = []
    for unit in units:
        line = UnitLine(unit=unit)
        for criterion in criteria:
            if criterion.source == InternalCriterion.Source.MANUAL:
                value = manual.get((criterion.pk, unit.pk), Decimal(0))
            else:
                ratio = measured[criterion.source].get(unit.pk)
                value = None if ratio is None else (criterion.max_points * ratio).quantize(CENT)
            line.points[criterion.pk] = value
            if value is not None:
                line.total += value
                line.maximum += criterion.max_points
        line.band = band_of(line.pct, bands)
        lines.append(line)
    _rank(lines)
    previous = (
        InternalFramework.objects.filter(province=province, year=year - 1).first()
        if movement
        else None
    )
    if previous is not None:
        earlier = internal_index(previous, now=now, movement=False)
        before = {line.unit.pk: line.rank for line in earlier.lines}
        for line in lines:
            line.previous_rank = before.get(line.unit.pk)
    return InternalIndex(framework, criteria, lines)


def _rank(lines: list[UnitLine]) -> None:
    for name in ("departments", "localities"):
        group = sorted(
            (line for line in lines if line.group == name and line.pct is not None),
            key=lambda line: -line.pct,
        )
        for line, rank in zip(group, competition_ranks([line.pct for line in group]), strict=True):
            line.rank = rank
    lines.sort(key=lambda line: (line.group, line.rank or 9999, line.unit.name_vi))


def _measures(province, year: int, unit_ids: list[int], *, now) -> dict[str, dict]:
    """Each computed criterion's share per unit (None: nothing to measure)."""
    found: dict[str, dict] = {}
    cards = (
        UnitScorecard.objects.filter(period__province=province, period__month__year=year)
        .filter(period__due_at__lte=now)
        .values("unit_id")
        .annotate(expected=Sum("expected"), on_time=Sum("on_time"))
    )
    found[InternalCriterion.Source.ON_TIME_REPORTING] = {
        row["unit_id"]: share(row["on_time"], row["expected"]) for row in cards
    }
    on = min(dt.date(year, 12, 31), timezone.localdate(now))
    due = list(
        Task.objects.filter(
            plan__province=province,
            lead_unit_id__in=unit_ids,
            due_date__year=year,
            due_date__lte=on,
        ).values_list("pk", "lead_unit_id", "due_date")
    )
    done_at = dict(
        TaskEntry.objects.filter(
            task_id__in=[pk for pk, _u, _d in due],
            status=TaskEntry.Status.DONE,
            report__status__in=COUNTED_REPORTS,
        )
        .values("task_id")
        .annotate(first=Min("report__period__month"))
        .values_list("task_id", "first")
    )
    tasks: dict[int, list[bool]] = {}
    for pk, unit_id, due_date in due:
        first = done_at.get(pk)
        tasks.setdefault(unit_id, []).append(first is not None and first <= due_date)
    found[InternalCriterion.Source.TASKS_ON_TIME] = {
        unit_id: share(sum(flags), len(flags)) for unit_id, flags in tasks.items()
    }
    plan = plan_for(province, year)
    owned = (
        dict(CriterionAssignment.objects.filter(plan=plan).values_list("criterion_id", "owner_id"))
        if plan
        else {}
    )
    items = list(
        ChecklistItem.objects.filter(criterion_id__in=owned).values_list("pk", "criterion_id")
    )
    ready = set(
        LockerDocument.objects.filter(
            province=province, year=year, status=LockerDocument.Status.ACCEPTED
        ).values_list("item_id", flat=True)
    )
    evidence: dict[int, list[bool]] = {}
    for item_id, criterion_id in items:
        evidence.setdefault(owned[criterion_id], []).append(item_id in ready)
    found[InternalCriterion.Source.EVIDENCE] = {
        unit_id: share(sum(flags), len(flags)) for unit_id, flags in evidence.items()
    }
    accuracy: dict[int, list[Decimal]] = {}
    for unit_id, score, appraised, maximum in SelfScore.objects.filter(
        assessment__period__province=province,
        assessment__period__month__year=year,
        assessment__status__in=COUNTED_ASSESSMENTS,
        appraised_score__isnull=False,
        score__isnull=False,
    ).values_list("assessment__unit_id", "score", "appraised_score", "criterion__max_points"):
        if maximum:
            accuracy.setdefault(unit_id, []).append(abs(score - appraised) / maximum)
    found[InternalCriterion.Source.ACCURACY] = {
        unit_id: max(Decimal(0), 1 - sum(gaps) / len(gaps)) for unit_id, gaps in accuracy.items()
    }
    return found
