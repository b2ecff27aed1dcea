"""The province's own PAR index of its departments and communes: its framework of a year (criteria
with maximum points, appraised or surveyed, some computed from the portal's data), its bands,
and the focal agency's scores of the other criteria."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indicators.models import Province, Unit
from indicators.models.framework import POINTS


class InternalFramework(models.Model):
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year assessed"))
    decision = models.CharField(_("decision"), max_length=120, blank=True)
    is_published = models.BooleanField(_("published"), default=False)

    class Meta:
        verbose_name = _("internal PAR index framework")
        verbose_name_plural = _("internal PAR index frameworks")
        ordering = ["province", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "year"], name="internal_one_per_year"),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="internal_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.province} {self.year}"


class InternalCriterion(models.Model):
    class Scoring(models.TextChoices):
        APPRAISED = "appraised", _("by appraisal")
        SURVEYED = "surveyed", _("by survey")

    class Source(models.TextChoices):
        """Where its points come from: the focal agency, or computed from the portal's data."""

        MANUAL = "manual", _("scored by the focal agency")
        ON_TIME_REPORTING = "on_time_reporting", _("monthly reports on time (computed)")
        TASKS_ON_TIME = "tasks_on_time", _("tasks done on time (computed)")
        EVIDENCE = "evidence", _("evidence completeness (computed)")
        ACCURACY = "accuracy", _("self-assessment accuracy (computed)")

    framework = models.ForeignKey(
        InternalFramework,
        verbose_name=_("framework"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    code = models.CharField(_("code"), max_length=20)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    scoring = models.CharField(
        _("scored by"), max_length=10, choices=Scoring.choices, default=Scoring.APPRAISED
    )
    source = models.CharField(
        _("points from"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("internal criterion")
        verbose_name_plural = _("internal criteria")
        ordering = ["framework", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="internal_criterion_code"),
            models.CheckConstraint(
                condition=Q(max_points__gt=0), name="internal_criterion_max_positive"
            ),
        ]

    def __str__(self) -> str:
        name = self.name_en if get_language() == "en" and self.name_en else self.name_vi
        return f"{self.code} {name}"


class InternalBand(models.Model):
    """A class of the ranking: at least `min_pct` of the maximum (e.g. ≥ 90 % xuất sắc)."""

    framework = models.ForeignKey(
        InternalFramework,
        verbose_name=_("framework"),
        on_delete=models.CASCADE,
        related_name="bands",
    )
    min_pct = models.DecimalField(
        _("from (per cent of the maximum)"), max_digits=5, decimal_places=2
    )
    label_vi = models.CharField(_("class (Vietnamese)"), max_length=60)
    label_en = models.CharField(_("class (English)"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("band")
        verbose_name_plural = _("bands")
        ordering = ["framework", "-min_pct"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "min_pct"], name="internal_band_unique"),
            models.CheckConstraint(
                condition=Q(min_pct__gte=0, min_pct__lte=100), name="internal_band_is_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"≥ {self.min_pct.normalize():f}%: {self.label}"

    @property
    def label(self) -> str:
        return self.label_en if get_language() == "en" and self.label_en else self.label_vi


class InternalScore(models.Model):
    """The focal agency's points for a unit in a criterion it scores by hand."""

    criterion = models.ForeignKey(
        InternalCriterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="internal_scores"
    )
    points = models.DecimalField(_("points"), **POINTS)
    note = models.TextField(_("note"), blank=True)
    scored_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scored by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("internal score")
        verbose_name_plural = _("internal scores")
        constraints = [
            models.UniqueConstraint(fields=["criterion", "unit"], name="internal_score_unique"),
            models.CheckConstraint(condition=Q(points__gte=0), name="internal_score_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.criterion.code}: {self.points}"

    def clean(self) -> None:
        if self.criterion_id and self.points is not None:
            if self.points > self.criterion.max_points:
                raise ValidationError(
                    {"points": _("At most %(max)s points.") % {"max": self.criterion.max_points}}
                )
            if self.criterion.source != InternalCriterion.Source.MANUAL:
                raise ValidationError(
                    {"criterion": _("This criterion is computed from the portal's data.")}
                )
        if (
            self.criterion_id
            and self.unit_id
            and self.unit.province_id != self.criterion.framework.province_id
        ):
            raise ValidationError({"unit": _("This unit belongs to another province.")})
