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

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from indicators.models import Task
from reporting.models import Period, Report, TaskEntry
from reporting.selectors.reports import live_plan_ids

COUNTED = [Report.Status.SUBMITTED, Report.Status.ACCEPTED]


@dataclass
class TaskProgress:
    task: Task
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
    run this month, each with its carried-forward progress (two queries: the tasks, and the
    latest counted entry of each, picked by a window function)."""
    tasks = Task.objects.filter(
        plan__in=live_plan_ids(period), start_date__lte=period.last_day
    ).order_by("field__number", "code")
    if field_id is not None:
        tasks = tasks.filter(field_id=field_id)
    tasks = list(tasks.select_related("lead_unit", "field"))
    latest = (
        TaskEntry.objects.filter(
            task__in=[t.pk for t in tasks],
            report__unit_id=F("task__lead_unit_id"),
            report__period__province_id=period.province_id,
            report__period__month__lte=period.month,
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
        .order_by()  # not the entries' default ordering (its joins cost more than the query)
        .values_list("task_id", "percent_done", "status", "report__period__month")
    )
    found = {task_id: (pct, status, month) for task_id, pct, status, month in latest}
    none = (0, "", None)
    return [
        TaskProgress(
            task=t,
            percent_done=Decimal(found.get(t.pk, none)[0] or 0),
            status=found.get(t.pk, none)[1] or "",
            reported_month=found.get(t.pk, none)[2],
        )
        for t in tasks
    ]
