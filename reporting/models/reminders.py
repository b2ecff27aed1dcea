"""Reminders: a province's policy, one row per (unit, period, kind), and in-app notices."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import Province, Unit
from reporting.models.reports import Period


def parse_days(value: str) -> list[int]:
    """'5, 1' → [5, 1] (largest first)."""
    try:
        days = sorted({int(part) for part in value.split(",") if part.strip()}, reverse=True)
    except ValueError as error:
        raise ValidationError(
            _("Write whole numbers of days separated by commas, e.g. 5, 1.")
        ) from error
    if any(d < 1 or d > 27 for d in days):
        raise ValidationError(_("Each reminder must come 1 to 27 days before the deadline."))
    return days


class ReminderPolicy(models.Model):
    province = models.OneToOneField(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="reminder_policy",
    )
    days_before = models.CharField(
        _("reminders before the deadline (days)"),
        max_length=40,
        default="5, 1",
        validators=[parse_days],
        help_text=_(
            "Comma-separated, e.g. 5, 1: five days and one day before. A reminder whose day is "
            "a day off goes out on the working day before it."
        ),
    )
    overdue_after_days = models.PositiveSmallIntegerField(
        _("overdue notice after (working days)"),
        default=1,
        help_text=_("Working days after the due day. Sent to the unit head and the focal agency."),
    )
    escalation_after_days = models.PositiveSmallIntegerField(
        _("escalation to the committee after (working days)"), default=3
    )
    send_hour = models.PositiveSmallIntegerField(
        _("local send hour"), default=8, help_text=_("On working days only.")
    )

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(send_hour__lte=23),
                name="reminder_policy_hour_of_day",
                violation_error_message=_("The send hour must be between 0 and 23."),
            ),
            models.CheckConstraint(
                condition=Q(escalation_after_days__gte=models.F("overdue_after_days")),
                name="reminder_policy_escalation_after_overdue",
                violation_error_message=_("Escalation cannot come before the overdue notice."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.province)

    @property
    def offsets(self) -> list[int]:
        return parse_days(self.days_before)


class Reminder(models.Model):
    """Sent at most once per (unit, period, kind): the unique constraint is the guarantee."""

    class Kind:
        OVERDUE = "overdue"
        ESCALATION = "escalation"

        @staticmethod
        def before(days: int) -> str:
            return f"before_{days}"

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped (report submitted)")

    class Failure(models.TextChoices):
        NONE = "", _("none")
        NO_RECIPIENT = (
            "no_recipient",
            _("no address: the unit has no reporter or head with an e-mail and no official e-mail"),
        )
        REFUSED = "refused", _("refused by the mail server")
        UNREACHABLE = "unreachable", _("mail server unreachable after every attempt")

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE)
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="reminders"
    )
    kind = models.CharField(_("kind"), max_length=20)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    failure = models.CharField(
        _("why it failed"), max_length=20, choices=Failure.choices, blank=True, default=""
    )
    error = models.TextField(_("last error"), blank=True)
    recipients = models.JSONField(_("sent to"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "kind"], name="reminder_once_per_unit_period_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period} – {self.kind}"


class Notice(models.Model):
    """The bell in the header: what was e-mailed to a user, also shown in the app."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.subject


class ApiToken(models.Model):
    """A key for the read-only JSON API (the province's operations centre). Only its SHA-256 is
    stored; the key itself is shown once, when the token is created in admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("key (SHA-256)"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} – {self.name}"
