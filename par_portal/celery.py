"""The one Celery app. It reads every CELERY_* setting from par_portal.settings."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "par_portal.settings")

app = Celery("par_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
