"""A password "validator" that validates nothing: Django calls every validator's
password_changed() whenever a user's password is saved (set, changed or reset), which is the one
place that sees them all. It records the security event."""

from __future__ import annotations


class AuditPasswordChanges:
    def validate(self, password, user=None):
        return None

    def get_help_text(self):
        return ""

    def password_changed(self, password, user=None):
        from indicators.models import SecurityEvent
        from indicators.services.audit import (
            current_request,
            province_of_user,
            security_event_record,
        )

        if user is None:
            return
        request = current_request.get()
        security_event_record(
            kind=SecurityEvent.Kind.PASSWORD_CHANGED,
            province=province_of_user(user),
            subject=user.get_username(),
            detail={"via": request.path if request is not None else "command"},
        )
