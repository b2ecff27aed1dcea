"""Small, tested parsers for settings that come from the environment.

Each parser fails loudly (ImproperlyConfigured) on a value it cannot read, so a typo in
production is an error at start-up rather than a silently different setting.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def parse_bool(value: str | None, *, default: bool = False) -> bool:
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfigured(f"Cannot read {value!r} as a boolean (use true/false).")


def parse_list(value: str | None, *, default: list[str] | None = None) -> list[str]:
    if value is None:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def parse_month_day(value: str | None, default: str) -> str:
    """A day of the year written MM-DD (e.g. 12-15), checked: a typo fails at start-up."""
    import datetime as dt

    text = (value or default).strip()
    try:
        month, day = (int(part) for part in text.split("-"))
        dt.date(2000, month, day)  # a leap year: 02-29 is a valid setting
    except ValueError as error:
        raise ImproperlyConfigured(f"Not a month-day like 12-15: {text!r}") from error
    return f"{month:02d}-{day:02d}"


def parse_database_url(value: str) -> dict:
    """postgres://user:pass@host:port/name or sqlite:///path (relative paths allowed)."""
    scheme = value.split("://", 1)[0] if "://" in value else ""
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"DATABASE_URL must start with postgres:// or sqlite:///, got {value!r}."
        )
    config = dj_database_url.parse(value, conn_max_age=0)
    if scheme != "sqlite":
        config["CONN_MAX_AGE"] = 60
        config["CONN_HEALTH_CHECKS"] = True
    return config


def parse_email_url(value: str) -> dict:
    """console://, locmem://, smtp://user:pass@host:port?tls=true (smtps:// for SSL)."""
    parts = urlsplit(value)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL must start with console://, locmem://, smtp:// or smtps://, got {value!r}."
        )
    config: dict = {"EMAIL_BACKEND": backends[parts.scheme]}
    if parts.scheme in {"smtp", "smtps"}:
        if not parts.hostname:
            raise ImproperlyConfigured("EMAIL_URL for SMTP needs a host: smtp://host:port")
        query = parse_qs(parts.query)
        config.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=parts.port or (465 if parts.scheme == "smtps" else 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=parse_bool(query.get("tls", ["false"])[0]),
            EMAIL_TIMEOUT=int(query.get("timeout", ["30"])[0]),
        )
    return config


def redis_neighbour(broker_url: str) -> str:
    """The broker's Redis server on the next database (redis://h:6379/0 → redis://h:6379/1),
    so that clearing the cache never touches the queues; '' when the broker is not Redis."""
    if not broker_url.startswith(("redis://", "rediss://")):
        return ""
    base, _, database = broker_url.rpartition("/")
    if not database.isdigit() or base.endswith(("redis:/", "rediss:/")):
        return broker_url.rstrip("/") + "/1"
    return f"{base}/{(int(database) + 1) % 16}"
