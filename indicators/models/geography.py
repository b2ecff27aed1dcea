from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ValidOnQuerySet(models.QuerySet):
    """Rows carry valid_from / valid_to (both inclusive, open when empty)."""

    def valid_on(self, day: dt.date):
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def valid_during(self, first: dt.date, last: dt.date):
        """Rows that exist on at least one day of [first, last]."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=last),
            Q(valid_to__isnull=True) | Q(valid_to__gte=first),
        )


def validity_constraint(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(valid_from__isnull=True)
        | Q(valid_to__isnull=True)
        | Q(valid_to__gte=models.F("valid_from")),
        name=name,
        violation_error_message=_("The end of validity cannot be before its start."),
    )


class Province(models.Model):
    """A province or centrally-run city as it existed between valid_from and valid_to.

    The 63 provinces end on 2025-06-30 and point at the province that absorbed them; the 34
    formed on 2025-07-01 are new rows, so old plans and rankings keep their own map.
    """

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("centrally-run city")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    gso_code = models.CharField(_("GSO code"), max_length=3, blank=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("successor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    source = models.TextField(_("source"), blank=True)

    objects = ValidOnQuerySet.as_manager()

    class Meta:
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        ordering = ["name_vi", "valid_from"]
        constraints = [
            validity_constraint("province_validity_in_order"),
            models.UniqueConstraint(
                fields=["name_en", "valid_from"], name="province_unique_name_per_start"
            ),
        ]

    def __str__(self) -> str:
        name = self.name_en if get_language() == "en" else self.name_vi
        if self.valid_to:
            return f"{name} (–{self.valid_to:%m/%Y})"
        if self.valid_from:
            return f"{name} ({self.valid_from:%m/%Y}–)"
        return name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" else self.name_vi

    def is_valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or day <= self.valid_to
        )
