"""The evidence locker: documents a province collects through the year for each checklist item
of a sub-criterion, reviewed by the focal agency, and the year-end dossier built from them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import ChecklistItem, Province, Unit
from reporting.models.assessments import ScoreEvidence
from reporting.models.reports import Evidence


def locker_path(instance: LockerDocument, filename: str) -> str:
    return f"locker/{instance.province_id}/{uuid.uuid4().hex}"


class LockerDocument(models.Model):
    """One document for a checklist item of a province's index year: a new file, or evidence
    already uploaded with a monthly report or a self-assessment (exactly one of the three)."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("awaiting review")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("index year"))
    item = models.ForeignKey(
        ChecklistItem,
        verbose_name=_("checklist document"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="locker_documents"
    )
    number = models.CharField(_("document number"), max_length=60, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    issuer = models.CharField(_("issuing body"), max_length=200)
    description = models.CharField(_("short description"), max_length=500)
    file = models.FileField(_("file"), upload_to=locker_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=255, blank=True)
    content_type = models.CharField(_("type"), max_length=100, blank=True)
    evidence = models.ForeignKey(
        Evidence,
        verbose_name=_("evidence from a monthly report"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    score_file = models.ForeignKey(
        ScoreEvidence,
        verbose_name=_("evidence from a self-assessment"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("locker document")
        verbose_name_plural = _("locker documents")
        ordering = ["item", "-uploaded_at"]
        constraints = [
            # exactly one source: a new file, a report's evidence or a self-assessment's
            models.CheckConstraint(
                condition=(
                    (~Q(file="") & Q(evidence__isnull=True) & Q(score_file__isnull=True))
                    | (Q(file="") & Q(evidence__isnull=False) & Q(score_file__isnull=True))
                    | (Q(file="") & Q(evidence__isnull=True) & Q(score_file__isnull=False))
                ),
                name="locker_document_one_source",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(review_note=""),
                name="locker_rejection_has_note",
                violation_error_message=_("A rejected document needs a note."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="locker_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} – {self.number or self.description}"

    def clean(self) -> None:
        if self.item_id and self.item.needs_number_and_date:
            errors = {}
            if not self.number.strip():
                errors["number"] = _("This document needs its number.")
            if self.issued_on is None:
                errors["issued_on"] = _("This document needs its date.")
            if errors:
                raise ValidationError(errors)

    @property
    def source_name(self) -> str:
        if self.evidence_id:
            return self.evidence.original_name
        if self.score_file_id:
            return self.score_file.original_name
        return self.original_name

    @property
    def stored(self):
        """The stored file, whichever its source."""
        if self.evidence_id:
            return self.evidence.file
        if self.score_file_id:
            return self.score_file.file
        return self.file


class DossierExport(models.Model):
    """A year-end dossier being built by a Celery task: its progress and, when done, its ZIP."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being built")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("index year"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    done = models.PositiveIntegerField(_("files done"), default=0)
    total = models.PositiveIntegerField(_("files in all"), default=0)
    file = models.FileField(_("file"), upload_to="dossiers/", max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("dossier export")
        verbose_name_plural = _("dossier exports")
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"{self.province} {self.year} ({self.status})"

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0
