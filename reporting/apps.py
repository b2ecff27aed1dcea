from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reporting"
    verbose_name = _("Monthly reporting")

    def ready(self):
        from django.utils import timezone

        from indicators.hooks import targets_changed
        from reporting.services.scorecards import scorecards_queue_for_province

        def recompute(sender, province_id, **kwargs):
            scorecards_queue_for_province(province_id, today=timezone.localdate())

        # A plan's targets changed in admin: recompute the province's current month.
        targets_changed.connect(recompute, weak=False, dispatch_uid="reporting-targets-changed")
