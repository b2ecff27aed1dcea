"""Each dashboard in chromium: it renders, the charts draw (a canvas with pixels, no console
error), and a screenshot is kept in test-output/."""

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_report_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    ("ranking-2020", "/dashboard/?year=2020", "#ranking-chart"),
    ("ranking-field", "/dashboard/?year=2023&field=procedures", None),
    ("trend", "/dashboard/trend/", "#trend-chart"),
    ("targets", "/dashboard/targets/", None),
    ("units", "/dashboard/units/", None),
    ("brief", "/dashboard/brief/", None),
]


@pytest.mark.parametrize("username", ["qn.committee", "dn.committee"])
def test_every_dashboard_draws(new_page, live_server, demo_world, username):
    page = new_page()
    login(page, live_server.url, username)
    for name, path, chart in PAGES:
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        if chart:
            drawn = page.evaluate(
                """(selector) => {
                    const canvas = document.querySelector(selector);
                    if (!canvas || !window.Chart || !Chart.getChart(canvas)) return false;
                    const data = canvas.getContext('2d').getImageData(0, 0, canvas.width,
                                                                      canvas.height).data;
                    return data.some((value, i) => i % 4 === 3 && value > 0);
                }""",
                chart,
            )
            assert drawn, f"{name}: the chart did not draw"
        assert page.locator("table").count() >= 1
        screenshot(page, f"dashboard-{username}-{name}")
    if username == "qn.committee":
        page.goto(live_server.url + "/dashboard/?year=2020")
        own = page.locator("tr[data-own]").inner_text()
        assert "Quảng Nam" in own
        page.select_option("#language", "en")
        page.wait_for_function("document.documentElement.lang === 'en'")
        assert page.locator(".nav-tabs").inner_text().split()[0] == "Ranking"
        screenshot(page, "dashboard-ranking-en")
