"""Notification channels behind one interface: e-mail (reporting.services.reminders sends it)
and a generic HTTP JSON webhook, which a Zalo Official Account or an SMS gateway sits behind.

A webhook delivery is one row per (reminder, person, channel) — the unique key makes it at most
once. Sending one: lock the row (a second worker skips it), POST the JSON with its HMAC
signature, and mark it sent in the same transaction. A failure counts an attempt and waits
(doubling from WEBHOOK_RETRY_SECONDS, capped at an hour) up to the channel's attempts; e-mail
is never held back by it, nor the other way round. The window we accept, as for e-mail: a
worker killed after the receiver answered 2xx but before the commit sends that delivery again;
its X-PAR-Delivery key is the same, so the receiver can drop the repeat.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import smtplib
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from indicators.models import Membership, Preference
from indicators.models.units import UNIT_ROLES
from reporting.models import ChannelDelivery, Reminder, WebhookChannel

log = logging.getLogger(__name__)

DELIVER_TASK = "reporting.tasks.deliver_channel"
TIMEOUT_SECONDS = 10
BACKOFF_CAP = dt.timedelta(hours=1)
SIGNATURE_HEADER = "X-PAR-Signature"
DELIVERY_HEADER = "X-PAR-Delivery"
# The SMTP errors worth another attempt later (the e-mail channel's transient failures).
TRANSIENT = (
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPConnectError,
    socket.timeout,
    ConnectionError,
    TimeoutError,
)


class ChannelError(Exception):
    """A channel could not deliver. `transient`: worth another attempt later."""

    def __init__(self, message: str, *, transient: bool):
        super().__init__(message)
        self.transient = transient


class Channel(Protocol):
    """What a channel does: deliver one composed message, or raise ChannelError."""

    code: str

    def send(self, message) -> None: ...


class EmailChannel:
    """E-mail through Django's mail connection (one per reminder run)."""

    code = "email"

    def __init__(self, connection):
        self.connection = connection

    def send(self, message) -> None:
        message.connection = self.connection
        try:
            message.send()
        except TRANSIENT as error:
            self.connection.close()  # the next message opens a fresh one
            raise ChannelError(f"{type(error).__name__}: {error}", transient=True) from error
        except OSError as error:  # smtplib.SMTPException is an OSError
            raise ChannelError(str(error), transient=False) from error


@dataclass(frozen=True)
class WebhookMessage:
    key: str
    payload: dict


