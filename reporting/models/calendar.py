"""A province's announced exceptions to Vietnam's working-day calendar (reporting.workdays)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indicators.models import Province


class CalendarException(models.Model):
    """A day that the public-holiday list and the weekend get wrong for this province: a
    compensatory day off (nghỉ bù) or a Saturday worked in exchange (làm bù), as the government
    or the province announces them each year."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("day off (not a working day)")
        WORKING_DAY = "working_day", _("working day (e.g. a swapped Saturday)")

    province = models.ForeignKey(
        Province,
        verbose_name=_("province"),
        on_delete=models.CASCADE,
        related_name="calendar_exceptions",
    )
    day = models.DateField(_("day"))
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    source = models.CharField(
        _("announced by"),
        max_length=200,
        blank=True,
        help_text=_("E.g. the Prime Minister's or the Ministry of Home Affairs' notice."),
    )

    class Meta:
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")
        ordering = ["province", "-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["province", "day"],
                name="calendar_exception_once_per_day",
                violation_error_message=_("This day already has an exception in this province."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} {self.name}"

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_vi
