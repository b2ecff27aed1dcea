"""The evidence locker, the year-end dossier and the internal PAR index."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from indicators.models import ChecklistItem, Criterion, CriterionAssignment
from reporting.models import (
    DossierExport,
    Evidence,
    InternalBand,
    InternalCriterion,
    InternalFramework,
    InternalScore,
    LockerDocument,
    Report,
    SelfAssessment,
    SelfScore,
    TaskEntry,
    UnitScorecard,
)
from reporting.selectors.internal import internal_index
from reporting.selectors.locker import ItemState, item_state, locker
from reporting.services.dossier import document_name, dossier_write, windows_safe
from tests.reporting.conftest import PDF
from tests.reporting.world import build_world, local

pytestmark = pytest.mark.django_db


def _pdf(name="qd.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


# --- checklist states ------------------------------------------------------------------------


def test_an_item_is_ready_awaiting_or_missing():
    def doc(status):
        return LockerDocument(status=status)

    assert item_state([]) == ItemState.MISSING
    assert item_state([doc("rejected")]) == ItemState.MISSING
    assert item_state([doc("rejected"), doc("submitted")]) == ItemState.AWAITING
    assert item_state([doc("submitted"), doc("accepted")]) == ItemState.READY


# --- attaching and reviewing through the pages ----------------------------------------------


@pytest.fixture
def owned_item(da_nang, hai_chau):
    """A checklist item of a sub-criterion Hải Châu owns this year (the demo's)."""
    from indicators.selectors import plan_for

    plan = plan_for(da_nang, timezone.localdate().year)
    assignment = CriterionAssignment.objects.filter(plan=plan, owner=hai_chau).first()
    return ChecklistItem.objects.filter(
        criterion=assignment.criterion, needs_number_and_date=True
    ).first()


def test_the_owning_units_reporter_attaches_and_the_reviewer_rejects_with_a_note(
    client, settings, tmp_path, owned_item, hai_chau, reporter, reviewer
):
    settings.MEDIA_ROOT = tmp_path
    year = timezone.localdate().year
    LockerDocument.objects.filter(item=owned_item, year=year).delete()
    url = reverse("reporting:locker_attach", args=[owned_item.pk])
    client.force_login(reporter)
    data = {"unit": hai_chau.pk, "year": year, "issuer": "UBND phường", "description": "Kế hoạch"}
    client.post(url, {**data, "file": _pdf()})  # no number and date: refused
    assert not LockerDocument.objects.filter(item=owned_item, year=year).exists()
    client.post(url, {**data, "number": "12/KH-UBND", "issued_on": "2026-03-15", "file": _pdf()})
    document = LockerDocument.objects.get(item=owned_item, year=year)
    assert document.status == "submitted" and document.unit == hai_chau

    line = next(
        x for x in locker(hai_chau.province, year) if x.criterion.pk == owned_item.criterion_id
    )
    assert next(i for i in line.items if i.item.pk == owned_item.pk).state == ItemState.AWAITING

    client.force_login(reviewer)
    review = reverse("reporting:locker_review", args=[document.pk])
    client.post(review, {"action": "reject", "note": ""})  # a rejection needs its note
    document.refresh_from_db()
    assert document.status == "submitted"
    client.post(review, {"action": "reject", "note": "Thiếu chữ ký"})
    document.refresh_from_db()
    assert (document.status, document.review_note) == ("rejected", "Thiếu chữ ký")


def test_evidence_of_another_unit_cannot_be_reused(
    client, settings, tmp_path, owned_item, hai_chau, hoi_an, reporter
):
    settings.MEDIA_ROOT = tmp_path
    from django.contrib.auth import get_user_model

    foreign_report = Report.objects.filter(unit=hoi_an).first()
    entry = foreign_report.entries.first() or TaskEntry.objects.create(
        report=foreign_report, task=hoi_an.led_tasks.first()
    )
    foreign = Evidence.objects.create(
        entry=entry,
        file=_pdf(),
        original_name="khac.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=get_user_model().objects.get(username="admin"),
    )
    year = timezone.localdate().year
    before = LockerDocument.objects.count()
    client.force_login(reporter)
    client.post(
        reverse("reporting:locker_attach", args=[owned_item.pk]),
        {
            "unit": hai_chau.pk,
            "year": year,
            "number": "1/QĐ",
            "issued_on": "2026-01-02",
            "issuer": "x",
            "description": "y",
            "reuse": f"e{foreign.pk}",
        },
    )
    assert LockerDocument.objects.count() == before


def test_a_unit_cannot_attach_for_another_unit(client, owned_item, hoi_an, reporter):
    response = client.post(
        reverse("reporting:locker_attach", args=[owned_item.pk]), {"unit": hoi_an.pk}
    )
    assert response.status_code == 302  # to the login page: not logged in
    client.force_login(reporter)
    response = client.post(
        reverse("reporting:locker_attach", args=[owned_item.pk]), {"unit": hoi_an.pk}
    )
    assert response.status_code == 404


# --- the dossier ----------------------------------------------------------------------------


def test_windows_names_keep_diacritics_and_avoid_what_windows_refuses():
    assert windows_safe("3.1 Cải cách: thủ tục/hành chính?") == "3.1 Cải cách- thủ tục-hành chính-"
    assert windows_safe("CON") == "_CON" and windows_safe("lpt1.txt") == "_lpt1.txt"
    assert windows_safe("tên cuối. ") == "tên cuối"
    assert windows_safe("a\x07b") == "a-b"
    document = LockerDocument(
        number="123/QĐ-UBND", issued_on=dt.date(2026, 3, 15), original_name="Quyết định.PDF"
    )
    taken: set[str] = set()
    assert document_name("2.1.3", document, taken) == "2.1.3_123-QĐ-UBND_2026-03-15.pdf"
    assert document_name("2.1.3", document, taken) == "2.1.3_123-QĐ-UBND_2026-03-15_2.pdf"


def _stored_again(documents):
    """The demo's files were written to the session's media folder; each test has its own."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    for document in documents:
        name = document.stored.name
        if not default_storage.exists(name):
            assert default_storage.save(name, ContentFile(PDF)) == name


def test_the_dossier_has_a_folder_per_field_and_sub_criterion_and_an_index(da_nang):
    year = timezone.localdate().year
    _stored_again(LockerDocument.objects.filter(province=da_nang, year=year))
    target = io.BytesIO()
    count = dossier_write(da_nang, year, target)
    kept = LockerDocument.objects.filter(province=da_nang, year=year).exclude(status="rejected")
    assert count == kept.count() > 0
    archive = zipfile.ZipFile(target)
    names = archive.namelist()
    index = [n for n in names if n.endswith(".xlsx")]
    assert len(index) == 1
    documents = [n for n in names if n not in index]
    assert len(documents) == count
    for name in documents:
        field_folder, criterion_folder, file_name = name.split("/")
        assert field_folder[0].isdigit() and criterion_folder[0].isdigit()
        assert not any(c in name for c in '<>:"\\|?*')
        assert file_name.split("_")[0] == criterion_folder.split(" ")[0]  # the code first
    assert any("Cải cách" in n for n in documents)  # diacritics kept
    sheet = openpyxl.load_workbook(io.BytesIO(archive.read(index[0]))).active
    rows = list(sheet.iter_rows(values_only=True))
    leaves = Criterion.objects.filter(
        field__methodology__is_illustrative=True,
        field__methodology__first_year__lte=year,
        field__methodology__last_year__isnull=True,
        children__isnull=True,
    ).count()
    assert len(rows) == 1 + leaves
    rejected = LockerDocument.objects.filter(province=da_nang, year=year, status="rejected")
    assert rejected.exists()  # the demo rejected some: they are not in the dossier
    assert count == LockerDocument.objects.filter(province=da_nang, year=year).count() - (
        rejected.count()
    )


def test_the_dossier_is_built_by_the_task_and_downloaded(client, reviewer, da_nang):
    _stored_again(LockerDocument.objects.filter(province=da_nang))
    from reporting.tasks import build_dossier

    client.force_login(reviewer)
    response = client.post(reverse("reporting:dossier_start"), {"year": timezone.localdate().year})
    export = DossierExport.objects.latest("pk")
    assert response.headers["Location"] == reverse("reporting:dossier", args=[export.pk])
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and 'data-testid="dossier-bar"' in page.content.decode()
    # the request queued the task on commit (a test's transaction never commits): run it as
    # the worker would
    build_dossier(export.pk)
    status = client.get(reverse("reporting:dossier", args=[export.pk]), {"format": "json"})
    assert status.json()["status"] == "done" and status.json()["percent"] == 100
    assert status.json()["done"] == status.json()["total"] > 0
    download = client.get(reverse("reporting:dossier_download", args=[export.pk]))
    assert download.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()


# --- the internal index, by hand -------------------------------------------------------------


def test_the_internal_index_computes_its_criteria_from_the_portals_data(settings, tmp_path):
    """World of 2030: units A and B (communes). By hand:
    - reports on time (10): A 0 of 1 → 0; B 1 of 1 → 10;
    - tasks on time (20): A leads T1 (due 31/3, done in March) and T2 (due 10/3, not done) → 10;
      B's T3 is due in December, after the reference date → nothing to measure;
    - evidence (10): B owns a sub-criterion with 2 checklist items, 1 accepted → 5;
    - accuracy (10): A self-scored 4 of 4, appraised 3 → 1 − 1/4 → 7.50;
    - scored by hand (10): A 8, B 6.
    A: 0 + 10 + 7.50 + 8 = 25.50 of 50 → 51.00 %; B: 10 + 5 + 6 = 21 of 30 → 70.00 %."""
    settings.MEDIA_ROOT = tmp_path
    world = build_world()
    now = local(2030, 4, 15, 9, 0)
    framework = InternalFramework.objects.create(province=world.province, year=2030)
    sources = ["on_time_reporting", "tasks_on_time", "evidence", "accuracy", "manual"]
    points = [10, 20, 10, 10, 10]
    criteria = {
        source: InternalCriterion.objects.create(
            framework=framework,
            code=str(i),
            name_vi=source,
            max_points=p,
            source=source,
            order=i,
        )
        for i, (source, p) in enumerate(zip(sources, points, strict=True), start=1)
    }
    for floor, label in [(90, "xuất sắc"), (80, "tốt"), (70, "khá"), (0, "trung bình")]:
        InternalBand.objects.create(framework=framework, min_pct=floor, label_vi=label)
    for unit, on_time in [(world.a, 0), (world.b, 1)]:
        UnitScorecard.objects.create(
            period=world.period,
            unit=unit,
            expected=1,
            submitted=1,
            on_time=on_time,
            rank=1,
            computed_at=now,
        )
    t1, t2, _t3 = world.tasks
    report = Report.objects.create(
        period=world.period, unit=world.a, status="submitted", submitted_at=now
    )
    TaskEntry.objects.create(report=report, task=t1, status="done", percent_done=100)
    TaskEntry.objects.create(report=report, task=t2, status="in_progress", percent_done=50)
    leaf = Criterion.objects.filter(
        field__methodology__code="qd1187", children__isnull=True, max_points=4
    ).first()
    CriterionAssignment.objects.create(plan=world.plan, criterion=leaf, owner=world.b)
    items = list(ChecklistItem.objects.filter(criterion=leaf))  # the demo's two
    assert len(items) == 2
    LockerDocument.objects.create(
        province=world.province,
        year=2030,
        item=items[0],
        unit=world.b,
        issuer="x",
        description="y",
        file=_pdf(),
        status="accepted",
        uploaded_by=world.users["reviewer"],
    )
    assessment = SelfAssessment.objects.create(
        period=world.period, unit=world.a, status="accepted", submitted_at=now
    )
    SelfScore.objects.create(
        assessment=assessment, criterion=leaf, score=4, appraised_score=3, appraised_at=now
    )
    for unit, value in [(world.a, 8), (world.b, 6)]:
        InternalScore.objects.create(criterion=criteria["manual"], unit=unit, points=value)
    # last year: A first, B second (to see the movement)
    before = InternalFramework.objects.create(province=world.province, year=2029)
    manual = InternalCriterion.objects.create(
        framework=before, code="1", name_vi="m", max_points=10
    )
    InternalScore.objects.create(criterion=manual, unit=world.a, points=9)
    InternalScore.objects.create(criterion=manual, unit=world.b, points=2)

    index = internal_index(framework, now=now)
    lines = {line.unit.code: line for line in index.lines}
    a, b = lines["a"], lines["b"]
    ids = [criteria[s].pk for s in sources]
    assert [a.points[i] for i in ids] == [D("0.00"), D("10.00"), None, D("7.50"), D("8")]
    assert [b.points[i] for i in ids] == [D("10.00"), None, D("5.00"), None, D("6")]
    assert (a.total, a.maximum, a.pct, a.band) == (D("25.50"), D("50"), D("51.00"), "trung bình")
    assert (b.total, b.maximum, b.pct, b.band) == (D("21.00"), D("30"), D("70.00"), "khá")
    assert (b.rank, a.rank) == (1, 2)
    assert (b.movement, a.movement) == (1, -1)


def test_the_focal_agencys_scores_are_all_or_nothing_within_the_maximum(client, da_nang, reviewer):
    framework = InternalFramework.objects.get(province=da_nang, year=timezone.localdate().year)
    manual = framework.criteria.filter(source="manual").first()
    unit = da_nang.units.get(code="hai-chau")
    other = da_nang.units.get(code="hoi-an")
    url = reverse("reporting:internal_scoring", args=[framework.pk])
    before = list(InternalScore.objects.filter(criterion=manual).values_list("unit_id", "points"))
    client.force_login(reviewer)
    response = client.post(
        url,
        {
            f"s{manual.pk}-{unit.pk}": "5",
            f"s{manual.pk}-{other.pk}": str(manual.max_points + 1),  # over the maximum
        },
    )
    assert response.status_code == 200 and "is-invalid" in response.content.decode()
    after = list(InternalScore.objects.filter(criterion=manual).values_list("unit_id", "points"))
    assert after == before  # nothing saved, not even the good figure
    client.post(url, {f"s{manual.pk}-{unit.pk}": "5,5"})  # a decimal comma is a number
    assert InternalScore.objects.get(criterion=manual, unit=unit).points == D("5.5")


def test_the_internal_index_workbook_is_laid_out_as_provinces_publish_it(client, committee):
    client.force_login(committee)
    year = timezone.localdate().year
    response = client.get(reverse("dashboards:units"), {"year": year, "format": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [s.title for s in book.worksheets] == ["Sở, ban, ngành", "UBND cấp xã, cấp huyện"]
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    header = next(r for r in rows if r[0] == "STT")
    assert header[1] == "Đơn vị" and header[-5:] == (
        "Tổng điểm",
        "Chỉ số (%)",
        "Xếp loại",
        "Hạng",
        "Đổi",
    )
    first = rows[rows.index(header) + 1]
    assert first[0] == 1 and first[-2] == 1  # STT 1 holds rank 1


def test_a_framework_saved_in_admin_shows_on_the_units_tab_at_once(
    client, da_nang, committee, django_capture_on_commit_callbacks
):
    """The units tab caches the internal index under the province's version."""
    from django.contrib.auth import get_user_model

    year = timezone.localdate().year
    client.force_login(committee)
    assert "(minh họa)" in client.get(reverse("dashboards:units"), {"year": year}).content.decode()
    framework = InternalFramework.objects.get(province=da_nang, year=year)
    admin_client = type(client)()
    admin_client.force_login(get_user_model().objects.get(username="dn.admin"))
    url = reverse("admin:reporting_internalframework_change", args=[framework.pk])
    data = {
        "province": da_nang.pk,
        "year": year,
        "decision": "Quyết định 99/QĐ-UBND",
        "is_published": "",
    }
    for formset in admin_client.get(url).context["inline_admin_formsets"]:
        # no inline row posted: the criteria and bands stay as they are
        data[f"{formset.formset.prefix}-TOTAL_FORMS"] = 0
        data[f"{formset.formset.prefix}-INITIAL_FORMS"] = 0
    with django_capture_on_commit_callbacks(execute=True):  # the bump runs after the commit
        response = admin_client.post(url, data)
    assert response.status_code == 302
    page = client.get(reverse("dashboards:units"), {"year": year}).content.decode()
    assert "Quyết định 99/QĐ-UBND" in page
