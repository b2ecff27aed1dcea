"""Queueing roll-ups after commit, safely."""

from __future__ import annotations

import logging

from django.db import transaction

log = logging.getLogger(__name__)


def scorecards_queue(period_id: int) -> None:
    """Queue a roll-up once the current transaction commits (once per period, however many
    reports the transaction touched). A broker that is down never fails the request that
    triggered it: the nightly run catches up."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        getattr(callback, "par_rollup", None) == period_id
        for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return  # already queued for this commit (Django drops it if the transaction rolls back)

    def send() -> None:
        from reporting.tasks import rollup_period

        try:
            rollup_period.delay(period_id)
        except Exception:  # noqa: BLE001 - any broker failure; the request must still succeed
            log.warning(
                "Could not queue the roll-up of period %s; the nightly run will do it",
                period_id,
                exc_info=True,
            )

    send.par_rollup = period_id
    transaction.on_commit(send)
