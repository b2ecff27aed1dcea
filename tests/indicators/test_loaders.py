"""The bundled data and the demo, as loaded once for the session by conftest."""

import datetime as dt
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone

from indicators.models import (
    FieldCode,
    FieldTarget,
    Methodology,
    NationalResult,
    NationalStatistic,
    Plan,
    Province,
    Unit,
)
from indicators.selectors import methodology_for_year
from indicators.services.demo import demo_load
from indicators.services.par_data import par_data_load

pytestmark = pytest.mark.django_db


def test_63_provinces_in_2021_and_34_today():
    assert Province.objects.valid_on(dt.date(2021, 8, 19)).count() == 63
    assert Province.objects.valid_on(timezone.localdate()).count() == 34


def test_quang_nam_and_kien_giang_have_successors_on_todays_map():
    assert Province.objects.get(code="quang-nam").successor.code == "da-nang-2025"
    assert Province.objects.get(code="kien-giang").successor.code == "an-giang-2025"
    assert Province.objects.get(code="thua-thien-hue").successor.code == "hue-2025"


def test_every_provincial_scheme_has_the_eight_fields():
    schemes = Methodology.objects.filter(level="province")
    assert schemes.count() == 6
    for scheme in schemes:
        assert sorted(scheme.fields.values_list("code", flat=True)) == sorted(FieldCode.values)


def test_scheme_2948_field_maxima_add_up_to_100():
    scheme = Methodology.objects.get(code="qd2948")
    maxima = list(scheme.fields.order_by("number").values_list("max_points", flat=True))
    assert maxima == [Decimal(v) for v in ("10", "10", "14.5", "11", "16", "7", "16", "15.5")]


def test_each_year_finds_its_scheme():
    assert methodology_for_year(2017).code == "qd2948"
    assert methodology_for_year(2021).code == "qd1150"
    assert methodology_for_year(2023).code == "qd876"
    assert methodology_for_year(2026).code == "qd1187"


def test_quang_nam_2021_targets_are_exactly_the_plans():
    plan = Plan.objects.get(province__code="quang-nam", number="5442/KH-UBND")
    assert (plan.year, plan.issued_on) == (2021, dt.date(2021, 8, 19))
    assert (plan.min_pct, plan.best_rank, plan.is_demo) == (Decimal(85), 20, False)
    targets = {
        t.field.code: (t.best_rank, t.min_pct)
        for t in FieldTarget.objects.filter(plan=plan).select_related("field")
    }
    assert targets == {
        "directing": (15, None),
        "legal": (10, None),
        "procedures": (10, None),
        "apparatus": (20, None),
        "public_finance": (5, None),
        "civil_service": (5, None),
        "modernization": (15, None),
        "impact": (20, None),
    }
    indicator = plan.indicators.get(code="online-services-integrated-pct")
    assert indicator.field.code == "modernization"
    assert [t.value for t in indicator.targets.all()] == [Decimal(100)]


def test_demo_units_and_focal_agencies():
    qn = Unit.objects.filter(province__code="quang-nam")
    assert qn.filter(kind="district").count() == 18
    assert 18 <= qn.exclude(kind="district").count() <= 25
    assert qn.get(is_focal_agency=True).code == "snv"
    assert Unit.objects.get(province__code="an-giang", is_focal_agency=True).code == "stttt"
    assert 30 <= Plan.objects.get(number="5442/KH-UBND").tasks.count() <= 40
    fields = Plan.objects.get(number="5442/KH-UBND").tasks.values("field__code").distinct()
    assert fields.count() == 8


def test_live_scenario_has_work_from_twelve_months_ago_to_a_year_ahead():
    today = timezone.localdate()
    plan = Plan.objects.get(province__code="da-nang-2025", year=today.year - 1)
    assert plan.is_demo
    assert plan.tasks.filter(start_date__lte=today, due_date__gte=today).exists()
    starts = plan.tasks.values_list("start_date", flat=True)
    assert min(starts) == dt.date(today.year - 1, today.month, 1)  # twelve months ago
    ends = plan.tasks.values_list("due_date", flat=True)
    assert max(ends) >= today + dt.timedelta(days=300)
    assert NationalResult.objects.filter(year=today.year - 1).count() == 34


