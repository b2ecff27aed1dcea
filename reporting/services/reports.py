"""Writes for monthly reporting. Views and tasks call these; each runs in one transaction."""

from __future__ import annotations

import contextlib
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from indicators.models import Province, SecurityEvent, Unit
from indicators.services.audit import security_event_record
from par_portal import months
from reporting import selectors
from reporting.models import (
    Evidence,
    IndicatorValue,
    Period,
    Reopening,
    Report,
    ReportChange,
    ReportingSchedule,
    TaskEntry,
)
from reporting.services.staleness import period_inputs_changed
from reporting.workdays import WorkCalendar


class ReportError(Exception):
    """A refusal to show on the page, in the user's language."""


class StaleReportError(ReportError):
    pass


# --- periods -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instants:
    due_at: dt.datetime
    locks_at: dt.datetime
    due_rule: str
    nominal_last_day: dt.date

    def fields(self) -> dict:
        return {
            "due_at": self.due_at,
            "locks_at": self.locks_at,
            "due_rule": self.due_rule,
            "nominal_last_day": self.nominal_last_day,
        }


def _schedule(province: Province) -> ReportingSchedule:
    """The province's reporting schedule, or the default one when it has none."""
    return ReportingSchedule.objects.filter(province=province).first() or ReportingSchedule()


def period_instants(
    *,
    province: Province,
    month: dt.date,
    schedule: ReportingSchedule | None = None,
    calendar: WorkCalendar | None = None,
) -> Instants:
    """due_at: the start of the day after the last day to submit, local time ("before the 25th":
    the 24th is the last day). When that day is not a working day, the schedule's rule keeps
    the deadline or moves the last day to the next working day. locks_at: the start of the day
    after `lock_after_days` working days counted from the due day."""
    schedule = schedule or _schedule(province)
    calendar = calendar or WorkCalendar.for_province(province.pk)
    zone = ZoneInfo(settings.TIME_ZONE)
    nominal = dt.date(month.year, month.month, schedule.due_day) - dt.timedelta(days=1)
    last, rule = nominal, Period.DueRule.STANDARD
    if not calendar.is_working(nominal):
        if schedule.when_last_day_off == ReportingSchedule.LastDayOff.NEXT_WORKING_DAY:
            last, rule = calendar.next_working(nominal), Period.DueRule.MOVED
        else:
            rule = Period.DueRule.KEPT
    due_day = last + dt.timedelta(days=1)
    lock_day = due_day
    if schedule.lock_after_days:
        lock_day = calendar.working_days_from(due_day, schedule.lock_after_days)
        lock_day += dt.timedelta(days=1)
    return Instants(
        due_at=dt.datetime.combine(due_day, dt.time(), tzinfo=zone),
        locks_at=dt.datetime.combine(lock_day, dt.time(), tzinfo=zone),
        due_rule=rule,
        nominal_last_day=nominal,
    )


def periods_ensure(*, province: Province, first: dt.date, last: dt.date) -> list[Period]:
    """Create the province's periods from month `first` to month `last` (existing rows kept,
    so an admin's moved deadline survives)."""
    periods = []
    schedule = _schedule(province)
    calendar = WorkCalendar.for_province(province.pk)
    month = months.first_day(first)
    while month <= last:
        instants = period_instants(
            province=province, month=month, schedule=schedule, calendar=calendar
        )
        period, _created = Period.objects.get_or_create(
            province=province, month=month, defaults=instants.fields()
        )
        periods.append(period)
        month = months.next_month(month)
    return periods


def periods_recompute(*, province: Province, now: dt.datetime) -> list[Period]:
    """After the schedule or the calendar changed: the periods not yet due get their deadline
    and lock again, except those an admin set by hand. Returns the periods that moved."""
    schedule = _schedule(province)
    calendar = WorkCalendar.for_province(province.pk)
    moved = []
    with transaction.atomic():
        for period in (
            Period.objects.select_for_update()
            .filter(province=province, due_at__gt=now)
            .exclude(due_rule=Period.DueRule.MANUAL)
        ):
            instants = period_instants(
                province=province, month=period.month, schedule=schedule, calendar=calendar
            )
            fields = instants.fields()
            if all(getattr(period, name) == value for name, value in fields.items()):
                continue
            for name, value in fields.items():
                setattr(period, name, value)
            period.save(update_fields=list(fields))
            period_inputs_changed(period, now=now)
            moved.append(period)
    return moved


