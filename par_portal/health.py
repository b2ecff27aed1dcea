"""Reachability of the services the portal depends on (for /healthz and `make deploy-check`)."""

from __future__ import annotations

import logging
from pathlib import Path

from django.conf import settings
from django.db import connection

logger = logging.getLogger(__name__)


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception:  # any driver error means "not reachable" to a load balancer
        logger.exception("healthz: the database does not answer")
        return "unreachable"


def broker_status() -> str:
    """ "embedded" when Celery runs tasks in-process, else whether the broker answers."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "embedded"
    from par_portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=1)
        return "ok"
    except Exception:  # kombu raises several kinds; all mean "not reachable"
        logger.warning("healthz: the broker does not answer", exc_info=True)
        return "unreachable"


def static_manifest_missing() -> bool:
    """With DEBUG off, static files are served from collectstatic's hashed copies; without the
    manifest every page that links a style sheet fails."""
    backend = settings.STORAGES["staticfiles"]["BACKEND"]
    if "Manifest" not in backend:
        return False
    return not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists()
