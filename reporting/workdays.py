"""Working days, the one home: Vietnam's public holidays from the `holidays` library (which knows
the lunar Tết and Hùng Kings days and the observed days it moves them to), the weekend, and a
province's announced exceptions (compensatory days off, swapped working Saturdays) from
admin. Reporting deadlines, the lock, reminders and overdue notices all count with it."""

from __future__ import annotations

import datetime as dt
import functools

import holidays
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reporting.models.calendar import CalendarException

ONE_DAY = dt.timedelta(days=1)
# Far enough for any announced break (Tết is at most 9 days with its weekends); a loop that
# goes further means a calendar with no working day at all, which is refused.
MAX_SEARCH = 60


@functools.lru_cache(maxsize=128)
def national_holidays(year: int, language: str) -> dict[dt.date, str]:
    """Vietnam's public holidays of a year, named in `language` ("vi" or "en_US")."""
    return dict(holidays.country_holidays("VN", years=year, language=language))


def national_why_off(day: dt.date) -> str:
    """The public holiday or the weekend day that makes `day` a day off, in the active language
    ("" for a weekday that is no holiday); no database query."""
    name = national_holidays(day.year, _language()).get(day)
    if name:
        return name
    if day.weekday() >= 5:
        return _("Saturday") if day.weekday() == 5 else _("Sunday")
    return ""


def _language() -> str:
    return "en_US" if (get_language() or "vi").startswith("en") else "vi"


class WorkCalendar:
    """Working days of one province. Built once per use (one query for its exceptions)."""

    def __init__(self, exceptions: dict[dt.date, CalendarException] | None = None):
        self.exceptions = exceptions or {}

    @classmethod
    def for_province(cls, province_id: int | None) -> WorkCalendar:
        if province_id is None:
            return cls()
        rows = CalendarException.objects.filter(province_id=province_id)
        return cls({row.day: row for row in rows})

    def is_working(self, day: dt.date) -> bool:
        exception = self.exceptions.get(day)
        if exception is not None:
            return exception.kind == CalendarException.Kind.WORKING_DAY
        return day.weekday() < 5 and day not in national_holidays(day.year, "vi")

    def why_off(self, day: dt.date) -> str:
        """Why a day is not a working day, in the active language ("" when it is one)."""
        if self.is_working(day):
            return ""
        exception = self.exceptions.get(day)
        if exception is not None:
            return exception.name
        return national_why_off(day)

    def next_working(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the first working day after it."""
        return self._walk(day, ONE_DAY)

    def previous_working(self, day: dt.date) -> dt.date:
        """`day` itself when it is a working day, else the last working day before it."""
        return self._walk(day, -ONE_DAY)

    def working_days_after(self, day: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `day` (0: `day` itself, or the next working day)."""
        if count == 0:
            return self.next_working(day)
        return self.working_days_from(day + ONE_DAY, count)

    def working_days_from(self, day: dt.date, count: int) -> dt.date:
        """The last of `count` working days starting on `day` (counted if it is one)."""
        found = day - ONE_DAY
        for _step in range(count):
            found = self.next_working(found + ONE_DAY)
        return found

    def _walk(self, day: dt.date, step: dt.timedelta) -> dt.date:
        for _tries in range(MAX_SEARCH):
            if self.is_working(day):
                return day
            day += step
        raise ValueError(f"no working day within {MAX_SEARCH} days of {day}")
