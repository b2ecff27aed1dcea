import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from par_portal.env import parse_bool, parse_database_url, parse_email_url, parse_list


def test_parse_bool_reads_common_spellings_and_rejects_others():
    assert parse_bool("True") is True
    assert parse_bool("off") is False
    assert parse_bool(None, default=True) is True
    with pytest.raises(ImproperlyConfigured):
        parse_bool("maybe")


def test_parse_list_splits_on_commas_and_drops_blanks():
    assert parse_list("a.vn, b.vn,,") == ["a.vn", "b.vn"]
    assert parse_list(None, default=["x"]) == ["x"]


def test_parse_database_url_reads_postgres_with_persistent_connections():
    config = parse_database_url("postgres://par:secret@db.example:6543/portal")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["NAME"], config["USER"], config["PASSWORD"]) == ("portal", "par", "secret")
    assert (config["HOST"], config["PORT"]) == ("db.example", 6543)
    assert config["CONN_MAX_AGE"] == 60


def test_parse_database_url_reads_sqlite_file():
    config = parse_database_url("sqlite:////tmp/portal.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/tmp/portal.sqlite3"


def test_parse_database_url_rejects_unknown_scheme():
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        parse_database_url("mysql://root@localhost/db")


def test_parse_email_url_console_locmem_and_smtp():
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert parse_email_url("locmem://")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")
    smtp = parse_email_url("smtp://mailer:p%40ss@mail.example:587?tls=true")
    assert smtp["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"]) == ("mail.example", 587)
    assert (smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == ("mailer", "p@ss")
    assert smtp["EMAIL_USE_TLS"] is True and smtp["EMAIL_USE_SSL"] is False
    smtps = parse_email_url("smtps://mail.example")
    assert smtps["EMAIL_PORT"] == 465 and smtps["EMAIL_USE_SSL"] is True


def test_parse_email_url_rejects_unknown_scheme_and_missing_host():
    with pytest.raises(ImproperlyConfigured):
        parse_email_url("pigeon://coop")
    with pytest.raises(ImproperlyConfigured):
        parse_email_url("smtp://")


def _settings_in_subprocess(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    from par_portal.settings import PRODUCTION_REQUIRED

    dropped = {"DEBUG", *PRODUCTION_REQUIRED}
    clean = {k: v for k, v in os.environ.items() if k not in dropped}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            f"from par_portal import settings as s; print(repr(({expression})))",
        ],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "k" * 50,
    "ALLOWED_HOSTS": "par.example.vn",
    "SITE_URL": "https://par.example.vn",
    "DATABASE_URL": "postgres://par@db.example.vn:5432/par",
    "CELERY_BROKER_URL": "redis://redis.example.vn:6379/0",
    "EMAIL_URL": "smtp://mail.example.vn:587?tls=true",
    "DEFAULT_FROM_EMAIL": "Cổng CCHC <no-reply@par.example.vn>",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "SITE_URL", "DEFAULT_FROM_EMAIL", "EMAIL_URL"])
def test_production_refuses_to_start_without_a_required_variable(missing):
    env = {**PRODUCTION, missing: ""}
    result = _settings_in_subprocess(env, "s.SECRET_KEY")
    assert result.returncode != 0
    assert "these environment variables must be set: " + missing in result.stderr


def test_every_missing_variable_is_named_at_once():
    result = _settings_in_subprocess({"DEBUG": "false"}, "s.SECRET_KEY")
    assert result.returncode != 0
    from par_portal.settings import PRODUCTION_REQUIRED

    assert ", ".join(PRODUCTION_REQUIRED) in result.stderr


def test_secret_key_and_hosts_come_from_the_environment():
    result = _settings_in_subprocess(
        PRODUCTION,
        "s.SECRET_KEY == 'k' * 50, s.ALLOWED_HOSTS, s.SESSION_COOKIE_SECURE, s.TIME_ZONE",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(True, ['par.example.vn'], True, 'Asia/Ho_Chi_Minh')"


def test_embedded_default_runs_tasks_in_process_and_prints_mail():
    result = _settings_in_subprocess(
        {"DEBUG": "true", "CELERY_BROKER_URL": "", "EMAIL_URL": "console://"},
        "s.CELERY_TASK_ALWAYS_EAGER, s.CELERY_BROKER_URL, s.EMAIL_BACKEND",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "(True, 'memory://', 'django.core.mail.backends.console.EmailBackend')"
    )


def test_effective_celery_configuration():
    from django.conf import settings

    from par_portal import celery_app

    conf = celery_app.conf
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"
    assert conf.accept_content == ["json"]
    assert conf.timezone == "Asia/Ho_Chi_Minh" == settings.TIME_ZONE
    assert conf.enable_utc is True
    assert conf.task_time_limit == 300
    assert conf.task_soft_time_limit == 240
    assert conf.worker_prefetch_multiplier == 1
    assert conf.beat_scheduler == "django_celery_beat.schedulers:DatabaseScheduler"
    broker = os.environ.get("CELERY_BROKER_URL")
    assert conf.broker_url == (broker or "memory://")
    assert conf.task_always_eager is (not broker)


def test_a_web_process_can_queue_the_rollup_by_name():
    """A process that only set Django up (gunicorn, not a worker) knows the Celery tasks:
    Celery's autodiscovery runs in workers only, and the web process queues roll-ups by name."""
    code = (
        "import django; django.setup()\n"
        "from par_portal.celery import app\n"
        "from reporting.services.queueing import ROLLUP_TASK\n"
        "print(ROLLUP_TASK in app.tasks)\n"
    )
    env = {**os.environ, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "par_portal.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.redis
def test_celery_reaches_the_redis_broker(redis_broker_url):
    from par_portal import celery_app

    with celery_app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=1)
        assert connection.transport_cls == "redis"
        channel = connection.default_channel
        channel.client.set("par-portal-ci-probe", "ok", ex=10)
        assert channel.client.get("par-portal-ci-probe") == b"ok"
