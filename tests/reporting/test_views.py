"""Pages per persona: a reporter sees only their unit, reviewers and the committee only their
province; the form keeps what was typed when a file is refused; query counts are pinned."""

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting import services
from reporting.models import Evidence, Report
from tests.pages import figure, form_fields
from tests.reporting.conftest import EXE, PDF, before, upload

pytestmark = pytest.mark.django_db


def _url(period, unit):
    return reverse("reporting:report", args=[period.pk, unit.pk])


def _form_data(response, **changes):
    """What the browser would send back: every field of the rendered form, with some changed."""
    data = form_fields(response.content.decode(), exclude_suffix="-files")
    data.update(changes)
    return data


@pytest.fixture
def during_period(period):
    with time_machine.travel(before(period.due_at, days=3), tick=False):
        yield period


def test_reporter_opens_own_units_report(client, reporter, during_period, hai_chau):
    client.force_login(reporter)
    response = client.get(_url(during_period, hai_chau))
    assert response.status_code == 200
    assert figure(response, "form") is not None
    assert Report.objects.filter(period=during_period, unit=hai_chau).exists()


def test_reporter_cannot_reach_another_unit_or_province(client, reporter, during_period, hoi_an):
    client.force_login(reporter)
    assert client.get(_url(during_period, hoi_an)).status_code == 404
    ag_period = during_period.__class__.objects.filter(province__code="an-giang").first()
    ag_unit = ag_period.province.units.first()
    assert client.get(_url(ag_period, ag_unit)).status_code == 404


def test_other_provinces_reviewer_gets_404(
    client, other_province_reviewer, during_period, hai_chau
):
    client.force_login(other_province_reviewer)
    assert client.get(_url(during_period, hai_chau)).status_code == 404
    assert client.get(reverse("reporting:board", args=[during_period.pk])).status_code == 404
    assert (
        client.get(reverse("reporting:summary_excel", args=[during_period.pk])).status_code == 404
    )


def _submitted(period, unit, user):
    report = services.report_start(period=period, unit=unit, user=user, now=period.due_at)
    files = {report.entries.first().task_id: [(upload("kq.pdf", PDF), "application/pdf")]}
    entries = {
        e.task_id: {
            "status": "in_progress",
            "percent_done": 60,
            "result": "Kết quả A",
            "difficulties": "",
            "explanation": "",
        }
        for e in report.entries.all()
    }
    values = {v.indicator_id: {"value": 5, "explanation": ""} for v in report.values.all()}
    return services.report_submit(
        report=report,
        user=user,
        version=report.version,
        entries=entries,
        values=values,
        files=files,
        now=before(period.due_at, days=1),
    )


def test_committee_reads_but_cannot_review(client, committee, reporter, during_period, hai_chau):
    report = _submitted(during_period, hai_chau, reporter)
    client.force_login(committee)
    assert client.get(_url(during_period, hai_chau)).status_code == 200
    client.post(reverse("reporting:review", args=[report.pk]), {"action": "accept"})
    report.refresh_from_db()
    assert report.status == "submitted"


def test_evidence_is_served_only_to_who_may_see_it(
    client,
    reporter,
    other_unit_reporter,
    other_province_reviewer,
    reviewer,
    during_period,
    hai_chau,
):
    report = _submitted(during_period, hai_chau, reporter)
    evidence = Evidence.objects.get(entry__report=report)
    url = reverse("reporting:evidence", args=[evidence.pk])
    for user, status in (
        (reporter, 200),
        (reviewer, 200),
        (other_unit_reporter, 404),
        (other_province_reviewer, 404),
    ):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == status, user
        if status == 200:
            assert b"".join(response.streaming_content) == PDF
            assert "attachment" in response["Content-Disposition"]
    # No public media URL is routed: the file is reachable only through the checked view.
    client.force_login(reporter)
    assert client.get("/media/" + evidence.file.name).status_code == 404


