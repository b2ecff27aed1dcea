from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indicators.models.framework import Criterion, Field, Methodology
from indicators.models.geography import Province
from indicators.models.results import PERCENT
from indicators.models.units import Unit


def rank_or_percent_constraints(prefix: str) -> list[models.BaseConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(best_rank__isnull=True) | Q(best_rank__gte=1),
            name=f"{prefix}_best_rank_positive",
            violation_error_message=_("A target rank starts at 1."),
        ),
        models.CheckConstraint(
            condition=Q(min_pct__isnull=True) | Q(min_pct__gte=0, min_pct__lte=100),
            name=f"{prefix}_min_pct_is_percent",
            violation_error_message=_("A target percentage must be between 0 and 100."),
        ),
    ]


class Plan(models.Model):
    """A province's plan to raise its PAR Index in a year, with its overall targets."""

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(_("index year"))
    number = models.CharField(_("document number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    title = models.CharField(_("title"), max_length=500)
    document = models.FileField(_("document"), upload_to="plans/", blank=True)
    min_pct = models.DecimalField(_("target: minimum index (%)"), null=True, blank=True, **PERCENT)
    best_rank = models.PositiveSmallIntegerField(
        _("target: top N nationally"), null=True, blank=True
    )
    is_demo = models.BooleanField(
        _("demo targets"), default=False, help_text=_("Targets invented for the demonstration.")
    )
    source = models.TextField(_("source"), blank=True)

    class Meta:
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        ordering = ["province", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["province", "number"], name="plan_unique_number"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="plan_year"),
            *rank_or_percent_constraints("plan"),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.year})"

    @property
    def methodology(self) -> Methodology | None:
        return (
            Methodology.objects.filter(level=Methodology.Level.PROVINCE, first_year__lte=self.year)
            .filter(Q(last_year__isnull=True) | Q(last_year__gte=self.year))
            .first()
        )

    def clean(self) -> None:
        if self.province_id and self.issued_on and not self.province.is_valid_on(self.issued_on):
            raise ValidationError(
                {"issued_on": _("The province did not exist on the date of issue.")}
            )


