"""Rankings, the index gap to target and trends: they read only published results and plans
(indicators data), so they live here; reporting's pages and the API call them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from indicators.models import FieldResult, Methodology, NationalResult, NationalStatistic, Province
from indicators.selectors import field_target, latest_year_with_results, lineage, plan_for


class GapNote(models.TextChoices):
    """Why a gap to target is missing or to be read with care: stored as a code with its
    parameters, and worded at render time in the reader's language (gap_note_text)."""

    NONE = "", _("none")
    NO_RESULT = "no_result", _("no published result")
    TOO_FEW = "too_few", _("too few published scores")
    ILLUSTRATIVE = "illustrative", _("illustrative")


def gap_note_text(code: str, params: dict | None = None) -> str:
    """The one wording of a gap note (the pages, the API and the Excel brief use it)."""
    params = params or {}
    if code == GapNote.NO_RESULT:
        return _("no published result for this field") % {}
    if code == GapNote.TOO_FEW:
        return ngettext(
            "only %(n)s other province's score exists for %(year)s: rank %(rank)s cannot be placed",
            "only %(n)s other provinces' scores exist for %(year)s: rank %(rank)s cannot be placed",
            params.get("n", 0),
        ) % {"n": params.get("n", 0), "year": params.get("year", ""), "rank": params.get("rank")}
    if code == GapNote.ILLUSTRATIVE:
        return _("illustrative — based on synthetic figures") % {}
    return ""


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
