"""Periods, reports, reminders and scorecards arrive with the reporting issues."""
