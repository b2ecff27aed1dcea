"""Logged-in sessions for the bench's clients, made the way a login makes them (run on the
bench database). `python tests/bench/sessions.py` prints, as JSON, a session key for each demo
user the pages are measured as, and the addresses of Đà Nẵng's current report form and board."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def session_key(user) -> str:
    """A new session for `user`, as `django.contrib.auth.login` would store it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "par_portal.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from reporting.models import Period

    out = {
        name: session_key(get_user_model().objects.get(username=name))
        for name in ["dn.committee", "dn.reviewer", "dn.reporter"]
    }
    period = (
        Period.objects.filter(province__code="da-nang-2025", month__lte=timezone.localdate())
        .order_by("-month")
        .first()
    )
    unit = period.province.units.get(code="hai-chau")
    out["{form}"] = f"/reports/{period.pk}/unit/{unit.pk}/"
    out["{board}"] = f"/reports/board/{period.pk}/"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
