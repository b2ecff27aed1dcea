from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Sum
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

POINTS = {"max_digits": 6, "decimal_places": 2}


class FieldCode(models.TextChoices):
    """Stable codes of the eight provincial fields: their numbering differs between schemes."""

    DIRECTING = "directing", _("Directing and administering PAR")
    LEGAL = "legal", _("Legal documents / institutional reform")
    PROCEDURES = "procedures", _("Administrative procedure reform")
    APPARATUS = "apparatus", _("Administrative apparatus reform")
    CIVIL_SERVICE = "civil_service", _("Cadres, civil servants and public employees")
    PUBLIC_FINANCE = "public_finance", _("Public finance reform")
    MODERNIZATION = "modernization", _("Administrative modernisation / e-government")
    IMPACT = "impact", _("Impact of PAR on people and development")


class Methodology(models.Model):
    """A PAR Index scheme (MoHA decision) and the index years it applies to."""

    class Level(models.TextChoices):
        PROVINCE = "province", _("provinces")
        MINISTRY = "ministry", _("ministries")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    decision = models.CharField(_("decision"), max_length=120)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    first_year = models.PositiveSmallIntegerField(_("first index year"))
    last_year = models.PositiveSmallIntegerField(_("last index year"), null=True, blank=True)
    total_points = models.DecimalField(_("total points"), null=True, blank=True, **POINTS)
    survey_points = models.DecimalField(_("survey points"), null=True, blank=True, **POINTS)
    n_criteria = models.PositiveSmallIntegerField(_("criteria"), null=True, blank=True)
    n_subcriteria = models.PositiveSmallIntegerField(_("sub-criteria"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.TextField(_("source"), blank=True)
    # The demo's stand-in criteria tree where MoHA's is not bundled; the framework import of
    # the real tree clears it (indicators.services.framework_io).
    is_illustrative = models.BooleanField(
        _("illustrative criteria (demo)"),
        default=False,
        help_text=_("Criteria and maximum points invented for the demonstration, not MoHA's."),
    )

    class Meta:
        verbose_name = _("PAR Index scheme")
        verbose_name_plural = _("PAR Index schemes")
        ordering = ["level", "first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__isnull=True) | Q(last_year__gte=models.F("first_year")),
                name="methodology_years_in_order",
                violation_error_message=_("The last year cannot be before the first year."),
            ),
            models.CheckConstraint(
                condition=Q(total_points__isnull=True) | Q(total_points__gt=0),
                name="methodology_total_positive",
            ),
            models.CheckConstraint(
                condition=Q(survey_points__isnull=True)
                | Q(total_points__isnull=True)
                | Q(survey_points__gte=0, survey_points__lte=models.F("total_points")),
                name="methodology_survey_within_total",
                violation_error_message=_("Survey points cannot exceed the total points."),
            ),
        ]

    def __str__(self) -> str:
        years = f"{self.first_year}–{self.last_year or ''}"
        return f"{self.decision} ({years})"

    def covers(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def clean(self) -> None:
        overlapping = Methodology.objects.filter(level=self.level).exclude(pk=self.pk)
        overlapping = overlapping.filter(
            Q(last_year__isnull=True) | Q(last_year__gte=self.first_year)
        )
        if self.last_year is not None:
            overlapping = overlapping.filter(first_year__lte=self.last_year)
        if overlapping.exists():
            raise ValidationError(
                _("These years overlap with another scheme of the same level: %(other)s"),
                params={"other": ", ".join(str(m) for m in overlapping)},
            )


class Field(models.Model):
    methodology = models.ForeignKey(
        Methodology, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="fields"
    )
    code = models.CharField(_("stable code"), max_length=20, choices=FieldCode.choices)
    number = models.PositiveSmallIntegerField(_("number in the scheme"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    max_points = models.DecimalField(_("maximum points"), null=True, blank=True, **POINTS)
    n_criteria = models.PositiveSmallIntegerField(_("criteria"), null=True, blank=True)
    n_subcriteria = models.PositiveSmallIntegerField(_("sub-criteria"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["methodology", "number"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="field_unique_code"),
            models.UniqueConstraint(fields=["methodology", "number"], name="field_unique_number"),
            models.CheckConstraint(
                condition=Q(max_points__isnull=True) | Q(max_points__gt=0),
                name="field_max_points_positive",
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="field_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_vi

    def clean(self) -> None:
        scheme = self.methodology if self.methodology_id else None
        if scheme is None or self.max_points is None or scheme.total_points is None:
            return
        others = scheme.fields.exclude(pk=self.pk).aggregate(s=Sum("max_points"))["s"] or 0
        if others + self.max_points > scheme.total_points:
            raise ValidationError(
                {
                    "max_points": _(
                        "The fields of this scheme would total %(sum)s points, more than its "
                        "%(total)s."
                    )
                    % {"sum": others + self.max_points, "total": scheme.total_points}
                }
            )


class Criterion(models.Model):
    """A criterion of a field, or a sub-criterion (a child of a criterion)."""

    class Scoring(models.TextChoices):
        APPRAISAL = "appraisal", _("MoHA appraisal")
        SURVEY = "survey", _("sociological survey")

    field = models.ForeignKey(
        Field, verbose_name=_("field"), on_delete=models.CASCADE, related_name="criteria"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent criterion"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("code"), max_length=20, help_text=_("e.g. 3.1 or 3.1.2"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=500)
    name_en = models.CharField(_("name (English)"), max_length=500, blank=True)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    scoring = models.CharField(
        _("scored by"), max_length=10, choices=Scoring.choices, default=Scoring.APPRAISAL
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["field", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["field", "code"], name="criterion_unique_code"),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="criterion_max_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en if get_language() == 'en' else self.name_vi}"

    def clean(self) -> None:
        if self.parent_id and self.field_id and self.parent.field_id != self.field_id:
            raise ValidationError({"parent": _("The parent criterion belongs to another field.")})
        ceiling, siblings = self._ceiling_and_siblings()
        if ceiling is None or self.max_points is None:
            return
        total = (siblings.exclude(pk=self.pk).aggregate(s=Sum("max_points"))["s"] or 0) + Decimal(
            self.max_points
        )
        if total > ceiling:
            raise ValidationError(
                {
                    "max_points": _(
                        "Together with the others at its level this makes %(sum)s points, more "
                        "than the %(ceiling)s of its parent."
                    )
                    % {"sum": total, "ceiling": ceiling}
                }
            )

    def _ceiling_and_siblings(self):
        if self.parent_id:
            return self.parent.max_points, Criterion.objects.filter(parent_id=self.parent_id)
        if self.field_id:
            return self.field.max_points, Criterion.objects.filter(
                field_id=self.field_id, parent__isnull=True
            )
        return None, Criterion.objects.none()


class ScoreChannel(models.Model):
    """How a scheme's points split between the Ministry's appraisal of the self-assessment and
    the surveys (PAR 2023 under 876/QĐ-BNV: 61.50 + SIPAS 10 + leaders' survey 22 +
    socio-economic impact 6.50 = 100; indicators/data/channel_max_876.csv)."""

    class Code(models.TextChoices):
        APPRAISAL = "appraisal", _("appraisal of the self-assessment")
        SIPAS = "sipas", _("citizen satisfaction survey (SIPAS)")
        LEADERS = "leaders_survey", _("survey of leaders and managers")
        IMPACT = "socio_economic", _("impact on socio-economic development")

    methodology = models.ForeignKey(
        Methodology, verbose_name=_("scheme"), on_delete=models.CASCADE, related_name="channels"
    )
    code = models.CharField(_("channel"), max_length=20, choices=Code.choices)
    max_points = models.DecimalField(_("maximum points"), **POINTS)
    source = models.TextField(_("source"), blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("scoring channel")
        verbose_name_plural = _("scoring channels")
        ordering = ["methodology", "code"]
        constraints = [
            models.UniqueConstraint(fields=["methodology", "code"], name="channel_unique_code"),
            models.CheckConstraint(
                condition=Q(max_points__gte=0), name="channel_max_points_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.methodology}: {self.get_code_display()} {self.max_points}"


class ChecklistItem(models.Model):
    """A document the Ministry checks for a sub-criterion (the evidence locker's checklist)."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("decision")
        PLAN = "plan", _("plan")
        REPORT = "report", _("report")
        PUBLISHED_LIST = "published_list", _("published list")
        SURVEY = "survey", _("survey")
        OTHER = "other", _("other")

    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("sub-criterion"),
        on_delete=models.CASCADE,
        related_name="checklist",
    )
    title_vi = models.CharField(_("document (Vietnamese)"), max_length=300)
    title_en = models.CharField(_("document (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    needs_number_and_date = models.BooleanField(_("number and date required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("checklist document")
        verbose_name_plural = _("checklist documents")
        ordering = ["criterion", "order", "pk"]

    def __str__(self) -> str:
        return self.title_en if get_language() == "en" and self.title_en else self.title_vi
