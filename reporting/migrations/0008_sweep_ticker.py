from django.db import migrations

from reporting.schedule import install


class Migration(migrations.Migration):
    """Adds the five-minute sweep of stale scorecards (existing tickers are left as admins set
    them)."""

    dependencies = [
        ("reporting", "0007_period_staleness"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
