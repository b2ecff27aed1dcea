"""CSV / Excel import: a bad file lists its errors per row and imports nothing."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.models import FieldTarget, NationalResult, Plan

pytestmark = pytest.mark.django_db


def _format_choice(client, url: str, extension: str) -> str:
    form = client.get(url).context["form"]
    for value, label in form.fields["format"].choices:
        if label.lower() == extension:
            return value
    raise AssertionError(f"no {extension} format offered")


def _upload(client, url: str, name: str, content: bytes, extension: str):
    return client.post(
        url,
        {
            "import_file": SimpleUploadedFile(name, content),
            "format": _format_choice(client, url, extension),
        },
    )


def test_good_excel_file_replaces_synthetic_figures(client, superuser):
    """The admin's Import page: preview (nothing written), then confirm."""
    client.force_login(superuser)
    synthetic = NationalResult.objects.get(year=2020, province__code="quang-nam")
    assert synthetic.is_synthetic
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["year", "province", "index_pct", "rank", "source"])
    sheet.append([2020, "Quảng Nam", 84.1, synthetic.rank, "MoHA table 2021"])
    buffer = io.BytesIO()
    book.save(buffer)
    url = reverse("admin:indicators_nationalresult_import")
    response = client.post(
        url, {"file": SimpleUploadedFile("moha.xlsx", buffer.getvalue()), "action": "preview"}
    )
    assert response.status_code == 200
    report = response.context["report"]
    assert report.ok and report.counts["replaces_synthetic"] == 1
    assert "thay thế số liệu giả lập" in response.content.decode()
    from reporting.models import Period

    stale = Period.objects.filter(dirty_since__isnull=False)
    assert not stale.exists()  # the preview changed nothing
    synthetic.refresh_from_db()
    assert synthetic.is_synthetic
    response = client.post(url, {"action": "confirm"})
    assert response.status_code == 302
    # the import marked stale every month whose gap or last rank reads 2020's results
    assert stale.filter(province__code="quang-nam", month__year=2021).count() == 5
    assert not stale.filter(month__year__lte=2020).exists()
    synthetic.refresh_from_db()
    assert synthetic.index_pct == Decimal("84.10")
    assert synthetic.is_synthetic is False
    assert synthetic.status == "reported"
    assert (synthetic.imported_from, synthetic.imported_by) == ("moha.xlsx", superuser)
    assert synthetic.imported_at is not None


def test_province_admin_cannot_import_results(client, qn_province_admin):
    client.force_login(qn_province_admin)
    response = client.get(reverse("admin:indicators_nationalresult_import"))
    assert response.status_code == 403


def test_province_admin_imports_only_their_own_plan_targets(client, qn_province_admin):
    client.force_login(qn_province_admin)
    url = reverse("admin:indicators_fieldtarget_import")
    plan = Plan.objects.get(number="5442/KH-UBND")
    content = (
        b"province,plan,field,best_rank,min_pct,note\n"
        b"quang-nam,5442/KH-UBND,procedures,8,,revised\n"
        b"an-giang,DEMO-AG-2021,procedures,3,,not mine\n"
    )
    response = _upload(client, url, "targets.csv", content, "csv")
    result = response.context["result"]
    assert result.has_validation_errors()
    assert [row.number for row in result.invalid_rows] == [2]
    assert "chỉ được nhập" in response.content.decode()
    assert FieldTarget.objects.get(plan=plan, field__code="procedures").best_rank == 10
    assert not FieldTarget.objects.filter(plan__number="DEMO-AG-2021").exists()


def test_export_of_plan_targets_is_scoped(client, qn_province_admin):
    client.force_login(qn_province_admin)
    url = reverse("admin:indicators_fieldtarget_export")
    form = client.get(url).context["form"]
    csv_choice = next(v for v, label in form.fields["format"].choices if label.lower() == "csv")
    data = {"format": csv_choice, "resource": ""}
    for name in form.fields:
        if name.startswith("fieldtargetresource_"):
            data[name] = "on"
    response = client.post(url, data)
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert "5442/KH-UBND" in body
    assert "DEMO-AG-2021" not in body
