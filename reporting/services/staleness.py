"""Stale scorecards, tracked instead of guessed by month.

Every write that changes a period's inputs — a submit, return, accept or reopen, evidence or
indicator values, a target, task or unit change, an import of results — marks the periods it
affects as dirty *in the same transaction* and queues their roll-up after the commit. The
roll-up clears the mark only if no other change arrived while it ran (`dirty_seq`). If the
queue is lost (the broker down, a worker killed), the mark stays: the sweep every few minutes,
the nightly run and the catch-up when a worker starts recompute every dirty period, of any
month.

A report of month M also feeds the months after it (progress is carried forward), so a change
at M marks M and every later month of the province up to the current one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import F, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from par_portal import months
from par_portal.cache import RESULTS, bump, province_scope
from reporting.models import Period
from reporting.services.queueing import rollups_deferred, scorecards_queue


def periods_mark_dirty(periods: QuerySet[Period], *, now: dt.datetime) -> list[int]:
    """Mark the periods (up to the current month) dirty and queue their roll-ups on commit.
    The provinces' cached pages are invalidated for every period given, later months too (a
    report of next month can be reviewed before the month starts)."""
    current = months.first_day(timezone.localdate(max(now, timezone.now())))
    rows = list(periods.values_list("pk", "province_id", "month"))
    bump({province_scope(province_id) for _pk, province_id, _month in rows})  # after the commit
    ids = [pk for pk, _province_id, month in rows if month <= current]
    if not ids:
        return []
    Period.objects.filter(pk__in=ids).update(
        dirty_since=Coalesce(F("dirty_since"), Value(now)), dirty_seq=F("dirty_seq") + 1
    )
    if not rollups_deferred():
        scorecards_queue(ids)
    return ids


def period_inputs_changed(period: Period, *, now: dt.datetime) -> list[int]:
    """A report of the period changed: the period and the later months it carries into."""
    return periods_mark_dirty(
        Period.objects.filter(province_id=period.province_id, month__gte=period.month), now=now
    )


def province_inputs_changed(
    province_ids: Iterable[int] | None, *, since: dt.date | None, now: dt.datetime
) -> list[int]:
    """Framework data changed (targets, tasks, units, results): the provinces' periods from the
    month `since` (every month if None); `province_ids` None means every province."""
    province_ids = None if province_ids is None else list(province_ids)
    # the provinces' cached figures go stale even where no month is marked (targets, ranks)
    bump([RESULTS] if province_ids is None else [province_scope(p) for p in province_ids])
    periods = Period.objects.all()
    if province_ids is not None:
        periods = periods.filter(province_id__in=province_ids)
    if since is not None:
        periods = periods.filter(month__gte=months.first_day(since))
    return periods_mark_dirty(periods, now=now)


def dirty_periods() -> QuerySet[Period]:
    return Period.objects.filter(dirty_since__isnull=False).order_by("dirty_since", "pk")
