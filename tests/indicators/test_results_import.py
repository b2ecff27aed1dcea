"""The one import of published results, through the command and the admin page: the files
officials have (tests/indicators/files/, built by build.py), every bad row named in Vietnamese,
all or nothing, field results in points or % of the maximum, and mutated files that never
cause a server error."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indicators.models import FieldResult, NationalResult
from indicators.services.results_import import FIELD, province_key, results_import
from tests.indicators.files.build import FILES

pytestmark = pytest.mark.django_db
HERE = Path(__file__).parent / "files"
GOOD = [
    "chi-so-cchc-2023-windows.csv",
    "chi-so-cchc-2023-bom.csv",
    "par-2023-nfd.csv",
    "bnv-chi-so-cchc-2023.xlsx",
]
EXPECTED_2023 = {
    "quang-ninh": (Decimal("91.25"), 1),
    "hai-phong": (Decimal("90.24"), 2),
    "ho-chi-minh-city": (Decimal("89.11"), 5),
    "da-nang": (Decimal("88.02"), 18),
    "quang-nam": (Decimal("84.60"), 56),
}


def test_the_committed_fixtures_are_what_build_py_makes():
    for name, build in FILES.items():
        if name.endswith(".csv"):  # an XLSX carries its creation time
            assert (HERE / name).read_bytes() == build(), f"run python {HERE / 'build.py'}"


def _figures(year=2023):
    return {
        r.province.code: (r.index_pct, r.rank)
        for r in NationalResult.objects.filter(year=year, province__code__in=EXPECTED_2023)
    }


@pytest.mark.parametrize("name", GOOD)
def test_each_real_world_file_imports_through_the_command(name):
    out = StringIO()
    call_command("import_results", str(HERE / name), "--dry-run", stdout=out)
    assert "Xem trước năm 2023, chưa nhập gì" in out.getvalue()
    assert _figures() != EXPECTED_2023  # the dry run wrote nothing
    call_command("import_results", str(HERE / name), "--user", "admin", stdout=out)
    assert "Đã nhập năm 2023" in out.getvalue()
    assert _figures() == EXPECTED_2023
    row = NationalResult.objects.get(year=2023, province__code="da-nang")
    assert (row.is_synthetic, row.status, row.imported_from) == (False, "reported", name)
    assert row.imported_by.username == "admin" and row.imported_at is not None


def test_the_windows_file_really_is_windows_1258_and_decomposed():
    raw = (HERE / "chi-so-cchc-2023-windows.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "Qua\u0309ng" in raw.decode("cp1258")  # the tone mark is a combining character


def test_names_match_with_or_without_prefixes_and_diacritics():
    keys = {province_key(n) for n in ["Tỉnh Quảng Nam", "quang nam", "Quảng Nam", "QUẢNG NAM"]}
    assert keys == {"quangnam"}
    assert province_key("TP. Hồ Chí Minh") == province_key("Thành phố Hồ Chí Minh")


def _admin_preview(client, name: str, content: bytes, **data):
    url = reverse("admin:indicators_nationalresult_import")
    return client.post(
        url, {"file": SimpleUploadedFile(name, content), "action": "preview", **data}
    )


def test_every_bad_row_is_named_in_vietnamese_and_nothing_is_imported(client, superuser):
    client.force_login(superuser)
    before = NationalResult.objects.count(), _figures()
    response = _admin_preview(
        client, "bad-rows-2023.csv", (HERE / "bad-rows-2023.csv").read_bytes()
    )
    assert response.status_code == 200
    page = response.content.decode()
    for text in [
        "Dòng 3: Không rõ tỉnh “Atlantis”.",
        "Dòng 4: Chỉ số (%): 104,2 nằm ngoài khoảng 0–100.",
        "Dòng 5: Thứ hạng 0 nằm ngoài khoảng 1–63",
        "Dòng 6: Quảng Ninh bị lặp lại (lần đầu ở dòng 2).",
        "Dòng 7: Chỉ số (%) để trống.",
        "Dòng 8: Chỉ số (%): “tám mươi” không phải là số.",
        "Chưa nhập dữ liệu nào",
    ]:
        assert text in page, text
    assert "Traceback" not in page and 'value="confirm"' not in page
    # a confirm without a valid preview imports nothing either
    client.post(reverse("admin:indicators_nationalresult_import"), {"action": "confirm"})
    assert (NationalResult.objects.count(), _figures()) == before


def test_a_province_not_on_that_years_map_is_refused():
    report = results_import(
        content=(HERE / "off-map-2025.csv").read_bytes(), filename="off-map-2025.csv", kind="index"
    )
    assert [p.code for p in report.errors] == ["off_map"]
    assert report.errors[0].params["count"] == 34


def test_ranks_that_disagree_with_the_values_are_a_warning_not_an_error():
    content = "Tỉnh;Chỉ số;Xếp hạng\nQuảng Ninh;91,25;2\nHải Phòng;90,24;1\n".encode()
    report = results_import(content=content, filename="2023.csv", kind="index")
    assert report.ok and [w.code for w in report.warnings] == ["rank_order"]


def test_the_year_comes_from_the_form_when_the_file_has_none(client, superuser):
    client.force_login(superuser)
    content = "Tỉnh;Chỉ số;Xếp hạng\nQuảng Ninh;91,25;1\n".encode()
    page = _admin_preview(client, "bang.csv", content).content.decode()
    assert "Tệp và tên tệp đều không ghi năm" in page
    response = _admin_preview(client, "bang.csv", content, year="2023")
    assert response.context["report"].ok and response.context["report"].year == 2023


def test_field_results_in_points_or_percent_are_converted_when_the_maximum_is_known():
    # scheme 2948 (PAR 2017): field 3 has a maximum of 14.5 points
    content = "Tỉnh, thành phố;Điểm;Xếp hạng\nQuảng Ninh;13,05;1\n".encode()
    report = results_import(
        content=content, filename="lv3-2017.csv", kind=FIELD, field_code="3", dry_run=False
    )
    assert report.ok, [p.text for p in report.errors]
    row = FieldResult.objects.get(year=2017, province__code="quang-ninh", field__number=3)
    assert (row.points, row.pct_of_max) == (Decimal("13.05"), Decimal("90.00"))
    content = "Tỉnh;Tỷ lệ (%);Xếp hạng\nHải Phòng;80;2\n".encode()
    results_import(
        content=content, filename="2017.csv", kind=FIELD, field_code="procedures", dry_run=False
    )
    row = FieldResult.objects.get(year=2017, province__code="hai-phong", field__code="procedures")
    assert (row.points, row.pct_of_max) == (Decimal("11.60"), Decimal("80.00"))


def test_field_results_whose_maximum_is_unknown_are_stored_as_given_and_said_so():
    content = "Tỉnh;Tỷ lệ (%);Xếp hạng\nHải Phòng;80;2\n".encode()
    report = results_import(
        content=content, filename="2023.csv", kind=FIELD, field_code="procedures", dry_run=False
    )
    assert report.ok and [w.code for w in report.warnings] == ["max_unknown"]
    row = FieldResult.objects.get(year=2023, province__code="hai-phong", field__code="procedures")
    assert (row.points, row.pct_of_max) == (None, Decimal("80"))


def test_points_over_the_maximum_are_refused():
    content = "Tỉnh;Điểm\nQuảng Ninh;15\n".encode()
    report = results_import(content=content, filename="2017.csv", kind=FIELD, field_code="3")
    assert [p.code for p in report.errors] == ["points_over_max"]


def test_the_command_refuses_a_bad_file_with_every_reason():
    out = StringIO()
    with pytest.raises(CommandError, match="Không có dữ liệu nào được nhập"):
        call_command("import_results", str(HERE / "bad-rows-2023.csv"), stdout=out)
    assert out.getvalue().count("Dòng ") == 6


VALID = (HERE / "chi-so-cchc-2023-bom.csv").read_bytes().decode("utf-8-sig").splitlines()
CELLS = [line.split(";") for line in VALID]


@st.composite
def mutated(draw):
    rows = [list(r) for r in CELLS]
    for _ in range(draw(st.integers(1, 4))):
        what = draw(st.sampled_from(["drop_cell", "duplicate_row", "garble", "drop_row", "blank"]))
        r = draw(st.integers(0, len(rows) - 1))
        if what == "drop_cell" and rows[r]:
            rows[r].pop(draw(st.integers(0, len(rows[r]) - 1)))
        elif what == "duplicate_row":
            rows.insert(r, list(rows[r]))
        elif what == "drop_row" and len(rows) > 1:
            rows.pop(r)
        elif rows[r]:
            c = draw(st.integers(0, len(rows[r]) - 1))
            rows[r][c] = "" if what == "blank" else draw(st.text(max_size=12))
    return "\n".join(";".join(r) for r in rows).encode("utf-8")


@settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(content=mutated())
def test_mutated_files_never_crash_and_a_refusal_changes_nothing(client, superuser, content):
    client.force_login(superuser)
    before = NationalResult.objects.count(), _figures()
    response = _admin_preview(client, "chi-so-cchc-2023.csv", content)
    assert response.status_code == 200
    report = response.context["report"]
    if not report.ok:
        response = client.post(
            reverse("admin:indicators_nationalresult_import"), {"action": "confirm"}
        )
        assert response.status_code in (200, 302)
        assert (NationalResult.objects.count(), _figures()) == before


def test_national_statistics_import_through_the_same_service(client, superuser):
    from indicators.models import NationalStatistic

    client.force_login(superuser)
    content = "Chỉ tiêu;Giá trị\nprovinces_average_pct;85,91\nannounced_on;03/2025\n".encode()
    url = reverse("admin:indicators_nationalstatistic_import")
    response = client.post(
        url, {"file": SimpleUploadedFile("thong-ke-2024.csv", content), "action": "preview"}
    )
    assert response.context["report"].ok, [p.text for p in response.context["report"].errors]
    assert client.post(url, {"action": "confirm"}).status_code == 302
    average = NationalStatistic.objects.get(year=2024, metric="provinces_average_pct")
    assert (average.value, average.number, average.status) == (
        "85,91",
        Decimal("85.91"),
        "reported",
    )
    assert average.imported_by == superuser and average.imported_from == "thong-ke-2024.csv"
    text = NationalStatistic.objects.get(year=2024, metric="announced_on")
    assert (text.value, text.number) == ("03/2025", None)
    bad = "Chỉ tiêu;Giá trị\nx;1\nx;2\n;3\n".encode()
    report = results_import(content=bad, filename="2024.csv", kind="statistics")
    assert [p.code for p in report.errors] == ["duplicate", "no_metric"]
