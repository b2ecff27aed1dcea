"""System checks of a deployment (run by `manage.py check`, `migrate` and `make deploy-check`)."""

from django.core.checks import Error, register

from par_portal.health import static_manifest_missing


@register()
def static_files_collected(app_configs, **kwargs):
    if static_manifest_missing():
        return [
            Error(
                "Static files have not been collected: with DEBUG off every page would fail.",
                hint="Run `make deploy-check` (collectstatic, then check --deploy).",
                id="par_portal.E001",
            )
        ]
    return []
