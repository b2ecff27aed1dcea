"""The monthly brief for the committee meeting: where the province stands, its targets and
gaps, and which units hold it back — as a print page and an Excel file."""

from __future__ import annotations

import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from par_portal.excel import append_row
from reporting.models import Period
from reporting.selectors import cached


def brief_data(period: Period, *, now: dt.datetime) -> dict:
    province = period.province
    plan = cached.plan_for(province, period.month.year)
    index = cached.index_standing(province, period.month.year)
    standing = index.ranking if index else None
    own_rows = [r for r in standing.rows if r.is_own] if standing else []
    return {
        "period": period,
        "plan": plan,
        "standing": standing,
        "index": index,
        "own_rows": own_rows,
        "cards": list(cached.field_cards(period)),
        "league": cached.units_league(province, period.month.year),
        "heatmap": cached.heatmap(province, period.month.year, now=now),
        "projection": cached.projection(period, now=now),
        "now": now,
    }


def brief_workbook(data: dict) -> bytes:
    book = Workbook()
    bold, head = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    period = data["period"]
    sheet = book.active
    sheet.title = _("Standing")[:31]
    append_row(
        sheet,
        [
            _("Monthly PAR brief – %(province)s – %(month)s")
            % {"province": period.province.name_vi, "month": f"{period.month:%m/%Y}"}
        ],
    )
    sheet["A1"].font = Font(bold=True, size=14)
    standing = data["standing"]
    if standing:
        append_row(
            sheet, [_("Last published year"), standing.year, _("Provinces ranked"), standing.pool]
        )
        for row in data["own_rows"]:
            append_row(
                sheet,
                [
                    row.province.name_vi,
                    float(row.value) if row.value else None,
                    row.rank,
                    _("synthetic") if row.is_synthetic else "",
                ],
            )
        index = data["index"]
        if index and index.target_rank:
            append_row(
                sheet,
                [
                    _("Target: top %(n)s") % {"n": index.target_rank},
                    float(index.target_value) if index.target_value is not None else None,
                    _("Gap (points)"),
                    float(index.gap_points) if index.gap_points is not None else None,
                    index.note,
                ],
            )
        if index and index.target_pct is not None:
            append_row(
                sheet,
                [
                    _("Target: at least %(pct)s%%") % {"pct": index.target_pct},
                    float(index.target_pct),
                    _("Gap (points)"),
                    float(index.gap_pct) if index.gap_pct is not None else None,
                ],
            )

    fields = book.create_sheet(_("Targets by field")[:31])
    append_row(
        fields,
        [
            _("Field"),
            _("Target: top N"),
            _("Last rank"),
            _("Last points"),
            _("Gap (points)"),
            _("Gap note"),
            _("Status"),
            _("Tasks"),
            _("Done"),
            _("Behind"),
            _("Overdue"),
            _("% done"),
            _("Expected %"),
        ],
    )
    for cell in fields[1]:
        cell.font, cell.fill = bold, head
    for card in data["cards"]:
        append_row(
            fields,
            [
                card.field.name_vi,
                card.target_rank,
                card.last_rank,
                float(card.last_points) if card.last_points is not None else None,
                float(card.gap_points) if card.gap_points is not None else None,
                card.gap_note,
                card.get_status_display(),
                card.tasks_total,
                card.tasks_done,
                card.tasks_behind,
                card.tasks_overdue,
                float(card.mean_done_pct or 0),
                float(card.expected_pct or 0),
            ],
        )

    league = book.create_sheet(_("Units")[:31])
    append_row(
        league,
        [
            _("Rank"),
            _("Unit"),
            _("On time (%)"),
            _("Days late"),
            _("Tasks done"),
            _("Tasks overdue"),
        ],
    )
    for cell in league[1]:
        cell.font, cell.fill = bold, head
    for row in data["league"]:
        append_row(
            league,
            [
                row["rank"],
                row["unit__name_vi"],
                float(row["on_time_pct"]) if row["on_time_pct"] is not None else None,
                row["days_late"],
                row["tasks_done"],
                row["tasks_overdue"],
            ],
        )

    _projection_sheet(book.create_sheet(_("Projection")[:31]), data["projection"], bold, head)

    heat = book.create_sheet(_("Months")[:31])
    append_row(heat, [_("Unit"), *[f"{p.month:%m/%Y}" for p in data["heatmap"]["periods"]]])
    for row in data["heatmap"]["rows"]:
        append_row(heat, [row["unit"].name_vi, *row["cells"]])
    for sheet_ in book.worksheets:
        sheet_.column_dimensions["A"].width = 48
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _num(value):
    return float(value) if value is not None else None


def _projection_sheet(sheet, projection, bold, head) -> None:
    """The projection as the page shows it: the index and ranks with their assumptions, the
    fields against targets, the ten sub-criteria with the most points still available."""
    if not projection.leaves:
        append_row(sheet, [_("The scheme in force has no sub-criteria yet.")])
        return
    if projection.is_illustrative:
        append_row(sheet, [_("Illustrative: based on synthetic figures or illustrative criteria.")])
    append_row(sheet, [_("Projected index (%)"), _num(projection.pct)])
    append_row(sheet, [_("Points"), _num(projection.points), _num(projection.max_points)])
    append_row(
        sheet,
        [_("Projected rank if the others stay where they were"), projection.rank_stay],
    )
    append_row(
        sheet,
        [
            _("Projected rank if the others move by last year's national average change"),
            projection.rank_moved,
            _num(projection.compared.change),
        ],
    )
    append_row(sheet, [_("Compared with the results of"), projection.compared.year])
    append_row(sheet, [_("Gap to the top-N target (points)"), _num(projection.gap_rank)])
    append_row(sheet, [_("Gap to the minimum % target (points)"), _num(projection.gap_pct)])
    append_row(sheet, [_("Survey part"), projection.survey_source_label])
    append_row(sheet, [])
    header = [
        _("Field"),
        _("Projected points"),
        _("Maximum points"),
        _("Target: top N"),
        _("Rank (others stay)"),
        _("Rank (others move)"),
        _("Gap to target (points)"),
    ]
    append_row(sheet, header)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = bold, head
    for line in projection.fields:
        append_row(
            sheet,
            [
                line.field.name_vi,
                _num(line.points),
                _num(line.max_points),
                line.target_rank,
                line.rank_stay,
                line.rank_moved,
                _num(line.gap_rank if line.gap_rank is not None else line.gap_pct),
            ],
        )
    append_row(sheet, [])
    append_row(
        sheet,
        [
            _("Where to gain"),
            _("Available"),
            _("Projected points"),
            _("Owning unit"),
            _("Overdue tasks"),
            _("Evidence"),
        ],
    )
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = bold, head
    for leaf in projection.top_gains:
        append_row(
            sheet,
            [
                f"{leaf.criterion.code} {leaf.criterion.name_vi}",
                _num(leaf.available),
                _num(leaf.points),
                leaf.owner.name_vi if leaf.owner else "",
                ", ".join(task.code for task in leaf.overdue),
                leaf.evidence,
            ],
        )