# --- reports -------------------------------------------------------------------------------


@transaction.atomic
def report_start(*, period: Period, unit: Unit, user, now: dt.datetime) -> Report:
    """The unit's report for the period, created as a draft pre-filled from its last report."""
    report, created = Report.objects.get_or_create(period=period, unit=unit)
    if not created:
        return report
    previous = (
        Report.objects.filter(unit=unit, period__month__lt=period.month)
        .order_by("-period__month")
        .prefetch_related("entries", "values")
        .first()
    )
    old_entries = {e.task_id: e for e in previous.entries.all()} if previous else {}
    old_values = {v.indicator_id: v for v in previous.values.all()} if previous else {}
    for task in selectors.live_tasks(unit=unit, period=period):
        old = old_entries.get(task.pk)
        TaskEntry.objects.create(
            report=report,
            task=task,
            status=old.status if old else TaskEntry.Status.NOT_STARTED,
            percent_done=old.percent_done if old else 0,
            result=old.result if old else "",
            difficulties=old.difficulties if old else "",
            # Pre-filled like the rest: the unit reviews it (a task done last month stays done,
            # with the justification already given then).
            explanation=old.explanation if old else "",
        )
    for indicator in selectors.reported_indicators(unit=unit, period=period):
        old = old_values.get(indicator.pk)
        IndicatorValue.objects.create(
            report=report, indicator=indicator, value=old.value if old else None
        )
    note = _("Pre-filled from %(month)s.") % {"month": previous.period} if previous else ""
    ReportChange.objects.create(
        report=report, user=user, at=now, action=ReportChange.Action.CREATED, note=note
    )
    return report


ENTRY_FIELDS = ["status", "percent_done", "result", "difficulties", "explanation"]


@contextlib.contextmanager
def _stored_files_undone_on_failure():
    """Files are written to storage as their rows are saved; if the transaction then fails,
    delete them too, so that a refused save leaves nothing behind."""
    stored: list = []
    try:
        yield stored
    except BaseException:
        for stored_file in stored:
            stored_file.storage.delete(stored_file.name)
        raise


def report_save(
    *,
    report: Report,
    user,
    version: int,
    entries: dict,
    values: dict,
    files: dict,
    now: dt.datetime,
) -> Report:
    """Save the draft. `entries` maps task id → {field: value}, `values` indicator id →
    {value, explanation}, `files` task id → [(upload, content type)]."""
    with _stored_files_undone_on_failure() as stored, transaction.atomic():
        report = _write(
            report,
            user=user,
            version=version,
            entries=entries,
            values=values,
            files=files,
            now=now,
            action=ReportChange.Action.SAVED,
            stored=stored,
        )
    return report


def report_submit(
    *,
    report: Report,
    user,
    version: int,
    entries: dict,
    values: dict,
    files: dict,
    now: dt.datetime,
) -> Report:
    """Save and submit in one transaction: if anything is refused, the draft stays as it was."""
    reason = selectors.submit_block_reason(report=report, now=now)
    if reason:
        raise ReportError(reason)
    with _stored_files_undone_on_failure() as stored, transaction.atomic():
        report = _write(
            report,
            user=user,
            version=version,
            entries=entries,
            values=values,
            files=files,
            now=now,
            action=ReportChange.Action.SUBMITTED,
            stored=stored,
        )
        problems = submission_problems(report)
        if problems:
            raise ValidationError(problems)
        first = report.first_submitted_at is None
        before = report.status
        report.status = Report.Status.SUBMITTED
        report.submitted_at = now
        report.submitted_by = user
        if first:
            # Timeliness is judged on the first submission: a report returned for correction
            # and resubmitted after the deadline was still delivered on time.
            report.first_submitted_at = now
            report.is_late = now >= report.period.due_at
        report.save()
        change = report.last_change  # written by _write, in this transaction
        change.changes = [*change.changes, _diff("status", before, report.status)]
        change.save(update_fields=["changes"])
        period_inputs_changed(report.period, now=now)
    return report


