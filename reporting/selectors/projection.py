"""The projected PAR Index of a province for a month: what the Ministry would publish if it
appraised today what the province has self-assessed so far (README "Projection").

Per sub-criterion of the scheme in force:
- appraisal-scored: the focal agency's appraised score of the latest counted self-assessment
  (submitted or final) of a month of the index year up to the month shown, else its self-score
  (marked "self-score, not appraised"); never assessed → 0 ("not assessed");
- survey-scored: the admin's estimate for the year, else the province's published points of
  the year before (marked which), else 0 ("no survey figure").
Criterion, field and index points are the sums; the index % is the points over the scheme's
total (the fields' maxima when the total is unknown).

The rank compares the projected figure with every *other* province's last published one (the
province's predecessors excluded), under two stated assumptions: they stay where they were, or
they each move by last year's change of the national average (each year's published average,
else the mean of its scores; the year before's mean only when it has at least half as many).
Rank = 1 + the number of others strictly above (equal scores share a rank). Any
synthetic compared figure, or an illustrative criteria tree, makes the result illustrative.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators import selectors as ind
from indicators.models import (
    Criterion,
    CriterionAssignment,
    Field,
    FieldResult,
    Methodology,
    NationalResult,
    NationalStatistic,
    Province,
    SurveyScore,
)
from indicators.rankings import nth_best
from par_portal import months
from reporting.models import Period, SelfScore
from reporting.selectors.assessments import COUNTED

HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class Source:
    """Where a sub-criterion's projected points come from (a code, worded at render)."""

    APPRAISED = "appraised"
    SELF = "self"
    NONE = "none"
    SURVEY_ESTIMATE = "survey_estimate"
    SURVEY_PUBLISHED = "survey_published"
    SURVEY_NONE = "survey_none"

    LABELS = {
        APPRAISED: _("appraised"),
        SELF: _("self-score, not appraised yet"),
        NONE: _("not assessed yet"),
        SURVEY_ESTIMATE: _("survey: this year's estimate"),
        SURVEY_PUBLISHED: _("survey: last year's published points"),
        SURVEY_NONE: _("survey: no figure"),
    }

    @classmethod
    def label(cls, code: str) -> str:
        return str(cls.LABELS.get(code, code))


SURVEY_SOURCE_LABELS = {
    "estimate": _("the admin's estimate for this year"),
    "published": _("last year's published survey points"),
    "mixed": _("this year's estimate where entered, else last year's published points"),
    "none": _("no survey figure (counted as 0)"),
}


# --- the arithmetic (pure functions, tested with hand-computed figures) -------------------


def rank_among(own: Decimal, others: list[Decimal]) -> int:
    """The rank `own` would hold among `others`: 1 + those strictly above (ties share)."""
    return 1 + sum(1 for other in others if other > own)


def moved(others: list[Decimal], change: Decimal, ceiling: Decimal | None) -> list[Decimal]:
    """The others' scores each moved by `change`, kept within 0 and the ceiling."""
    found = []
    for other in others:
        value = max(Decimal(0), other + change)
        found.append(min(value, ceiling) if ceiling is not None else value)
    return found


def gap_to_rank(own: Decimal, others: list[Decimal], n: int | None) -> Decimal | None:
    """Points still needed to hold rank ≤ n: the n-th best other score minus ours, ≥ 0; None
    when there is no target or fewer than n others."""
    if not n:
        return None
    nth = nth_best(others, n)
    return None if nth is None else max(Decimal(0), nth - own)


def mean(values: list[Decimal]) -> Decimal | None:
    return (sum(values) / len(values)).quantize(CENT) if values else None


def average_change(
    current: list[Decimal],
    previous: list[Decimal],
    *,
    published: tuple[Decimal | None, Decimal | None] = (None, None),
) -> Decimal | None:
    """Last year's change of the national average: each year's published average, else the
    mean of its scores (the year before's only when it has at least half as many scores)."""
    now_avg, before_avg = published
    if now_avg is None:
        now_avg = mean(current)
    if before_avg is None and previous and len(previous) * 2 >= len(current):
        before_avg = mean(previous)
    if now_avg is None or before_avg is None:
        return None
    return (now_avg - before_avg).quantize(CENT)


# --- the projection ------------------------------------------------------------------------


@dataclass
class Compared:
    """The other provinces' last published figures a projected one is ranked against."""

    year: int | None = None
    others: list[Decimal] = field(default_factory=list)
    change: Decimal | None = None
    synthetic: bool = False
    ceiling: Decimal | None = None

    def ranks(self, own: Decimal) -> tuple[int | None, int | None]:
        if self.year is None:
            return None, None
        stay = rank_among(own, self.others)
        if self.change is None:
            return stay, None
        return stay, rank_among(own, moved(self.others, self.change, self.ceiling))


