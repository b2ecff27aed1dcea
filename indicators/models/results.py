from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models.framework import POINTS, Field
from indicators.models.geography import Province

PERCENT = {"max_digits": 5, "decimal_places": 2}


class Imported(models.Model):
    """Which file an imported row came from, who imported it and when
    (indicators.services.results_import)."""

    imported_from = models.CharField(_("imported from file"), max_length=255, blank=True)
    imported_by = models.ForeignKey(
        "auth.User",
        verbose_name=_("imported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True)

    class Meta:
        abstract = True


class Provenance(Imported):
    """Where a published figure comes from. Synthetic rows are demo stand-ins that the UI marks."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("reported")
        DERIVED = "derived", _("derived")
        SYNTHETIC = "synthetic", _("synthetic (demo)")

    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.REPORTED
    )
    is_synthetic = models.BooleanField(_("synthetic"), default=False)
    source = models.TextField(_("source"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        abstract = True


class NationalResult(Provenance):
    """A province's published PAR Index for a year (the ranking pool is who has one)."""

    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="national_results",
    )
    index_pct = models.DecimalField(_("index (%)"), null=True, blank=True, **PERCENT)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    total_score = models.DecimalField(_("total score"), null=True, blank=True, **POINTS)
    group = models.CharField(_("group"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("published PAR Index result")
        verbose_name_plural = _("published PAR Index results")
        ordering = ["-year", "rank", "province__name_vi"]
        constraints = [
            models.UniqueConstraint(fields=["year", "province"], name="result_unique_year"),
            models.CheckConstraint(
                condition=Q(index_pct__isnull=True) | Q(index_pct__gte=0, index_pct__lte=100),
                name="result_index_is_percent",
                violation_error_message=_("The index must be between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1),
                name="result_rank_positive",
                violation_error_message=_("A rank starts at 1."),
            ),
            models.CheckConstraint(
                condition=Q(index_pct__isnull=False) | Q(rank__isnull=False),
                name="result_has_a_figure",
                violation_error_message=_("Give at least the index or the rank."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="result_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.year}"


class FieldResult(Provenance):
    """A province's published points and rank in one field of a year's scheme."""

    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="field_results"
    )
    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.PROTECT, related_name="results"
    )
    points = models.DecimalField(_("points"), null=True, blank=True, **POINTS)
    # xgettext:no-python-format
    pct_of_max = models.DecimalField(_("% of maximum"), null=True, blank=True, **PERCENT)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)

    class Meta:
        verbose_name = _("published field result")
        verbose_name_plural = _("published field results")
        ordering = ["-year", "province__name_vi", "field__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "province", "field"], name="field_result_unique"
            ),
            models.CheckConstraint(
                condition=Q(points__isnull=True) | Q(points__gte=0),
                name="field_result_points_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(pct_of_max__isnull=True) | Q(pct_of_max__gte=0, pct_of_max__lte=100),
                name="field_result_pct_is_percent",
                violation_error_message=_("The share of the maximum must be between 0 and 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(rank__gte=1),
                name="field_result_rank_positive",
                violation_error_message=_("A rank starts at 1."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.year} – {self.field}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.field_id and self.year and not self.field.methodology.covers(self.year):
            raise ValidationError(
                {
                    "field": _("This field belongs to a scheme that does not cover %(year)s.")
                    % {"year": self.year}
                }
            )
        if (
            self.points is not None
            and self.field_id
            and self.field.max_points is not None
            and self.points > self.field.max_points
        ):
            raise ValidationError(
                {
                    "points": _("More points than the field's maximum of %(max)s.")
                    % {"max": self.field.max_points}
                }
            )


class NationalStatistic(Imported):
    """A published national figure: average index, group counts, announcement date, ..."""

    year = models.PositiveSmallIntegerField(_("year"))
    metric = models.CharField(_("metric"), max_length=80)
    value = models.CharField(_("value as published"), max_length=255)
    number = models.DecimalField(
        _("numeric value"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(_("status"), max_length=60, blank=True)
    source = models.TextField(_("source"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("national statistic")
        verbose_name_plural = _("national statistics")
        ordering = ["-year", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["year", "metric"], name="statistic_unique_metric")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.metric} = {self.value}"

    @property
    def is_reported(self) -> bool:
        return self.status.startswith("reported")


class SurveyScore(Provenance):
    """A province's points in a survey-scored sub-criterion (SIPAS, the leaders' survey): as
    published for a year, or an admin's estimate for a year not yet published. The projection
    takes the estimate for the year when there is one, else last year's published points."""

    class Kind(models.TextChoices):
        PUBLISHED = "published", _("published")
        ESTIMATE = "estimate", _("estimate")

    year = models.PositiveSmallIntegerField(_("year"))
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="survey_scores"
    )
    criterion = models.ForeignKey(
        "indicators.Criterion",
        verbose_name=_("sub-criterion"),
        on_delete=models.CASCADE,
        related_name="survey_scores",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    points = models.DecimalField(_("points"), **POINTS)

    class Meta:
        verbose_name = _("survey points")
        verbose_name_plural = _("survey points")
        ordering = ["-year", "province__name_vi", "criterion__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "province", "criterion", "kind"], name="survey_score_unique"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="survey_score_points_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="survey_score_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.year} {self.criterion.code}: {self.points}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if not self.criterion_id or self.points is None:
            return
        if self.criterion.scoring != self.criterion.Scoring.SURVEY:
            raise ValidationError(
                {"criterion": _("This sub-criterion is scored by appraisal, not by a survey.")}
            )
        if self.points > self.criterion.max_points:
            raise ValidationError(
                {
                    "points": _("At most %(max)s points (the sub-criterion's maximum).")
                    % {"max": self.criterion.max_points}
                }
            )
