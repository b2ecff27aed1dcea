"""Writes for monthly reporting, by concern: reports, reminders, scorecards."""

from reporting.services.reports import (
    ReportError,
    StaleReportError,
    period_instants,
    period_reopen,
    periods_ensure,
    report_accept,
    report_return,
    report_save,
    report_start,
    report_submit,
    submission_problems,
)

__all__ = [
    "ReportError",
    "StaleReportError",
    "period_instants",
    "period_reopen",
    "periods_ensure",
    "report_accept",
    "report_return",
    "report_save",
    "report_start",
    "report_submit",
    "submission_problems",
]