def _write(report, *, user, version, entries, values, files, now, action, stored) -> Report:
    if not report.is_editable_by_unit:
        raise ReportError(
            _("This report has been submitted and is read-only until the focal agency returns it.")
        )
    version_claim(
        report,
        version=version,
        now=now,
        stale=_(
            "Someone else saved this report after you opened it. Your changes were not saved; "
            "they are still on this page. Reload the report to see the other changes, then "
            "enter yours again."
        ),
    )
    changes = []
    # Only what changed is validated and written (one UPDATE for all the changed entries, one
    # for the values): the rest is as the database's constraints already accepted it. The
    # unique key (report, task or indicator) is never changed here, so not checked again.
    changed_entries, changed_values = [], []
    for entry in report.entries.select_related("task"):
        data = entries.get(entry.task_id, {})
        touched = False
        for name in ENTRY_FIELDS:
            if name in data and getattr(entry, name) != data[name]:
                changes.append(_diff(f"{entry.task.code} {name}", getattr(entry, name), data[name]))
                setattr(entry, name, data[name])
                touched = True
        if touched:
            entry.full_clean(exclude=["report", "task"], validate_constraints=False)
            changed_entries.append(entry)
        for upload, content_type in files.get(entry.task_id, []):
            evidence = Evidence.objects.create(
                entry=entry,
                file=upload,
                original_name=upload.name[:255],
                content_type=content_type,
                size=upload.size,
                uploaded_by=user,
            )
            stored.append(evidence.file)
            changes.append(_diff(f"{entry.task.code} evidence", None, upload.name))
    for item in report.values.select_related("indicator"):
        data = values.get(item.indicator_id, {})
        for name in ("value", "explanation"):
            if name in data and getattr(item, name) != data[name]:
                changes.append(
                    _diff(f"{item.indicator.code} {name}", getattr(item, name), data[name])
                )
                setattr(item, name, data[name])
                if item not in changed_values:
                    changed_values.append(item)
    for item in changed_values:
        item.full_clean(exclude=["report", "indicator"], validate_constraints=False)
    TaskEntry.objects.bulk_update(changed_entries, ENTRY_FIELDS)
    IndicatorValue.objects.bulk_update(changed_values, ["value", "explanation"])
    report.last_change = ReportChange.objects.create(
        report=report, user=user, at=now, action=action, changes=changes
    )
    return report


def version_claim(record, *, version: int, now: dt.datetime, stale: str) -> None:
    """Compare-and-set on a report's (or self-assessment's) version: of two people saving the
    same draft, the second is refused with `stale` instead of silently overwriting the first.
    The record is then read as stored (a review may have changed it); its period and unit,
    already read, are kept rather than read again (a record never moves to another)."""
    updated = (
        type(record)
        .objects.filter(pk=record.pk, version=version)
        .update(version=F("version") + 1, updated_at=now)
    )
    if not updated:
        raise StaleReportError(stale)
    period, unit = record.period, record.unit
    record.refresh_from_db()
    record.period, record.unit = period, unit


def _diff(what: str, before, after) -> dict:
    def plain(value):
        return str(value) if isinstance(value, Decimal) else value

    return {"field": what, "before": plain(before), "after": plain(after)}


