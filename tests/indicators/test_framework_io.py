"""A scheme's criteria tree in and out, as the Ministry's annex: validated like the admin
forms, all or nothing, and an export that imports back to the same tree (the round trip)."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import Criterion, Field, Methodology
from indicators.services.framework_io import framework_export, framework_import

pytestmark = pytest.mark.django_db

FIELD_MAX = ["9.5", "10", "15", "10", "12", "10", "13.5", "20"]  # test values summing to 100


def annex(*, total="100", first="2025", last="", code="qd1187", tweak=None) -> bytes:
    """A 1187-like annex: title, the scheme's facts, a header, eight fields, criteria and
    sub-criteria (test values, not the real scheme's)."""
    book = openpyxl.Workbook()
    sheet = book.active
    rows = [
        ["PHỤ LỤC: BỘ CHỈ SỐ CẢI CÁCH HÀNH CHÍNH CẤP TỈNH"],
        ["Quyết định", "1187/QĐ-BNV"],
        ["Mã bộ chỉ số", code],
        ["Cấp", "tỉnh"],
        ["Áp dụng từ năm", first],
        ["Đến năm", last],
        ["Tổng điểm", total],
        ["Điểm điều tra xã hội học", "32"],
        [],
        ["Mã", "Nội dung", "Tên tiếng Anh", "Mã lĩnh vực", "Điểm tối đa", "Cách chấm"],
    ]
    for number, maximum in enumerate(FIELD_MAX, start=1):
        rows.append([str(number), f"Lĩnh vực {number}", f"Field {number}", "", maximum, ""])
        rows.append([f"{number}.1", f"Tiêu chí {number}.1", "", "", "4", "thẩm định"])
        rows.append(
            [f"{number}.1.1", f"Tiêu chí thành phần {number}.1.1", "", "", "2.5", "thẩm định"]
        )
        rows.append(
            [f"{number}.1.2", f"Tiêu chí thành phần {number}.1.2", "", "", "1.5", "điều tra"]
        )
        rows.append([f"{number}.2", f"Tiêu chí {number}.2", "", "", "3", "điều tra"])
    if tweak:
        tweak(rows)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tree(code="qd1187"):
    scheme = Methodology.objects.get(code=code)
    fields = [
        (f.number, f.code, f.name_vi, f.name_en, f.max_points)
        for f in scheme.fields.order_by("number")
    ]
    criteria = sorted(
        (c.code, c.parent.code if c.parent else "", c.name_vi, c.max_points, c.scoring)
        for c in Criterion.objects.filter(field__methodology=scheme).select_related("parent")
    )
    facts = (
        scheme.decision,
        scheme.first_year,
        scheme.last_year,
        scheme.total_points,
        scheme.survey_points,
        scheme.n_criteria,
        scheme.n_subcriteria,
        [(f.n_criteria, f.n_subcriteria, f.note) for f in scheme.fields.order_by("number")],
    )
    return facts, fields, criteria


def cells(content: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def test_a_scheme_imports_and_its_export_imports_back_to_the_same_tree():
    preview = framework_import(content=annex(), filename="1187.xlsx")
    assert preview.ok, [p.text for p in preview.errors]
    assert (len(preview.fields), preview.n_criteria, preview.n_subcriteria) == (8, 16, 16)
    # a dry run leaves the demo's illustrative tree as it was
    illustrative = set(
        Criterion.objects.filter(field__methodology__code="qd1187").values_list("pk", flat=True)
    )
    assert illustrative and Methodology.objects.get(code="qd1187").is_illustrative
    assert framework_import(content=annex(), filename="1187.xlsx", dry_run=False).ok
    # the real tree replaces it, with the self-scores made against its invented maxima
    scheme = Methodology.objects.get(code="qd1187")
    assert not scheme.is_illustrative
    assert not Criterion.objects.filter(pk__in=illustrative).exists()
    first = tree()
    assert first[1][0] == (1, "directing", "Lĩnh vực 1", "Field 1", Decimal("9.50"))
    assert ("1.1.2", "1.1", "Tiêu chí thành phần 1.1.2", Decimal("1.50"), "survey") in first[2]
    exported = framework_export(Methodology.objects.get(code="qd1187"))
    assert framework_import(content=exported, filename="again.xlsx", dry_run=False).ok
    assert tree() == first  # the round trip changes nothing
    assert cells(framework_export(Methodology.objects.get(code="qd1187"))) == cells(exported)


@pytest.mark.parametrize(
    "tweak, expected",
    [
        (lambda rows: rows[11].__setitem__(4, "3.5"), "over_parent"),  # 1.1: 3.5 + 1.5 > 4
        (lambda rows: rows[10].__setitem__(4, "12"), "total"),  # fields add up to 102.5
        (lambda rows: rows[11].__setitem__(0, "1.x"), "bad_code"),
        (lambda rows: rows.append(["9.3.1", "mồ côi", "", "", "1", ""]), "no_parent"),
        (lambda rows: rows.append(["1.1", "trùng", "", "", "1", ""]), "duplicate"),
        (lambda rows: rows[12].__setitem__(4, "nhiều"), "bad_points"),
    ],
)
def test_each_mistake_is_named_and_nothing_is_imported(tweak, expected):
    before = tree("qd876")
    report = framework_import(
        content=annex(code="qd876", first="2022", last="2023", tweak=tweak),
        filename="bad.xlsx",
        dry_run=False,
    )
    assert expected in [p.code for p in report.errors]
    assert all(p.text for p in report.errors)
    assert tree("qd876") == before


def test_years_that_overlap_another_scheme_are_refused():
    report = framework_import(
        content=annex(code="new-scheme", first="2023", last="2024"), filename="x.xlsx"
    )
    assert [p.code for p in report.errors] == ["overlap"]
    assert "876/QĐ-BNV" in report.errors[0].text


def test_the_admin_previews_confirms_and_exports(client, superuser):
    client.force_login(superuser)
    url = reverse("admin:indicators_methodology_import_framework")
    response = client.post(
        url, {"file": SimpleUploadedFile("1187.xlsx", annex()), "action": "preview"}
    )
    page = response.content.decode()
    assert response.context["report"].ok and "16 tiêu chí thành phần" in page
    assert client.post(url, {"action": "confirm"}).status_code == 302
    scheme = Methodology.objects.get(code="qd1187")
    assert Field.objects.get(methodology=scheme, number=8).max_points == Decimal("20")
    export = client.get(reverse("admin:indicators_methodology_export_framework", args=[scheme.pk]))
    assert export.status_code == 200
    assert cells(export.content)[0] == ("Quyết định", "1187/QĐ-BNV", None, None, None, None)


def test_a_province_admin_cannot_import_a_scheme(client, qn_province_admin):
    client.force_login(qn_province_admin)
    response = client.get(reverse("admin:indicators_methodology_import_framework"))
    assert response.status_code == 403


def test_the_commands_export_and_reimport_a_bundled_scheme(tmp_path):
    from io import StringIO

    from django.core.management import call_command

    target = tmp_path / "khung.xlsx"
    call_command("export_framework", "qd2948", "-o", str(target), stdout=StringIO())
    before = tree("qd2948")
    out = StringIO()
    call_command("import_framework", str(target), stdout=out)
    assert "Đã nhập bộ chỉ số 2948/QĐ-BNV: 8 lĩnh vực" in out.getvalue()
    assert tree("qd2948") == before


def test_a_reimport_that_drops_a_scored_sub_criterion_is_refused_and_changes_nothing():
    """A real tree is updated in place; a sub-criterion that holds self-assessment scores
    cannot silently disappear with an import."""
    from indicators.models import Province
    from reporting.models import Period, SelfAssessment, SelfScore

    assert framework_import(content=annex(), filename="1187.xlsx", dry_run=False).ok
    scored = Criterion.objects.get(field__methodology__code="qd1187", code="1.1.1")
    da_nang = Province.objects.get(code="da-nang-2025")
    period = Period.objects.filter(province=da_nang).order_by("-month").first()
    assessment = SelfAssessment.objects.create(
        period=period, unit=da_nang.units.get(code="hai-chau")
    )
    SelfScore.objects.create(assessment=assessment, criterion=scored, score=Decimal("2"))
    before = tree()

    def drop(rows):
        rows.remove(next(r for r in rows if r and r[0] == "1.1.1"))

    report = framework_import(
        content=annex(tweak=drop), filename="without-1.1.1.xlsx", dry_run=False
    )
    assert [p.code for p in report.errors] == ["in_use"]
    assert "1.1.1" in report.errors[0].text
    assert tree() == before  # rolled back: nothing changed
    assert SelfScore.objects.filter(criterion=scored).exists()
    assert SelfAssessment.objects.filter(pk=assessment.pk).exists()
