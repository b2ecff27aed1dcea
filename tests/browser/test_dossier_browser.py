"""The dossier export in chromium: the focal reviewer asks for the ZIP from the evidence
locker, the page's progress bar follows the Celery task to 100 % and offers the download."""

import threading

import pytest

from tests.browser.conftest import screenshot
from tests.browser.test_report_flow import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_bar_follows_the_dossier_to_its_download(new_page, live_server, demo_world):
    from reporting.models import DossierExport
    from reporting.tasks import build_dossier

    page = new_page()
    login(page, live_server.url, "dn.reviewer")
    page.goto(f"{live_server.url}/reports/locker/")
    assert page.locator("[data-testid=locker-table] tbody tr").count() > 0
    page.click("[data-testid=dossier-start]")
    page.wait_for_selector("[data-testid=dossier-bar]")
    export = DossierExport.objects.latest("pk")
    if export.status != DossierExport.Status.DONE:
        # with a broker the request queued the task for a worker; this test is the worker
        threading.Thread(target=build_dossier, args=[export.pk]).start()
    page.wait_for_selector("[data-testid=dossier-download]:not(.d-none)", timeout=30000)
    assert page.inner_text("[data-testid=dossier-bar]") == "100%"
    screenshot(page, "dossier-ready")
    with page.expect_download() as download:
        page.click("[data-testid=dossier-download]")
    assert download.value.suggested_filename.endswith(".zip")
    assert page.console_errors == []
