"""Recording security events (indicators.models.SecurityEvent).

Callers pass what happened; who and from where come from the request being served (set by
par_portal.middleware.CurrentRequestMiddleware), so that a model signal or a service deep in a
call chain records the same actor and IP as the view that started it.
"""

from __future__ import annotations

from contextvars import ContextVar

from indicators.models import Membership, Province, SecurityEvent
from par_portal.net import client_ip

current_request: ContextVar = ContextVar("current_request", default=None)


def province_of_user(user) -> Province | None:
    """The one province a user belongs to, or None (none, or several)."""
    if user is None or not getattr(user, "pk", None):
        return None
    ids = set(Membership.objects.filter(user=user).values_list("province_id", flat=True))
    return Province.objects.get(pk=ids.pop()) if len(ids) == 1 else None


def security_event_record(
    *,
    kind: str,
    actor=None,
    actor_name: str = "",
    province: Province | None = None,
    subject: str = "",
    detail: dict | None = None,
    request=None,
) -> SecurityEvent:
    request = request or current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        actor = user if user is not None and user.is_authenticated else None
    return SecurityEvent.objects.create(
        kind=kind,
        actor=actor,
        actor_name=actor_name or (actor.get_username() if actor else ""),
        ip=client_ip(request) if request is not None else None,
        province=province,
        subject=subject[:255],
        detail=detail or {},
    )