class WebhookSender:
    """POST JSON, signed: X-PAR-Signature: sha256=<hex HMAC-SHA256 of the body with the secret>."""

    code = ChannelDelivery.Code.WEBHOOK

    def __init__(self, config: WebhookChannel):
        self.config = config

    def send(self, message: WebhookMessage) -> None:
        body = json.dumps(message.payload, ensure_ascii=False, sort_keys=True).encode()
        request = urllib.request.Request(
            self.config.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                SIGNATURE_HEADER: "sha256=" + sign(self.config.secret, body),
                DELIVERY_HEADER: message.key,
                "User-Agent": "PAR-Portal",
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - http(s) only, validated
                response.read(1024)
        except urllib.error.HTTPError as error:
            transient = error.code in (408, 425, 429) or error.code >= 500
            raise ChannelError(f"HTTP {error.code}", transient=transient) from error
        except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as error:
            raise ChannelError(f"{type(error).__name__}: {error}", transient=True) from error


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


# --- creating the deliveries -----------------------------------------------------------------


def deliveries_create(people) -> list[int]:
    """For the reminder rows about to be e-mailed, one webhook delivery per row and person who
    chose the channel (with a phone number and consent), in provinces with an enabled channel.
    `people`: reporting.services.reminders.Recipient values. Returns the pending deliveries'
    ids (new or still waiting) of these rows."""
    people = [p for p in people if p.user_id]
    if not people:
        return []
    chosen = set(
        Preference.objects.filter(
            user__in={p.user_id for p in people},
            user__is_active=True,
            wants_webhook=True,
            phone_consent_at__isnull=False,
        )
        .exclude(phone="")
        .values_list("user_id", flat=True)
    )
    provinces = set(
        WebhookChannel.objects.filter(is_enabled=True).values_list("province_id", flat=True)
    )
    rows = [
        ChannelDelivery(reminder=row, user_id=person.user_id, channel=ChannelDelivery.Code.WEBHOOK)
        for person in people
        if person.user_id in chosen
        for row in person.rows
        if row.period.province_id in provinces
    ]
    if not rows:
        return []
    ChannelDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return list(
        ChannelDelivery.objects.filter(
            reminder__in={d.reminder_id for d in rows},
            user__in={d.user_id for d in rows},
            status=ChannelDelivery.Status.PENDING,
        ).values_list("pk", flat=True)
    )


def deliveries_waiting(*, now: dt.datetime) -> list[int]:
    """Pending deliveries whose time has come (a lost task, a broker that was down)."""
    return list(
        ChannelDelivery.objects.filter(status=ChannelDelivery.Status.PENDING)
        .exclude(next_attempt_at__gt=now)
        .values_list("pk", flat=True)
    )


def deliveries_queue(ids: list[int]) -> None:
    """Queue one task per delivery; a broker failure leaves them pending for the next run."""
    from par_portal.celery import app

    for index, pk in enumerate(ids):
        try:
            app.tasks[DELIVER_TASK].delay(pk)
        except Exception as error:  # noqa: BLE001 - any broker failure; the run must go on
            log.warning(
                "Could not queue deliveries %s (%s: %s); the next reminder run retries them",
                ", ".join(map(str, ids[index:])),
                type(error).__name__,
                error,
            )
            return


# --- sending one -----------------------------------------------------------------------------


@dataclass
class Outcome:
    sent: bool = False
    retry_in: float | None = None  # seconds, when another attempt is due


def delivery_send(*, delivery_id: int, now: dt.datetime) -> Outcome:
    """Send one delivery if it is still pending; its row is locked meanwhile."""
    with transaction.atomic():
        delivery = (
            ChannelDelivery.objects.select_for_update(skip_locked=True)
            .filter(pk=delivery_id, status=ChannelDelivery.Status.PENDING)
            .select_related("reminder__unit", "reminder__period", "user")
            .first()
        )
        if delivery is None:
            return Outcome()  # sent, failed, gone, or being sent by another worker
        config = WebhookChannel.objects.filter(
            province_id=delivery.reminder.period.province_id, is_enabled=True
        ).first()
        if config is None:
            delivery.status, delivery.error = ChannelDelivery.Status.FAILED, "channel disabled"
            delivery.save(update_fields=["status", "error"])
            return Outcome()
        delivery.attempts += 1
        try:
            WebhookSender(config).send(compose(delivery, config))
        except ChannelError as error:
            delivery.error = str(error)[:2000]
            if not error.transient or delivery.attempts >= config.max_attempts:
                delivery.status = ChannelDelivery.Status.FAILED
                delivery.save(update_fields=["attempts", "error", "status"])
                return Outcome()
            delay = min(
                BACKOFF_CAP,
                dt.timedelta(seconds=settings.WEBHOOK_RETRY_SECONDS * 2 ** (delivery.attempts - 1)),
            )
            delivery.next_attempt_at = now + delay
            delivery.save(update_fields=["attempts", "error", "next_attempt_at"])
            return Outcome(retry_in=delay.total_seconds())
        delivery.status, delivery.sent_at, delivery.error = ChannelDelivery.Status.SENT, now, ""
        delivery.save(update_fields=["attempts", "status", "sent_at", "error"])
        return Outcome(sent=True)


def compose(delivery: ChannelDelivery, config: WebhookChannel) -> WebhookMessage:
    """The JSON body, in the person's language: the channel's template for the kind, or the
    portal's own sentence."""
    reminder: Reminder = delivery.reminder
    preference = Preference.objects.filter(user=delivery.user).first()
    language = preference.language if preference else settings.LANGUAGE_CODE
    at_unit = Membership.objects.filter(
        user=delivery.user, unit=reminder.unit, role__in=UNIT_ROLES
    ).exists()
    path = reminder_path(reminder, at_unit=at_unit)
    due = reminder.period.due_at.astimezone(ZoneInfo(settings.TIME_ZONE))
    with translation.override(language):
        values = {
            "unit": reminder.unit.name,
            "month": f"{reminder.period.month:%m/%Y}",
            "due": f"{due:%H:%M %d/%m/%Y}",
            "url": settings.SITE_URL + path,
            "name": delivery.user.get_full_name() or delivery.user.get_username(),
        }
        template = config.template_for(reminder.kind) or default_text(reminder.kind)
        text = template.format_map(values)
    return WebhookMessage(
        key=delivery.key,
        payload={
            "id": delivery.key,
            "kind": reminder.kind,
            "language": language,
            "to": {"phone": preference.phone if preference else "", "name": values["name"]},
            "text": text,
            "unit": values["unit"],
            "month": values["month"],
            "due_at": due.isoformat(),
            "url": values["url"],
        },
    )


def reminder_path(reminder: Reminder, *, at_unit: bool) -> str:
    """Where a reminder points, on every channel: the unit's people to their report form,
    the province's (focal agency, committee) to the month's board."""
    if at_unit:
        return reverse("reporting:report", args=[reminder.period_id, reminder.unit_id])
    return reverse("reporting:board", args=[reminder.period_id])


def default_text(kind: str) -> str:
    if kind == Reminder.Kind.OVERDUE:
        return _("PAR Portal: the report of {unit} for {month} is overdue (deadline {due}). {url}")
    if kind == Reminder.Kind.ESCALATION:
        return _("PAR Portal: {unit} has still not reported for {month} (deadline {due}). {url}")
    return _("PAR Portal: the report of {unit} for {month} is due before {due}. {url}")


def delivery_send_again(*, delivery: ChannelDelivery) -> None:
    """Admin action: a failed delivery goes back to the queue, its attempts reset; the next
    reminder run sends it (the unique key still makes it one delivery)."""
    delivery.status, delivery.attempts, delivery.next_attempt_at = (
        ChannelDelivery.Status.PENDING,
        0,
        None,
    )
    delivery.save(update_fields=["status", "attempts", "next_attempt_at"])