@dataclass
class Leaf:
    criterion: Criterion
    points: Decimal
    source: str
    month: dt.date | None = None  # the self-assessment it rests on
    owner: object = None
    evidence: int = 0
    tasks: list = field(default_factory=list)
    overdue: list = field(default_factory=list)

    @property
    def available(self) -> Decimal:
        return self.criterion.max_points - self.points

    @property
    def is_survey(self) -> bool:
        return self.criterion.scoring == Criterion.Scoring.SURVEY

    @property
    def source_label(self) -> str:
        return Source.label(self.source)


@dataclass
class FieldLine:
    field: Field
    max_points: Decimal
    points: Decimal
    compared: Compared
    target_rank: int | None = None
    target_pct: Decimal | None = None

    @property
    def pct(self) -> Decimal | None:
        return (HUNDRED * self.points / self.max_points).quantize(CENT) if self.max_points else None

    @property
    def rank_stay(self) -> int | None:
        return self.compared.ranks(self.points)[0]

    @property
    def rank_moved(self) -> int | None:
        return self.compared.ranks(self.points)[1]

    @property
    def gap_rank(self) -> Decimal | None:
        return gap_to_rank(self.points, self.compared.others, self.target_rank)

    @property
    def gap_pct(self) -> Decimal | None:
        if self.target_pct is None or not self.max_points:
            return None
        needed = (self.target_pct * self.max_points / HUNDRED).quantize(CENT)
        return max(Decimal(0), needed - self.points)


@dataclass
class MonthPoint:
    month: dt.date
    points: Decimal
    pct: Decimal | None


@dataclass
class Projection:
    province: Province
    month: dt.date
    year: int
    scheme: Methodology | None
    plan: object = None
    leaves: list[Leaf] = field(default_factory=list)
    fields: list[FieldLine] = field(default_factory=list)
    max_points: Decimal = Decimal(0)
    compared: Compared = field(default_factory=Compared)
    line: list[MonthPoint] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((leaf.points for leaf in self.leaves), Decimal(0))

    @property
    def pct(self) -> Decimal | None:
        return (HUNDRED * self.points / self.max_points).quantize(CENT) if self.max_points else None

    @property
    def rank_stay(self) -> int | None:
        return self.compared.ranks(self.pct)[0] if self.pct is not None else None

    @property
    def rank_moved(self) -> int | None:
        return self.compared.ranks(self.pct)[1] if self.pct is not None else None

    @property
    def target_rank(self) -> int | None:
        return self.plan.best_rank if self.plan else None

    @property
    def target_pct(self) -> Decimal | None:
        return self.plan.min_pct if self.plan else None

    @property
    def gap_rank(self) -> Decimal | None:
        if self.pct is None:
            return None
        return gap_to_rank(self.pct, self.compared.others, self.target_rank)

    @property
    def gap_pct(self) -> Decimal | None:
        if self.target_pct is None or self.pct is None:
            return None
        return max(Decimal(0), self.target_pct - self.pct)

    @property
    def is_illustrative(self) -> bool:
        return bool(
            (self.scheme and self.scheme.is_illustrative)
            or self.compared.synthetic
            or any(f.compared.synthetic for f in self.fields)
        )

    @property
    def counts(self) -> dict[str, int]:
        """How many sub-criteria rest on each source (appraised, self, none, survey_…)."""
        found = dict.fromkeys(Source.LABELS, 0)
        for leaf in self.leaves:
            found[leaf.source] += 1
        return found

    @property
    def top_gains(self) -> list[Leaf]:
        return self.gains(10)

    @property
    def survey_source(self) -> str:
        """Which survey figure the projection uses: estimate, published, both or none."""
        used = {leaf.source for leaf in self.leaves if leaf.is_survey}
        if used == {Source.SURVEY_ESTIMATE}:
            return "estimate"
        if used == {Source.SURVEY_PUBLISHED}:
            return "published"
        if Source.SURVEY_ESTIMATE in used or Source.SURVEY_PUBLISHED in used:
            return "mixed"
        return "none"

    @property
    def survey_source_label(self) -> str:
        return str(SURVEY_SOURCE_LABELS[self.survey_source])

    def gains(self, limit: int = 10) -> list[Leaf]:
        """The sub-criteria with the most points still available, best first."""
        open_ = [leaf for leaf in self.leaves if leaf.available > 0]
        return sorted(open_, key=lambda leaf: (-leaf.available, leaf.criterion.code))[:limit]


