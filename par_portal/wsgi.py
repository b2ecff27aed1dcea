import os

from django.core.exceptions import ImproperlyConfigured
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "par_portal.settings")
application = get_wsgi_application()

from par_portal.health import static_manifest_missing  # noqa: E402 - needs the settings

# Refuse to start rather than answer every page with a 500.
if static_manifest_missing():
    raise ImproperlyConfigured(
        "Static files have not been collected (DEBUG is off): run `make deploy-check` first."
    )
