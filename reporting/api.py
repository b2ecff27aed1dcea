"""The read-only JSON API behind each dashboard, province-scoped, for the operations centre.
Authentication: the session, or `Authorization: Token <key>` (admin → API tokens)."""

from __future__ import annotations

from decimal import Decimal

from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_GET

from indicators import selectors as ind
from indicators.models import FieldCode
from par_portal.params import choice_param, code_param, month_param, query_params, year_param
from reporting.api_schema import SCHEMA
from reporting.selectors import cached
from reporting.selectors import dashboards as boards
from reporting.services.tokens import api_token_user


def _num(value):
    return float(value) if isinstance(value, Decimal) else value


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def api_view(function):
    """Authenticate (session or token), find the province the user may read, or answer JSON."""

    @require_GET
    def wrapper(request, *args, **kwargs):
        user = request.user if request.user.is_authenticated else None
        header = request.headers.get("Authorization", "")
        if user is None and header.startswith("Token "):
            user = api_token_user(header.removeprefix("Token ").strip())
        if user is None:
            return _error(401, "authentication required (session or 'Authorization: Token …')")
        province = ind.reading_province(user, code_param(request))
        if province is None:
            return _error(404, "no province you may read")
        return function(request, province, *args, **kwargs)

    wrapper.__name__ = function.__name__
    return wrapper


@query_params("province", "year", "field")
@api_view
def ranking(request, province):
    default = cached.latest_year_with_results(province) or 0
    year = year_param(request, default)
    field_code = choice_param(request, "field", FieldCode.values)
    result = cached.ranking(province, year, field_code)
    return JsonResponse(
        {
            "province": province.code,
            "year": year,
            "field": field_code,
            "pool": result.pool,
            "average": _num(result.average),
            "target_rank": result.target_rank,
            "target_value": _num(result.target_value),
            "target_note": result.target_note,
            "rows": [
                {
                    "province": r.province.code,
                    "name": r.province.name_vi,
                    "value": _num(r.value),
                    "rank": r.rank,
                    "is_synthetic": r.is_synthetic,
                    "is_own": r.is_own,
                }
                for r in result.rows
            ],
        }
    )


@query_params("province")
@api_view
def trend(request, province):
    data = cached.trend(province)
    return JsonResponse(
        {
            "province": province.code,
            "years": data.years,
            "schemes": {str(y): s for y, s in data.schemes.items()},
            "scheme_changes": sorted(data.scheme_changes),
            "series": [
                {
                    "province": s.province.code,
                    "name": s.province.name_vi,
                    "points": [
                        {
                            "year": p["year"],
                            "index": _num(p["index"]),
                            "rank": p["rank"],
                            "is_synthetic": p["synthetic"],
                        }
                        for p in s.points
                    ],
                }
                for s in data.series
            ],
        }
    )


@query_params("province", "month")
@api_view
def targets(request, province):
    month = month_param(request)
    period = boards.month_period(province, month) if month else boards.current_period(province)
    if period is None:
        return _error(404, "no such reporting month")
    index = cached.index_standing(province, period.month.year)
    return JsonResponse(
        {
            "province": province.code,
            "month": f"{period.month:%Y-%m}",
            "index": {
                "year": index.year,
                "value": _num(index.value),
                "rank": index.rank,
                "is_synthetic": index.is_synthetic,
                "target_rank": index.target_rank,
                "target_value": _num(index.target_value),
                "gap_points": _num(index.gap_points),
                "target_pct": _num(index.target_pct),
                "gap_pct": _num(index.gap_pct),
                "note": index.note,
                "is_illustrative": index.is_illustrative,
            }
            if index
            else None,
            "fields": [
                {
                    "code": c.field.code,
                    "name": c.field.name_vi,
                    "status": c.status,
                    "target_rank": c.target_rank,
                    "target_pct": _num(c.target_pct),
                    "last_year": c.last_year,
                    "last_rank": c.last_rank,
                    "last_points": _num(c.last_points),
                    "gap_points": _num(c.gap_points),
                    "gap_note": c.gap_note,
                    "gap_code": c.gap_code,
                    "gap_is_illustrative": c.gap_is_illustrative,
                    "reported_through": f"{c.reported_through:%Y-%m}"
                    if c.reported_through
                    else None,
                    "tasks_unreported": c.tasks_unreported,
                    "tasks_total": c.tasks_total,
                    "tasks_done": c.tasks_done,
                    "tasks_behind": c.tasks_behind,
                    "tasks_overdue": c.tasks_overdue,
                    "mean_done_pct": _num(c.mean_done_pct),
                    "expected_pct": _num(c.expected_pct),
                }
                for c in cached.field_cards(period)
            ],
        }
    )