def submission_problems(report: Report) -> dict[str, list[str]]:
    """What stops a report from being submitted, keyed by form field name."""
    problems: dict[str, list[str]] = {}
    for entry in report.entries.select_related("task").prefetch_related("evidence"):
        prefix = f"t{entry.task_id}"
        if entry.status in (TaskEntry.Status.BEHIND, TaskEntry.Status.BLOCKED) and not (
            entry.explanation.strip()
        ):
            problems[f"{prefix}-explanation"] = [
                _("A task marked behind schedule or blocked needs an explanation.")
            ]
        elif (
            entry.status == TaskEntry.Status.DONE
            and not entry.evidence.exists()
            and not entry.explanation.strip()
        ):
            problems[f"{prefix}-explanation"] = [
                _(
                    "A task marked done needs an evidence file or an explanation of why there is "
                    "none."
                )
            ]
    values = {v.indicator_id: v for v in report.values.select_related("indicator")}
    for item in values.values():
        prefix = f"i{item.indicator_id}"
        indicator = item.indicator
        if item.value is None:
            if not item.explanation.strip():
                problems[f"{prefix}-explanation"] = [_("A missing value needs an explanation.")]
            continue
        if indicator.max_value is not None and item.value > indicator.max_value:
            problems[f"{prefix}-value"] = [_("At most %(max)s.") % {"max": indicator.max_value}]
        ceiling = values.get(indicator.at_most_id)
        if ceiling and ceiling.value is not None and item.value > ceiling.value:
            problems[f"{prefix}-value"] = [
                _("Cannot be more than “%(other)s” (%(value)s).")
                % {"other": ceiling.indicator, "value": ceiling.value}
            ]
    return problems


# --- review --------------------------------------------------------------------------------


@transaction.atomic
def report_return(*, report: Report, user, note: str, now: dt.datetime) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.SUBMITTED:
        raise ReportError(_("Only a submitted report can be returned."))
    if not note.strip():
        raise ReportError(_("Say what must be corrected: a returned report needs a note."))
    report.status = Report.Status.RETURNED
    report.review_note = note.strip()
    report.reviewed_at, report.reviewed_by = now, user
    report.version = F("version") + 1
    report.save()
    ReportChange.objects.create(
        report=report,
        user=user,
        at=now,
        action=ReportChange.Action.RETURNED,
        note=note.strip(),
        changes=[_diff("status", Report.Status.SUBMITTED, Report.Status.RETURNED)],
    )
    if now >= report.period.locks_at:
        # The unit must be able to resubmit what it was asked to correct.
        schedule_days = (report.period.locks_at - report.period.due_at).days or 5
        period_reopen(
            period=report.period,
            unit=report.unit,
            user=user,
            now=now,
            until=now + dt.timedelta(days=schedule_days),
            reason=_("Returned for correction after the lock: %(note)s") % {"note": note.strip()},
        )
    report.refresh_from_db()
    period_inputs_changed(report.period, now=now)
    return report


@transaction.atomic
def report_accept(*, report: Report, user, now: dt.datetime) -> Report:
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.status != Report.Status.SUBMITTED:
        raise ReportError(_("Only a submitted report can be accepted."))
    report.status = Report.Status.ACCEPTED
    report.reviewed_at, report.reviewed_by = now, user
    report.version = F("version") + 1
    report.save()
    ReportChange.objects.create(
        report=report,
        user=user,
        at=now,
        action=ReportChange.Action.ACCEPTED,
        changes=[_diff("status", Report.Status.SUBMITTED, Report.Status.ACCEPTED)],
    )
    report.refresh_from_db()
    period_inputs_changed(report.period, now=now)
    return report


@transaction.atomic
def period_reopen(
    *, period: Period, unit: Unit, user, reason: str, until: dt.datetime, now: dt.datetime
) -> Reopening:
    if not reason.strip():
        raise ReportError(_("Give the reason for reopening."))
    if until <= now:
        raise ReportError(_("The reopening must end in the future."))
    if unit.province_id != period.province_id:
        raise ReportError(_("This unit belongs to another province."))
    reopening = Reopening.objects.create(
        period=period, unit=unit, reason=reason.strip(), until=until, created_by=user
    )
    report = Report.objects.filter(period=period, unit=unit).first()
    if report:
        ReportChange.objects.create(
            report=report,
            user=user,
            at=now,
            action=ReportChange.Action.REOPENED,
            note=f"{reason.strip()} (→ {until:%Y-%m-%d %H:%M})",
        )
    security_event_record(
        kind=SecurityEvent.Kind.REOPENING,
        actor=user,
        province=period.province,
        subject=f"{unit.code} {period.month:%Y-%m}",
        detail={"unit": unit.code, "month": f"{period.month:%Y-%m}", "until": until.isoformat()},
    )
    period_inputs_changed(period, now=now)
    return reopening
