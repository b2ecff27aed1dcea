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


def _confirm(client, response):
    confirm = response.context["confirm_form"]
    data = {name: field.initial for name, field in confirm.fields.items()}
    data.update(confirm.initial)
    return client.post(reverse("admin:indicators_nationalresult_process_import"), data)


CSV_HEADER = "year,province,index_pct,rank,source\n"


def test_bad_row_lists_errors_and_imports_nothing(client, superuser):
    client.force_login(superuser)
    before = list(NationalResult.objects.filter(year=2020).values_list("province", "index_pct"))
    url = reverse("admin:indicators_nationalresult_import")
    content = (
        CSV_HEADER
        + "2020,Quang Nam,84.10,30,MoHA 2021\n"
        + "2020,Atlantis,80.00,31,MoHA 2021\n"  # unknown province
        + "2020,An Giang,180.5,12,MoHA 2021\n"  # not a percentage
    ).encode()
    response = _upload(client, url, "moha.csv", content, "csv")
    assert response.status_code == 200
    result = response.context["result"]
    assert result.has_validation_errors()
    invalid = {row.number: row for row in result.invalid_rows}
    assert set(invalid) == {2, 3}
    page = response.content.decode()
    assert "Atlantis" in page
    assert "Không rõ tỉnh" in page  # our message, in Vietnamese
    assert "100" in str(invalid[3].error_dict)
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    after = list(NationalResult.objects.filter(year=2020).values_list("province", "index_pct"))
    assert after == before


def test_good_excel_file_replaces_synthetic_figures(client, superuser):
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
    response = _upload(client, url, "moha.xlsx", buffer.getvalue(), "xlsx")
    assert response.status_code == 200
    assert not response.context["result"].has_errors()
    assert not response.context["result"].has_validation_errors()
    from reporting.models import Period

    stale = Period.objects.filter(dirty_since__isnull=False)
    assert not stale.exists()  # the preview changed nothing
    response = _confirm(client, response)
    assert response.status_code == 302
    # the import marked stale every month whose gap or last rank reads 2020's results
    assert stale.filter(province__code="quang-nam", month__year=2021).count() == 5
    assert not stale.filter(month__year__lte=2020).exists()
    synthetic.refresh_from_db()
    assert synthetic.index_pct == Decimal("84.10")
    assert synthetic.is_synthetic is False
    assert synthetic.status == "reported"


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
