"""The one import of published results: the admin's Import page and `manage.py import_results`
both call `results_import`, and both show its report.

It reads what officials have (indicators.services.tables), matches the columns by a table of
synonyms (Vietnamese or English, with or without diacritics), resolves provinces against the
map of that year (63 up to 2024, 34 from 2025), and validates every row. All or nothing: one
bad row imports nothing, and every problem is named with its line. Problems are stored as codes
with parameters and worded in the reader's language when shown.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.hooks import objects_changed
from indicators.models import Field, FieldResult, NationalResult, NationalStatistic, Province
from indicators.selectors import methodology_for_year
from indicators.services.tables import TableError, folded, number, table_read

INDEX, FIELD, STATS = "index", "field", "statistics"
HUNDRED = Decimal(100)

# Column synonyms, folded (no diacritics, lower case). A header cell matches a column when its
# folded text, without a year ("năm 2023") or a trailing "(%)", is one of these.
SYNONYMS = {
    "province": {
        "tinh",
        "tinh thanh pho",
        "tinh tp",
        "tinh thanh",
        "dia phuong",
        "ten tinh",
        "ten dia phuong",
        "don vi",
        "province",
        "provinces",
        "province city",
        "locality",
        "code",
        "ma tinh",
    },
    "year": {"nam", "year"},
    "index_pct": {
        "chi so",
        "chi so cchc",
        "chi so cai cach hanh chinh",
        "chi so par",
        "par index",
        "index",
        "index pct",
        "ket qua",
        "ket qua chi so",
        "diem chi so",
        "diem %",
        "gia tri",
    },
    "rank": {"xep hang", "thu hang", "hang", "vi tri", "rank", "ranking"},
    "total_score": {"tong diem", "total score", "diem tong", "tong diem dat"},
    "group": {"nhom", "group", "xep nhom"},
    "points": {"diem", "diem dat", "diem so", "points", "score", "diem linh vuc"},
    "pct_of_max": {
        "ty le",
        "ty le %",
        "ty le diem",
        "ty le so voi diem toi da",
        "% diem toi da",
        "% of max",
        "pct of max",
        "percent of max",
        "%",
    },
    "field": {"linh vuc", "ma linh vuc", "field", "field code"},
    "metric": {"chi tieu", "ten chi tieu", "ma chi tieu", "metric"},
    "value": {"so lieu", "value", "gia tri cong bo"},
    "ignore": {"stt", "tt", "so tt", "no", "#"},
}
NEEDED = {INDEX: ("index_pct", "rank"), FIELD: ("points", "pct_of_max", "rank"), STATS: ("value",)}
KEY = {INDEX: "province", FIELD: "province", STATS: "metric"}
PROVINCE_PREFIXES = ("thanh pho ", "tp ", "t p ", "tinh ", "city of ")
PROVINCE_SUFFIXES = (" province", " city")


@dataclass
class Problem:
    """One problem, worded when shown (`text`)."""

    code: str
    line: int | None = None
    params: dict = dataclass_field(default_factory=dict)

    @property
    def text(self) -> str:
        p = self.params
        words = {
            "too_big": _("The file is larger than %(mb)s MB."),
            "empty": _("The file is empty."),
            "unreadable": _("The file cannot be read as a spreadsheet or a CSV table."),
            "no_header": _(
                "No header row found: the table needs a province column and a value column "
                "(for example “Tỉnh, thành phố; Chỉ số CCHC (%%); Xếp hạng”)."
            ),
            "no_year": _(
                "The year is neither in the file nor in its name: choose the year of the results."
            ),
            "bad_year": _("“%(value)s” is not a year of results."),
            "no_scheme": _("No PAR scheme covers %(year)s."),
            "no_field": _("Choose the field these results are for, or add a “Lĩnh vực” column."),
            "unknown_field": _("Unknown field “%(value)s”."),
            "no_province": _("The province is empty."),
            "no_metric": _("The statistic's name (“Chỉ tiêu”) is empty."),
            "unknown_province": _("Unknown province “%(value)s”."),
            "off_map": _(
                "“%(value)s” was not a province on the map of %(year)s "
                "(%(count)s provinces that year)."
            ),
            "duplicate": _("%(province)s is listed twice (first on line %(first)s)."),
            "empty_value": _("%(column)s is empty."),
            "not_a_number": _("%(column)s: “%(value)s” is not a number."),
            "out_of_range": _("%(column)s: %(value)s is outside %(low)s–%(high)s."),
            "bad_rank": _("Rank %(value)s is outside 1–%(count)s (provinces on that year's map)."),
            "rank_order": _(
                "The ranks disagree with the values: %(better)s has a higher value than "
                "%(worse)s but a lower rank."
            ),
            "max_unknown": _(
                "The maximum points of field %(field)s in this scheme are unknown: only the "
                "figure given is stored, nothing is converted."
            ),
            "points_over_max": _("%(value)s points exceed the field's maximum of %(max)s."),
            "disagree": _(
                "The points (%(points)s) and the %% of the maximum (%(pct)s) disagree "
                "(maximum %(max)s)."
            ),
        }
        text = words.get(self.code, self.code) % p
        if self.line:
            return _("Line %(line)s: %(text)s") % {"line": self.line, "text": text}
        return text


LABELS = {
    # xgettext:no-python-format
    "index_pct": gettext_lazy("Index (%)"),
    "total_score": gettext_lazy("Total score"),
    "points": gettext_lazy("Points"),
    # xgettext:no-python-format
    "pct_of_max": gettext_lazy("% of maximum"),
    "rank": gettext_lazy("Rank"),
    "group": gettext_lazy("Group"),
    "value": gettext_lazy("Value"),
}


@dataclass
class Row:
    line: int
    province: Province | None  # None for a national statistic
    values: dict
    action: str = ""  # new, updated, unchanged, replaces_synthetic

    ACTIONS = {
        "new": gettext_lazy("new"),
        "updated": gettext_lazy("updated"),
        "unchanged": gettext_lazy("unchanged"),
        "replaces_synthetic": gettext_lazy("replaces a synthetic figure"),
    }

    @property
    def figures(self) -> list[tuple[str, object]]:
        return [(LABELS[k], v) for k, v in self.values.items() if k in LABELS]


@dataclass
class ImportReport:
    kind: str
    year: int | None
    filename: str
    dry_run: bool
    field: Field | None = None
    rows: list[Row] = dataclass_field(default_factory=list)
    errors: list[Problem] = dataclass_field(default_factory=list)
    warnings: list[Problem] = dataclass_field(default_factory=list)
    imported: bool = False
    province_count: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {a: self.count(a) for a in Row.ACTIONS}


def year_from_name(filename: str) -> int | None:
    found = re.findall(r"(?<!\d)(20\d\d)(?!\d)", filename)
    return int(found[-1]) if found else None


def results_import(
    *,
    content: bytes,
    filename: str,
    kind: str,
    year: int | None = None,
    field_code: str | None = None,
    user=None,
    dry_run: bool = True,
) -> ImportReport:
    report = ImportReport(kind=kind, year=year, filename=filename, dry_run=dry_run)
    try:
        table = table_read(content)
    except TableError as error:
        report.errors.append(Problem(error.code, params=error.params))
        return report
    header_at, columns = _header(table.rows, kind)
    if header_at is None:
        report.errors.append(Problem("no_header"))
        return report
    body = [(line, cells) for line, cells in table.rows if line > header_at]
    report.year = year or _year_in_rows(body, columns) or year_from_name(filename)
    if report.year is None:
        report.errors.append(Problem("no_year"))
        return report
    if not 2000 <= report.year <= 2100:
        report.errors.append(Problem("bad_year", params={"value": report.year}))
        return report
    if kind == FIELD and not _field_of(report, field_code, columns):
        return report
    if kind == STATS:
        _stat_rows(report, body, columns)
    else:
        _rows(report, body, columns)
    if report.errors:
        return report
    if kind != STATS:
        _rank_order(report)
    _actions(report)
    if not dry_run:
        _write(report, user=user)
    return report


def _column_of(label: str) -> str | None:
    key = re.sub(r"\b(nam )?(19|20)\d\d\b", " ", folded(label))
    key = " ".join(key.split())
    if key != "%":
        key = re.sub(r"\s*%$", "", key)
    for column, words in SYNONYMS.items():
        if key in words:
            return column
    return None


def _header(rows, kind) -> tuple[int | None, dict[str, int]]:
    """The first row (of the first 15) that names a province column and a value column. A
    second header row right below it (the Ministry's merged header cells: "Chỉ số CCHC năm
    2023" above "Chỉ số (%)" and "Xếp hạng") refines the columns it names."""
    for index, (line, cells) in enumerate(rows[:15]):
        columns = _columns(cells, kind)
        if KEY[kind] not in columns or not any(c in columns for c in NEEDED[kind]):
            continue
        if index + 1 < len(rows):
            below_line, below = rows[index + 1]
            refined = _columns(below, kind)
            if refined and not _looks_like_data(below):
                for name, position in refined.items():
                    columns = {k: v for k, v in columns.items() if v != position}
                    columns[name] = position
                line = below_line
        return line, columns
    return None, {}


def _columns(cells: list[str], kind: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, cell in enumerate(cells):
        name = _column_of(cell) if cell else None
        if kind == INDEX and name == "points":
            name = "index_pct"  # "Điểm (%)" in an index table is the index
        if kind == STATS and name == "index_pct":
            name = "value"  # "Giá trị" in a table of statistics
        if name and name != "ignore" and name not in columns:
            columns[name] = position
    return columns


def _looks_like_data(cells: list[str]) -> bool:
    numeric = 0
    for cell in cells:
        with contextlib.suppress(ValueError):
            numeric += number(cell) is not None
    return numeric >= 2


def _cell(cells: list[str], columns: dict[str, int], name: str) -> str | None:
    position = columns.get(name)
    if position is None:
        return None
    return cells[position].strip() if position < len(cells) else ""


def _year_in_rows(body, columns) -> int | None:
    for _line, cells in body:
        value = _cell(cells, columns, "year")
        if value and value.isdigit():
            return int(value)
    return None


def _field_of(report: ImportReport, field_code: str | None, columns) -> bool:
    scheme = methodology_for_year(report.year)
    if scheme is None:
        report.errors.append(Problem("no_scheme", params={"year": report.year}))
        return False
    if field_code:
        found = _field_by(scheme, field_code)
        if found is None:
            report.errors.append(Problem("unknown_field", params={"value": field_code}))
            return False
        report.field = found
        return True
    if "field" not in columns:
        report.errors.append(Problem("no_field"))
        return False
    return True


def _field_by(scheme, value: str) -> Field | None:
    value = value.strip()
    for candidate in scheme.fields.all():
        if value in (candidate.code, str(candidate.number)) or folded(value) == folded(
            candidate.name_vi
        ):
            return candidate
    return None


def province_key(name: str) -> str:
    key = folded(name)
    for prefix in PROVINCE_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
    for suffix in PROVINCE_SUFFIXES:
        if key.endswith(suffix):
            key = key[: -len(suffix)]
    return key.replace(" ", "")


def _province_index(year: int) -> tuple[dict[str, Province], dict[str, Province], int]:
    """(names on that year's map, names of any year, how many provinces that year)."""
    on_map = list(Province.objects.valid_on(dt.date(year, 12, 31)))
    every = list(Province.objects.all())

    def index(provinces):
        names = {}
        for p in provinces:
            for name in (p.code, p.name_vi, p.name_en, p.gso_code):
                if name:
                    names.setdefault(province_key(name), p)
        return names

    return index(on_map), index(every), len(on_map)


def _rows(report: ImportReport, body, columns) -> None:
    on_map, every, count = _province_index(report.year)
    report.province_count = count
    scheme = methodology_for_year(report.year) if report.kind == FIELD else None
    seen: dict[tuple, int] = {}
    for line, cells in body:
        name = _cell(cells, columns, "province") or ""
        if not name and not any(c for i, c in enumerate(cells) if i != columns.get("province")):
            continue
        if not name:
            report.errors.append(Problem("no_province", line))
            continue
        key = province_key(name)
        province = on_map.get(key)
        if province is None:
            if key in every:
                report.errors.append(
                    Problem("off_map", line, {"value": name, "year": report.year, "count": count})
                )
            else:
                report.errors.append(Problem("unknown_province", line, {"value": name}))
            continue
        the_field = report.field
        if report.kind == FIELD and the_field is None:
            the_field = _field_by(scheme, _cell(cells, columns, "field") or "")
            if the_field is None:
                report.errors.append(
                    Problem("unknown_field", line, {"value": _cell(cells, columns, "field")})
                )
                continue
        identity = (province.pk, the_field.pk if the_field else None)
        if identity in seen:
            report.errors.append(
                Problem("duplicate", line, {"province": province.name_vi, "first": seen[identity]})
            )
            continue
        seen[identity] = line
        values = _values(report, line, cells, columns, count, the_field)
        if values is not None:
            report.rows.append(Row(line, province, values))


def _values(report, line, cells, columns, count, the_field) -> dict | None:
    labels = LABELS
    ranges = {"index_pct": (0, 100), "pct_of_max": (0, 100), "points": (0, 100)}
    values: dict = {}
    ok = True
    for name in ("index_pct", "total_score", "points", "pct_of_max", "rank"):
        text = _cell(cells, columns, name)
        if text is None:
            continue
        try:
            value = number(text)
        except ValueError:
            report.errors.append(
                Problem("not_a_number", line, {"column": labels[name], "value": text})
            )
            ok = False
            continue
        if value is None:
            if name in ("index_pct", "points", "pct_of_max", "rank"):
                report.errors.append(Problem("empty_value", line, {"column": labels[name]}))
                ok = False
            continue
        if name == "rank":
            if value != value.to_integral_value() or not 1 <= value <= count:
                report.errors.append(Problem("bad_rank", line, {"value": text, "count": count}))
                ok = False
                continue
            value = int(value)
        elif name in ranges:
            low, high = ranges[name]
            if not low <= value <= high:
                report.errors.append(
                    Problem(
                        "out_of_range",
                        line,
                        {"column": labels[name], "value": text, "low": low, "high": high},
                    )
                )
                ok = False
                continue
        values[name] = value
    group = _cell(cells, columns, "group")
    if group:
        values["group"] = group[:20]
    if report.kind == FIELD and ok:
        ok = _field_units(report, line, values, the_field)
        values["field"] = the_field
    return values if ok else None


def _field_units(report, line, values, the_field: Field) -> bool:
    """Points or % of the field's maximum: the other is computed when the maximum is known."""
    maximum = the_field.max_points
    points, pct = values.get("points"), values.get("pct_of_max")
    if maximum is None:
        if not any(w.code == "max_unknown" for w in report.warnings):
            report.warnings.append(Problem("max_unknown", params={"field": the_field.number}))
        # the other figure is unknown too: an older one must not survive next to the new one
        values.setdefault("points", None)
        values.setdefault("pct_of_max", None)
        return True
    if points is not None and points > maximum:
        report.errors.append(Problem("points_over_max", line, {"value": points, "max": maximum}))
        return False
    if points is not None and pct is not None:
        expected = (points * HUNDRED / maximum).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if abs(expected - pct) > Decimal("0.5"):
            report.errors.append(
                Problem("disagree", line, {"points": points, "pct": pct, "max": maximum})
            )
            return False
    elif points is not None:
        values["pct_of_max"] = (points * HUNDRED / maximum).quantize(Decimal("0.01"), ROUND_HALF_UP)
    elif pct is not None:
        values["points"] = (pct * maximum / HUNDRED).quantize(Decimal("0.01"), ROUND_HALF_UP)
    return True


def _rank_order(report: ImportReport) -> None:
    """A warning (not an error) when a higher value has a worse rank."""
    key = "index_pct" if report.kind == INDEX else "points"
    groups: dict = {}
    for row in report.rows:
        groups.setdefault(row.values.get("field"), []).append(row)
    for rows in groups.values():
        ranked = sorted(
            (r for r in rows if r.values.get(key) is not None and r.values.get("rank")),
            key=lambda r: -r.values[key],
        )
        for better, worse in zip(ranked, ranked[1:], strict=False):
            higher = better.values[key] > worse.values[key]
            if higher and better.values["rank"] > worse.values["rank"]:
                report.warnings.append(
                    Problem(
                        "rank_order",
                        worse.line,
                        {"better": better.province.name_vi, "worse": worse.province.name_vi},
                    )
                )


def _stat_rows(report: ImportReport, body, columns) -> None:
    """National statistics: a metric (e.g. provinces_average_pct) and its published value."""
    seen: dict[str, int] = {}
    for line, cells in body:
        metric = (_cell(cells, columns, "metric") or "").strip()
        value = (_cell(cells, columns, "value") or "").strip()
        if not metric and not value:
            continue
        if not metric:
            report.errors.append(Problem("no_metric", line))
            continue
        if metric in seen:
            report.errors.append(
                Problem("duplicate", line, {"province": metric, "first": seen[metric]})
            )
            continue
        seen[metric] = line
        if not value:
            report.errors.append(Problem("empty_value", line, {"column": LABELS["value"]}))
            continue
        try:
            numeric = number(value)
        except ValueError:
            numeric = None  # a published text ("12/2024"), kept as published
        report.rows.append(
            Row(line, None, {"metric": metric[:80], "value": value[:255], "number": numeric})
        )


def _model(report):
    return {INDEX: NationalResult, FIELD: FieldResult, STATS: NationalStatistic}[report.kind]


def _lookup(report: ImportReport, row: Row) -> dict:
    if report.kind == STATS:
        return {"year": report.year, "metric": row.values["metric"]}
    lookup = {"year": report.year, "province": row.province}
    if report.kind == FIELD:
        lookup["field"] = row.values["field"]
    return lookup


def _key(report: ImportReport, obj_or_row) -> tuple:
    if report.kind == STATS:
        return (
            (obj_or_row.metric,)
            if hasattr(obj_or_row, "metric")
            else (obj_or_row.values["metric"],)
        )
    if isinstance(obj_or_row, Row):
        field = obj_or_row.values.get("field")
        return (obj_or_row.province.pk, field.pk if field else None)
    return (obj_or_row.province_id, getattr(obj_or_row, "field_id", None))


def _actions(report: ImportReport) -> None:
    model = _model(report)
    existing = {_key(report, r): r for r in model.objects.filter(year=report.year)}
    for row in report.rows:
        old = existing.get(_key(report, row))
        if old is None:
            row.action = "new"
        elif getattr(old, "is_synthetic", False):
            row.action = "replaces_synthetic"
        elif all(getattr(old, k) == v for k, v in row.values.items()):
            row.action = "unchanged"
        else:
            row.action = "updated"


@transaction.atomic
def _write(report: ImportReport, *, user) -> None:
    model = _model(report)
    now = timezone.now()
    saved = []
    for row in report.rows:
        if row.action == "unchanged":
            continue
        defaults = {k: v for k, v in row.values.items() if k not in ("field", "metric")}
        defaults.update(
            status="reported",
            source=f"import: {report.filename}",
            imported_from=report.filename[:255],
            imported_by=user if getattr(user, "pk", None) else None,
            imported_at=now,
        )
        if report.kind != STATS:
            defaults["is_synthetic"] = False
        obj, _created = model.objects.update_or_create(**_lookup(report, row), defaults=defaults)
        saved.append(obj)
    objects_changed(sender=results_import, objects=saved)  # statistics: the ranking's cache
    report.imported = True
