from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from indicators.models.geography import Province, ValidOnQuerySet, validity_constraint


class Unit(models.Model):
    """A department, agency or district/commune People's Committee that owns tasks and reports."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("department")
        AGENCY = "agency", _("agency")
        DISTRICT_COMMITTEE = "district", _("district People's Committee")
        COMMUNE_COMMITTEE = "commune", _("commune People's Committee")
        OTHER = "other", _("other")

    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="units"
    )
    code = models.SlugField(_("code"), max_length=60)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    is_focal_agency = models.BooleanField(_("focal agency"), default=False)
    head_email = models.EmailField(_("head's e-mail"), blank=True)
    official_code = models.CharField(
        _("official code"),
        max_length=5,
        blank=True,
        help_text=_(
            "The commune's or ward's code in Vietnam's official list of administrative units "
            "(GSO), when the unit is its People's Committee."
        ),
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    objects = ValidOnQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["province", "kind", "name_vi"]
        constraints = [
            models.UniqueConstraint(fields=["province", "code"], name="unit_unique_code"),
            models.UniqueConstraint(
                fields=["province", "official_code"],
                condition=~Q(official_code=""),
                name="unit_unique_official_code",
                violation_error_message=_("A unit of this province already has this commune."),
            ),
            validity_constraint("unit_validity_in_order"),
            # One focal agency at a time: reports must go to exactly one place. Two partial
            # constraints because NULL (still valid) never equals NULL in a unique index.
            models.UniqueConstraint(
                fields=["province"],
                condition=Q(is_focal_agency=True, valid_to__isnull=True),
                name="unit_one_current_focal_agency",
                violation_error_message=_("This province already has a current focal agency."),
            ),
            models.UniqueConstraint(
                fields=["province", "valid_to"],
                condition=Q(is_focal_agency=True, valid_to__isnull=False),
                name="unit_one_focal_agency_per_end_date",
                violation_error_message=_("This province already has a focal agency then."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if get_language() == "en" and self.name_en else self.name_vi

    def clean(self) -> None:
        if self.parent_id and self.province_id and self.parent.province_id != self.province_id:
            raise ValidationError({"parent": _("The parent unit belongs to another province.")})
        if (
            self.province_id
            and self.valid_from
            and self.province.valid_to
            and self.valid_from > self.province.valid_to
        ):
            raise ValidationError({"valid_from": _("The province no longer existed on that date.")})


class Role(models.TextChoices):
    UNIT_REPORTER = "reporter", _("unit reporter")
    UNIT_HEAD = "unit_head", _("unit head")
    FOCAL_REVIEWER = "reviewer", _("focal reviewer")
    COMMITTEE = "committee", _("committee member")
    PROVINCE_ADMIN = "admin", _("province admin")


UNIT_ROLES = [Role.UNIT_REPORTER, Role.UNIT_HEAD]


class Membership(models.Model):
    """What a user may see and do: a role in a province, and for unit roles, in one unit."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    province = models.ForeignKey(
        Province, verbose_name=_("province"), on_delete=models.PROTECT, related_name="memberships"
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["province", "role", "unit"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=UNIT_ROLES) | Q(unit__isnull=False),
                name="membership_unit_role_has_unit",
                violation_error_message=_("A unit reporter or unit head needs a unit."),
            ),
            models.UniqueConstraint(
                fields=["user", "unit", "role"],
                condition=Q(unit__isnull=False),
                name="membership_unique_in_unit",
            ),
            models.UniqueConstraint(
                fields=["user", "province", "role"],
                condition=Q(unit__isnull=True),
                name="membership_unique_in_province",
            ),
        ]

    def __str__(self) -> str:
        where = self.unit or self.province
        return f"{self.user} – {self.get_role_display()} – {where}"

    def clean(self) -> None:
        if self.unit_id and self.province_id and self.unit.province_id != self.province_id:
            raise ValidationError({"unit": _("This unit belongs to another province.")})


class Preference(models.Model):
    """What a user chose for themselves; e-mails follow it (the pages follow the cookie)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # A second channel for reminders (the province's Zalo Official Account or SMS gateway,
    # reached by its webhook): only with a phone number given with consent.
    phone = models.CharField(_("mobile phone"), max_length=20, blank=True)
    phone_consent_at = models.DateTimeField(
        _("consent to receive messages given at"), null=True, blank=True
    )
    wants_webhook = models.BooleanField(_("reminders by Zalo/SMS too"), default=False)

    class Meta:
        verbose_name = _("preference")
        verbose_name_plural = _("preferences")
        constraints = [
            models.CheckConstraint(
                condition=Q(wants_webhook=False)
                | (~Q(phone="") & Q(phone_consent_at__isnull=False)),
                name="preference_webhook_needs_phone_and_consent",
                violation_error_message=_(
                    "Zalo/SMS reminders need a phone number and your consent."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
