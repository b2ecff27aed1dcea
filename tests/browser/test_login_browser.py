"""A real browser (Debian's chromium, headless): log in, read the header, switch language."""

import os

import pytest
from django.contrib.auth import get_user_model

from indicators.models import Membership, Province, Role

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTPUT = os.path.join(os.path.dirname(__file__), "..", "..", "test-output")


@pytest.fixture
def page(chromium_path):
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop, our ORM
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        yield page
        browser.close()
        assert errors == []


def test_reporter_logs_in_sees_header_and_switches_to_english(page, live_server):
    from indicators.services.par_data import par_data_load

    par_data_load()  # transactional tests start from an empty database
    province = Province.objects.get(code="da-nang-2025")
    user = get_user_model().objects.create_user("browser.user", password="Browser-pass-1")
    Membership.objects.create(user=user, province=province, role=Role.COMMITTEE)

    page.goto(f"{live_server.url}/")
    assert "Đăng nhập" in page.title()
    page.fill("input[name=username]", "browser.user")
    page.fill("input[name=password]", "Browser-pass-1")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=header-province]")
    assert page.inner_text("[data-testid=header-province]") == "Đà Nẵng"
    assert page.inner_text("[data-testid=header-role]") == "lãnh đạo UBND tỉnh"
    os.makedirs(OUTPUT, exist_ok=True)
    page.screenshot(path=os.path.join(OUTPUT, "home-vi.png"), full_page=True)

    page.select_option("#language", "en")
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.inner_text("[data-testid=header-role]") == "committee member"
    page.screenshot(path=os.path.join(OUTPUT, "home-en.png"), full_page=True)
