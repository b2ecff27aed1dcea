"""The committee's dashboards (server-rendered tables; charts draw on top when JS runs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from indicators import selectors as ind
from indicators.models import FieldCode, SecurityEvent
from indicators.services.audit import security_event_record
from par_portal.cache import Deferred
from par_portal.params import choice_param, code_param, month_param, query_params, year_param
from reporting.brief import brief_data, brief_workbook
from reporting.internal_export import internal_workbook
from reporting.models import Period
from reporting.selectors import cached
from reporting.selectors import dashboards as boards

SORTS = {
    "rank": lambda r: (r.rank is None, r.rank or 0),
    "-value": lambda r: (r.value is None, -(r.value or 0)),
    "value": lambda r: (r.value is None, r.value or 0),
    "name": lambda r: r.province.name,
}


# what brief_data returns besides the period, read by the brief's template
BRIEF_NAMES = (
    "plan",
    "standing",
    "index",
    "own_rows",
    "cards",
    "league",
    "heatmap",
    "projection",
    "now",
)


def _province(request):
    province = ind.reading_province(request.user, code_param(request))
    if province is None:
        raise Http404  # not a committee member, reviewer or admin of any province
    return province


def _period(province, request) -> Period | None:
    """The month asked for, else the current one, else the first the province has. A month the
    province has no reporting period for shows the default with a note."""
    month = month_param(request)
    if month is not None:
        period = boards.month_period(province, month)
        if period is not None:
            return period
        messages.info(
            request,
            _("There is no reporting month %(month)s; the default month is shown.")
            % {"month": f"{month:%m/%Y}"},
        )
    return boards.current_period(province) or (
        Period.objects.filter(province=province).order_by("month").first()
    )


@login_required
@query_params("province", "year", "field", "sort")
def ranking(request):
    province = _province(request)
    # parameters are checked before anything is looked up (a bad one is a 400, never cached)
    asked_year = year_param(request, 0)
    field_code = choice_param(request, "field", FieldCode.values)
    sort = choice_param(request, "sort", SORTS, "rank")

    def compute():
        years = cached.result_years()
        year = asked_year or cached.latest_year_with_results(province) or (years[0] if years else 0)
        result = cached.ranking(province, year, field_code)
        return {
            "years": years,
            "year": year,
            "ranking": result,
            "rows": sorted(result.rows, key=SORTS[sort]),
            "sort": sort,
            "field_code": field_code,
            "chart": _ranking_chart(result),
        }

    figures = Deferred(compute)
    return render(
        request,
        "reporting/dashboards/ranking.html",
        {
            "province": province,
            "field_choices": FieldCode.choices,
            "tab": "ranking",
            "fragment": cached.fragment_key(request, province),
            **figures.context("years", "year", "ranking", "rows", "sort", "field_code", "chart"),
        },
    )


def _ranking_chart(result) -> dict:
    return {
        "labels": [r.province.name for r in result.rows],
        "values": [float(r.value) if r.value is not None else None for r in result.rows],
        "own": [r.is_own for r in result.rows],
        "synthetic": [r.is_synthetic for r in result.rows],
        "average": float(result.average) if result.average else None,
        "target": float(result.target_value) if result.target_value else None,
        "targetRank": result.target_rank,
        "averageLabel": _("National average: %(value)s")
        % {"value": number_format(result.average, 2)}
        if result.average
        else "",
        "targetLabel": _("Top %(n)s: %(value)s")
        % {"n": result.target_rank, "value": number_format(result.target_value, 2)}
        if result.target_value
        else "",
    }


@login_required
@query_params("province")
def trend(request):
    province = _province(request)

    def compute():
        data = cached.trend(province)
        return {"trend": data, "chart": _trend_chart(data)}

    return render(
        request,
        "reporting/dashboards/trend.html",
        {
            "province": province,
            "tab": "trend",
            "fragment": cached.fragment_key(request, province),
            "field_names": dict(FieldCode.choices),
            **Deferred(compute).context("trend", "chart"),
        },
    )


def _trend_chart(data) -> dict:
    return {
        "years": data.years,
        "series": [
            {
                "label": s.province.name,
                "index": [
                    next(
                        (
                            float(p["index"])
                            for p in s.points
                            if p["year"] == y and p["index"] is not None
                        ),
                        None,
                    )
                    for y in data.years
                ],
                "rank": [
                    next((p["rank"] for p in s.points if p["year"] == y), None) for y in data.years
                ],
            }
            for s in data.series
        ],
        "changes": sorted(data.scheme_changes),
    }


@login_required
@query_params("province", "month")
def targets(request):
    province = _province(request)
    period = _period(province, request)

    def compute():
        if period is None:
            return {"cards": [], "plan": None, "index": None, "indicators": []}
        return {
            "cards": list(cached.field_cards(period)),
            "plan": cached.plan_for(province, period.month.year),
            "index": cached.index_standing(province, period.month.year),
            "indicators": cached.indicator_cards(period),
        }

    return render(
        request,
        "reporting/dashboards/targets.html",
        {
            "province": province,
            "period": period,
            "periods": Period.objects.filter(province=province).order_by("-month"),
            "tab": "targets",
            # the default month moves with the calendar: the period is part of the key
            "fragment": cached.fragment_key(request, province, period.pk if period else 0),
            **Deferred(compute).context("cards", "plan", "index", "indicators"),
        },
    )


@login_required
@query_params("province")
def field_detail(request, period_pk: int, field_pk: int):
    province = _province(request)
    period = get_object_or_404(Period, pk=period_pk, province=province)
    card = get_object_or_404(boards.field_cards(period), field_id=field_pk)
    return render(
        request,
        "reporting/dashboards/field.html",
        {
            "province": province,
            "period": period,
            "card": card,
            "tasks": boards.field_tasks(period, field_pk),
            "tab": "targets",
        },
    )


@login_required
@query_params("province", "month")
def projection(request):
    province = _province(request)
    period = _period(province, request)
    now = timezone.now()

    def compute():
        if period is None:
            return {"projection": None, "chart": None}
        data = cached.projection(period, now=now)
        return {"projection": data, "chart": projection_chart(data)}

    return render(
        request,
        "reporting/dashboards/projection.html",
        {
            "province": province,
            "period": period,
            "periods": Period.objects.filter(province=province).order_by("-month"),
            "tab": "projection",
            "fragment": cached.fragment_key(
                request, province, period.pk if period else 0, timezone.localdate(now)
            ),
            **Deferred(compute).context("projection", "chart"),
        },
    )


def projection_chart(data) -> dict:
    return {
        "labels": [f"{p.month:%m/%Y}" for p in data.line],
        "values": [float(p.pct) if p.pct is not None else None for p in data.line],
        "target": float(data.target_pct) if data.target_pct is not None else None,
        "label": _("Projected index (%)"),
        "targetLabel": _("Target: at least %(pct)s%%") % {"pct": data.target_pct}
        if data.target_pct is not None
        else "",
    }


@login_required
@query_params("province", "month", "year", "format")
def units(request):
    province = _province(request)
    now = timezone.now()
    current = _period(province, request)
    year = year_param(request, current.month.year if current else timezone.localdate(now).year)

    if choice_param(request, "format", ["html", "xlsx"], "html") == "xlsx":
        index = cached.internal_index(province, year, now=now)
        if index is None:
            raise Http404
        name = f"chi-so-cchc-noi-bo-{province.code}-{year}.xlsx"
        response = HttpResponse(
            internal_workbook(index),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        security_event_record(
            kind=SecurityEvent.Kind.EXPORT, province=province, subject=name, request=request
        )
        return response

    def compute():
        years = Period.objects.filter(province=province).dates("month", "year")
        return {
            "years": sorted({d.year for d in years}, reverse=True),
            "league": cached.units_league(province, year),
            "heatmap": cached.heatmap(province, year, now=now),
            "internal": cached.internal_index(province, year, now=now),
        }

    return render(
        request,
        "reporting/dashboards/units.html",
        {
            "province": province,
            "year": year,
            "tab": "units",
            "fragment": cached.fragment_key(
                request, province, timezone.localtime(now).strftime("%Y%m%d%H")
            ),
            **Deferred(compute).context("years", "league", "heatmap", "internal"),
        },
    )


@login_required
@query_params("province", "month", "format")
def brief(request):
    province = _province(request)
    period = _period(province, request)
    if period is None:
        raise Http404
    now = timezone.now()
    if choice_param(request, "format", ["html", "xlsx"], "html") == "xlsx":
        response = HttpResponse(
            brief_workbook(brief_data(period, now=now)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"ban-tin-cchc-{province.code}-{period.month:%Y-%m}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        security_event_record(
            kind=SecurityEvent.Kind.EXPORT, province=province, subject=name, request=request
        )
        return response
    figures = Deferred(lambda: brief_data(period, now=now))
    return render(
        request,
        "reporting/dashboards/brief.html",
        {
            **figures.context(*BRIEF_NAMES),
            "period": period,
            "tab": "brief",
            "province": province,
            "fragment": cached.fragment_key(
                request, province, timezone.localtime().strftime("%Y%m%d%H")
            ),
        },
    )
