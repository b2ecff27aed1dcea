"""Reminders before the 25th, overdue notices and escalation digests — each sent once.

A run: (1) create the due rows against the unique key (unit, period, kind), so a duplicated
tick creates nothing twice; (2) group the pending rows by recipient, so a person in two units
gets one e-mail; (3) send each e-mail and, in one small transaction, record the recipient on
every row it covered. A row is sent once all its recipients are recorded.

Only one run at a time per database (a PostgreSQL advisory lock: a second worker or a
duplicated beat tick returns at once). The crash window we accept: a worker killed after the
SMTP server accepted a message but before its recipient is recorded re-sends that one message
on the next run; its Message-ID is derived from the reminder keys, so a mail system can
recognise the copy. A worker killed anywhere else sends nothing twice.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import random
import smtplib
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.utils import translation

from indicators.models import Membership, Preference, Role
from par_portal.cache import bump, user_scope
from reporting.models import Notice, Reminder, Report
from reporting.selectors.reminders import reminders_due, unit_addresses
from reporting.services.channels import (
    TRANSIENT,
    ChannelError,
    EmailChannel,
    deliveries_create,
    deliveries_queue,
    deliveries_waiting,
    reminder_path,
)

MAX_ATTEMPTS = 5
BACKOFF_BASE = dt.timedelta(minutes=1)
BACKOFF_CAP = dt.timedelta(hours=1)
RUN_LOCK_KEY = 2025_0725  # any constant shared by every process of this portal


@dataclass
class Recipient:
    email: str
    language: str
    user_id: int | None = None
    rows: list[Reminder] = field(default_factory=list)
    role: str = "unit"  # "unit": link to the form; "province": link to the board
    unit_rows: set[int] = field(default_factory=set)  # id() of the rows it reaches for the unit


@dataclass
class RunReport:
    created: int = 0
    sent_messages: int = 0
    skipped: int = 0
    failed: int = 0
    retry_at: dt.datetime | None = None
    locked_out: bool = False
    planned: list[tuple[str, list[str]]] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)  # dry run: rows with no unit address
    retried: set[int] = field(default_factory=set)  # rows whose attempt this run is counted
    deliveries: list[int] = field(default_factory=list)  # other channels' rows of this run


@contextlib.contextmanager
def _run_lock():
    """One reminder run at a time. A killed worker's connection drops and frees the lock."""
    if connection.vendor != "postgresql":
        yield True
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [RUN_LOCK_KEY])
        acquired = cursor.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [RUN_LOCK_KEY])


def reminders_run(*, now: dt.datetime, dry_run: bool = False) -> RunReport:
    report = RunReport()
    if dry_run:
        due = [d for d in reminders_due(now=now) if not _exists(d)]
        rows = [Reminder(unit_id=d.unit_id, period_id=d.period_id, kind=d.kind) for d in due]
        people = _recipients(rows)
        for recipient in people.values():
            report.planned.append((recipient.email, [_row_label(r) for r in recipient.rows]))
        reached = set().union(*(p.unit_rows for p in people.values()))
        report.unreachable = [_row_label(r) for r in rows if id(r) not in reached]
        return report
    with _run_lock() as acquired:
        if not acquired:
            report.locked_out = True
            return report
        report.created = _create_due(now)
        rows = _ready_rows(now, report)
        # one SMTP connection for the run; if it cannot be opened, each message tries on its own
        # and its rows are retried or marked as usual
        mail = get_connection()
        try:
            mail.open()
        except (*TRANSIENT, smtplib.SMTPException, OSError):
            mail.close()
        people = _recipients(rows)
        # the other channels' rows first: a failing mail server never holds them back
        report.deliveries = deliveries_create(people.values())
        try:
            for recipient in people.values():
                _send_one(recipient, now=now, report=report, connection=mail)
        finally:
            mail.close()
        _finish(rows, people, now=now, report=report)
    # queued after the run (and so after e-mail): each delivery is a task of its own
    deliveries_queue(sorted(set(report.deliveries) | set(deliveries_waiting(now=now))))
    return report


def _exists(due) -> bool:
    return Reminder.objects.filter(
        unit_id=due.unit_id, period_id=due.period_id, kind=due.kind
    ).exists()


def _create_due(now: dt.datetime) -> int:
    due = reminders_due(now=now)
    before = Reminder.objects.count()
    Reminder.objects.bulk_create(
        [Reminder(unit_id=d.unit_id, period_id=d.period_id, kind=d.kind) for d in due],
        ignore_conflicts=True,  # the unique key makes a second tick a no-op
    )
    # A newer "before" reminder replaces an older one still waiting: never both.
    newest: dict[tuple[int, int], int] = {}  # (unit, period) -> fewest days before the due date
    for d in due:
        if d.kind.startswith("before_"):
            days = int(d.kind.split("_")[1])
            key = (d.unit_id, d.period_id)
            newest[key] = min(days, newest.get(key, days))
    if newest:
        waiting = Reminder.objects.filter(
            period_id__in={period for _unit, period in newest},
            status=Reminder.Status.PENDING,
            kind__startswith="before_",
        ).values_list("pk", "unit_id", "period_id", "kind")
        stale = [
            pk
            for pk, unit_id, period_id, kind in waiting
            if (unit_id, period_id) in newest
            and int(kind.split("_")[1]) > newest[(unit_id, period_id)]
        ]
        Reminder.objects.filter(pk__in=stale).update(status=Reminder.Status.SKIPPED)
    return Reminder.objects.count() - before


