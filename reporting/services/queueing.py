"""Queueing roll-ups after commit, through public APIs only.

`transaction.on_commit(..., robust=True)` runs the send once the transaction commits and drops
it if the transaction rolls back. The task is looked up by name in the Celery app's registry
rather than imported, so this module imports nothing of reporting (no cycle: tasks → services →
queueing). Celery's own `delay_on_commit` is not used because it lets a broker error escape
after the commit: a submission that was saved must never answer 500 because Redis is down.

A transaction that touches several reports of one period may queue the period more than once;
the roll-up is deterministic, so a second run only repeats the same result.
"""

from __future__ import annotations

import logging
from functools import partial

from django.db import transaction

log = logging.getLogger(__name__)

ROLLUP_TASK = "reporting.tasks.rollup_period"


def _send_rollup(period_id: int) -> None:
    from par_portal.celery import app

    try:
        app.tasks[ROLLUP_TASK].delay(period_id)
    except Exception:  # noqa: BLE001 - any broker failure; the request must still succeed
        log.warning(
            "Could not queue the roll-up of period %s; the nightly run will do it",
            period_id,
            exc_info=True,
        )


def scorecards_queue(period_id: int) -> None:
    """Queue a roll-up of the period once the current transaction commits (at once outside
    one). A broker that is down never fails the request that triggered it."""
    transaction.on_commit(partial(_send_rollup, period_id), robust=True)
