"""Query-string parameters, read strictly.

A missing or empty parameter means the page's default. A present but malformed or out-of-range
one raises BadParameter, which par_portal.middleware turns into a 400 with a message in the
user's language (JSON for the API): never a 500, and never silently something else.

Views declare what they read with @query_params, so that the property test can try every
parameter of every page and API endpoint.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

MIN_YEAR, MAX_YEAR = 2000, 2100
CODE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class BadParameter(Exception):
    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name
        self.message = message


def query_params(*names: str):
    """Record the query parameters a view reads (used by the tests, and as documentation)."""

    def mark(view):
        view.query_params = names
        return view

    return mark


def _raw(request, name: str) -> str | None:
    value = request.GET.get(name)
    return value if value not in (None, "") else None


def year_param(request, default: int, name: str = "year") -> int:
    value = _raw(request, name)
    if value is None:
        return default
    if not (value.isascii() and value.isdigit() and len(value) == 4):
        raise BadParameter(name, _("“%(value)s” is not a year.") % {"value": value[:20]})
    year = int(value)
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise BadParameter(
            name,
            _("The year must be between %(min)s and %(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR},
        )
    return year


def month_param(request, name: str = "month") -> dt.date | None:
    """A YYYY-MM month as its first day, or None when absent."""
    value = _raw(request, name)
    if value is None:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})", value) if value.isascii() else None
    month = int(match[2]) if match else 0
    if not match or not 1 <= month <= 12 or not MIN_YEAR <= int(match[1]) <= MAX_YEAR:
        raise BadParameter(
            name, _("“%(value)s” is not a month (write it as YYYY-MM).") % {"value": value[:20]}
        )
    return dt.date(int(match[1]), month, 1)


def choice_param(request, name: str, choices: Iterable[str], default: str | None = None):
    value = _raw(request, name)
    if value is None:
        return default
    if value not in set(choices):
        raise BadParameter(
            name,
            _("“%(value)s” is not a valid value for “%(name)s”.")
            % {"value": value[:40], "name": name},
        )
    return value


def code_param(request, name: str = "province") -> str | None:
    """A code such as a province's (`quang-nam`): its shape is checked here, its existence and
    the user's right to it by the view (a 404 when it is not theirs)."""
    value = _raw(request, name)
    if value is None:
        return None
    if not CODE.fullmatch(value):
        raise BadParameter(name, _("“%(value)s” is not a code.") % {"value": value[:40]})
    return value
