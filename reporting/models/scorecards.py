"""Scorecards: snapshot rows of a province's month that dashboards read."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from indicators.models import Field, Unit
from indicators.rankings import GapNote, gap_note_text
from reporting.models.reports import Period

PCT = {"max_digits": 6, "decimal_places": 2, "null": True, "blank": True}


class ScorecardPolicy(models.Model):
    """The status rule's thresholds for a province (defaults from DESIGN.md §6)."""

    province = models.OneToOneField(
        "indicators.Province",
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="scorecard_policy",
    )
    at_risk_points = models.PositiveSmallIntegerField(
        _("on track within (points behind expected)"), default=10
    )
    off_track_points = models.PositiveSmallIntegerField(
        _("off track beyond (points behind expected)"), default=25
    )
    off_track_overdue_share = models.PositiveSmallIntegerField(
        _("off track when overdue task weight exceeds (%)"), default=25
    )

    class Meta:
        verbose_name = _("scorecard rule")
        verbose_name_plural = _("scorecard rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(off_track_points__gte=models.F("at_risk_points")),
                name="scorecard_policy_thresholds_in_order",
                violation_error_message=_("“Off track” must be further behind than “on track”."),
            ),
            models.CheckConstraint(
                condition=Q(off_track_overdue_share__lte=100), name="scorecard_policy_share_pct"
            ),
        ]

    def __str__(self) -> str:
        return str(self.province)


class Status(models.TextChoices):
    ON_TRACK = "on_track", _("on track")
    AT_RISK = "at_risk", _("at risk")
    OFF_TRACK = "off_track", _("off track")
    NO_TASKS = "no_tasks", _("no tasks")


class FieldScorecard(models.Model):
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="field_cards"
    )
    field = models.ForeignKey(Field, verbose_name=_("field"), on_delete=models.PROTECT)
    tasks_total = models.PositiveIntegerField(_("tasks"), default=0)
    tasks_done = models.PositiveIntegerField(_("done"), default=0)
    tasks_behind = models.PositiveIntegerField(_("behind or blocked"), default=0)
    tasks_overdue = models.PositiveIntegerField(_("overdue"), default=0)
    tasks_unreported = models.PositiveIntegerField(_("never reported"), default=0)
    reported_through = models.DateField(
        _("latest report month used"),
        null=True,
        blank=True,
        help_text=_("Progress is carried forward from each lead unit's latest counted report."),
    )
    mean_done_pct = models.DecimalField(_("weighted % done"), **PCT)
    expected_pct = models.DecimalField(_("expected % done"), **PCT)
    overdue_weight_pct = models.DecimalField(_("overdue share of weight (%)"), **PCT)
    on_time_pct = models.DecimalField(_("on-time share of owning units (%)"), **PCT)
    target_rank = models.PositiveSmallIntegerField(_("target: top N"), null=True, blank=True)
    target_pct = models.DecimalField(_("target: minimum %"), **PCT)
    last_year = models.PositiveSmallIntegerField(_("last published year"), null=True, blank=True)
    last_points = models.DecimalField(_("last points"), **PCT)
    last_rank = models.PositiveSmallIntegerField(_("last rank"), null=True, blank=True)
    gap_points = models.DecimalField(_("gap to target (points)"), **PCT)
    gap_code = models.CharField(
        _("gap note"), max_length=20, choices=GapNote.choices, blank=True, default=""
    )
    gap_params = models.JSONField(_("gap note parameters"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("field scorecard")
        verbose_name_plural = _("field scorecards")
        ordering = ["period", "field__number"]
        constraints = [
            models.UniqueConstraint(fields=["period", "field"], name="field_card_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.period} – {self.field}"

    @property
    def gap_note(self) -> str:
        return gap_note_text(self.gap_code, self.gap_params)

    @property
    def gap_is_illustrative(self) -> bool:
        return self.gap_code == GapNote.ILLUSTRATIVE


class UnitScorecard(models.Model):
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.CASCADE, related_name="unit_cards"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT)
    expected = models.PositiveIntegerField(_("expected reports"), default=0)
    submitted = models.PositiveIntegerField(_("submitted"), default=0)
    on_time = models.PositiveIntegerField(_("on time"), default=0)
    days_late = models.PositiveIntegerField(_("days late"), default=0)
    tasks_done = models.PositiveIntegerField(_("tasks done"), default=0)
    tasks_overdue = models.PositiveIntegerField(_("tasks overdue"), default=0)
    rank = models.PositiveSmallIntegerField(_("rank among units"))
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("unit scorecard")
        verbose_name_plural = _("unit scorecards")
        ordering = ["period", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="unit_card_unique"),
            models.CheckConstraint(condition=Q(rank__gte=1), name="unit_card_rank_positive"),
            models.CheckConstraint(
                condition=Q(on_time__lte=models.F("submitted"))
                & Q(submitted__lte=models.F("expected")),
                name="unit_card_counts_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} – {self.unit}"
