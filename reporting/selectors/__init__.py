"""Reads for monthly reporting, by concern: reports and boards, reminders, scorecards."""

from reporting.selectors.reminders import units_without_address
from reporting.selectors.reports import (
    Board,
    BoardRow,
    BoardState,
    UnitMonth,
    active_reopening,
    expected_units,
    live_tasks,
    report_detail,
    report_state,
    reported_indicators,
    review_board,
    submit_block_reason,
    unit_expected,
    unit_months,
)

__all__ = [
    "Board",
    "BoardRow",
    "BoardState",
    "UnitMonth",
    "active_reopening",
    "expected_units",
    "live_tasks",
    "report_detail",
    "report_state",
    "reported_indicators",
    "review_board",
    "submit_block_reason",
    "unit_expected",
    "unit_months",
    "units_without_address",
]
