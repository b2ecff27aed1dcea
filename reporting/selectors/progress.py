"""Where each task stands at a month: the lead unit's latest counted report, carried forward.

A task's status and % done at month M are those of its lead unit's most recent report for a
month at or before M that counts: submitted or accepted. A returned report does not count
until it is resubmitted (the month before it then stands), and a draft never counts. A task
never reported stands at 0 % and "not reported". The scorecard roll-up, the targets
dashboard's drill-down and the units league all read this one function.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from indicators.models import Task
from reporting.models import Period, Report, TaskEntry
from reporting.selectors.reports import live_plan_ids, periods_by_month

COUNTED = [Report.Status.SUBMITTED, Report.Status.ACCEPTED]


class TaskRow(NamedTuple):
    """A task's own columns, for the roll-up, which reads thousands of tasks and needs no more
    (a model instance each would cost more than the rest of the roll-up's Python)."""

    pk: int
    province_id: int
    field_id: int
    lead_unit_id: int
    start_date: dt.date
    due_date: dt.date
    weight: Decimal


@dataclass
class TaskProgress:
    task: Task | TaskRow  # a TaskRow when read with related=False
    percent_done: Decimal
    status: str  # a TaskEntry.Status, or "" when never reported
    reported_month: dt.date | None  # the month of the report it stands on

    @property
    def is_reported(self) -> bool:
        return self.reported_month is not None

    @property
    def is_done(self) -> bool:
        return self.status == TaskEntry.Status.DONE


def task_progress(period: Period, *, field_id: int | None = None) -> list[TaskProgress]:
    """The province's tasks that have started by the end of the period's month, in plans that
    run this month, each with its carried-forward progress."""
    return tasks_progress([period], field_id=field_id)[period.pk]


def tasks_progress(
    periods: list[Period], *, field_id: int | None = None, related: bool = True
) -> dict[int, list[TaskProgress]]:
    """`task_progress` of many periods at once, by period, in a few queries per month among
    them however many provinces. A task belongs to one province's plan, so it has one period
    per month. `related=False` leaves out each task's unit and field (and their order), for
    the roll-up."""
    found: dict[int, list[TaskProgress]] = {period.pk: [] for period in periods}
    for month, group in periods_by_month(periods).items():
        period_of = {period.province_id: period.pk for period in group}
        last_day = group[0].last_day
        tasks = Task.objects.filter(plan__in=live_plan_ids(*group), start_date__lte=last_day)
        if field_id is not None:
            tasks = tasks.filter(field_id=field_id)
        tasks = tasks.annotate(province_id=F("plan__province_id"))
        if related:
            tasks = tasks.select_related("lead_unit", "field").order_by("field__number", "code")
        else:  # the roll-up reads the tasks' own columns only
            tasks = tasks.order_by().values_list(*TaskRow._fields)
            tasks = [TaskRow(*row) for row in tasks]
        tasks = list(tasks)
        entries = _latest_entries(tasks, month)
        none = (0, "", None)
        for task in tasks:
            pct, status, on = entries.get(task.pk, none)
            found[period_of[task.province_id]].append(
                TaskProgress(
                    task=task,
                    percent_done=Decimal(pct or 0),
                    status=status or "",
                    reported_month=on,
                )
            )
    return found


def _latest_entries(tasks: list, month: dt.date) -> dict[int, tuple]:
    """(% done, status, month) of each task's latest counted entry at or before `month` by its
    lead unit in its province. First the latest counted report of each lead unit (a window
    over the units' reports) and those reports' entries: nearly always the task's latest
    entry. A task that report does not cover is looked up in its own entries (a window over
    the entries of those few tasks only)."""
    leads = {task.lead_unit_id for task in tasks}
    provinces = {task.province_id for task in tasks}
    reports = (
        Report.objects.filter(
            unit_id__in=leads,
            period__province_id__in=provinces,
            period__month__lte=month,
            status__in=COUNTED,
        )
        .annotate(
            row=Window(
                RowNumber(),
                partition_by=[F("unit_id"), F("period__province_id")],
                order_by=F("period__month").desc(),
            )
        )
        .filter(row=1)
        .order_by()
        .values_list("pk", "unit_id", "period__province_id", "period__month")
    )
    latest_report = {(unit, province): (pk, on) for pk, unit, province, on in reports}
    in_reports = {
        (report_id, task_id): (pct, status)
        for report_id, task_id, pct, status in TaskEntry.objects.filter(
            report_id__in=[pk for pk, _on in latest_report.values()]
        )
        .order_by()
        .values_list("report_id", "task_id", "percent_done", "status")
    }
    entries: dict[int, tuple] = {}
    uncovered = []
    for task in tasks:
        report_id, on = latest_report.get((task.lead_unit_id, task.province_id), (None, None))
        entry = in_reports.get((report_id, task.pk))
        if entry:
            entries[task.pk] = (*entry, on)
        elif report_id is not None:  # reported, but not this task in its latest report
            uncovered.append(task.pk)
    if uncovered:
        older = (
            TaskEntry.objects.filter(
                task__in=uncovered,
                report__unit_id=F("task__lead_unit_id"),
                report__period__province_id=F("task__plan__province_id"),
                report__period__month__lte=month,
                report__status__in=COUNTED,
            )
            .annotate(
                row=Window(
                    RowNumber(),
                    partition_by=[F("task_id")],
                    order_by=F("report__period__month").desc(),
                )
            )
            .filter(row=1)
            .order_by()  # not the entries' default ordering (its joins cost more)
            .values_list("task_id", "percent_done", "status", "report__period__month")
        )
        entries.update({task_id: (pct, status, on) for task_id, pct, status, on in older})
    return entries
