"""Queueing roll-ups after commit, through public APIs only.

`transaction.on_commit(..., robust=True)` runs the send once the transaction commits and drops
it if the transaction rolls back. The task is looked up by name in the Celery app's registry
rather than imported, so this module imports nothing of reporting (no cycle: tasks → services →
queueing). Celery's own `delay_on_commit` is not used because it lets a broker error escape
after the commit: a submission that was saved must never answer 500 because Redis is down.

A transaction that touches several reports of one period may queue the period more than once;
the roll-up is deterministic, so a second run only repeats the same result. A queue that is
lost leaves the period marked dirty (reporting.services.staleness), and the sweep recomputes it.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from functools import partial

from django.db import transaction

log = logging.getLogger(__name__)

ROLLUP_TASK = "reporting.tasks.rollup_period"
_deferred = contextvars.ContextVar("rollups_deferred", default=False)


@contextlib.contextmanager
def rollups_in_process():
    """Within the block, changes mark periods dirty but queue nothing: the caller rolls them
    up itself (the demo load), so no message per period reaches the broker."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)


def rollups_deferred() -> bool:
    return _deferred.get()


def _send_rollups(period_ids: list[int]) -> None:
    from par_portal.celery import app

    for index, period_id in enumerate(period_ids):
        try:
            app.tasks[ROLLUP_TASK].delay(period_id)
        except Exception as error:  # noqa: BLE001 - any broker failure; the request must succeed
            # One line per request, the traceback only at DEBUG; the rest would fail alike.
            unsent = period_ids[index:]
            log.warning(
                "Could not queue the roll-up of period(s) %s (%s: %s); they stay marked dirty "
                "and the sweep will recompute them",
                ", ".join(map(str, unsent)),
                type(error).__name__,
                error,
            )
            log.debug("Queueing the roll-up of period %s failed", period_id, exc_info=True)
            return


def scorecards_queue(period_ids: list[int]) -> None:
    """Queue a roll-up of each period once the current transaction commits (at once outside
    one). A broker that is down never fails the request that triggered it."""
    transaction.on_commit(partial(_send_rollups, list(period_ids)), robust=True)
