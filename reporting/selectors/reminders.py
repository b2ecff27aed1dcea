"""What is due to be reminded now. *When* something is due is data (the province's policy and
its periods), worked out here from `now`, so a missed or duplicated tick changes nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings

from indicators.models import Membership, Role, Unit
from reporting.models import Period, Reminder, ReminderPolicy, Report
from reporting.selectors.reports import expected_units, expected_units_by_period
from reporting.workdays import WorkCalendar

# Periods further back than this are history: no overdue notice for them on a new deployment.
LOOKBACK = dt.timedelta(days=45)
LOOKAHEAD = dt.timedelta(days=28)


@dataclass(frozen=True)
class Due:
    unit_id: int
    period_id: int
    kind: str


def local_send_time(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=ZoneInfo(settings.TIME_ZONE))


def policy_for(province_id: int, policies: dict[int, ReminderPolicy]) -> ReminderPolicy:
    return policies.get(province_id) or ReminderPolicy(province_id=province_id)


def kinds_due(
    period: Period, policy: ReminderPolicy, *, now: dt.datetime, calendar: WorkCalendar
) -> list[str]:
    """The kinds due for an unsubmitted report of `period` at `now`.

    Everything goes out on working days at the policy's hour: a reminder whose day is a day
    off goes out on the working day before it; the overdue notice and the escalation come the
    policy's number of *working* days after the due day. On a day off nothing is due (a tick
    missed on Friday is caught up on Monday, not on Saturday).

    Of the reminders before the deadline only the most recent due one counts: if the 20th's
    tick never ran, the 21st sends the 5-day reminder — unless the 1-day one is due by then,
    which replaces it. Never both.
    """
    zone = ZoneInfo(settings.TIME_ZONE)
    if not calendar.is_working(now.astimezone(zone).date()):
        return []  # nothing goes out on a day off; what was due waits for the next working day
    due_day = period.due_at.astimezone(zone).date()
    kinds = []
    if now < period.due_at:
        passed = [
            days
            for days in policy.offsets
            if local_send_time(reminder_day(due_day, days, calendar), policy.send_hour) <= now
        ]
        if passed:
            kinds.append(Reminder.Kind.before(min(passed)))
        return kinds
    overdue_at = local_send_time(
        calendar.working_days_after(due_day, policy.overdue_after_days), policy.send_hour
    )
    if now >= overdue_at:
        kinds.append(Reminder.Kind.OVERDUE)
    escalation_at = local_send_time(
        calendar.working_days_after(due_day, policy.escalation_after_days), policy.send_hour
    )
    if now >= escalation_at:
        kinds.append(Reminder.Kind.ESCALATION)
    return kinds


def reminder_day(due_day: dt.date, days_before: int, calendar: WorkCalendar) -> dt.date:
    """The day the reminder `days_before` the due day goes out: that day, or the working day
    before it when it is a day off."""
    return calendar.previous_working(due_day - dt.timedelta(days=days_before))


def reminder_time(due_at: dt.datetime, days_before: int, *, province_id: int, hour: int = 8):
    """When the reminder `days_before` a period's deadline goes out (the bench's moment)."""
    due_day = due_at.astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    calendar = WorkCalendar.for_province(province_id)
    return local_send_time(reminder_day(due_day, days_before, calendar), hour)


def reminders_due(*, now: dt.datetime) -> list[Due]:
    """Every (unit, period, kind) that should have been sent by `now` for a report not yet
    submitted. Rows already sent are filtered out by the caller's unique key."""
    periods = list(
        Period.objects.filter(due_at__gte=now - LOOKBACK, due_at__lte=now + LOOKAHEAD)
        .select_related("province")
        .order_by("due_at")
    )
    policies = {
        p.province_id: p
        for p in ReminderPolicy.objects.filter(province__in={x.province_id for x in periods})
    }
    submitted = set(
        Report.objects.filter(period__in=periods, first_submitted_at__isnull=False).values_list(
            "period_id", "unit_id"
        )
    )
    calendars = {pk: WorkCalendar.for_province(pk) for pk in {p.province_id for p in periods}}
    kinds = {
        period.pk: kinds_due(
            period,
            policy_for(period.province_id, policies),
            now=now,
            calendar=calendars[period.province_id],
        )
        for period in periods
    }
    expected = expected_units_by_period([p for p in periods if kinds[p.pk]])
    due: list[Due] = []
    for period in periods:
        for unit in expected.get(period.pk, []):
            if (period.pk, unit.pk) in submitted:
                continue
            due.extend(Due(unit.pk, period.pk, kind) for kind in kinds[period.pk])
    return due


def unit_addresses(unit_ids) -> dict[int, list[tuple[str, int | None]]]:
    """Where each unit is reminded, as (e-mail, user id or None): the e-mails of its reporters
    and head (active accounts), or else the unit's official e-mail. An empty list: nowhere."""
    people: dict[int, list[tuple[str, int | None]]] = {}
    for unit_id, email, user_id in (
        Membership.objects.filter(
            unit_id__in=unit_ids,
            role__in=[Role.UNIT_REPORTER, Role.UNIT_HEAD],
            user__is_active=True,
        )
        .exclude(user__email="")
        .order_by("user_id")
        .values_list("unit_id", "user__email", "user_id")
    ):
        people.setdefault(unit_id, []).append((email, user_id))
    official = Unit.objects.filter(pk__in=unit_ids).values_list("pk", "head_email")
    return {
        pk: people.get(pk) or ([(email.strip(), None)] if email.strip() else [])
        for pk, email in official
    }


def units_without_address(period: Period, units: list[Unit] | None = None) -> list[Unit]:
    """The units expected to report in the period (or `units`, when the caller has them) that
    no reminder can reach."""
    units = list(expected_units(period)) if units is None else units
    addresses = unit_addresses([u.pk for u in units])
    return [u for u in units if not addresses.get(u.pk)]
