from __future__ import annotations

import hashlib
import secrets

from django.utils import timezone

from indicators.models import SecurityEvent
from indicators.services.audit import province_of_user, security_event_record
from reporting.models import ApiToken


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, token: ApiToken) -> str:
    """Give a new token its key; return the key (shown once, never stored)."""
    key = secrets.token_hex(20)
    token.key_hash = _hash(key)
    token.save()
    _record(SecurityEvent.Kind.TOKEN_CREATED, token)
    return key


def api_token_revoke(*, token: ApiToken) -> None:
    """Delete a token: its key stops working at once."""
    _record(SecurityEvent.Kind.TOKEN_REVOKED, token)
    token.delete()


def _record(kind: str, token: ApiToken) -> None:
    security_event_record(
        kind=kind,
        province=province_of_user(token.user),
        subject=f"{token.name} ({token.user.get_username()})",
    )


def api_token_user(key: str):
    """The active user behind a key, or None; records when the key was last used."""
    token = (
        ApiToken.objects.filter(key_hash=_hash(key), user__is_active=True)
        .select_related("user")
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
