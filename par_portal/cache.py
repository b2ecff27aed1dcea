"""Dashboards are read many times between writes, so what they compute is cached under a
version per province (and one for the published results every province's ranking reads).
Every write that touches a province bumps its version once the transaction commits:
submissions, reviews, reopenings, target, task and unit changes, imports, roll-ups
(reporting.services.staleness marks the months and bumps; the roll-up bumps when it is done;
indicators.hooks bumps "results" for published results). A cached figure is therefore never
older than the last committed write: a new version is a new key.

The cache is Django's: local memory when embedded (one process), Redis in production
(CACHE_URL, by default the broker's Redis server on the next database), so every web and
worker process sees the same versions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

TIMEOUT = 6 * 60 * 60
RESULTS = "results"
# Provinces, units and memberships: who may see what. Every save or delete of one bumps it
# (indicators.signals), so each user's memberships can be cached under it.
DIRECTORY = "directory"


def province_scope(province_id: int) -> str:
    return f"province:{province_id}"


def user_scope(user_id: int) -> str:
    """What the header shows of one user beyond their memberships: the unread notices."""
    return f"user:{user_id}"


def _versions(scopes: list[str]) -> list[int]:
    keys = [f"v:{scope}" for scope in scopes]
    found = cache.get_many(keys)
    # A version that is not found (never set, or evicted) starts from a number never used
    # before: restarting from 1 would serve entries cached under an old 1 again.
    fresh = time.time_ns()
    missing = {key: fresh for key in keys if key not in found}
    if missing:
        cache.set_many(missing, timeout=None)
    return [found.get(key, fresh) for key in keys]


def cached(parts: Iterable[Any], scopes: list[str], compute: Callable[[], Any]) -> Any:
    """The cached result of `compute`, under `parts` and the current versions of `scopes`."""
    versions = _versions(scopes)
    key = "dash:" + ":".join(str(p) for p in parts) + ":" + ":".join(map(str, versions))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value


def _bump_now(scopes: Iterable[str]) -> None:
    for scope in set(scopes):
        key = f"v:{scope}"
        try:
            cache.incr(key)
        except ValueError:  # not set yet (or evicted): a number never used before
            cache.set(key, time.time_ns(), timeout=None)


def bump(scopes: Iterable[str]) -> None:
    """Invalidate the scopes once the current transaction commits (at once outside one)."""
    scopes = list(scopes)
    transaction.on_commit(lambda: _bump_now(scopes), robust=True)


def versions_tag(scopes: list[str]) -> str:
    """The scopes' current versions as one string, for a template fragment's cache key."""
    return ".".join(map(str, _versions(scopes)))


class Deferred:
    """A page's figures, computed on first use: a template that finds its {% cache %} fragment
    never reads them, so a cached page costs no selector work at all."""

    def __init__(self, compute: Callable[[], dict[str, Any]]):
        self._compute = compute
        self._values: dict[str, Any] | None = None

    def get(self, name: str) -> Any:
        if self._values is None:
            self._values = self._compute()
        return self._values[name]

    def context(self, *names: str) -> dict[str, Callable[[], Any]]:
        """Template context entries: the template calls each (Django calls callables)."""
        return {name: (lambda name=name: self.get(name)) for name in names}
