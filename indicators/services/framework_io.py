"""A scheme's criteria tree in and out, laid out as the Ministry's annex: a few "label: value"
rows about the scheme (decision, code, level, years, total and survey points), then a table
"Mã | Nội dung | Tên tiếng Anh | Mã lĩnh vực | Điểm tối đa | Cách chấm" where "3" is a field,
"3.1" a criterion and "3.1.2" a sub-criterion. Export writes that layout, so exporting what was
imported gives the same file contents back (the round trip changes nothing).

The import validates like the admin forms: children never exceed their parent, the fields sum
to the scheme's total, the scheme's years don't overlap another scheme of the same level. All
or nothing; problems are codes with parameters, worded when shown.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError, Q
from django.utils.translation import gettext as _

from indicators.hooks import illustrative_tree_replaced
from indicators.models import Criterion, Field, FieldCode, Methodology
from indicators.services.tables import TableError, folded, number, table_read

META = [  # (key, Vietnamese label written on export, folded labels read on import)
    ("decision", "Quyết định", {"quyet dinh", "decision", "bo chi so"}),
    ("code", "Mã bộ chỉ số", {"ma bo chi so", "scheme code", "code"}),
    ("level", "Cấp", {"cap", "level"}),
    ("first_year", "Áp dụng từ năm", {"ap dung tu nam", "nam dau", "first year"}),
    ("last_year", "Đến năm", {"den nam", "nam cuoi", "last year"}),
    ("total_points", "Tổng điểm", {"tong diem", "total points"}),
    ("survey_points", "Điểm điều tra xã hội học", {"diem dieu tra xa hoi hoc", "survey points"}),
]
HEADER = ["Mã", "Nội dung", "Tên tiếng Anh", "Mã lĩnh vực", "Điểm tối đa", "Cách chấm"]
COLUMNS = {
    "code": {"ma", "stt", "ma so", "code", "number"},
    "name_vi": {"noi dung", "ten", "ten tieu chi", "linh vuc tieu chi", "name", "name vi"},
    "name_en": {"ten tieng anh", "name en", "english"},
    "field_code": {"ma linh vuc", "field code", "ma on dinh"},
    "max_points": {"diem toi da", "diem", "max points", "maximum points"},
    "scoring": {"cach cham", "scoring", "scored by"},
}
LEVELS = {"tinh": "province", "province": "province", "bo": "ministry", "ministry": "ministry"}
SCORING = {
    "tham dinh": "appraisal",
    "appraisal": "appraisal",
    "dieu tra": "survey",
    "survey": "survey",
}
SCORING_OUT = {"appraisal": "thẩm định", "survey": "điều tra"}
FIELD_BY_NUMBER = dict(enumerate(FieldCode.values, start=1))
CODE = re.compile(r"^\d+(\.\d+){0,2}$")


@dataclass
class FrameworkProblem:
    code: str
    line: int | None = None
    params: dict = dataclass_field(default_factory=dict)

    @property
    def text(self) -> str:
        words = {
            "unreadable": _("The file cannot be read as a spreadsheet or a CSV table."),
            "empty": _("The file is empty."),
            "too_big": _("The file is larger than %(mb)s MB."),
            "missing_meta": _("The scheme's “%(label)s” is missing above the table."),
            "bad_meta": _("“%(value)s” is not a valid “%(label)s”."),
            "no_header": _(
                "No header row found: the table needs the columns “Mã”, “Nội dung” and "
                "“Điểm tối đa”."
            ),
            "bad_code": _("“%(value)s” is not a code like 3, 3.1 or 3.1.2."),
            "duplicate": _("Code %(value)s appears twice."),
            "no_parent": _("%(value)s has no parent row %(parent)s above it."),
            "no_name": _("%(value)s has no name."),
            "bad_points": _("%(value)s: “%(points)s” is not a number of points."),
            "bad_field_code": _("%(value)s: unknown field code “%(field)s”."),
            "over_parent": _(
                "The parts of %(value)s add up to %(sum)s points, more than its %(max)s."
            ),
            "total": _("The fields add up to %(sum)s points, not the scheme's %(total)s."),
            "overlap": _("Its years overlap another scheme of the same level: %(other)s."),
            "in_use": _(
                "Sub-criteria %(codes)s hold self-assessment scores or locker documents: keep "
                "them in the file (their points may change), or remove those first."
            ),
        }
        text = words.get(self.code, self.code) % self.params
        if self.line:
            return _("Line %(line)s: %(text)s") % {"line": self.line, "text": text}
        return text


@dataclass
class Node:
    line: int
    code: str
    name_vi: str
    name_en: str
    field_code: str
    max_points: Decimal | None
    scoring: str
    children: list[Node] = dataclass_field(default_factory=list)


@dataclass
class FrameworkReport:
    filename: str
    dry_run: bool
    meta: dict = dataclass_field(default_factory=dict)
    fields: list[Node] = dataclass_field(default_factory=list)
    errors: list[FrameworkProblem] = dataclass_field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def n_criteria(self) -> int:
        return sum(len(f.children) for f in self.fields)

    @property
    def n_subcriteria(self) -> int:
        return sum(len(c.children) for f in self.fields for c in f.children)


def framework_export(scheme: Methodology) -> bytes:
    from openpyxl import Workbook

    from par_portal.excel import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = "Khung chỉ số"
    values = {
        "decision": scheme.decision,
        "code": scheme.code,
        "level": "tỉnh" if scheme.level == Methodology.Level.PROVINCE else "bộ",
        "first_year": scheme.first_year,
        "last_year": scheme.last_year,
        "total_points": scheme.total_points,
        "survey_points": scheme.survey_points,
    }
    for key, label, _words in META:
        append_row(sheet, [label, values[key]])
    append_row(sheet, [])
    append_row(sheet, HEADER)
    for field in scheme.fields.order_by("number"):
        append_row(
            sheet,
            [str(field.number), field.name_vi, field.name_en, field.code, field.max_points, ""],
        )
        for criterion in _ordered(field.criteria.filter(parent__isnull=True)):
            _export_criterion(sheet, criterion)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _ordered(criteria):
    return sorted(criteria, key=lambda c: (c.order, [int(p) for p in c.code.split(".")]))


def _export_criterion(sheet, criterion: Criterion) -> None:
    from par_portal.excel import append_row

    append_row(
        sheet,
        [
            criterion.code,
            criterion.name_vi,
            criterion.name_en,
            "",
            criterion.max_points,
            SCORING_OUT[criterion.scoring],
        ],
    )
    for child in _ordered(criterion.children.all()):
        _export_criterion(sheet, child)


def framework_import(*, content: bytes, filename: str, dry_run: bool = True) -> FrameworkReport:
    report = FrameworkReport(filename=filename, dry_run=dry_run)
    try:
        rows = table_read(content).rows
    except TableError as error:
        report.errors.append(FrameworkProblem(error.code, params=error.params))
        return report
    header_at, columns = _header(rows)
    if header_at is None:
        report.errors.append(FrameworkProblem("no_header"))
        return report
    _meta(report, [r for r in rows if r[0] < header_at])
    _tree(report, [r for r in rows if r[0] > header_at], columns)
    if report.errors:
        return report
    _check(report)
    if report.ok and not dry_run:
        try:
            _write(report)
        except ProtectedError as error:  # the transaction was rolled back: nothing changed
            codes = sorted({_criterion_of(row).code for row in error.protected_objects})
            report.errors.append(FrameworkProblem("in_use", params={"codes": ", ".join(codes)}))
    return report


def _header(rows):
    for line, cells in rows[:30]:
        columns = {}
        for position, cell in enumerate(cells):
            key = folded(cell)
            for name, words in COLUMNS.items():
                if key in words and name not in columns:
                    columns[name] = position
        if {"code", "name_vi", "max_points"} <= set(columns):
            return line, columns
    return None, {}


def _meta(report: FrameworkReport, rows) -> None:
    found = {}
    for line, cells in rows:
        label = folded(cells[0].rstrip(":")) if cells else ""
        value = next((c for c in cells[1:] if c.strip()), "")
        for key, _label, words in META:
            if label in words:
                found[key] = (line, value.strip())
    for key, label, _words in META:
        line, value = found.get(key, (None, ""))
        if key in ("decision", "code", "level", "first_year") and not value:
            report.errors.append(FrameworkProblem("missing_meta", params={"label": label}))
            continue
        try:
            report.meta[key] = _meta_value(key, value)
        except ValueError:
            report.errors.append(
                FrameworkProblem("bad_meta", line, {"value": value, "label": label})
            )


def _meta_value(key: str, value: str):
    if key in ("decision",):
        return value[:120]
    if key == "code":
        if not re.fullmatch(r"[-a-zA-Z0-9_]{1,40}", value):
            raise ValueError(value)
        return value
    if key == "level":
        if folded(value) not in LEVELS:
            raise ValueError(value)
        return LEVELS[folded(value)]
    if key in ("first_year", "last_year"):
        if not value:
            return None
        year = number(value)
        if year is None or year != int(year) or not 2000 <= year <= 2100:
            raise ValueError(value)
        return int(year)
    points = number(value)
    if points is not None and not 0 < points <= 1000:
        raise ValueError(value)
    return points


def _tree(report: FrameworkReport, rows, columns) -> None:
    nodes: dict[str, Node] = {}

    def cell(cells, name) -> str:
        position = columns.get(name)
        return cells[position].strip() if position is not None and position < len(cells) else ""

    for line, cells in rows:
        code = cell(cells, "code").rstrip(".")
        if not code and not cell(cells, "name_vi"):
            continue
        if not CODE.match(code):
            report.errors.append(FrameworkProblem("bad_code", line, {"value": code}))
            continue
        if code in nodes:
            report.errors.append(FrameworkProblem("duplicate", line, {"value": code}))
            continue
        name = cell(cells, "name_vi")
        if not name:
            report.errors.append(FrameworkProblem("no_name", line, {"value": code}))
        raw_points = cell(cells, "max_points")
        try:
            points = number(raw_points)
            if points is not None and points < 0:
                raise ValueError(raw_points)
        except ValueError:
            report.errors.append(
                FrameworkProblem("bad_points", line, {"value": code, "points": raw_points})
            )
            points = None
        depth = code.count(".")
        field_code = cell(cells, "field_code")
        if depth == 0:
            field_code = field_code or FIELD_BY_NUMBER.get(int(code), "")
            if field_code not in FieldCode.values:
                report.errors.append(
                    FrameworkProblem("bad_field_code", line, {"value": code, "field": field_code})
                )
        if depth and points is None and not raw_points:
            report.errors.append(
                FrameworkProblem("bad_points", line, {"value": code, "points": raw_points})
            )
        node = Node(
            line=line,
            code=code,
            name_vi=name[:500],
            name_en=cell(cells, "name_en")[:500],
            field_code=field_code,
            max_points=points,
            scoring=SCORING.get(folded(cell(cells, "scoring")), "appraisal"),
        )
        nodes[code] = node
        if depth == 0:
            report.fields.append(node)
        else:
            parent = nodes.get(code.rsplit(".", 1)[0])
            if parent is None:
                report.errors.append(
                    FrameworkProblem(
                        "no_parent", line, {"value": code, "parent": code.rsplit(".", 1)[0]}
                    )
                )
                continue
            parent.children.append(node)


def _check(report: FrameworkReport) -> None:
    def walk(node: Node) -> None:
        parts = [c.max_points for c in node.children if c.max_points is not None]
        if node.max_points is not None and parts and sum(parts) > node.max_points:
            report.errors.append(
                FrameworkProblem(
                    "over_parent",
                    node.line,
                    {"value": node.code, "sum": sum(parts), "max": node.max_points},
                )
            )
        for child in node.children:
            walk(child)

    for node in report.fields:
        walk(node)
    total = report.meta.get("total_points")
    maxima = [f.max_points for f in report.fields]
    if total is not None and maxima and None not in maxima and sum(maxima) != total:
        report.errors.append(FrameworkProblem("total", params={"sum": sum(maxima), "total": total}))
    first, last = report.meta.get("first_year"), report.meta.get("last_year")
    if first:
        overlapping = (
            Methodology.objects.filter(level=report.meta.get("level"))
            .exclude(code=report.meta.get("code"))
            .filter(Q(last_year__isnull=True) | Q(last_year__gte=first))
        )
        if last is not None:
            overlapping = overlapping.filter(first_year__lte=last)
        if overlapping.exists():
            report.errors.append(
                FrameworkProblem(
                    "overlap", params={"other": ", ".join(m.decision for m in overlapping)}
                )
            )


@transaction.atomic
def _write(report: FrameworkReport) -> None:
    meta = report.meta
    scheme, _created = Methodology.objects.update_or_create(
        code=meta["code"],
        defaults={
            "decision": meta["decision"],
            "level": meta["level"],
            "first_year": meta["first_year"],
            "last_year": meta.get("last_year"),
            "total_points": meta.get("total_points"),
            "survey_points": meta.get("survey_points"),
            # counts known from elsewhere stay when the file lists fields only
            **({"n_criteria": report.n_criteria} if report.n_criteria else {}),
            **({"n_subcriteria": report.n_subcriteria} if report.n_subcriteria else {}),
        },
    )
    if scheme.is_illustrative:
        # The demo's stand-in tree goes, with what was scored against its invented maxima
        # (reporting listens: indicators.hooks.illustrative_tree_replaced).
        illustrative_tree_replaced.send(sender=Methodology, scheme_id=scheme.pk)
        Criterion.objects.filter(field__methodology=scheme).delete()
        scheme.is_illustrative = False
        scheme.save(update_fields=["is_illustrative"])
    # A real tree is updated in place by code, so that owners, tasks and self-scores stay on
    # the sub-criteria that remain; one that is gone but holds scores stops the import.
    existing = {
        (c.field_id, c.code): c for c in Criterion.objects.filter(field__methodology=scheme)
    }
    kept: set[int] = set()
    for node in report.fields:
        field, _ = Field.objects.update_or_create(
            methodology=scheme,
            code=node.field_code,
            defaults={
                "number": int(node.code),
                "name_vi": node.name_vi,
                "name_en": node.name_en,
                "max_points": node.max_points,
                **({"n_criteria": len(node.children)} if node.children else {}),
                **(
                    {"n_subcriteria": sum(len(c.children) for c in node.children)}
                    if any(c.children for c in node.children)
                    else {}
                ),
            },
        )
        for order, child in enumerate(node.children):
            _write_criterion(field, None, child, order, existing, kept)
    stale = [c.pk for c in existing.values() if c.pk not in kept]
    Criterion.objects.filter(pk__in=stale).delete()
    report.imported = True


def _criterion_of(row):
    """The sub-criterion a protected row hangs on: a self-score's, or a locker document's
    checklist item's."""
    return row.criterion if hasattr(row, "criterion") else row.item.criterion


def _write_criterion(field, parent, node: Node, order: int, existing: dict, kept: set) -> None:
    values = {
        "parent": parent,
        "name_vi": node.name_vi,
        "name_en": node.name_en,
        "max_points": node.max_points,
        "scoring": node.scoring,
        "order": order,
    }
    criterion = existing.get((field.pk, node.code))
    if criterion is None:
        criterion = Criterion.objects.create(field=field, code=node.code, **values)
    else:
        for name, value in values.items():
            setattr(criterion, name, value)
        criterion.save()
    kept.add(criterion.pk)
    for index, child in enumerate(node.children):
        _write_criterion(field, criterion, child, index, existing, kept)
