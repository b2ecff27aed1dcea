"""Roll-up against its floor (run by tests/bench/pages.py on the bench database): the scorecard
roll-up of every province for one month (as the nightly run and `rollup_scorecards` do it),
next to one hand-written SQL aggregation over the same tables that gives the same field figures
(tasks, done, not reported, overdue, weighted % done). The two must agree; prints one JSON
object with both timings (best of `repeat`)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "par_portal.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from par_portal import months  # noqa: E402
from reporting.models import FieldScorecard, Period  # noqa: E402
from reporting.services.scorecards import scorecards_rollup  # noqa: E402

# The progress rule of reporting.selectors.progress, in SQL: each task of a plan running this
# month stands where its lead unit's latest submitted or accepted report (this month or before)
# left it; the reference day is the month's last day, or today during the month.
FLOOR = """
WITH p AS (
    SELECT id, province_id, month,
           (month + interval '1 month' - interval '1 day')::date AS last_day
    FROM reporting_period WHERE month = %(month)s
), live AS (
    SELECT DISTINCT p.id AS period_id, t.plan_id
    FROM p JOIN indicators_plan pl ON pl.province_id = p.province_id
    JOIN indicators_task t ON t.plan_id = pl.id
    WHERE t.start_date <= p.last_day AND t.due_date >= p.month
), tasks AS (
    SELECT p.id AS period_id, p.province_id, p.month, LEAST(p.last_day, %(today)s) AS ref,
           t.id, t.field_id, t.weight, t.due_date, t.lead_unit_id
    FROM p JOIN live ON live.period_id = p.id
    JOIN indicators_task t ON t.plan_id = live.plan_id AND t.start_date <= p.last_day
), latest AS (
    SELECT DISTINCT ON (tk.period_id, tk.id) tk.period_id, tk.id AS task_id,
           e.percent_done, e.status
    FROM tasks tk
    JOIN reporting_report r ON r.unit_id = tk.lead_unit_id
         AND r.status IN ('submitted', 'accepted')
    JOIN reporting_period rp ON rp.id = r.period_id
         AND rp.province_id = tk.province_id AND rp.month <= tk.month
    JOIN reporting_taskentry e ON e.report_id = r.id AND e.task_id = tk.id
    ORDER BY tk.period_id, tk.id, rp.month DESC
)
SELECT tk.period_id, tk.field_id,
       count(*),
       count(*) FILTER (WHERE l.status = 'done'),
       count(*) FILTER (WHERE l.task_id IS NULL),
       count(*) FILTER (WHERE tk.due_date < tk.ref AND l.status IS DISTINCT FROM 'done'),
       round(sum(tk.weight * coalesce(l.percent_done, 0)) / sum(tk.weight), 2)
FROM tasks tk LEFT JOIN latest l ON l.period_id = tk.period_id AND l.task_id = tk.id
GROUP BY tk.period_id, tk.field_id
"""


def floor(month: dt.date, today: dt.date) -> dict:
    with connection.cursor() as cursor:
        cursor.execute(FLOOR, {"month": month, "today": today})
        return {(row[0], row[1]): tuple(row[2:]) for row in cursor.fetchall()}


def rolled_up(period_ids: list[int]) -> dict:
    return {
        (c.period_id, c.field_id): (
            c.tasks_total,
            c.tasks_done,
            c.tasks_unreported,
            c.tasks_overdue,
            c.mean_done_pct,
        )
        for c in FieldScorecard.objects.filter(period_id__in=period_ids)
    }


def best(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    repeat = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    now = timezone.now()
    today = timezone.localdate(now)
    month = months.add_months(months.first_day(today), -1)  # the last whole month
    periods = list(Period.objects.filter(month=month).select_related("province"))

    rollup_s = best(lambda: scorecards_rollup(periods, now=now), repeat)
    floor_s = best(lambda: floor(month, today), repeat)
    ours = rolled_up([p.pk for p in periods])
    theirs = floor(month, today)
    # the floor rounds half away from zero, the roll-up half to even: equal to the cent
    differ = [
        key
        for key in set(ours) | set(theirs)
        if key not in ours
        or key not in theirs
        or ours[key][:4] != theirs[key][:4]
        or abs((ours[key][4] or Decimal(0)) - (theirs[key][4] or Decimal(0))) > Decimal("0.01")
    ]
    print(
        json.dumps(
            {
                "month": f"{month:%Y-%m}",
                "periods": len(periods),
                "rows": len(ours),
                "rollup_s": rollup_s,
                "floor_s": floor_s,
                "differ": len(differ),
                "example": str(
                    sorted(differ)[:1]
                    and (ours.get(sorted(differ)[0]), theirs.get(sorted(differ)[0]))
                ),
            }
        )
    )


if __name__ == "__main__":
    main()
