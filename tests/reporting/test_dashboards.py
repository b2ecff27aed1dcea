"""Dashboards: selectors on hand-computed fixtures, permissions, query-count pins, the API."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate

from indicators import rankings
from indicators import selectors as ind
from indicators.models import Membership, NationalResult, Province, Role, Unit
from reporting.api_schema import SCHEMA
from reporting.selectors import dashboards as boards
from reporting.services import report_start, report_submit
from reporting.services.scorecards import scorecard_rollup
from reporting.services.tokens import api_token_create
from tests.reporting.world import build_world, local

pytestmark = pytest.mark.django_db


def test_competition_ranks_share_equal_scores():
    values = [Decimal("90"), Decimal("88"), Decimal("88"), Decimal("85"), None]
    assert rankings.competition_ranks(values) == [1, 2, 2, 4, None]


def test_nth_best_is_the_score_that_holds_rank_n():
    scores = [Decimal(v) for v in ("91", "90", "90", "89")]
    assert rankings.nth_best(scores, 3) == Decimal("90")  # rank 2 shared by two → 3rd best = 90
    assert rankings.nth_best(scores, 5) is None


def test_ranking_with_ties_target_line_and_own_province():
    provinces = list(Province.objects.valid_on(dt.date(2040, 1, 1)).order_by("code")[:4])
    own = provinces[3]
    for province, value in zip(provinces, ["91.00", "88.50", "88.50", "87.00"], strict=True):
        NationalResult.objects.create(year=2040, province=province, index_pct=Decimal(value))
    board = rankings.ranking(year=2040, own=own, target_rank=2)
    assert [(r.province, r.rank) for r in board.rows] == [
        (provinces[0], 1),
        (provinces[1], 2),
        (provinces[2], 2),
        (own, 4),
    ]
    assert board.rows[3].is_own and board.pool == 4
    # Top 2 among the *other* provinces: 91, 88.5, 88.5 → the 2nd best is 88.50.
    assert board.target_value == Decimal("88.50") and board.target_note == ""


def test_lineage_shows_predecessors_of_a_province_formed_in_2025():
    da_nang = Province.objects.get(code="da-nang-2025")
    codes = {p.code for p in ind.lineage(da_nang)}
    assert codes == {"da-nang-2025", "da-nang", "quang-nam"}
    board = rankings.ranking(year=2019, own=da_nang)
    own = {r.province.code for r in board.rows if r.is_own}
    assert own == {"da-nang", "quang-nam"} and board.pool == 63
    trend = rankings.trend(da_nang)
    last_year = timezone.localdate().year - 1  # the demo's last published year (34 provinces)
    assert 2019 in trend.years and last_year in trend.years
    assert {2017, 2018, 2020, 2022} <= trend.scheme_changes  # each new scheme …
    assert min(y for y in trend.years if y >= 2025) in trend.scheme_changes  # … and 1187's


def test_heatmap_states_including_a_unit_that_did_not_exist():
    world = build_world()
    late = Unit.objects.create(
        province=world.province,
        code="new",
        name_vi="UBND xã Mới",
        kind="commune",
        valid_from=dt.date(2030, 3, 15),
    )
    world.tasks[0].supporting_units.add(late)
    from reporting.services import periods_ensure

    periods_ensure(province=world.province, first=dt.date(2030, 2, 1), last=dt.date(2030, 3, 1))
    now = local(2030, 3, 26, 9)  # after March's deadline
    report = report_start(
        period=world.period, unit=world.a, user=world.users["ra"], now=local(2030, 3, 20)
    )
    report_submit(
        report=report,
        user=world.users["ra"],
        version=report.version,
        entries={},
        values={},
        files={},
        now=local(2030, 3, 20),
    )
    heat = boards.heatmap(world.province, 2030, now=now)
    months = [p.month.month for p in heat["periods"]]
    assert months == [2, 3]
    cells = {row["unit"].code: row["cells"] for row in heat["rows"]}
    assert cells["a"] == ["missing", "on_time"]
    assert cells["b"] == ["missing", "missing"]
    assert cells["new"] == ["not_expected", "missing"]  # created on 15 March
    assert cells["f"] == ["not_expected", "not_expected"]  # the focal agency owns no task


def _reader(province, role=Role.COMMITTEE):
    user = get_user_model().objects.create_user(f"{role}-{province.code}", password="x")
    Membership.objects.create(user=user, province=province, role=role)
    return user


@pytest.mark.parametrize("name", ["ranking", "trend", "targets", "units", "brief", "projection"])
def test_dashboards_are_for_the_provinces_readers_only(client, name):
    da_nang = Province.objects.get(code="da-nang-2025")
    client.force_login(_reader(da_nang))
    assert client.get(reverse(f"dashboards:{name}")).status_code == 200
    assert client.get(reverse(f"dashboards:{name}"), {"province": "an-giang"}).status_code == 404
    reporter = get_user_model().objects.get(username="dn.reporter")
    client.force_login(reporter)
    assert client.get(reverse(f"dashboards:{name}")).status_code == 404


def _pinned(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_units_page_query_count_is_constant_in_units_and_months(client):
    world = build_world()
    scorecard_rollup(period=world.period, now=local(2030, 3, 26))
    client.force_login(_reader(world.province))
    url = reverse("dashboards:units") + "?year=2030"
    before = _pinned(client, url)
    for i in range(5):
        Unit.objects.create(
            province=world.province, code=f"more{i}", name_vi=f"X{i}", kind="commune"
        )
    from reporting.services import periods_ensure

    periods_ensure(province=world.province, first=dt.date(2030, 1, 1), last=dt.date(2030, 3, 1))
    scorecard_rollup(period=world.period, now=local(2030, 3, 26))
    # session, user, header memberships + notices, reading membership, current period,
    # league (totals, latest), heatmap (periods, units, tasks, reports), years
    assert _pinned(client, url) == before <= 13


def test_targets_and_ranking_query_counts_are_pinned(client):
    client.force_login(_reader(Province.objects.get(code="da-nang-2025")))
    # targets: session, user, header memberships + notices, reading membership, period, cards,
    # periods, plan (lineage + plan); the index gap: latest year (lineage), plan (lineage),
    # results, lineage for the ranking, national average; the indicators: indicators, their
    # targets, the latest reported month, its sums
    assert _pinned(client, reverse("dashboards:targets")) <= 21
    # ranking: session, user, header memberships + notices, reading membership, years,
    # latest year, the plan (lineage + plan), results, lineage again, national average
    assert _pinned(client, reverse("dashboards:ranking") + "?year=2020") <= 13


def test_brief_excel_has_the_months_content(client):
    import io

    import openpyxl

    client.force_login(_reader(Province.objects.get(code="da-nang-2025")))
    response = client.get(reverse("dashboards:brief"), {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [s.title for s in book.worksheets] == [
        "Vị thế",
        "Chỉ tiêu theo lĩnh vực",
        "Đơn vị",
        "Dự báo",
        "Các tháng",
    ]
    fields = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert len(fields) == 8


def test_openapi_schema_is_valid():
    validate(SCHEMA)


def _validator(name):
    schema = {**SCHEMA["components"]["schemas"][name], "$defs": {}}
    return Draft202012Validator(schema)


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("ranking", "Ranking"),
        ("ranking?year=2020", "Ranking"),
        ("ranking?year=2023&field=procedures", "Ranking"),
        ("trend", "Trend"),
        ("targets", "Targets"),
        ("units", "Units"),
        ("projection", "Projection"),
    ],
)
def test_api_answers_match_the_schema_with_a_token(client, path, schema):
    from reporting.models import ApiToken

    user = _reader(Province.objects.get(code="da-nang-2025"))
    key = api_token_create(token=ApiToken(user=user, name="operations centre"))
    response = client.get(f"/api/v1/{path}", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    errors = list(_validator(schema).iter_errors(response.json()))
    assert errors == []


def test_api_refuses_without_credentials_and_outside_the_province(client):
    assert client.get("/api/v1/ranking").status_code == 401
    assert client.get("/api/v1/ranking", HTTP_AUTHORIZATION="Token nope").status_code == 401
    client.force_login(_reader(Province.objects.get(code="da-nang-2025")))
    response = client.get("/api/v1/units", {"province": "an-giang"})
    assert response.status_code == 404 and response.json() == {"error": "no province you may read"}
    assert client.get("/api/v1/ranking", {"field": "nonsense"}).status_code == 400
