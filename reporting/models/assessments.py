"""The monthly self-assessment: each owning unit scores its sub-criteria with evidence, the
focal agency appraises each score (accept, or adjust with a note). It follows the monthly
report's lifecycle and locks: draft → submitted → accepted (final), or submitted → returned
(for an explanation) → resubmitted; read-only for the unit once submitted; after the period's
lock only with a reopening; every change kept."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import Criterion, Unit
from indicators.models.framework import POINTS
from reporting.models.reports import Evidence, Period, StoredFile

SCORE_NOT_NEGATIVE = _("A score cannot be negative.")


class SelfAssessment(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted for appraisal")
        RETURNED = "returned", _("returned for explanation")
        ACCEPTED = "accepted", _("appraised (final)")

    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="assessments"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="assessments"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Optimistic locking, as for reports: a save from an older version is refused.
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
        verbose_name = _("self-assessment")
        verbose_name_plural = _("self-assessments")
        ordering = ["period", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit"], name="assessment_one_per_unit_period"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False),
                name="assessment_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.period}"

    @property
    def is_editable_by_unit(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class SelfScore(models.Model):
    """One sub-criterion's self-score in an assessment, with its evidence and its appraisal."""

    assessment = models.ForeignKey(
        SelfAssessment,
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("sub-criterion"), on_delete=models.PROTECT, related_name="+"
    )
    score = models.DecimalField(_("self-score"), null=True, blank=True, **POINTS)
    explanation = models.TextField(_("explanation"), blank=True)
    # evidence already attached to the unit's monthly reports (new files: ScoreEvidence)
    evidence = models.ManyToManyField(
        Evidence, verbose_name=_("evidence from monthly reports"), blank=True, related_name="+"
    )
    appraised_score = models.DecimalField(_("appraised score"), null=True, blank=True, **POINTS)
    appraisal_note = models.TextField(_("appraisal note"), blank=True)
    appraised_at = models.DateTimeField(_("appraised at"), null=True, blank=True)
    appraised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("appraised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("self-score")
        verbose_name_plural = _("self-scores")
        ordering = ["assessment", "criterion__field__number", "criterion__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="score_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0),
                name="score_not_negative",
                violation_error_message=SCORE_NOT_NEGATIVE,
            ),
            models.CheckConstraint(
                condition=Q(appraised_score__isnull=True) | Q(appraised_score__gte=0),
                name="score_appraised_not_negative",
                violation_error_message=SCORE_NOT_NEGATIVE,
            ),
            # an appraisal is a decision someone took at some time
            models.CheckConstraint(
                condition=Q(appraised_score__isnull=True) | Q(appraised_at__isnull=False),
                name="score_appraisal_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} – {self.criterion.code}"

    def clean(self) -> None:
        """At most the sub-criterion's maximum (the criterion is read with the score)."""
        ceiling = self.criterion.max_points
        for name in ("score", "appraised_score"):
            value = getattr(self, name)
            if value is None:
                continue
            if value < 0:
                raise ValidationError({name: SCORE_NOT_NEGATIVE})
            if value > ceiling:
                raise ValidationError(
                    {name: _("At most %(max)s points (the maximum).") % {"max": ceiling}}
                )

    @property
    def counted(self):
        """What the projection counts: the appraised score, else the self-score."""
        return self.appraised_score if self.appraised_score is not None else self.score

    @property
    def is_adjusted(self) -> bool:
        return self.appraised_score is not None and self.appraised_score != self.score


def score_evidence_path(instance: ScoreEvidence, filename: str) -> str:
    return f"evidence/{instance.score.assessment.period.province_id}/{uuid.uuid4().hex}"


class ScoreEvidence(StoredFile):
    """A new file uploaded with a self-score."""

    score = models.ForeignKey(
        SelfScore, verbose_name=_("self-score"), on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(_("file"), upload_to=score_evidence_path, max_length=200)

    class Meta:
        verbose_name = _("self-assessment evidence file")
        verbose_name_plural = _("self-assessment evidence files")
        ordering = ["uploaded_at"]


class AssessmentChange(models.Model):
    """One line of a self-assessment's history: who, when, what, before → after."""

    class Action(models.TextChoices):
        CREATED = "created", _("created")
        SAVED = "saved", _("saved the draft")
        SUBMITTED = "submitted", _("submitted")
        APPRAISED = "appraised", _("appraised")
        RETURNED = "returned", _("returned for explanation")
        ACCEPTED = "accepted", _("finalised the appraisal")

    assessment = models.ForeignKey(
        SelfAssessment,
        verbose_name=_("self-assessment"),
        on_delete=models.CASCADE,
        related_name="changes",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("at"))
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("self-assessment change")
        verbose_name_plural = _("self-assessment history")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.assessment} {self.action} {self.at:%d/%m/%Y %H:%M}"