@query_params("province", "year")
@api_view
def units(request, province):
    current = boards.current_period(province)
    default = current.month.year if current else timezone.localdate().year
    year = year_param(request, default)
    heat = cached.heatmap(province, year, now=timezone.now())
    return JsonResponse(
        {
            "province": province.code,
            "year": year,
            "league": [
                {
                    "unit": r["unit_id"],
                    "name": r["unit__name_vi"],
                    "rank": r["rank"],
                    "on_time_pct": _num(r["on_time_pct"]),
                    "days_late": r["days_late"],
                    "tasks_done": r["tasks_done"],
                    "tasks_overdue": r["tasks_overdue"],
                }
                for r in cached.units_league(province, year)
            ],
            "months": [f"{p.month:%Y-%m}" for p in heat["periods"]],
            "heatmap": [
                {"unit": row["unit"].code, "name": row["unit"].name_vi, "cells": row["cells"]}
                for row in heat["rows"]
            ],
        }
    )


@require_GET
def schema(request):
    return JsonResponse(SCHEMA)


@query_params("province", "month")
@api_view
def projection(request, province):
    month = month_param(request)
    period = boards.month_period(province, month) if month else boards.current_period(province)
    if period is None:
        return _error(404, "no such reporting month")
    return JsonResponse(projection_payload(cached.projection(period, now=timezone.now())))


def projection_payload(data) -> dict:
    """The projection as JSON (the API; its figures are the page's)."""

    def compared(c):
        return {
            "year": c.year,
            "provinces": len(c.others),
            "average_change": _num(c.change),
            "is_synthetic": c.synthetic,
        }

    return {
        "province": data.province.code,
        "month": f"{data.month:%Y-%m}",
        "year": data.year,
        "scheme": data.scheme.code if data.scheme else None,
        "is_illustrative": data.is_illustrative,
        "points": _num(data.points),
        "max_points": _num(data.max_points),
        "index_pct": _num(data.pct),
        "rank_if_others_stay": data.rank_stay,
        "rank_if_others_move": data.rank_moved,
        "compared": compared(data.compared),
        "target_rank": data.target_rank,
        "target_pct": _num(data.target_pct),
        "gap_to_rank_points": _num(data.gap_rank),
        "gap_to_pct_points": _num(data.gap_pct),
        "survey_source": data.survey_source,
        "sources": data.counts,
        "fields": [
            {
                "code": f.field.code,
                "name": f.field.name_vi,
                "points": _num(f.points),
                "max_points": _num(f.max_points),
                "target_rank": f.target_rank,
                "target_pct": _num(f.target_pct),
                "rank_if_others_stay": f.rank_stay,
                "rank_if_others_move": f.rank_moved,
                "gap_to_rank_points": _num(f.gap_rank),
                "gap_to_pct_points": _num(f.gap_pct),
                "compared": compared(f.compared),
            }
            for f in data.fields
        ],
        "where_to_gain": [
            {
                "code": leaf.criterion.code,
                "name": leaf.criterion.name_vi,
                "available": _num(leaf.available),
                "points": _num(leaf.points),
                "max_points": _num(leaf.criterion.max_points),
                "source": leaf.source,
                "owner": leaf.owner.code if leaf.owner else None,
                "overdue_tasks": [task.code for task in leaf.overdue],
                "evidence": leaf.evidence,
            }
            for leaf in data.top_gains
        ],
        "months": [{"month": f"{p.month:%Y-%m}", "index_pct": _num(p.pct)} for p in data.line],
    }
