"""Month arithmetic, the one home: a reporting month is the date of its first day."""

from __future__ import annotations

import datetime as dt


def first_day(day: dt.date) -> dt.date:
    """The month a day falls in (its first day)."""
    return day.replace(day=1)


def add_months(month: dt.date, count: int) -> dt.date:
    """The first day of the month `count` months after (or before) the month of `month`."""
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(month: dt.date) -> dt.date:
    return add_months(month, 1)


def previous_month(month: dt.date) -> dt.date:
    return add_months(month, -1)


def last_day(month: dt.date) -> dt.date:
    """The last day of the month of `month`."""
    return next_month(month) - dt.timedelta(days=1)


def start(month: dt.date) -> dt.datetime:
    """The moment the month begins: midnight of its first day, local time."""
    from zoneinfo import ZoneInfo

    from django.conf import settings

    return dt.datetime.combine(first_day(month), dt.time(), tzinfo=ZoneInfo(settings.TIME_ZONE))


def of_year_until(month: dt.date) -> list[dt.date]:
    """January to `month`'s month of its year, in order."""
    return [dt.date(month.year, number, 1) for number in range(1, month.month + 1)]
