"""Self-assessment → appraisal → projection, end to end in chromium: the owning unit scores its
sub-criteria with evidence and an explanation, the focal agency adjusts one score with a note
and finalises, and the committee's projection counts the appraised score."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.browser.conftest import screenshot
from tests.browser.test_report_flow import login
from tests.reporting.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_self_assessment_appraisal_projection(new_page, live_server, demo_world, tmp_path):
    from indicators.models import Unit
    from reporting.models import Period, SelfAssessment
    from reporting.selectors.assessments import assigned_criteria

    unit = Unit.objects.get(province__code="da-nang-2025", code="hai-chau")
    # next month: ahead of its deadline whatever day CI runs, and nothing assessed there yet
    month = (timezone.localdate().replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    period = Period.objects.get(province=unit.province, month=month)
    SelfAssessment.objects.filter(period=period, unit=unit).delete()
    criteria = list(assigned_criteria(unit=unit, period=period))
    first = criteria[0]
    url = f"{live_server.url}/reports/{period.pk}/assessment/{unit.pk}/"
    evidence = tmp_path / "bien-ban.pdf"
    evidence.write_bytes(PDF)

    reporter = new_page()
    login(reporter, live_server.url, "dn.reporter")
    reporter.goto(url)
    for criterion in criteria:
        section = reporter.locator(f"fieldset[data-criterion='{criterion.code}']")
        section.locator("input[name$='-score']").fill(str(criterion.max_points))
        section.locator("input[type=file]").set_input_files(str(evidence))
    section = reporter.locator(f"fieldset[data-criterion='{first.code}']")
    section.locator("input[name$='-score']").fill(str(first.max_points - 1))
    reporter.locator("button[value=submit]").click()
    reporter.wait_for_selector(".alert-danger")  # below the maximum without an explanation
    assert "giải trình" in reporter.content()
    section = reporter.locator(f"fieldset[data-criterion='{first.code}']")
    section.locator("textarea[name$='-explanation']").fill("Còn 2 thủ tục chưa số hóa")
    for criterion in criteria:  # files must be chosen again after a refused submit
        reporter.locator(
            f"fieldset[data-criterion='{criterion.code}'] input[type=file]"
        ).set_input_files(str(evidence))
    reporter.locator("button[value=submit]").click()
    reporter.wait_for_selector(".alert-success")
    assert "Đã nộp bản tự đánh giá để thẩm định" in reporter.inner_text(".alert-success")
    screenshot(reporter, "assessment-submitted")

    reviewer = new_page()
    login(reviewer, live_server.url, "dn.reviewer")
    reviewer.goto(f"{live_server.url}/reports/board/{period.pk}/assessments/")
    reviewer.click("tr[data-unit=hai-chau] >> text=Mở")
    form = reviewer.locator("[data-testid=appraisal-form]")
    for criterion in criteria:
        form.locator(f"tr[data-criterion='{criterion.code}'] select").select_option("accept")
    row = form.locator(f"tr[data-criterion='{first.code}']")
    row.locator("select").select_option("adjust")
    row.locator("input[name$='-appraised']").fill("0.5")
    row.locator("input[name$='-note']").fill("Biên bản chưa đủ chữ ký")
    reviewer.click("button[value=finalise]")
    reviewer.wait_for_selector(".alert-success")
    assert "Đã hoàn tất thẩm định" in reviewer.inner_text(".alert-success")
    screenshot(reviewer, "assessment-appraised")

    committee = new_page()
    login(committee, live_server.url, "dn.committee")
    committee.goto(f"{live_server.url}/dashboard/projection/?month={month:%Y-%m}")
    committee.wait_for_selector("[data-testid=projected-index]")
    from reporting.selectors.projection import Source, projection

    figures = projection(period)
    leaf = next(x for x in figures.leaves if x.criterion.pk == first.pk)
    assert (leaf.points, leaf.source) == (Decimal("0.5"), Source.APPRAISED)
    basis = committee.inner_text("[data-testid=projection-basis]")
    assert f"{figures.counts['appraised']} tiêu chí thành phần đã thẩm định" in basis
    shown = committee.inner_text("[data-testid=projected-index]")
    assert f"{figures.pct}".replace(".", ",") in shown
    assert "nếu các tỉnh khác giữ nguyên" in committee.inner_text("[data-testid=projected-rank]")
    assert committee.locator("[data-testid=where-to-gain] tbody tr").count() == 10
    screenshot(committee, "projection")
    assessment = SelfAssessment.objects.get(period=period, unit=unit)
    assert assessment.status == "accepted"
    assert assessment.scores.get(criterion=first).appraised_score == Decimal("0.5")
    for page in (reporter, reviewer, committee):
        assert page.console_errors == []