def _ready_rows(now: dt.datetime, report: RunReport) -> list[Reminder]:
    rows = list(
        Reminder.objects.filter(status=Reminder.Status.PENDING)
        .exclude(next_attempt_at__gt=now)
        .select_related("unit", "period__province")
    )
    submitted = set(
        Report.objects.filter(
            period__in={r.period_id for r in rows}, first_submitted_at__isnull=False
        ).values_list("period_id", "unit_id")
    )
    ready, skipped = [], []
    for row in rows:
        if (row.period_id, row.unit_id) in submitted:
            skipped.append(row.pk)
        else:
            ready.append(row)
    report.skipped += Reminder.objects.filter(pk__in=skipped).update(status=Reminder.Status.SKIPPED)
    return ready


def _recipients(rows: list[Reminder]) -> dict[str, Recipient]:
    """Everyone to write to, each with all the rows that concern them (one e-mail each).

    Every kind goes to the unit: its reporters and head, or else its official e-mail
    (reporting.selectors.reminders.unit_addresses). The overdue notice also goes to the focal
    agency's reviewers and the escalation to the committee, as the policy says."""
    provinces = {_province_id(r) for r in rows}
    addresses = unit_addresses({r.unit_id for r in rows})
    memberships = list(
        Membership.objects.filter(
            province__in=provinces,
            user__is_active=True,
            role__in=[Role.FOCAL_REVIEWER, Role.COMMITTEE],
        )
        .exclude(user__email="")
        .select_related("user")
    )
    user_ids = {m.user_id for m in memberships} | {
        user_id for found in addresses.values() for _email, user_id in found if user_id
    }
    languages = dict(
        Preference.objects.filter(user__in=user_ids).values_list("user_id", "language")
    )
    people: dict[str, Recipient] = {}

    def add(email: str, row: Reminder, *, user_id=None, role="unit") -> None:
        key = email.strip().lower()
        if not key:
            return
        person = people.setdefault(
            key,
            Recipient(
                email=key,
                user_id=user_id,
                language=languages.get(user_id, settings.LANGUAGE_CODE),
                role=role,
            ),
        )
        if row not in person.rows:
            person.rows.append(row)
        if role == "unit":
            person.unit_rows.add(id(row))

    for row in rows:
        province_id = _province_id(row)
        for email, user_id in addresses.get(row.unit_id, []):
            add(email, row, user_id=user_id)
        named = {
            Reminder.Kind.OVERDUE: Role.FOCAL_REVIEWER,
            Reminder.Kind.ESCALATION: Role.COMMITTEE,
        }.get(row.kind)
        for m in memberships:
            if named and m.province_id == province_id and m.role == named:
                add(m.user.email, row, user_id=m.user_id, role="province")
    return people


def _province_id(row: Reminder) -> int:
    return row.period.province_id


def _unit(row: Reminder):
    return row.unit


def _row_label(row: Reminder) -> str:
    return f"{row.unit.name_vi} {row.period.month:%m/%Y} {row.kind}"


class _ReminderMessage(EmailMultiAlternatives):
    """A reminder with its MIME boundary chosen up front (from the message's digest, which no
    text contains): Python's generator otherwise draws one and compiles a regular expression
    per message to check it against the text, a fifth of the cost of building a reminder."""

    boundary = ""

    def message(self, *args, **kwargs):
        mime = super().message(*args, **kwargs)
        if self.boundary and mime.is_multipart():
            mime.set_boundary(self.boundary)
        return mime


def _send_one(recipient: Recipient, *, now: dt.datetime, report: RunReport, connection) -> None:
    rows = [r for r in recipient.rows if recipient.email not in r.recipients]
    if not rows:
        return
    subject, text, html, url = _compose(recipient, rows)
    key = ",".join(sorted(f"{r.unit_id}-{r.period_id}-{r.kind}" for r in rows))
    digest = hashlib.sha1(f"{key}|{recipient.email}".encode()).hexdigest()[:24]
    message = _ReminderMessage(
        subject,
        text,
        settings.DEFAULT_FROM_EMAIL,
        [recipient.email],
        headers={"Message-ID": f"<reminder-{digest}@par-portal>"},
    )
    message.boundary = f"==par-reminder-{digest}"
    message.attach_alternative(html, "text/html")
    try:
        EmailChannel(connection).send(message)
    except ChannelError as error:
        if error.transient:
            _retry_later(rows, error, now=now, report=report)
            return
        for row in rows:
            row.status, row.error = Reminder.Status.FAILED, f"{recipient.email}: {error}"[:2000]
            row.failure = Reminder.Failure.REFUSED
            row.save(update_fields=["status", "error", "failure"])
        report.failed += len(rows)
        return
    # Recorded before the next message is sent, in one transaction: a worker killed after this
    # message went out never sends it again (tests/integration/test_celery_worker.py).
    with transaction.atomic():
        for row in rows:
            row.recipients = [*row.recipients, recipient.email]
            Reminder.objects.filter(pk=row.pk).update(recipients=row.recipients)
        if recipient.user_id:
            Notice.objects.create(
                user_id=recipient.user_id, subject=subject, body=text, url=url, created_at=now
            )
    report.sent_messages += 1


