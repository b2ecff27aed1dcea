"""A real browser (Debian's chromium, headless): log in, read the header, switch language."""

import pytest

from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_committee_member_logs_in_sees_header_and_switches_to_english(
    new_page, live_server, demo_world
):
    page = new_page()
    page.goto(f"{live_server.url}/")
    assert "Đăng nhập" in page.title()
    page.fill("input[name=username]", "dn.committee")
    page.fill("input[name=password]", "parportal")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=header-province]")
    assert page.inner_text("[data-testid=header-province]") == "Đà Nẵng"
    assert page.inner_text("[data-testid=header-role]") == "lãnh đạo UBND tỉnh"
    screenshot(page, "home-vi")

    page.select_option("#language", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.inner_text("[data-testid=header-role]") == "committee member"
    screenshot(page, "home-en")
