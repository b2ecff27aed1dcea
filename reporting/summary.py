"""The monthly summary for the committee: one Excel file (openpyxl) and a print page."""

from __future__ import annotations

import datetime as dt
import io
from itertools import groupby

from django.db.models import Count
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from par_portal.excel import append_row
from reporting.models import IndicatorValue, Period, TaskEntry
from reporting.selectors import review_board

SUBMITTED = ["submitted", "returned", "accepted"]


def summary_data(period: Period, *, now: dt.datetime) -> dict:
    board = review_board(period, now=now)
    entries = list(
        TaskEntry.objects.filter(report__period=period, report__first_submitted_at__isnull=False)
        .select_related("task__field", "report__unit")
        .annotate(evidence_count=Count("evidence"))
        .order_by("task__field__number", "task__code", "report__unit__name_vi")
    )
    fields = []
    for field, by_field in groupby(entries, key=lambda e: e.task.field):
        tasks = [
            {"task": task, "entries": list(items)}
            for task, items in groupby(by_field, key=lambda e: e.task)
        ]
        fields.append({"field": field, "tasks": tasks})
    values = list(
        IndicatorValue.objects.filter(
            report__period=period, report__first_submitted_at__isnull=False
        )
        .select_related("indicator", "report__unit")
        .order_by("indicator__code", "report__unit__name_vi")
    )
    return {"period": period, "board": board, "fields": fields, "values": values, "now": now}


def summary_workbook(period: Period, *, now: dt.datetime) -> bytes:
    data = summary_data(period, now=now)
    board = data["board"]
    book = Workbook()
    bold = Font(bold=True)
    head = PatternFill("solid", fgColor="DDEBF7")

    sheet = book.active
    sheet.title = _("Overview")[:31]
    append_row(
        sheet,
        [
            _("Monthly PAR report – %(province)s – %(month)s")
            % {"province": period.province.name_vi, "month": f"{period.month:%m/%Y}"}
        ],
    )
    sheet["A1"].font = Font(bold=True, size=14)
    append_row(sheet, [_("Expected reports"), board.expected])
    append_row(sheet, [_("Submitted"), board.submitted])
    append_row(sheet, [_("On time"), board.on_time])
    append_row(sheet, [_("Completeness (%)"), float(board.completeness or 0)])
    append_row(sheet, [_("Timeliness (%)"), float(board.timeliness or 0)])
    append_row(sheet, [])
    append_row(sheet, [_("Unit"), _("State"), _("Submitted at"), _("Reviewer's note")])
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = bold, head
    for row in board.rows:
        submitted = row.report.first_submitted_at if row.report else None
        append_row(
            sheet,
            [
                row.unit.name_vi,
                str(row.label),
                submitted.astimezone(now.tzinfo).replace(tzinfo=None) if submitted else "",
                row.report.review_note if row.report else "",
            ],
        )
    _widths(sheet, [48, 28, 20, 40])

    tasks = book.create_sheet(_("By field and task")[:31])
    append_row(
        tasks,
        [
            _("Field"),
            _("Task"),
            _("Unit"),
            _("Role"),
            _("Status"),
            _("% done"),
            _("Result achieved"),
            _("Difficulties and proposals"),
            _("Explanation"),
            _("Evidence files"),
        ],
    )
    for cell in tasks[1]:
        cell.font, cell.fill = bold, head
    for field in data["fields"]:
        for task in field["tasks"]:
            for entry in task["entries"]:
                role = (
                    _("lead") if task["task"].lead_unit_id == entry.report.unit_id else _("support")
                )
                append_row(
                    tasks,
                    [
                        str(field["field"]),
                        f"{task['task'].code} {task['task'].title}",
                        entry.report.unit.name_vi,
                        role,
                        entry.get_status_display(),
                        entry.percent_done,
                        entry.result,
                        entry.difficulties,
                        entry.explanation,
                        entry.evidence_count,
                    ],
                )
    _widths(tasks, [36, 50, 36, 10, 16, 8, 40, 40, 30, 10])
    for row in tasks.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")

    values = book.create_sheet(_("Indicators")[:31])
    append_row(values, [_("Indicator"), _("Unit"), _("Value"), _("Explanation")])
    for cell in values[1]:
        cell.font, cell.fill = bold, head
    for item in data["values"]:
        append_row(
            values,
            [
                item.indicator.name_vi,
                item.report.unit.name_vi,
                float(item.value) if item.value is not None else None,
                item.explanation,
            ],
        )
    _widths(values, [60, 36, 12, 40])

    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _widths(sheet, widths: list[int]) -> None:
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