def test_disguised_file_is_refused_and_typed_text_is_kept(
    client, reporter, during_period, hai_chau
):
    client.force_login(reporter)
    page = client.get(_url(during_period, hai_chau))
    report = Report.objects.get(period=during_period, unit=hai_chau)
    version = report.version
    entry = report.entries.first()
    prefix = f"t{entry.task_id}"
    data = _form_data(page, **{f"{prefix}-result": "Văn bản tôi vừa gõ", "action": "save"})
    data[f"{prefix}-files"] = upload("ket-qua.pdf", EXE)
    response = client.post(_url(during_period, hai_chau), data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Văn bản tôi vừa gõ" in content
    assert "không phải là tệp PDF, Word, Excel" in content
    report.refresh_from_db()
    assert report.version == version
    assert not Evidence.objects.filter(entry__report=report).exists()
    entry.refresh_from_db()
    assert entry.result != "Văn bản tôi vừa gõ"


def test_zip_bomb_is_refused_in_vietnamese_and_nothing_is_stored(
    client, reporter, during_period, hai_chau, settings
):
    client.force_login(reporter)
    page = client.get(_url(during_period, hai_chau))
    report = Report.objects.get(period=during_period, unit=hai_chau)
    entry = report.entries.first()
    prefix = f"t{entry.task_id}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))
    data = _form_data(page, action="submit")
    data[f"{prefix}-files"] = [upload("a.pdf", PDF), upload("bao-cao.docx", buffer.getvalue())]
    response = client.post(_url(during_period, hai_chau), data)
    assert response.status_code == 200
    assert "nén gấp" in response.content.decode()  # "compressed … times" in Vietnamese
    report.refresh_from_db()
    assert report.status == Report.Status.DRAFT
    assert not Evidence.objects.filter(entry__report=report).exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_percent_out_of_range_and_negative_counts_are_field_errors(
    client, reporter, during_period, hai_chau
):
    client.force_login(reporter)
    page = client.get(_url(during_period, hai_chau))
    report = Report.objects.get(period=during_period, unit=hai_chau)
    entry = report.entries.first()
    value = report.values.first()
    data = _form_data(
        page,
        **{
            f"t{entry.task_id}-percent_done": "101",
            f"i{value.indicator_id}-value": "-3",
            "action": "submit",
        },
    )
    response = client.post(_url(during_period, hai_chau), data)
    form = figure(response, "form")
    assert f"t{entry.task_id}-percent_done" in form.errors
    assert f"i{value.indicator_id}-value" in form.errors
    report.refresh_from_db()
    assert report.status == "draft"


def test_second_editor_is_refused_and_keeps_their_input(
    client, reporter, second_reporter, during_period, hai_chau
):
    client.force_login(reporter)
    first_page = client.get(_url(during_period, hai_chau))
    from django.test import Client

    other = Client()
    other.force_login(second_reporter)
    second_page = other.get(_url(during_period, hai_chau))
    entry = Report.objects.get(period=during_period, unit=hai_chau).entries.first()
    key = f"t{entry.task_id}-result"
    client.post(
        _url(during_period, hai_chau), _form_data(first_page, **{key: "Người 1", "action": "save"})
    )
    response = other.post(
        _url(during_period, hai_chau), _form_data(second_page, **{key: "Người 2", "action": "save"})
    )
    assert response.status_code == 200
    assert "Người 2" in response.content.decode()
    assert "Có người khác đã lưu" in response.content.decode()
    entry.refresh_from_db()
    assert entry.result == "Người 1"


def test_submit_then_read_only_for_the_unit(client, reporter, during_period, hai_chau):
    client.force_login(reporter)
    page = client.get(_url(during_period, hai_chau))
    report = Report.objects.get(period=during_period, unit=hai_chau)
    values = {f"i{v.indicator_id}-value": "4" for v in report.values.all()}
    response = client.post(
        _url(during_period, hai_chau), _form_data(page, action="submit", **values)
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "submitted"
    page = client.get(_url(during_period, hai_chau))
    assert figure(page, "form") is None
    assert "chỉ xem" in page.content.decode()


def test_board_query_count_does_not_grow_with_units(
    client, reviewer, reporter, during_period, hai_chau
):
    client.force_login(reviewer)
    url = reverse("reporting:board", args=[during_period.pk])
    client.get(url)
    _submitted(during_period, hai_chau, reporter)
    cache.clear()  # the rows are computed, not read from the cache
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    # session, user, period, memberships (the access check and the header share them), expected
    # units, reports, reopenings, periods for the month picker; for the units no reminder
    # reaches: expected units, their reporter/head e-mails and official e-mails; unread notices
    assert len(queries) == 12, [q["sql"][:60] for q in queries]
    pinned = len(queries)
    services.report_start(
        period=during_period,
        unit=during_period.province.units.get(code="tam-ky"),
        user=reporter,
        now=during_period.due_at,
    )
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    assert len(queries) == pinned
    assert len(figure(response, "rows")) == figure(response, "board").expected >= 10
    # warm: the table is the cached fragment; no expected units, reports, reopenings or months;
    # the memberships, the unread count and the units without address are cached too:
    # session, user, period
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    assert len(warm) == 3, [q["sql"][:60] for q in warm]
    assert again.content.decode().count("data-unit=") == len(figure(response, "rows"))


def test_form_query_count_is_pinned(client, reporter, during_period, hai_chau):
    client.force_login(reporter)
    url = _url(during_period, hai_chau)
    client.get(url)  # the report is started
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        first = client.get(url)
    assert first.status_code == 200
    # session, user, the report with its period and unit, memberships (access and header),
    # the detail query and its 8 prefetches (entries, evidence, tasks, fields, values,
    # indicators, changes, their users), unread notices (header)
    assert len(cold) == 14, [q["sql"][:60] for q in cold]
    with CaptureQueriesContext(connection) as warm:
        again = client.get(url)
    # the entries, values and history are cached under the report's version: no detail query
    # session, user, the report with its period and unit
    assert len(warm) == 3, [q["sql"][:60] for q in warm]
    assert form_fields(again.content.decode()) == form_fields(first.content.decode())


def test_a_submit_writes_only_what_changed_in_a_pinned_number_of_queries(
    client, reporter, during_period, hai_chau
):
    """The deadline surge is every unit submitting at once: a submit validates and writes the
    entries and values that changed (one UPDATE each), not every row with its constraint
    checks."""
    from reporting.models import ReportChange

    client.force_login(reporter)
    page = client.get(_url(during_period, hai_chau))
    report = Report.objects.get(period=during_period, unit=hai_chau)
    first, *others = report.entries.order_by("task__code")
    data = _form_data(page, action="submit")
    data[f"t{first.task_id}-status"] = "in_progress"
    data[f"t{first.task_id}-percent_done"] = "35"
    data[f"t{first.task_id}-result"] = "Đã rà soát 12 thủ tục"
    for entry in others:  # every other task as it stood, with an explanation where one is due
        data[f"t{entry.task_id}-explanation"] = "Đang triển khai"
    for name in [n for n in data if n.startswith("i") and n.endswith("-value") and not data[n]]:
        data[name.replace("-value", "-explanation")] = "Chưa có số liệu"
    with CaptureQueriesContext(connection) as queries:
        response = client.post(_url(during_period, hai_chau), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.status == Report.Status.SUBMITTED
    saved = report.entries.get(pk=first.pk)
    assert (saved.status, saved.percent_done, saved.result) == (
        "in_progress",
        35,
        "Đã rà soát 12 thủ tục",
    )
    change = ReportChange.objects.get(report=report, action=ReportChange.Action.SUBMITTED)
    assert {"field": "status", "before": "draft", "after": "submitted"} in change.changes
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "reporting_taskentry"')]
    assert len(updates) == 1, updates
    assert len(queries) == PINNED_SUBMIT, "\n".join(q["sql"][:90] for q in queries)


# session, user, the report with its period and unit, the form's report with its entries, evidence,
# tasks, fields, values and indicators (no history), the user again (the submit), a savepoint,
# the version's compare-and-set, the report as stored, its entries and values, one UPDATE of
# the changed entries, the change row, the problems (entries, evidence, values), the period,
# the report's status, the change's status line, the months it carries into and their marks,
# the savepoint's release
PINNED_SUBMIT = 25


def test_a_saved_report_shows_its_new_content_at_once(client, reporter, during_period, hai_chau):
    """The cached content is keyed by the report's version: a save shows at once."""
    client.force_login(reporter)
    url = _url(during_period, hai_chau)
    page = client.get(url)
    entry = Report.objects.get(period=during_period, unit=hai_chau).entries.first()
    key = f"t{entry.task_id}-result"
    assert client.post(url, _form_data(page, **{key: "Đã ban hành kế hoạch"})).status_code == 302
    again = client.get(url)
    assert form_fields(again.content.decode())[key] == "Đã ban hành kế hoạch"
    assert "Đã ban hành kế hoạch" in again.content.decode().split('data-testid="history"')[1]


def test_excel_summary_compiles_units_fields_and_tasks(
    client, committee, reporter, during_period, hai_chau
):
    _submitted(during_period, hai_chau, reporter)
    client.force_login(committee)
    response = client.get(reverse("reporting:summary_excel", args=[during_period.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    overview, tasks, indicators = book.worksheets
    rows = list(overview.iter_rows(values_only=True))
    assert rows[2][1] == 1  # submitted
    expected = rows[1][1]
    assert rows[4][1] == pytest.approx(round(100 / expected, 1))
    assert any(r[0] == "UBND phường Hải Châu" and r[1] == "nộp đúng hạn" for r in rows)
    task_rows = list(tasks.iter_rows(min_row=2, values_only=True))
    assert task_rows and all(r[2] == "UBND phường Hải Châu" for r in task_rows)
    assert {r[6] for r in task_rows} == {"Kết quả A"}
    assert sum(r[9] for r in task_rows) == 1  # one evidence file
    assert len(list(indicators.iter_rows(min_row=2))) == 4


def test_reporter_home_lists_returned_first_with_the_note(client, da_nang):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="dn.reporter"))
    response = client.get(reverse("reporting:home"))
    months = response.context["units"][0]["months"]
    assert months[0].state == "returned"
    assert "bổ sung tài liệu kiểm chứng" in response.content.decode()


def test_reviewer_returns_and_reopens_from_the_pages(
    client, reviewer, reporter, during_period, hai_chau
):
    report = _submitted(during_period, hai_chau, reporter)
    client.force_login(reviewer)
    response = client.post(
        reverse("reporting:review", args=[report.pk]),
        {"action": "return", "note": "Bổ sung số liệu"},
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.review_note) == ("returned", "Bổ sung số liệu")
    until = (during_period.locks_at + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("reporting:reopen", args=[during_period.pk, hai_chau.pk]),
        {"reason": "Mất điện", "until": until},
    )
    assert response.status_code == 302
    assert during_period.reopenings.get(unit=hai_chau).created_by == reviewer


def test_history_shows_labels_not_codes(client, reporter, during_period, hai_chau):
    client.force_login(reporter)
    page = client.get(_url(during_period, hai_chau))
    report = Report.objects.get(period=during_period, unit=hai_chau)
    entry = report.entries.select_related("task").first()
    prefix = f"t{entry.task_id}"
    data = _form_data(
        page, **{f"{prefix}-status": "behind", f"{prefix}-percent_done": 37, "action": "save"}
    )
    data[f"{prefix}-explanation"] = "Chờ ý kiến"
    assert client.post(_url(during_period, hai_chau), data).status_code == 302
    page = client.get(_url(during_period, hai_chau)).content.decode()
    html = page[page.index('data-testid="history"') :]  # the history table only
    assert f"nhiệm vụ {entry.task.code} – % hoàn thành:" in html
    assert "→ 37%" in html and "→ chậm tiến độ" in html
    for code in ("percent_done", "in_progress →", "→ behind", f"{entry.task.code} status"):
        assert code not in html
