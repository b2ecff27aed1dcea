"""Celery tasks: thin shells around the services. They take primary keys or nothing, return
quietly when there is nothing to do, and retry only what is worth retrying.

Every task is idempotent, so all are `acks_late` and, through the setting
CELERY_TASK_REJECT_ON_WORKER_LOST, requeued when the process running them dies. Each logs its
outcome and duration at INFO. When a worker starts it runs one catch-up (pending reminders and
stale scorecards), so work abandoned by a killed worker never waits for the next tick.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from celery import shared_task
from celery.signals import worker_ready
from django.conf import settings
from django.utils import timezone

from par_portal import months
from reporting.models import Period
from reporting.services.reminders import reminders_run
from reporting.services.scorecards import (
    periods_ensure_ahead,
    scorecard_rollup,
    scorecards_rollup,
)
from reporting.services.staleness import dirty_periods

log = logging.getLogger(__name__)


@shared_task(acks_late=True, ignore_result=True)
def send_reminders() -> dict:
    """The hourly ticker. Idempotent (unique keys, one run at a time), so acks_late is safe."""
    started = time.monotonic()
    report = reminders_run(now=timezone.now())
    if report.retry_at and not settings.CELERY_TASK_ALWAYS_EAGER:
        # Transient SMTP errors: come back for the rows waiting, with capped backoff.
        send_reminders.apply_async(eta=report.retry_at + dt.timedelta(seconds=1))
    outcome = {
        "created": report.created,
        "sent": report.sent_messages,
        "failed": report.failed,
        "skipped": report.skipped,
        "another_run_active": report.locked_out,
    }
    log.info("Reminders: %s in %.2fs", _pairs(outcome), time.monotonic() - started)
    return outcome


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
)
def rollup_period(period_id: int) -> None:
    started = time.monotonic()
    period = Period.objects.filter(pk=period_id).select_related("province").first()
    if period is None:
        log.info("Roll-up of period %s: deleted since it was queued", period_id)
        return  # deleted since it was queued
    scorecard_rollup(period=period, now=timezone.now())
    log.info(
        "Roll-up of %s %s: recomputed in %.2fs",
        period.province.code,
        f"{period.month:%Y-%m}",
        time.monotonic() - started,
    )


def _sweep() -> int:
    """Recompute every period marked stale, of any month."""
    return scorecards_rollup(dirty_periods().select_related("province"), now=timezone.now())


@shared_task(acks_late=True, ignore_result=True)
def sweep_stale() -> int:
    """Every few minutes: the roll-ups that were never queued or never ran."""
    started = time.monotonic()
    count = _sweep()
    log.info("Stale scorecards: %d periods recomputed in %.2fs", count, time.monotonic() - started)
    return count


@shared_task(acks_late=True, ignore_result=True)
def nightly() -> int:
    """Create periods ahead, recompute every province's current and previous month (expected
    progress moves with the date) and every stale period."""
    started = time.monotonic()
    today = timezone.localdate()
    periods_ensure_ahead(today=today)
    first_of_month = months.first_day(today)
    previous = months.previous_month(first_of_month)
    count = scorecards_rollup(
        Period.objects.filter(month__in=[previous, first_of_month]).select_related("province"),
        now=timezone.now(),
    )
    count += _sweep()
    log.info("Nightly: %d periods recomputed in %.2fs", count, time.monotonic() - started)
    return count


@shared_task(acks_late=True, ignore_result=True)
def catch_up() -> dict:
    """Run when a worker starts: the reminders a killed worker left pending and the stale
    scorecards, at once rather than at the next tick."""
    started = time.monotonic()
    reminders = send_reminders.run()
    periods = _sweep()
    log.info(
        "Catch-up on worker start: %s, %d stale periods recomputed in %.2fs",
        _pairs(reminders),
        periods,
        time.monotonic() - started,
    )
    return {"reminders": reminders, "periods": periods}


@worker_ready.connect(dispatch_uid="reporting-catch-up-on-worker-start")
def _catch_up_on_start(sender=None, **kwargs) -> None:
    try:
        catch_up.delay()
    except Exception as error:  # noqa: BLE001 - the broker may be down; beat catches up later
        log.warning("Could not queue the catch-up on worker start (%s)", error)


def _pairs(values: dict) -> str:
    return ", ".join(f"{key}={value}" for key, value in values.items())


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=20)
def deliver_channel(self, delivery_id: int) -> None:
    """Send one webhook delivery (Zalo/SMS); a transient failure comes back after the backoff.
    Embedded (no broker) the next reminder run retries it instead of this process waiting."""
    from reporting.services.channels import delivery_send

    outcome = delivery_send(delivery_id=delivery_id, now=timezone.now())
    log.info("Delivery %s: sent=%s retry_in=%s", delivery_id, outcome.sent, outcome.retry_in)
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)


@shared_task(acks_late=True, ignore_result=True)
def build_dossier(export_id: int) -> None:
    """Build a requested dossier ZIP. A row already built (or gone) is left as it is."""
    from reporting.models import DossierExport
    from reporting.services.dossier import dossier_export_run

    export = (
        DossierExport.objects.select_related("province")
        .filter(pk=export_id)
        .exclude(status=DossierExport.Status.DONE)
        .first()
    )
    if export is None:
        return
    from django.utils import translation

    started = time.monotonic()
    with translation.override(settings.LANGUAGE_CODE):  # the dossier is MoHA's: Vietnamese
        dossier_export_run(export)
    log.info("Dossier %s built in %.2fs", export_id, time.monotonic() - started)