def test_reported_figure_beats_derived_and_the_other_is_kept_in_the_note():
    # national_stats.csv derives 84.79 for 2022; the additions report it.
    average = NationalStatistic.objects.get(year=2022, metric="provinces_average_pct")
    assert average.status.startswith("reported")
    assert average.number == Decimal("84.79")
    # 2018 Quang Ninh: reported 89.6, conflicting note kept.
    ha_noi = NationalResult.objects.get(year=2019, province__code="ha-noi")
    assert ha_noi.rank == 2 and ha_noi.index_pct == Decimal("84.64")
    assert ha_noi.status == "derived"  # the index figure is derived, the rank reported


def test_synthetic_years_keep_every_published_figure():
    for year, average in ((2019, Decimal("81.15")), (2020, Decimal("83.72"))):
        results = NationalResult.objects.filter(year=year)
        assert results.count() == 63
        assert sorted(results.values_list("rank", flat=True)) == list(range(1, 64))
        mean = sum(r.index_pct for r in results) / 63
        assert mean.quantize(Decimal("0.01")) == average
    qn = NationalResult.objects.get(year=2019, province__code="quang-nam")
    assert (qn.index_pct, qn.rank, qn.is_synthetic) == (Decimal("80.84"), 35, False)
    ag = NationalResult.objects.get(year=2019, province__code="an-giang")
    assert (ag.index_pct, ag.rank, ag.is_synthetic) == (Decimal("83.32"), 11, False)
    top_2020 = NationalResult.objects.filter(year=2020, rank__lte=10, is_synthetic=False)
    assert top_2020.count() == 10
    index_2020 = NationalResult.objects.filter(year=2020)
    assert index_2020.filter(index_pct__gte=90).count() == 2  # group A
    assert index_2020.filter(index_pct__gte=80, index_pct__lt=90).count() == 56  # group B
    assert index_2020.filter(index_pct__lt=80).count() == 5  # group C
    ordered = list(index_2020.order_by("rank").values_list("index_pct", flat=True))
    assert ordered == sorted(ordered, reverse=True)
    assert NationalResult.objects.filter(year=2019, is_synthetic=True).count() >= 50


def _snapshot():
    models = [m for m in apps.get_app_config("indicators").get_models()]
    models.append(apps.get_model("auth", "User"))
    return {model.__name__: sorted(map(repr, model.objects.values_list())) for model in models}


def test_loading_twice_changes_nothing():
    before = _snapshot()
    par_data_load()
    demo_load()
    assert _snapshot() == before


def test_the_point_split_of_par_2023_and_the_third_pass_of_results_are_loaded():
    from indicators.models import Field, ScoreChannel

    channels = dict(
        ScoreChannel.objects.filter(methodology__code="qd876").values_list("code", "max_points")
    )
    assert channels == {
        "appraisal": Decimal("61.50"),
        "sipas": Decimal("10.00"),
        "leaders_survey": Decimal("22.00"),
        "socio_economic": Decimal("6.50"),
    }
    assert sum(channels.values()) == 100
    assert Field.objects.get(methodology__code="qd876-2024", number=1).max_points == Decimal("9.5")
    hoa_binh = NationalResult.objects.get(year=2024, province__code="hoa-binh")
    assert (hoa_binh.index_pct, hoa_binh.rank) == (Decimal("88.18"), 37)
    assert hoa_binh.status == "reported"
    # a secondary compilation is not "reported"
    assert NationalResult.objects.get(year=2024, province__code="lam-dong").status == "derived"
    # two reported figures disagree: the first stays, the other is kept in the note
    hai_phong = NationalResult.objects.get(year=2023, province__code="hai-phong")
    assert hai_phong.index_pct == Decimal("91.87") and "91.81" in hai_phong.note
