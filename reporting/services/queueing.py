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
    pending: set[int] | None = getattr(connection, "_par_rollups", None)
    if pending is None:
        pending = connection._par_rollups = set()

        def send() -> None:
            from reporting.tasks import rollup_period

            periods = sorted(connection._par_rollups)
            connection._par_rollups = None
            for period in periods:
                try:
                    rollup_period.delay(period)
                except Exception:  # noqa: BLE001 - any broker failure; the request succeeds
                    log.warning(
                        "Could not queue the roll-up of period %s; the nightly run will do it",
                        period,
                        exc_info=True,
                    )

        transaction.on_commit(send)
    pending.add(period_id)