def projection(period: Period, *, now: dt.datetime | None = None) -> Projection:
    """The province's projection at the period's month (a few queries, whatever the number of
    units, sub-criteria and months)."""
    now = now or timezone.now()
    province, month, year = period.province, period.month, period.month.year
    scheme = ind.methodology_for_year(year)
    result = Projection(province=province, month=month, year=year, scheme=scheme)
    if scheme is None:
        return result
    result.plan = ind.plan_for(province, year)
    leaves = list(
        Criterion.objects.filter(field__methodology=scheme, children__isnull=True)
        .select_related("field")
        .order_by("field__number", "order", "code")
    )
    if not leaves:
        return result
    scores = _scores(province, year, month)
    survey = _survey(province, year, leaves)
    owners = _owners(result.plan)
    overdue = _overdue_tasks(period, owners, now=now)
    for criterion in leaves:
        owner, tasks = owners.get(criterion.pk, (None, []))
        if criterion.scoring == Criterion.Scoring.SURVEY:
            points, source = survey.get(criterion.pk, (Decimal(0), Source.SURVEY_NONE))
            leaf = Leaf(criterion, points, source, owner=owner, tasks=tasks)
        else:
            leaf = _appraisal_leaf(criterion, scores.get(criterion.pk, []), month)
            leaf.owner, leaf.tasks = owner, tasks
        leaf.overdue = [task for task in tasks if task.pk in overdue]
        result.leaves.append(leaf)
    fields = {c.field_id: c.field for c in leaves}
    targets = ind.field_targets(province, year, codes=[f.code for f in fields.values()])
    compared_fields = _compared_fields(province, year, list(fields.values()))
    for field_id, field_ in fields.items():
        mine = [leaf for leaf in result.leaves if leaf.criterion.field_id == field_id]
        maximum = field_.max_points or sum((leaf.criterion.max_points for leaf in mine), Decimal(0))
        target = targets.get(field_.code)
        result.fields.append(
            FieldLine(
                field=field_,
                max_points=maximum,
                points=sum((leaf.points for leaf in mine), Decimal(0)),
                compared=compared_fields.get(field_.code, Compared()),
                target_rank=target.best_rank if target else None,
                target_pct=target.min_pct if target else None,
            )
        )
    result.max_points = scheme.total_points or sum(
        (f.max_points for f in result.fields), Decimal(0)
    )
    result.compared = _compared_index(province, year)
    # the line starts at the first month anything was self-assessed (before it, a figure of
    # survey points alone would read as a collapse, not as "not assessed yet")
    first = min((rows[0][0] for rows in scores.values()), default=None)
    result.line = [
        _month_point(m, result, scores)
        for m in months.of_year_until(month)
        if first is not None and m >= first
    ]
    return result


def _appraisal_leaf(criterion, rows: list[tuple], month: dt.date) -> Leaf:
    """The latest counted score at or before `month` (rows sorted oldest first)."""
    found = [row for row in rows if row[0] <= month]
    if not found:
        return Leaf(criterion, Decimal(0), Source.NONE)
    on, score, appraised, evidence = found[-1]
    if appraised is not None:
        return Leaf(criterion, appraised, Source.APPRAISED, month=on, evidence=evidence)
    return Leaf(criterion, score or Decimal(0), Source.SELF, month=on, evidence=evidence)


def _month_point(on, result: Projection, scores) -> MonthPoint:
    """The index as it stood at month `on`: the survey part does not move with the month, the
    appraisal part is each sub-criterion's latest counted score up to it; over the same
    maximum as the headline figure."""
    points = Decimal(0)
    for leaf in result.leaves:
        if leaf.is_survey:
            points += leaf.points
        else:
            points += _appraisal_leaf(leaf.criterion, scores.get(leaf.criterion.pk, []), on).points
    maximum = result.max_points
    pct = (HUNDRED * points / maximum).quantize(CENT) if maximum else None
    return MonthPoint(on, points, pct)


