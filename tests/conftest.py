"""Shared fixtures: the bundled data and demo loaded once, named personas, and the rule that
tests needing Redis or a browser skip locally but fail under CI=true."""

from __future__ import annotations

import os
import shutil

import pytest
from django.contrib.auth import get_user_model

from indicators.models import Membership, Province, Role, Unit

CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = "/usr/bin/chromium"


def skip_or_fail(reason: str) -> None:
    if CI:
        pytest.fail(f"{reason} (CI=true: required, not skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def django_db_modify_db_settings():
    """No persistent connections in tests: the live server's request threads would otherwise
    keep theirs open and block dropping the test database at the end."""
    from django.conf import settings

    settings.DATABASES["default"]["CONN_MAX_AGE"] = 0


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Every test starts from the bundled PAR data and the demo (loaded once per session)."""

    from indicators.services.demo import demo_load
    from reporting.demo import demo_reporting_load

    with django_db_blocker.unblock():
        demo_load()
        demo_reporting_load()
    yield
    # The live server's request threads can outlive their last request with a connection
    # open; end them so that the test database can be dropped.
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def vietnamese_by_default():
    """Each test starts in Vietnamese: a request in English (the language switch) activates
    English in this thread and would otherwise leak into the next test."""
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")


@pytest.fixture
def redis_broker_url():
    from django.conf import settings

    url = os.environ.get("CELERY_BROKER_URL")
    if not url:
        skip_or_fail("CELERY_BROKER_URL is not set: no Redis to test against")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as error:
        skip_or_fail(f"Redis at {url} does not answer: {error}")
    assert url == settings.CELERY_BROKER_URL
    return url


@pytest.fixture(scope="session")
def chromium_path():
    if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
        skip_or_fail(f"Debian's chromium is not installed at {CHROMIUM}")
    return CHROMIUM


# --- personas ----------------------------------------------------------------------------


def _member(username: str, province: Province, role: str, unit: Unit | None = None, **extra):
    user = get_user_model().objects.create_user(
        username=username, password="pw-for-tests-1", email=f"{username}@test.example", **extra
    )
    Membership.objects.create(user=user, province=province, unit=unit, role=role)
    return user


@pytest.fixture
def quang_nam(db):
    return Province.objects.get(code="quang-nam")


@pytest.fixture
def an_giang(db):
    return Province.objects.get(code="an-giang")


@pytest.fixture
def qn_province_admin(quang_nam):
    return _member("qn-admin-t", quang_nam, Role.PROVINCE_ADMIN, is_staff=True)


@pytest.fixture
def qn_reporter(quang_nam):
    unit = quang_nam.units.get(code="nui-thanh")
    return _member("qn-reporter-t", quang_nam, Role.UNIT_REPORTER, unit)


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root-t", "root@test.example", "pw")


@pytest.fixture
def outsider(db):
    """Logged in, but a member of nothing."""
    return get_user_model().objects.create_user("nobody-t", password="pw-for-tests-1")


@pytest.fixture(autouse=True)
def empty_dashboard_cache():
    """Each test's database is rolled back, so no cached figure may outlive the test that
    computed it (ids are reused)."""
    from django.core.cache import cache

    cache.clear()
    yield
