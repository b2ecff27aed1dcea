import os

import pytest

OUTPUT = os.path.join(os.path.dirname(__file__), "..", "..", "test-output")


@pytest.fixture
def demo_world(db):
    """Transactional tests start from whatever the previous one left (a flushed database):
    load the demo again when it is not there."""

    from indicators.models import Province
    from indicators.services.demo import demo_load
    from reporting.demo import demo_reporting_load

    if not Province.objects.filter(code="da-nang-2025").exists():
        demo_load()
    demo_reporting_load()


@pytest.fixture
def browser(chromium_path):
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
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Pages in separate contexts (separate logins); each fails the test on a console error."""
    pages = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console", lambda m: page.console_errors.append(m.text) if m.type == "error" else None
        )
        pages.append(page)
        return page

    yield make
    for page in pages:
        assert page.console_errors == []


def screenshot(page, name: str) -> None:
    os.makedirs(OUTPUT, exist_ok=True)
    page.screenshot(path=os.path.join(OUTPUT, f"{name}.png"), full_page=True)
