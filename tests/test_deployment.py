"""Production settings: `check --deploy` is clean, HTTPS settings follow SECURE_COOKIES, the
static-files guard, the Content-Security-Policy, and /healthz."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "par.example.vn",
    "SECURE_COOKIES": "true",
    "DATABASE_URL": "sqlite:///:memory:",
    "SITE_URL": "https://par.example.vn",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/15",
    "EMAIL_URL": "smtp://127.0.0.1:25",
    "DEFAULT_FROM_EMAIL": "Cổng CCHC <no-reply@par.example.vn>",
}


def _run(args: list[str], tmp_path: Path, manifest: bool = True, **extra: str):
    static = tmp_path / "static"
    static.mkdir(exist_ok=True)
    if manifest:  # what collectstatic leaves (make deploy-check runs the real one)
        (static / "staticfiles.json").write_text('{"paths": {}, "version": "1.1"}')
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never does.
    dropped = {"DEBUG", "CELERY_BROKER_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(PRODUCTION, STATIC_ROOT=str(static), **extra)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_prints_no_warning_in_the_production_environment(tmp_path):
    done = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout + done.stderr


def test_without_collectstatic_the_check_fails_and_the_web_process_refuses_to_start(tmp_path):
    done = _run(["manage.py", "check"], tmp_path, manifest=False)
    assert done.returncode != 0
    assert "par_portal.E001" in done.stderr
    start = _run(["-c", "import par_portal.wsgi"], tmp_path, manifest=False)
    assert start.returncode != 0 and "make deploy-check" in start.stderr


SHOW = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT, "
    "getattr(s, 'SECURE_PROXY_SSL_HEADER', None)]))"
)


@pytest.mark.parametrize(
    "extra,expected",
    [
        ({}, [True, 31536000, True, ["HTTP_X_FORWARDED_PROTO", "https"]]),
        (
            {"SECURE_SSL_REDIRECT": "false"},
            [True, 31536000, False, ["HTTP_X_FORWARDED_PROTO", "https"]],
        ),
        ({"SECURE_HSTS": "false"}, [True, 0, True, ["HTTP_X_FORWARDED_PROTO", "https"]]),
        ({"SECURE_PROXY_SSL_HEADER": "false"}, [True, 31536000, True, None]),
        ({"SECURE_COOKIES": "false"}, [False, 0, False, None]),
    ],
)
def test_https_settings_follow_secure_cookies_and_can_be_switched_off(tmp_path, extra, expected):
    done = _run(["-c", SHOW], tmp_path, DJANGO_SETTINGS_MODULE="par_portal.settings", **extra)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


INLINE = [
    re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    re.compile(r"\sstyle=\"", re.I),
    re.compile(r"\son[a-z]+=\"", re.I),
    re.compile(r"<style", re.I),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "username,path",
    [
        (None, "/accounts/login/"),
        ("dn.committee", "/dashboard/?year=2020"),
        ("dn.committee", "/dashboard/trend/"),
        ("dn.committee", "/dashboard/targets/"),
        ("dn.committee", "/dashboard/units/"),
        ("dn.committee", "/dashboard/brief/"),
        ("dn.reviewer", "/reports/board/"),
        ("dn.reporter", "/reports/"),
        ("dn.reporter", "/reports/notices/"),
    ],
)
def test_our_pages_need_no_inline_script_or_style(client, username, path):
    if username:
        client.force_login(get_user_model().objects.get(username=username))
    response = client.get(path, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    for pattern in INLINE:
        assert not pattern.search(html), (path, pattern.search(html)[0])


def test_healthz_answers_without_login_and_reveals_nothing(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "database", "broker"}
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["broker"] in {"ok", "embedded"}


@pytest.mark.redis
def test_healthz_reports_the_real_broker_and_a_broker_that_is_down(
    client, db, redis_broker_url, settings, monkeypatch
):
    from par_portal.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = False
    assert client.get("/healthz").json()["broker"] == "ok"
    real = app.connection_for_write
    monkeypatch.setattr(app, "connection_for_write", lambda: real(url="redis://127.0.0.1:1/0"))
    response = client.get("/healthz")
    assert response.status_code == 200  # the portal still serves; the broker is reported
    assert response.json()["broker"] == "unreachable"


def test_the_procfiles_web_process_listens_on_the_port_it_is_given(tmp_path):
    """`PORT=… make serve` (honcho --port) works when 8000 is taken: the Procfile reads $PORT."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    env["PATH"] = f"{Path(sys.executable).parent}:{env['PATH']}"
    honcho = subprocess.Popen(
        [sys.executable, "-m", "honcho", "start", "web", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    status = 0
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not status:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    status = r.status
            except OSError:
                time.sleep(0.3)
    finally:
        os.killpg(honcho.pid, 15)
        output, _ = honcho.communicate(timeout=20)
    assert status == 200, output
    assert f"127.0.0.1:{port}" in output
