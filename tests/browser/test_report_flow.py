"""The monthly report, end to end in chromium: a reporter fills and submits with evidence, the
focal reviewer returns it with a note, the reporter fixes and resubmits, the reviewer accepts,
and the board shows it."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import screenshot
from tests.reporting.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "parportal")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=header-province]")


def test_report_submit_return_resubmit_accept(new_page, live_server, demo_world, tmp_path):
    from indicators.models import Unit
    from reporting.models import Period, Report

    unit = Unit.objects.get(province__code="da-nang-2025", code="hai-chau")
    # Next month: always ahead of its deadline, whatever day CI runs.
    month = (timezone.localdate().replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    period = Period.objects.get(province=unit.province, month=month)
    report_url = f"{live_server.url}/reports/{period.pk}/unit/{unit.pk}/"
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(PDF)

    reporter = new_page()
    login(reporter, live_server.url, "dn.reporter")
    reporter.goto(report_url)
    first = reporter.locator("fieldset[data-task]").first
    first.locator("select[name$='-status']").select_option("done")
    first.locator("input[name$='-percent_done']").fill("100")
    first.locator("textarea[name$='-result']").fill("Đã hoàn thành 12 hồ sơ")
    first.locator("input[type=file]").set_input_files(str(evidence))
    for field in reporter.locator("[data-indicator] input[name$='-value']").all():
        field.fill("7")
    reporter.locator("button[value=submit]").click()
    reporter.wait_for_selector(".alert-success")
    assert "Đã nộp báo cáo" in reporter.inner_text(".alert-success")
    assert "bien-ban.pdf" in reporter.content()
    screenshot(reporter, "report-submitted")

    reviewer = new_page()
    login(reviewer, live_server.url, "dn.reviewer")
    reviewer.goto(f"{live_server.url}/reports/board/{period.pk}/")
    assert reviewer.inner_text("tr[data-unit=hai-chau] [data-state]") == "nộp đúng hạn"
    reviewer.click("tr[data-unit=hai-chau] >> text=Mở")
    reviewer.fill("textarea[name=note]", "Bổ sung biên bản kiểm tra")
    reviewer.click("text=Trả lại kèm ý kiến này")
    reviewer.wait_for_selector(".alert-success")

    reporter.goto(report_url)
    assert "Bổ sung biên bản kiểm tra" in reporter.inner_text("[data-testid=review-note]")
    screenshot(reporter, "report-returned")
    reporter.locator("fieldset[data-task]").first.locator("textarea[name$='-result']").fill(
        "Đã hoàn thành 12 hồ sơ, có biên bản kiểm tra"
    )
    reporter.locator("button[value=submit]").click()
    reporter.wait_for_selector(".alert-success")

    reviewer.goto(report_url)
    reviewer.click("button:has-text('Chấp nhận')")
    reviewer.wait_for_selector(".alert-success")
    reviewer.goto(f"{live_server.url}/reports/board/{period.pk}/")
    assert reviewer.inner_text("tr[data-unit=hai-chau] [data-state]") == "đã chấp nhận"
    screenshot(reviewer, "board-accepted")

    report = Report.objects.get(period=period, unit=unit)
    assert report.status == "accepted" and not report.is_late
    assert list(report.changes.order_by("at", "pk").values_list("action", flat=True))[-4:] == [
        "submitted",
        "returned",
        "submitted",
        "accepted",
    ]

    reporter.select_option("#language", "en")
    reporter.wait_for_function("document.documentElement.lang === 'en'")
    assert "Monthly report" in reporter.inner_text("h1")
    screenshot(reporter, "report-accepted-en")