class FieldTarget(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="field_targets"
    )
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT)
    best_rank = models.PositiveSmallIntegerField(_("top N nationally"), null=True, blank=True)
    # xgettext:no-python-format
    min_pct = models.DecimalField(_("minimum (% of maximum)"), null=True, blank=True, **PERCENT)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("field target")
        verbose_name_plural = _("field targets")
        ordering = ["plan", "field__number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "field"], name="field_target_unique"),
            models.CheckConstraint(
                condition=Q(best_rank__isnull=False) | Q(min_pct__isnull=False),
                name="field_target_has_a_goal",
                violation_error_message=_("Give a target rank, a minimum percentage or both."),
            ),
            *rank_or_percent_constraints("field_target"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} – {self.field}"

    def clean(self) -> None:
        if self.plan_id and self.field_id and not self.field.methodology.covers(self.plan.year):
            raise ValidationError(
                {"field": _("This field is not in the scheme of the plan's year.")}
            )


class Indicator(models.Model):
    """A measured quantity of the plan that units report (e.g. online services integrated)."""

    class Direction(models.TextChoices):
        HIGHER = "higher", _("higher is better")
        LOWER = "lower", _("lower is better")

    class Aggregation(models.TextChoices):
        SUM = "sum", _("sum over units")
        MEAN = "mean", _("mean over units")
        MIN = "min", _("lowest unit")
        MAX = "max", _("highest unit")
        RATIO = "ratio", _("ratio of two sums")

    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="indicators"
    )
    code = models.SlugField(_("code"), max_length=60)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40)
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    aggregation = models.CharField(
        _("aggregation across units"),
        max_length=8,
        choices=Aggregation.choices,
        default=Aggregation.SUM,
    )
    field = models.ForeignKey(
        Field, verbose_name=_("field"), null=True, blank=True, on_delete=models.PROTECT
    )
    reporting_units = models.ManyToManyField(
        Unit, verbose_name=_("units that report it"), blank=True, related_name="indicators"
    )
    at_most = models.ForeignKey(
        "self",
        verbose_name=_("cannot exceed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("e.g. dossiers resolved on time cannot exceed dossiers received"),
    )
    max_value = models.DecimalField(
        _("largest allowed value"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="indicator_unique_code"),
        ]

    def __str__(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_vi


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("indicator"), on_delete=models.CASCADE, related_name="targets"
    )
    value = models.DecimalField(_("target value"), max_digits=12, decimal_places=2)
    due_on = models.DateField(_("to be reached by"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        ordering = ["indicator", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "due_on"], name="indicator_target_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.due_on:%d/%m/%Y})"


class Task(models.Model):
    plan = models.ForeignKey(
        Plan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="tasks"
    )
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT)
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), null=True, blank=True, on_delete=models.PROTECT
    )
    code = models.CharField(_("code"), max_length=20)
    title = models.CharField(_("title (Vietnamese)"), max_length=500)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    lead_unit = models.ForeignKey(
        Unit, verbose_name=_("lead unit"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    supporting_units = models.ManyToManyField(
        Unit, verbose_name=_("supporting units"), blank=True, related_name="supported_tasks"
    )
    start_date = models.DateField(_("start date"))
    due_date = models.DateField(_("due date"))
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["plan", "field__number", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="task_unique_code"),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("start_date")),
                name="task_dates_in_order",
                violation_error_message=_("The due date cannot be before the start date."),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0),
                name="task_weight_positive",
                violation_error_message=_("The weight must be greater than zero."),
            ),
        ]

    def __str__(self) -> str:
        title = self.title_en if get_language() == "en" and self.title_en else self.title
        return f"{self.code} {title}"

    def clean(self) -> None:
        errors = {}
        if (
            self.plan_id
            and self.lead_unit_id
            and self.lead_unit.province_id != self.plan.province_id
        ):
            errors["lead_unit"] = _("The lead unit belongs to another province.")
        if self.plan_id and self.field_id and not self.field.methodology.covers(self.plan.year):
            errors["field"] = _("This field is not in the scheme of the plan's year.")
        if self.criterion_id and self.field_id and self.criterion.field_id != self.field_id:
            errors["criterion"] = _("This criterion belongs to another field.")
        if errors:
            raise ValidationError(errors)


class CriterionAssignment(models.Model):
    """Who answers for a sub-criterion of the scheme in force in a plan: the owning unit, which
    self-assesses it every month, and the plan's tasks that serve it (many to many)."""

    plan = models.ForeignKey(
        Plan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="criterion_assignments",
    )
    criterion = models.ForeignKey(
        Criterion,
        verbose_name=_("sub-criterion"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    owner = models.ForeignKey(
        Unit, verbose_name=_("owning unit"), on_delete=models.PROTECT, related_name="criteria"
    )
    tasks = models.ManyToManyField(
        Task, verbose_name=_("tasks that serve it"), blank=True, related_name="criteria"
    )

    class Meta:
        verbose_name = _("sub-criterion owner")
        verbose_name_plural = _("sub-criteria owners")
        ordering = ["plan", "criterion__field__number", "criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "criterion"], name="criterion_assignment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code} → {self.owner}"

    def clean(self) -> None:
        errors = {}
        if self.plan_id and self.owner_id and self.owner.province_id != self.plan.province_id:
            errors["owner"] = _("The owning unit belongs to another province.")
        if self.plan_id and self.criterion_id:
            if not self.criterion.field.methodology.covers(self.plan.year):
                errors["criterion"] = _(
                    "This sub-criterion is not in the scheme of the plan's year."
                )
            elif self.criterion.children.exists():
                errors["criterion"] = _(
                    "Assign a sub-criterion (a criterion without sub-criteria of its own)."
                )
        if errors:
            raise ValidationError(errors)
