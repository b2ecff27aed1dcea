"""The second reminder channel: a province's webhook (a Zalo Official Account or an SMS gateway
behind a generic HTTP JSON endpoint), and one delivery row per (reminder, person, channel)."""

from __future__ import annotations

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import Province
from reporting.models.reminders import Reminder

# What a message template may name: {unit}, {month}, {due}, {url}, {name}
TEMPLATE_FIELDS = ("unit", "month", "due", "url", "name")
TEMPLATE_KINDS = ("before", "overdue", "escalation")


def validate_message_template(value: str) -> None:
    for _text, name, spec, conversion in string.Formatter().parse(value):
        if name is None:
            continue
        if name not in TEMPLATE_FIELDS or spec or conversion:
            raise ValidationError(
                _("Unknown placeholder {%(name)s}. Use only: %(known)s.")
                % {"name": name, "known": ", ".join(f"{{{name}}}" for name in TEMPLATE_FIELDS)}
            )


class WebhookChannel(models.Model):
    """Where a province's reminders go besides e-mail. The body is JSON; the header
    X-PAR-Signature carries sha256=HMAC(secret, body), X-PAR-Delivery a key that stays the same
    on every retry of one delivery (the receiver's way to drop a repeat)."""

    province = models.OneToOneField(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="webhook_channel",
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("E.g. Zalo OA of the province."))
    url = models.CharField(
        _("URL"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        help_text=_("Shared with the receiver, which checks the X-PAR-Signature header."),
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)
    max_attempts = models.PositiveSmallIntegerField(_("attempts before giving up"), default=5)
    template_before = models.TextField(
        _("message before the deadline"),
        blank=True,
        validators=[validate_message_template],
        help_text=_("Empty: the portal's text. Placeholders: {unit} {month} {due} {url} {name}."),
    )
    template_overdue = models.TextField(
        _("overdue message"), blank=True, validators=[validate_message_template]
    )
    template_escalation = models.TextField(
        _("escalation message"), blank=True, validators=[validate_message_template]
    )

    class Meta:
        verbose_name = _("webhook channel (Zalo/SMS)")
        verbose_name_plural = _("webhook channels (Zalo/SMS)")
        constraints = [
            models.CheckConstraint(
                condition=Q(max_attempts__gte=1, max_attempts__lte=20),
                name="webhook_attempts_1_to_20",
                violation_error_message=_("Between 1 and 20 attempts."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def template_for(self, kind: str) -> str:
        group = "before" if kind.startswith("before_") else kind
        return getattr(self, f"template_{group}", "") if group in TEMPLATE_KINDS else ""


class ChannelDelivery(models.Model):
    """A reminder sent to one person on one channel other than e-mail: at most once, by the
    unique key; its own attempts and backoff, so a failing channel never holds e-mail back
    (e-mail's record stays on the reminder row)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    class Code(models.TextChoices):
        WEBHOOK = "webhook", _("Zalo/SMS (webhook)")

    reminder = models.ForeignKey(
        Reminder,
        verbose_name=_("reminder"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE
    )
    channel = models.CharField(_("channel"), max_length=12, choices=Code.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery on another channel")
        verbose_name_plural = _("deliveries on other channels")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["reminder", "user", "channel"],
                name="delivery_once_per_reminder_person_channel",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.reminder} – {self.user} – {self.channel}"

    @property
    def key(self) -> str:
        """The same on every attempt: the receiver drops a repeat by it."""
        return f"par-{self.reminder_id}-{self.user_id}-{self.channel}"
