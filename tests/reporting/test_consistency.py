"""One home per figure: the targets dashboard, the scorecard row, the API and the brief give the
same target, last rank, points and gap for Đà Nẵng, and the gap shows in both demo scenarios."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from indicators import rankings
from indicators.models import FieldResult, Province
from reporting.brief import brief_data
from reporting.models import FieldScorecard
from reporting.selectors import dashboards as boards
from tests.pages import figure

pytestmark = pytest.mark.django_db
KEYS = ("target_rank", "last_rank", "last_points", "gap_points")


def _num(value):
    return Decimal(str(value)) if value is not None else None


def test_targets_scorecard_api_and_brief_agree_for_da_nang(client):
    client.force_login(get_user_model().objects.get(username="dn.committee"))
    page = client.get(reverse("dashboards:targets"))
    period = page.context["period"]
    dashboard = {c.field.code: tuple(getattr(c, k) for k in KEYS) for c in figure(page, "cards")}
    rows = {
        c.field.code: tuple(getattr(c, k) for k in KEYS)
        for c in FieldScorecard.objects.filter(period=period).select_related("field")
    }
    api = client.get("/api/v1/targets", {"month": f"{period.month:%Y-%m}"}).json()
    from_api = {
        f["code"]: (f["target_rank"], f["last_rank"], _num(f["last_points"]), _num(f["gap_points"]))
        for f in api["fields"]
    }
    brief = brief_data(period, now=timezone.now())
    from_brief = {c.field.code: tuple(getattr(c, k) for k in KEYS) for c in brief["cards"]}
    assert dashboard and dashboard == rows == from_api == from_brief
    # The last results are Quang Nam's published 2023 scores, not a synthetic predecessor's.
    published = set(
        FieldResult.objects.filter(
            province__code="quang-nam", year=2023, is_synthetic=False
        ).values_list("field__code", "points", "rank")
    )
    assert {(code, points, rank) for code, (_t, rank, points, _g) in dashboard.items()} <= (
        published
    )
    # The gap shows (marked illustrative: the other provinces' field scores are synthetic).
    assert all(gap is not None for *_rest, gap in dashboard.values())
    index = figure(page, "index")
    assert index.gap_points is not None and index.is_illustrative
    assert _num(api["index"]["gap_points"]) == index.gap_points == brief["index"].gap_points
    assert api["index"]["note"] == index.note == "minh họa — dựa trên số liệu giả lập"


def test_the_gap_shows_in_the_quang_nam_2021_scenario():
    quang_nam = Province.objects.get(code="quang-nam")
    period = quang_nam.periods.order_by("-month").first()
    cards = [c for c in boards.field_cards(period) if c.target_rank and c.last_year]
    # the fields with a published 2017 result (the scheme of 2017 had fewer fields)
    assert cards and all(c.gap_points is not None and c.gap_is_illustrative for c in cards)
    assert {c.last_year for c in cards} == {2017}


def test_index_gap_by_hand():
    """Quang Nam's plan for 2021 (top 20, ≥ 85 %) against the 2020 ranking."""
    quang_nam = Province.objects.get(code="quang-nam")
    index = rankings.index_standing(quang_nam, 2021)
    others = sorted(
        (r.value for r in index.ranking.rows if not r.is_own and r.value is not None),
        reverse=True,
    )
    assert index.year == 2020 and index.target_rank == 20
    assert index.target_value == others[19]
    assert index.gap_points == max(Decimal(0), others[19] - index.value)
    assert index.gap_pct == max(Decimal(0), Decimal(85) - index.value)


def _total(period, plan, indicator_code):
    from django.db.models import Sum

    from reporting.models import IndicatorValue

    return IndicatorValue.objects.filter(
        report__period=period,
        report__status__in=["submitted", "accepted"],
        indicator__code=indicator_code,
        indicator__plan=plan,
    ).aggregate(s=Sum("value"))["s"]


def test_indicators_against_targets_in_both_scenarios():
    for code, month in [("quang-nam", 12), ("da-nang-2025", None)]:
        province = Province.objects.get(code=code)
        periods = province.periods.filter(reports__status__in=["submitted", "accepted"])
        period = (
            periods.filter(month__month=month).first()
            if month
            else periods.order_by("-month").first()
        )
        cards = {c.indicator.code: c for c in boards.indicator_cards(period)}
        ratio = cards["online-services-integrated-pct"]
        plan = ratio.indicator.plan
        expected = (
            Decimal(100)
            * _total(period, plan, "online-services-integrated")
            / _total(period, plan, "online-services")
        ).quantize(Decimal("0.1"))
        assert ratio.value == expected and ratio.reports > 0 and ratio.month == period.month
        assert ratio.target is not None and ratio.target.value == 100
        assert ratio.met == (expected >= 100)
        assert cards["dossiers-received"].value == _total(period, plan, "dossiers-received")


def test_a_month_not_yet_reported_shows_the_last_reported_figures():
    da_nang = Province.objects.get(code="da-nang-2025")
    reported = (
        da_nang.periods.filter(reports__status__in=["submitted", "accepted"])
        .order_by("-month")
        .first()
    )
    later = da_nang.periods.filter(month__gt=reported.month).order_by("month").first()
    cards = boards.indicator_cards(later)
    assert cards and {c.month for c in cards} == {reported.month}


def test_a_share_of_zero_is_zero_percent_not_missing():
    from reporting.models import IndicatorValue

    quang_nam = Province.objects.get(code="quang-nam")
    period = quang_nam.periods.filter(month__month=12).first()
    IndicatorValue.objects.filter(
        report__period=period, indicator__code="online-services-integrated"
    ).update(value=0)
    cards = {c.indicator.code: c for c in boards.indicator_cards(period)}
    share = cards["online-services-integrated-pct"]
    assert share.value == Decimal("0.0") and share.met is False
