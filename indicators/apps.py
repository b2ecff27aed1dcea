from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "indicators"
    verbose_name = _("PAR framework and plans")

    def ready(self):
        from indicators import signals  # noqa: F401 - security events
        from par_portal import checks  # noqa: F401 - registers the deployment checks