def _retry_later(rows, error, *, now, report) -> None:
    for row in rows:
        if row.pk in report.retried:
            continue  # one attempt per row and run, however many recipients failed
        report.retried.add(row.pk)
        row.attempts += 1
        cause = error.__cause__ or error  # the SMTP error behind the channel's
        row.error = f"{type(cause).__name__}: {cause}"[:2000]
        if row.attempts >= MAX_ATTEMPTS:
            row.status, row.failure = Reminder.Status.FAILED, Reminder.Failure.UNREACHABLE
            report.failed += 1
        else:
            delay = min(BACKOFF_CAP, BACKOFF_BASE * 2 ** (row.attempts - 1))
            jitter = dt.timedelta(seconds=random.uniform(0, delay.total_seconds() / 10))
            row.next_attempt_at = now + delay + jitter
            report.retry_at = min(filter(None, [report.retry_at, row.next_attempt_at]))
        row.save(update_fields=["attempts", "error", "status", "failure", "next_attempt_at"])


def _finish(
    rows: list[Reminder], people: dict[str, Recipient], *, now: dt.datetime, report: RunReport
) -> None:
    """A row whose every recipient got the message is sent. A row that reached nobody at the
    unit (no reporter or head with an e-mail, no official e-mail) has failed, with that reason,
    once the others it names were written to; it shows in admin and on the focal board."""
    expected: dict[int, set[str]] = {}
    reached_unit: set[int] = set()
    for recipient in people.values():
        for row in recipient.rows:
            expected.setdefault(row.pk, set()).add(recipient.email)
        reached_unit |= recipient.unit_rows
    # the rows as stored now (an admin may have changed one during the run): one query
    stored = {
        pk: (status, recipients)
        for pk, status, recipients in Reminder.objects.filter(
            pk__in=[r.pk for r in rows]
        ).values_list("pk", "status", "recipients")
    }
    sent, unreached = [], []
    for row in rows:
        if row.pk not in stored:
            continue
        row.status, row.recipients = stored[row.pk]
        if row.status != Reminder.Status.PENDING:
            continue
        if not expected.get(row.pk, set()) <= set(row.recipients):
            continue  # still waiting for a retry
        if id(row) in reached_unit:
            sent.append(row.pk)
        else:
            unreached.append(row.pk)
    # two writes, not one per row
    still = Reminder.objects.filter(status=Reminder.Status.PENDING)  # not changed meanwhile
    still.filter(pk__in=sent).update(status=Reminder.Status.SENT, sent_at=now, error="", failure="")
    report.failed += still.filter(pk__in=unreached).update(
        status=Reminder.Status.FAILED, failure=Reminder.Failure.NO_RECIPIENT
    )


def _compose(recipient: Recipient, rows: list[Reminder]) -> tuple[str, str, str, str]:
    zone = ZoneInfo(settings.TIME_ZONE)
    with translation.override(recipient.language):
        items = []
        for row in sorted(rows, key=lambda r: (r.period.month, r.unit.name_vi)):
            path = reminder_path(row, at_unit=recipient.role == "unit")
            items.append(
                {
                    "unit": row.unit.name,
                    "month": f"{row.period.month:%m/%Y}",
                    "due": row.period.due_at.astimezone(zone),
                    "kind": row.kind,
                    "url": settings.SITE_URL + path,
                }
            )
        context = {
            "items": items,
            "site_url": settings.SITE_URL,
            "kinds": {row.kind for row in rows},
        }
        subject = render_to_string("emails/reminder_subject.txt", context).strip()
        text = render_to_string("emails/reminder.txt", context)
        html = render_to_string("emails/reminder.html", context)
    return subject, text, html, items[0]["url"].removeprefix(settings.SITE_URL)


def reminder_send_again(*, reminder: Reminder) -> None:
    """Admin action: a failed reminder goes back to the queue, its attempts reset."""
    reminder.status, reminder.attempts, reminder.next_attempt_at = Reminder.Status.PENDING, 0, None
    reminder.failure = ""
    reminder.save(update_fields=["status", "attempts", "next_attempt_at", "failure"])


def notices_mark_read(*, user, now: dt.datetime) -> int:
    read = Notice.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
    # the bell's count (a queryset update sends no signal); after the write, so that no request
    # caches the old count under the new version
    bump([user_scope(user.pk)])
    return read
