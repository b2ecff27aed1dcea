"""The dashboards' reads, cached (par_portal.cache): the pages, the API and the brief call these,
so a figure is computed once per province version and shown the same everywhere. Keys carry
the province's version and the published results' version, so a write invalidates them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from indicators import rankings
from indicators import selectors as ind
from indicators.models import NationalResult, Province
from par_portal.cache import DIRECTORY, RESULTS, cached, province_scope
from reporting.models import Period
from reporting.selectors import dashboards as boards


def _scopes(province: Province) -> list[str]:
    return [province_scope(province.pk), RESULTS]


def result_years() -> list[int]:
    return cached(
        ("years",),
        [RESULTS],
        lambda: list(
            NationalResult.objects.order_by("-year").values_list("year", flat=True).distinct()
        ),
    )


def ranking(province: Province, year: int, field_code: str | None) -> rankings.Ranking:
    def compute():
        target_rank = rankings.ranking_target_rank(province, year, field_code)
        return rankings.ranking(
            year=year, own=province, field_code=field_code, target_rank=target_rank
        )

    return cached(("ranking", province.pk, year, field_code), _scopes(province), compute)


def latest_year_with_results(province: Province) -> int | None:
    return (
        cached(
            ("latest-year", province.pk),
            _scopes(province),
            lambda: ind.latest_year_with_results(province) or 0,
        )
        or None
    )


def trend(province: Province) -> rankings.Trend:
    return cached(("trend", province.pk), _scopes(province), lambda: rankings.trend(province))


def index_standing(province: Province, plan_year: int):
    return cached(
        ("index", province.pk, plan_year),
        _scopes(province),
        lambda: rankings.index_standing(province, plan_year),
    )


def plan_for(province: Province, year: int):
    return cached(
        ("plan", province.pk, year), _scopes(province), lambda: ind.plan_for(province, year)
    )


def field_cards(period: Period) -> list:
    province = period.province
    return cached(("cards", period.pk), _scopes(province), lambda: list(boards.field_cards(period)))


def indicator_cards(period: Period) -> list:
    return cached(
        ("indicators", period.pk),
        _scopes(period.province),
        lambda: boards.indicator_cards(period),
    )


def units_league(province: Province, year: int) -> list[dict]:
    return cached(
        ("league", province.pk, year),
        _scopes(province),
        lambda: boards.units_league(province, year),
    )


def heatmap(province: Province, year: int, *, now: dt.datetime) -> dict:
    """States move with the clock too (a missing report becomes overdue at midnight): keyed by
    the local hour as well."""
    hour = timezone.localtime(now).strftime("%Y%m%d%H")
    return cached(
        ("heatmap", province.pk, year, hour),
        _scopes(province),
        lambda: boards.heatmap(province, year, now=now),
    )


def units_without_address(period: Period) -> list:
    """The units of the month no reminder can reach: they change with accounts, memberships
    and units (the directory's version: indicators.signals) and with the tasks (the
    province's)."""
    from reporting.selectors.reminders import units_without_address as compute

    return cached(
        ("no-address", period.pk),
        [DIRECTORY, province_scope(period.province_id)],
        lambda: compute(period),
    )


def fragment_key(request, province: Province, *extra) -> str:
    """The key of a dashboard page's rendered content ({% cache %} in its template): the
    province's and the results' versions, the reader, the language, the address with its
    parameters, and whatever else the content depends on (the hour for the heatmap)."""
    from django.utils.translation import get_language

    from par_portal.cache import versions_tag

    parts = [
        province.pk,
        versions_tag(_scopes(province)),
        request.user.pk,
        get_language(),
        request.get_full_path(),
        *extra,
    ]
    return "|".join(map(str, parts))


def report_content_key(report, *, province_id: int, editable: bool) -> str:
    """The key of a report page's entries, values and history ({% cache %} in report.html).
    Every write to a report bumps its version; reopenings, task and unit changes bump the
    province's. The language and whether the reader edits (a form) or reads complete it."""
    from django.utils.translation import get_language

    from par_portal.cache import versions_tag

    scopes = [province_scope(province_id)]
    mode = "form" if editable else "read"
    return "|".join(
        map(str, [report.pk, report.version, versions_tag(scopes), get_language(), mode])
    )


def projection(period: Period, *, now: dt.datetime):
    """Overdue tasks move with the date: keyed by the local day too."""
    from reporting.selectors.projection import projection as compute

    day = timezone.localdate(now).isoformat()
    return cached(
        ("projection", period.pk, day),
        _scopes(period.province),
        lambda: compute(period, now=now),
    )


def internal_index(province: Province, year: int, *, now: dt.datetime):
    """The province's internal index of the year (None without a framework), by the hour."""
    from reporting.models import InternalFramework
    from reporting.selectors.internal import internal_index as compute

    def build():
        framework = InternalFramework.objects.filter(province=province, year=year).first()
        return compute(framework, now=now) if framework else None

    hour = timezone.localtime(now).strftime("%Y%m%d%H")
    return cached(("internal", province.pk, year, hour), _scopes(province), build)