def _scores(province: Province, year: int, month: dt.date) -> dict[int, list[tuple]]:
    """criterion id → [(month, self-score, appraised score, evidence count)], oldest first:
    the counted self-assessments of the index year up to the month."""
    rows = (
        SelfScore.objects.filter(
            assessment__period__province=province,
            assessment__period__month__year=year,
            assessment__period__month__lte=month,
            assessment__status__in=COUNTED,
        )
        .annotate(n_reused=Count("evidence", distinct=True), n_files=Count("files", distinct=True))
        .order_by("assessment__period__month", "assessment__submitted_at", "pk")
        .values_list(
            "criterion_id",
            "assessment__period__month",
            "score",
            "appraised_score",
            "n_reused",
            "n_files",
        )
    )
    found: dict[int, list[tuple]] = {}
    for criterion_id, on, score, appraised, reused, files in rows:
        found.setdefault(criterion_id, []).append((on, score, appraised, reused + files))
    return found


def _survey(province: Province, year: int, leaves) -> dict[int, tuple[Decimal, str]]:
    """criterion id → (points, source): this year's estimate, else last year's published."""
    rows = SurveyScore.objects.filter(
        province=province, criterion__in=[c for c in leaves if c.scoring == "survey"]
    ).filter(
        Q(year=year, kind=SurveyScore.Kind.ESTIMATE)
        | Q(year=year - 1, kind=SurveyScore.Kind.PUBLISHED)
    )
    found: dict[int, tuple[Decimal, str]] = {}
    for row in rows.order_by("kind"):  # "estimate" before "published": the estimate wins
        source = (
            Source.SURVEY_ESTIMATE
            if row.kind == SurveyScore.Kind.ESTIMATE
            else Source.SURVEY_PUBLISHED
        )
        found.setdefault(row.criterion_id, (row.points, source))
    return found


def _owners(plan) -> dict[int, tuple]:
    if plan is None:
        return {}
    assignments = CriterionAssignment.objects.filter(plan=plan).select_related("owner")
    return {
        a.criterion_id: (a.owner, sorted(a.tasks.all(), key=lambda t: t.code))
        for a in assignments.prefetch_related("tasks")
    }


def _overdue_tasks(period: Period, owners: dict, *, now: dt.datetime) -> set[int]:
    """The mapped tasks past their due date and not done at the month's reference date."""
    from reporting.selectors.progress import task_progress

    mapped = {task.pk for _owner, tasks in owners.values() for task in tasks}
    if not mapped:
        return set()
    on = min(period.last_day, timezone.localdate(now))
    return {
        p.task.pk
        for p in task_progress(period)
        if p.task.pk in mapped and p.task.due_date < on and not p.is_done
    }


def _compared_index(province: Province, year: int) -> Compared:
    members = {p.pk for p in ind.lineage(province)}
    last = ind.latest_year_with_results(province, before=year)
    if last is None:
        return Compared()
    rows = list(
        NationalResult.objects.filter(year__in=[last, last - 1], index_pct__isnull=False)
        .exclude(province__in=members)
        .values_list("year", "index_pct", "is_synthetic")
    )
    averages = dict(
        NationalStatistic.objects.filter(
            year__in=[last, last - 1], metric="provinces_average_pct", number__isnull=False
        ).values_list("year", "number")
    )
    current = [value for y, value, _s in rows if y == last]
    previous = [value for y, value, _s in rows if y == last - 1]
    return Compared(
        year=last,
        others=current,
        change=average_change(
            current, previous, published=(averages.get(last), averages.get(last - 1))
        ),
        synthetic=any(s for y, _v, s in rows if y == last),
        ceiling=HUNDRED,
    )


def _compared_fields(province: Province, year: int, fields: list[Field]) -> dict[str, Compared]:
    """Per field code: the other provinces' points in the last year before `year` in which the
    province (or its predecessors) has a published result in that field, as the scorecards'
    gap to target uses."""
    members = {p.pk for p in ind.lineage(province)}
    codes = [f.code for f in fields]
    rows = list(
        FieldResult.objects.filter(field__code__in=codes, year__lt=year, points__isnull=False)
        .values_list("province_id", "field__code", "year", "points", "is_synthetic")
        .order_by("-year")
    )
    own_year: dict[str, int] = {}
    for province_id, code, on, _points, _synthetic in rows:
        if province_id in members:
            own_year.setdefault(code, on)
    found: dict[str, Compared] = {}
    for field_ in fields:
        last = own_year.get(field_.code)
        if last is None:
            continue
        others = [
            (on, points, synthetic)
            for province_id, code, on, points, synthetic in rows
            if code == field_.code and province_id not in members and on in (last, last - 1)
        ]
        current = [points for on, points, _s in others if on == last]
        previous = [points for on, points, _s in others if on == last - 1]
        found[field_.code] = Compared(
            year=last,
            others=current,
            change=average_change(current, previous),
            synthetic=any(s for on, _p, s in others if on == last),
            ceiling=field_.max_points,
        )
    return found
