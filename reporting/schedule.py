"""The beat schedule, in code: fixed tickers. *When* a reminder or roll-up is due is data
(periods, policies), worked out by the services at each tick. Each ticker's `expires` is
shorter than its period, so a backlog of ticks never piles up behind a stopped worker.

Installed into django-celery-beat's tables by a migration (admins see and change the times in
admin; a later migration never overwrites their changes)."""

TICKERS = [
    {
        "name": "Reminders (hourly)",
        "task": "reporting.tasks.send_reminders",
        "crontab": {"minute": "5", "hour": "*"},
        "expire_seconds": 50 * 60,
    },
    {
        "name": "Stale scorecards (every 5 minutes)",
        "task": "reporting.tasks.sweep_stale",
        "crontab": {"minute": "*/5", "hour": "*"},
        "expire_seconds": 4 * 60,
    },
    {
        "name": "Periods ahead and scorecards (nightly)",
        "task": "reporting.tasks.nightly",
        "crontab": {"minute": "30", "hour": "1"},
        "expire_seconds": 3 * 60 * 60,
    },
]


def install(apps, schema_editor) -> None:
    from django.conf import settings

    crontab_model = apps.get_model("django_celery_beat", "CrontabSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for ticker in TICKERS:
        crontab, _ = crontab_model.objects.get_or_create(
            **ticker["crontab"],
            day_of_week="*",
            day_of_month="*",
            month_of_year="*",
            timezone=settings.TIME_ZONE,
        )
        task_model.objects.get_or_create(
            name=ticker["name"],
            defaults={
                "task": ticker["task"],
                "crontab": crontab,
                "expire_seconds": ticker["expire_seconds"],
                "enabled": True,
            },
        )
