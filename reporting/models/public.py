"""A province's optional public progress page (/public/<province code>/): off by default, and
showing only the parts its admin chose."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators.models import Province


class PublicPage(models.Model):
    province = models.OneToOneField(
        Province, verbose_name=_("province"), on_delete=models.CASCADE, related_name="public_page"
    )
    is_published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Anyone can then read the page, without logging in."),
    )
    show_result = models.BooleanField(_("last published index and rank"), default=False)
    show_targets = models.BooleanField(_("targets of this year's plan"), default=False)
    show_fields = models.BooleanField(_("status of each field this month"), default=False)
    show_timeliness = models.BooleanField(_("share of units reporting on time"), default=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("public progress page")
        verbose_name_plural = _("public progress pages")

    def __str__(self) -> str:
        return str(self.province)

    @property
    def parts(self) -> list[str]:
        return [
            name
            for name in ("result", "targets", "fields", "timeliness")
            if getattr(self, f"show_{name}")
        ]
