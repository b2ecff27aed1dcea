"""Monthly reporting: periods, reports with their entries and evidence, reopenings, history."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.models import Indicator, Province, Task, Unit
from par_portal import months


class ReportingSchedule(models.Model):
    """A province's reporting rule: reports are due before `due_day` and lock `lock_after_days`
    working days later. When the last day to submit (the day before `due_day`) is not a working
    day, `when_last_day_off` decides (reporting.workdays counts the days)."""

    class LastDayOff(models.TextChoices):
        KEEP = "keep", _("the deadline stays")
        NEXT_WORKING_DAY = (
            "next_working_day",
            _("the last day to submit becomes the next working day"),
        )

    province = models.OneToOneField(
        Province, verbose_name=_("province"), on_delete=models.CASCADE, related_name="schedule"
    )
    due_day = models.PositiveSmallIntegerField(
        _("due day of the month"),
        default=25,
        help_text=_("Reports are due before the start of this day, local time."),
    )
    lock_after_days = models.PositiveSmallIntegerField(
        _("lock after (working days)"),
        default=5,
        help_text=_("Working days, counted from the due day, during which late reports are taken."),
    )
    when_last_day_off = models.CharField(
        _("when the last day to submit is a day off"),
        max_length=20,
        choices=LastDayOff.choices,
        default=LastDayOff.KEEP,
        help_text=_(
            "Applies to periods not yet due. A weekend, a public holiday or a day off in the "
            "province's calendar exceptions."
        ),
    )

    class Meta:
        verbose_name = _("reporting schedule")
        verbose_name_plural = _("reporting schedules")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_day__gte=1, due_day__lte=28),
                name="schedule_due_day_in_every_month",
                violation_error_message=_("The due day must be between 1 and 28."),
            ),
            models.CheckConstraint(
                condition=Q(lock_after_days__lte=60), name="schedule_lock_within_60_days"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province}: {self.due_day}"


class Period(models.Model):
    """A reporting month of a province. 'Late' and 'locked' are two different instants."""

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="periods"
    )
    month = models.DateField(_("month"), help_text=_("The first day of the month."))

    class DueRule(models.TextChoices):
        STANDARD = "standard", _("the last day to submit is a working day")
        KEPT = "kept", _("the last day to submit is a day off; the deadline stays")
        MOVED = "moved", _("the last day to submit is a day off; moved to the next working day")
        MANUAL = "manual", _("set by an admin")

    due_at = models.DateTimeField(_("due at"))
    locks_at = models.DateTimeField(_("locks at"))
    due_rule = models.CharField(
        _("deadline rule applied"),
        max_length=10,
        choices=DueRule.choices,
        default=DueRule.STANDARD,
    )
    nominal_last_day = models.DateField(
        _("last day to submit by the schedule"),
        null=True,
        blank=True,
        help_text=_("The day before the due day, before any day-off rule."),
    )
    # Staleness of the month's scorecards: every write that changes their inputs marks the
    # period in the same transaction (reporting.services.staleness); a roll-up clears the mark
    # unless another change arrived meanwhile (the sequence moved on).
    dirty_since = models.DateTimeField(
        _("scorecards stale since"),
        null=True,
        blank=True,
        help_text=_("Set by any change to the month's inputs; cleared by the roll-up."),
    )
    dirty_seq = models.PositiveBigIntegerField(_("changes seen"), default=0, editable=False)

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        ordering = ["province", "-month"]
        constraints = [
            models.UniqueConstraint(fields=["province", "month"], name="period_unique_month"),
            models.CheckConstraint(
                condition=Q(month__day=1),
                name="period_month_on_day_one",
                violation_error_message=_("A period's month is given by its first day."),
            ),
            models.CheckConstraint(
                condition=Q(locks_at__gte=models.F("due_at")),
                name="period_locks_after_due",
                violation_error_message=_("A period cannot lock before it is due."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%m/%Y}"

    @property
    def last_day(self) -> dt.date:
        return months.last_day(self.month)


def deadline_text(due_at: dt.datetime) -> str:
    """A deadline as people say it: "before 25/11/2026 (by the end of 24/11)" when it is the
    start of a day (the rule "before the 25th"), else "before 14:00 25/11/2026"."""
    local = timezone.localtime(due_at)
    if local.time() == dt.time(0, 0):
        last = local.date() - dt.timedelta(days=1)
        return _("before %(day)s (by the end of %(last)s)") % {
            "day": f"{local:%d/%m/%Y}",
            "last": f"{last:%d/%m}",
        }
    return _("before %(time)s %(day)s") % {"time": f"{local:%H:%M}", "day": f"{local:%d/%m/%Y}"}


class Report(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        ACCEPTED = "accepted", _("accepted")

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="reports"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="reports"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Optimistic locking: every save bumps it; a save from an older version is refused.
    version = models.PositiveIntegerField(_("version"), default=1)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    first_submitted_at = models.DateTimeField(_("first submitted at"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("monthly report")
        verbose_name_plural = _("monthly reports")
        ordering = ["period", "unit"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="report_one_per_unit_period"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="report_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period}"

    @property
    def is_editable_by_unit(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


DONE_IS_100 = _("A task is done exactly when it is 100 %% done.")
PERCENT_IS_PERCENT = _("The %% done must be between 0 and 100.")
NOT_NEGATIVE = _("A value cannot be negative.")


class TaskEntry(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        BEHIND = "behind", _("behind schedule")
        BLOCKED = "blocked", _("blocked")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="entries"
    )
    task = models.ForeignKey(Task, verbose_name=_("task"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NOT_STARTED
    )
    percent_done = models.PositiveSmallIntegerField(_("% done"), default=0)
    result = models.TextField(_("result achieved"), blank=True)
    difficulties = models.TextField(_("difficulties and proposals"), blank=True)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("task entry")
        verbose_name_plural = _("task entries")
        ordering = ["report", "task__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="entry_one_per_task"),
            models.CheckConstraint(
                condition=Q(percent_done__gte=0, percent_done__lte=100),
                name="entry_percent_is_percent",
                violation_error_message=PERCENT_IS_PERCENT,
            ),
            # "Done" and "100 %" are one fact, written twice: they must agree.
            models.CheckConstraint(
                condition=Q(status="done", percent_done=100)
                | (~Q(status="done") & ~Q(percent_done=100)),
                name="entry_done_is_100",
                violation_error_message=DONE_IS_100,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.report} – {self.task.code}"

    def clean(self):
        """The check constraints, asked in Python: `full_clean(validate_constraints=False)`
        then costs no query (checking a constraint is a query each); the database still
        enforces them."""
        if self.percent_done is None:
            return
        if not 0 <= self.percent_done <= 100:
            raise ValidationError(PERCENT_IS_PERCENT % {})  # "%%" is the constraint's
        if (self.status == self.Status.DONE) != (self.percent_done == 100):
            raise ValidationError(DONE_IS_100 % {})

    @staticmethod
    def done_problem(status: str, percent_done: int | None) -> str | None:
        """Why a status and a % done disagree, or None (the form and the database both ask)."""
        if status == TaskEntry.Status.DONE and percent_done != 100:
            return _("A task marked done is 100 %% done: set the %% done to 100.") % {}
        if status != TaskEntry.Status.DONE and percent_done == 100:
            return _("A task that is 100 %% done is done: set its status to “done”.") % {}
        return None


def evidence_path(instance: Evidence, filename: str) -> str:
    # Random names: the original name is kept in the row, never trusted as a path.
    return f"evidence/{instance.entry.report.period.province_id}/{uuid.uuid4().hex}"


class StoredFile(models.Model):
    """An uploaded evidence file's description (the file itself is the concrete model's, each
    stored under random names: the original name is kept in the row, never trusted as a path)."""

    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class Evidence(StoredFile):
    entry = models.ForeignKey(
        TaskEntry, verbose_name=_("task entry"), on_delete=models.CASCADE, related_name="evidence"
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at"]


class IndicatorValue(models.Model):
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="values"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("indicator"), on_delete=models.PROTECT)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, null=True, blank=True)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(fields=["report", "indicator"], name="value_one_per_indicator"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="value_not_negative",
                violation_error_message=NOT_NEGATIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value}"

    def clean(self):
        """The check constraint, asked in Python (see TaskEntry.clean)."""
        if self.value is not None and self.value < 0:
            raise ValidationError(NOT_NEGATIVE)


class Reopening(models.Model):
    """The focal agency's audited exception: a unit may submit after the lock, until `until`."""

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="reopenings"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    reason = models.TextField(_("reason"))
    until = models.DateTimeField(_("open until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reopened by"), on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(_("reopened at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reopening")
        verbose_name_plural = _("reopenings")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period} → {self.until:%d/%m/%Y %H:%M}"


class ReportChange(models.Model):
    """One line of a report's history: who did what, when, and what changed (before, after)."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        SAVED = "saved", _("saved the draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        ACCEPTED = "accepted", _("accepted")
        REOPENED = "reopened", _("reopened")
        EVIDENCE = "evidence", _("added evidence")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="changes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("at"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("report change")
        verbose_name_plural = _("report history")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.report} {self.action} {self.at:%d/%m/%Y %H:%M}"
