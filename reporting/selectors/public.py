"""The public progress page's figures: aggregates only, of the parts the province chose, from
cache. Nothing here names a person or a unit, or carries a report's text or evidence; the
page's template can only show what this returns."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from indicators import rankings
from indicators import selectors as ind
from indicators.models import Province
from par_portal.cache import DIRECTORY, RESULTS, cached, province_scope
from reporting.models import FieldScorecard, Period, PublicPage
from reporting.selectors.dashboards import current_period
from reporting.selectors.reports import review_board

NOT_PUBLISHED = "not_published"  # cached too: a closed page never reaches the database either


@dataclass(frozen=True)
class PublicData:
    province_id: int
    province_code: str
    name_vi: str
    name_en: str
    parts: tuple[str, ...]
    result: dict | None = None  # year, value, rank, pool, is_synthetic
    targets: dict | None = None  # year, min_pct, best_rank, fields: [{name_vi, best_rank, min_pct}]
    fields: list[dict] = field(default_factory=list)  # name, status, done, expected, overdue
    fields_month: dt.date | None = None
    timeliness: dict | None = None  # month, on_time, expected, pct
    computed_at: dt.datetime | None = None


def public_page(code: str, *, now: dt.datetime) -> PublicData | None:
    """The page of the province with this code, or None (no such province, or not published).
    Cached under the directory (codes), the province's version, the results' and the hour."""
    province_id = cached(
        ("public-id", code),
        [DIRECTORY],
        lambda: Province.objects.filter(code=code).values_list("pk", flat=True).first() or 0,
    )
    if not province_id:
        return None
    hour = timezone.localtime(now).strftime("%Y%m%d%H")
    data = cached(
        ("public", province_id, hour),
        [province_scope(province_id), RESULTS],
        lambda: _compute(province_id, now=now) or NOT_PUBLISHED,
    )
    return None if data == NOT_PUBLISHED else data


def _compute(province_id: int, *, now: dt.datetime) -> PublicData | None:
    page = PublicPage.objects.filter(province_id=province_id, is_published=True).first()
    if page is None:
        return None
    province = Province.objects.get(pk=province_id)
    year = timezone.localtime(now).year
    data = {
        "province_id": province.pk,
        "province_code": province.code,
        "name_vi": province.name_vi,
        "name_en": province.name_en,
        "parts": tuple(page.parts),
        "computed_at": now,
    }
    if page.show_result:
        standing = rankings.index_standing(province, year + 1)  # the last year published
        if standing is not None and standing.value is not None:
            data["result"] = {
                "year": standing.year,
                "value": standing.value,
                "rank": standing.rank,
                "pool": standing.ranking.pool or len(standing.ranking.rows),
                "is_synthetic": standing.is_synthetic,
            }
    if page.show_targets:
        plan = ind.plan_for(province, year)
        if plan is not None:
            data["targets"] = {
                "year": year,
                "min_pct": plan.min_pct,
                "best_rank": plan.best_rank,
                "fields": [
                    {
                        "name_vi": t.field.name_vi,
                        "name_en": t.field.name_en,
                        "best_rank": t.best_rank,
                        "min_pct": t.min_pct,
                    }
                    for t in sorted(
                        ind.field_targets(province, year).values(), key=lambda t: t.field.number
                    )
                    if t.best_rank or t.min_pct
                ],
            }
    period = current_period(province)
    if page.show_fields and period is not None:
        data["fields_month"] = period.month
        data["fields"] = [
            {
                "name_vi": card.field.name_vi,
                "name_en": card.field.name_en,
                "status": card.status,
                "done": card.mean_done_pct,
                "expected": card.expected_pct,
                "overdue": card.tasks_overdue,
            }
            for card in FieldScorecard.objects.filter(period=period)
            .select_related("field")
            .order_by("field__number")
        ]
    if page.show_timeliness:
        closed = (
            Period.objects.filter(province=province, due_at__lte=now).order_by("-month").first()
        )
        if closed is not None:
            board = review_board(closed, now=now)
            if board.expected:
                data["timeliness"] = {
                    "month": closed.month,
                    "on_time": board.on_time,
                    "expected": board.expected,
                    "pct": board.timeliness,
                }
    return PublicData(**data)
