"""The internal PAR index as provinces publish it: one sheet per group (departments and
agencies; district or commune committees), STT, unit, each criterion's points, total, % of the
maximum, class, rank and the change since the year before."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from par_portal.excel import append_row

GROUP_TITLES = {"departments": "Departments and agencies", "localities": "Local committees"}


def internal_workbook(index) -> bytes:
    book = Workbook()
    book.remove(book.active)
    framework = index.framework
    for name, lines in index.groups():
        if not lines:
            continue
        sheet = book.create_sheet(_(GROUP_TITLES[name])[:31])
        append_row(
            sheet,
            [
                _("Internal PAR index %(year)s – %(province)s")
                % {"year": framework.year, "province": framework.province.name_vi}
            ],
        )
        sheet["A1"].font = Font(bold=True, size=13)
        if framework.decision:
            append_row(sheet, [framework.decision])
        header = [
            _("No."),
            _("Unit"),
            *[f"{c.code} ({c.max_points})" for c in index.criteria],
            _("Total points"),
            _("Index (%)"),
            _("Class"),
            _("Rank"),
            _("Change"),
        ]
        append_row(sheet, header)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for number, line in enumerate(lines, start=1):
            append_row(
                sheet,
                [
                    number,
                    line.unit.name_vi,
                    *[float(v) if v is not None else None for v in line.cells(index.criteria)],
                    float(line.total),
                    float(line.pct) if line.pct is not None else None,
                    line.band,
                    line.rank,
                    line.movement,
                ],
            )
        sheet.column_dimensions["B"].width = 40
    if not book.worksheets:
        book.create_sheet(_("Internal PAR index")[:31])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
