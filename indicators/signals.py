"""Receivers that turn authentication and membership changes into security events.
Thin: each names the event; indicators.services.audit records it."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from indicators.models import Membership, Province, SecurityEvent, Unit
from indicators.services.audit import province_of_user, security_event_record
from par_portal.cache import DIRECTORY, bump

Kind = SecurityEvent.Kind


def _user_named(username: str | None):
    if not username:
        return None
    return get_user_model().objects.filter(username=username).first()


@receiver(user_logged_in)
def _logged_in(sender, request, user, **kwargs):
    security_event_record(
        kind=Kind.LOGIN, actor=user, province=province_of_user(user), request=request
    )


@receiver(user_login_failed)
def _login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    security_event_record(
        kind=Kind.LOGIN_FAILED,
        actor_name=username,
        province=province_of_user(_user_named(username)),
        subject=username,
        request=request,
    )


@receiver(user_locked_out)
def _locked_out(sender, request, username, ip_address, **kwargs):
    security_event_record(
        kind=Kind.LOCKOUT,
        actor_name=str(username or "")[:150],
        province=province_of_user(_user_named(username)),
        subject=str(username or ""),
        request=request,
    )


def _membership_detail(membership: Membership) -> dict:
    return {
        "user": membership.user.get_username(),
        "province": membership.province.code,
        "unit": membership.unit.code if membership.unit_id else None,
        "role": membership.role,
    }


@receiver(pre_save, sender=Membership)
def _membership_before(sender, instance, **kwargs):
    old = Membership.objects.filter(pk=instance.pk).first() if instance.pk else None
    instance._audit_before = _membership_detail(old) if old else None


@receiver(post_save, sender=Membership)
def _membership_saved(sender, instance, created, **kwargs):
    after = _membership_detail(instance)
    before = getattr(instance, "_audit_before", None)
    if not created and before == after:
        return
    security_event_record(
        kind=Kind.MEMBERSHIP_ADDED if created else Kind.MEMBERSHIP_CHANGED,
        province=instance.province,
        subject=after["user"],
        detail={"after": after} if created else {"before": before, "after": after},
    )


@receiver(post_delete, sender=Membership)
def _membership_removed(sender, instance, **kwargs):
    security_event_record(
        kind=Kind.MEMBERSHIP_REMOVED,
        province=instance.province,
        subject=instance.user.get_username(),
        detail={"before": _membership_detail(instance)},
    )


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
@receiver(post_save, sender=Unit)
@receiver(post_delete, sender=Unit)
@receiver(post_save, sender=Province)
@receiver(post_delete, sender=Province)
def _directory_changed(sender, **kwargs):
    """Who may see what changed: every user's cached memberships are read afresh."""
    bump([DIRECTORY])


@receiver(post_save, sender=get_user_model())
@receiver(post_delete, sender=get_user_model())
def _account_changed(sender, update_fields=None, **kwargs):
    """An account's e-mail or active flag decides whom reminders reach (cached under the
    directory's version); a login, which saves only the last login, changes neither."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump([DIRECTORY])
