"""Every query parameter that a page or API endpoint reads answers 200 (its default, maybe with
a note), 400 with a message, or 404 (a province or month that is not the user's) - never 500.

Generated: every URL whose view declares @query_params is tried with hypothesis over that view's
parameters, mixing valid values, edge cases and arbitrary text. The API's answers are validated
against its OpenAPI schema, 400s included.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from indicators.models import Methodology
from reporting.api_schema import SCHEMA
from reporting.models import Period
from tests.urlmap import routes

pytestmark = pytest.mark.django_db

EDGES = [
    "0",
    "-5",
    "10000",
    "99999999999999999999",
    "1999",
    "2101",
    "２０２６",
    "2026-13",
    "2026-00",
    "0000-01",
    " 2026",
    "2026 ",
    "1e3",
    "nan",
    "-",
    "../../etc",
    "<script>",
    "quang-nam",
    "an-giang",
    "QUANG-NAM",
]
VALID = {
    "year": ["2019", "2020", "2023", "2026", "2027"],
    "month": ["2026-01", "2026-10", "2027-11", "2021-08"],
    "province": ["da-nang-2025"],
    "field": ["procedures", "institutions", "impact"],
    "sort": ["rank", "-value", "value", "name"],
    "format": ["html", "xlsx"],
    "state": ["on_time", "late", "missing", "accepted"],
    "kind": ["commune", "department"],
}


def _value(name: str):
    return st.one_of(
        st.sampled_from(VALID.get(name, ["x"])),
        st.sampled_from(EDGES),
        st.integers(min_value=-(10**25), max_value=10**25).map(str),
        st.text(max_size=30),
    )


def _params_strategy(names):
    return st.fixed_dictionaries({}, optional={name: _value(name) for name in names})


PARAM_ROUTES = [r for r in routes() if getattr(r.callback, "query_params", None)]
EXAMPLES = 40


def _kwargs(route: str) -> dict:
    period = Period.objects.filter(province__code="da-nang-2025").order_by("month").first()
    samples = {
        "period_pk": period.pk,
        "field_pk": Methodology.objects.get(code="qd1187").fields.first().pk,
        "export_pk": _an_export().pk,
    }
    return {k: samples[k] for k in re.findall(r"<(?:\w+:)?(\w+)>", route)}


def _an_export():
    from django.contrib.auth import get_user_model

    from reporting.models import DossierExport

    return DossierExport.objects.filter(province=Period.objects.first().province).first() or (
        DossierExport.objects.create(
            province=Period.objects.filter(province__code="da-nang-2025").first().province,
            year=2026,
            requested_by=get_user_model().objects.get(username="admin"),
        )
    )


def _validator(status: int, route_name: str):
    schema = "Error" if status in (400, 401, 404) else route_name.split(":")[1].capitalize()
    return Draft202012Validator(
        {"$ref": f"#/components/schemas/{schema}", "components": SCHEMA["components"]}
    )


def test_every_view_that_reads_the_query_string_declares_it():
    """A view reading request.GET without @query_params would escape the property test."""
    import inspect

    declared = {r.callback for r in PARAM_ROUTES}
    for route in routes():
        if route.name.startswith("admin:") or route.callback in declared:
            continue
        module = inspect.getmodule(route.callback)
        if module is None or not module.__name__.startswith(("reporting", "indicators", "par_")):
            continue
        source = inspect.getsource(getattr(route.callback, "__wrapped__", route.callback))
        assert "request.GET" not in source and "_param(" not in source, route.name


@pytest.mark.parametrize("route", PARAM_ROUTES, ids=[r.name for r in PARAM_ROUTES])
def test_query_parameters_never_cause_a_server_error(client, route):
    client.force_login(get_user_model().objects.get(username="dn.reviewer"))
    url = reverse(route.name, kwargs=_kwargs(route.route))
    is_api = route.name.startswith("api:")

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(params=_params_strategy(route.callback.query_params))
    def check(params):
        response = client.get(url, params)  # a view's exception would be raised here
        assert response.status_code in (200, 400, 404), (params, response.status_code)
        if is_api:
            body = response.json()
            errors = list(_validator(response.status_code, route.name).iter_errors(body))
            assert errors == [], (params, errors[:1])
        elif response.status_code == 400:
            assert 'data-testid="bad-parameter"' in response.content.decode()

    check()


@pytest.mark.parametrize(
    "url",
    [
        "/dashboard/units/?year=0",
        "/dashboard/units/?year=-5",
        "/dashboard/units/?year=10000",
        "/dashboard/units/?year=99999999999999999999",
        "/api/v1/units?year=0",
        "/api/v1/units?year=99999999999999999999",
        "/dashboard/targets/?month=2026-13",
        "/dashboard/?field=nonsense",
    ],
)
def test_reported_bad_values_answer_400_with_a_message(client, url):
    client.force_login(get_user_model().objects.get(username="dn.committee"))
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["error"]
    else:
        assert "bad-parameter" in response.content.decode()


def test_a_month_without_a_period_shows_the_default_with_a_note(client):
    client.force_login(get_user_model().objects.get(username="dn.committee"))
    response = client.get(reverse("dashboards:targets"), {"month": "2099-01"})
    assert response.status_code == 200
    assert "Không có kỳ báo cáo tháng 01/2099" in response.content.decode()
