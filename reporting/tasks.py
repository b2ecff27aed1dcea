"""Celery tasks: thin shells around the services. They take primary keys or nothing, return
quietly when there is nothing to do, and retry only what is worth retrying."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from par_portal import months
from reporting.models import Period
from reporting.services.reminders import reminders_run
from reporting.services.scorecards import periods_ensure_ahead, scorecard_rollup


@shared_task(acks_late=True, ignore_result=True)
def send_reminders() -> dict:
    """The hourly ticker. Idempotent (unique keys, one run at a time), so acks_late is safe."""
    report = reminders_run(now=timezone.now())
    if report.retry_at and not settings.CELERY_TASK_ALWAYS_EAGER:
        # Transient SMTP errors: come back for the rows waiting, with capped backoff.
        send_reminders.apply_async(eta=report.retry_at + dt.timedelta(seconds=1))
    return {"created": report.created, "sent": report.sent_messages, "failed": report.failed}


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
    period = Period.objects.filter(pk=period_id).select_related("province").first()
    if period is None:
        return  # deleted since it was queued
    scorecard_rollup(period=period, now=timezone.now())


@shared_task(acks_late=True, ignore_result=True)
def nightly() -> int:
    """Create periods ahead and recompute every province's current and previous month."""
    today = timezone.localdate()
    periods_ensure_ahead(today=today)
    count = 0
    first_of_month = months.first_day(today)
    previous = months.previous_month(first_of_month)
    for period in Period.objects.filter(month__in=[previous, first_of_month]):
        scorecard_rollup(period=period, now=timezone.now())
        count += 1
    return count
