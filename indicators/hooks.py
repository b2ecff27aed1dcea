"""The one hook through which other apps react to changes of the PAR framework data.

`inputs_changed` is sent, inside the transaction that makes the change, whenever data that
reporting's scorecards read changes: a plan, its targets or indicators, a task, a unit, a
published result (edited or imported). Its arguments: `province_ids` — the provinces whose
months are affected, their successors included (None: every province) — and `since`, the
first month affected (None: every month). Reporting listens (reporting/apps.py) and marks those
months' scorecards stale; indicators never imports reporting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.dispatch import Signal

inputs_changed = Signal()

# Sent (with `scheme_id`, inside the import's transaction) before the framework import replaces
# a scheme's illustrative criteria tree: what was scored against it goes with it (reporting).
illustrative_tree_replaced = Signal()


def changed_scope(obj) -> tuple[list[int] | None, dt.date | None]:
    """Which provinces, and from which month, a change to `obj` affects."""
    from indicators.models import FieldResult, NationalResult, Plan

    if isinstance(obj, NationalResult | FieldResult):
        # A published result feeds the gap and last rank of every province in later years.
        return None, dt.date(obj.year + 1, 1, 1)
    plan = obj if isinstance(obj, Plan) else getattr(obj, "plan", None)
    if plan is not None:
        return [plan.province_id], dt.date(plan.year, 1, 1)
    return [obj.province_id], None  # a unit: every month it may report in


def objects_changed(*, sender, objects: Iterable) -> None:
    """Announce one change covering all `objects` (an admin save, delete or import). Published
    results and statistics also invalidate every province's cached ranking."""
    from indicators.models import FieldResult, NationalResult, NationalStatistic
    from par_portal.cache import RESULTS, bump

    objects = list(objects)
    if any(isinstance(o, NationalResult | FieldResult | NationalStatistic) for o in objects):
        bump([RESULTS])
    objects = [o for o in objects if not isinstance(o, NationalStatistic)]
    scopes = [changed_scope(obj) for obj in objects]
    if not scopes:
        return
    ids: set[int] | None = set()
    for province_ids, _since in scopes:
        ids = None if ids is None or province_ids is None else ids | set(province_ids)
    sinces = [since for _ids, since in scopes]
    since = None if None in sinces else min(sinces)
    inputs_changed_announce(sender=sender, province_ids=ids, since=since)


def inputs_changed_announce(
    *, sender, province_ids: Iterable[int] | None, since: dt.date | None
) -> None:
    from indicators.selectors import with_successors

    ids = None if province_ids is None else with_successors(province_ids)
    inputs_changed.send(sender, province_ids=ids, since=since)
