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

from django.db.models import OuterRef, Subquery

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
    run this month, each with its carried-forward progress (one query)."""
    latest = TaskEntry.objects.filter(
        task=OuterRef("pk"),
        report__unit=OuterRef("lead_unit"),
        report__period__province_id=period.province_id,
        report__period__month__lte=period.month,
        report__status__in=COUNTED,
    ).order_by("-report__period__month")
    tasks = (
        Task.objects.filter(plan__in=live_plan_ids(period), start_date__lte=period.last_day)
        .annotate(
            latest_pct=Subquery(latest.values("percent_done")[:1]),
            latest_status=Subquery(latest.values("status")[:1]),
            latest_month=Subquery(latest.values("report__period__month")[:1]),
        )
        .select_related("lead_unit", "field")
        .order_by("field__number", "code")
    )
    if field_id is not None:
        tasks = tasks.filter(field_id=field_id)
    return [
        TaskProgress(
            task=t,
            percent_done=Decimal(t.latest_pct or 0),
            status=t.latest_status or "",
            reported_month=t.latest_month,
        )
        for t in tasks
    ]
