"""Login throttling (django-axes) and the audit trail of security events."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from indicators.models import Membership, Province, Role, SecurityEvent
from reporting.models import Period

pytestmark = pytest.mark.django_db
User = get_user_model()
LOGIN = "/accounts/login/"
Kind = SecurityEvent.Kind


def _login(client, username, password, ip="10.0.0.7"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_thirty_wrong_passwords_then_the_right_one_is_refused_in_vietnamese(client):
    for _ in range(30):
        _login(client, "qn.reporter", "wrong-guess")
    response = _login(client, "qn.reporter", "parportal")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()
    assert not _logged_in(client)


def test_the_limit_and_the_lockout_period_come_from_settings(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=7)
    for _ in range(2):
        assert _login(client, "qn.reporter", "wrong-guess").status_code == 200
    assert _login(client, "qn.reporter", "wrong-guess").status_code == 429  # the 3rd locks
    response = _login(client, "qn.reporter", "parportal")
    assert response.status_code == 429 and "7 phút" in response.content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=8)):
        _login(client, "qn.reporter", "parportal")
        assert _logged_in(client)


def test_failures_from_one_ip_lock_that_ip_but_not_another(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for name in ["qn.head", "qn.reviewer", "qn.committee"]:
        _login(client, name, "wrong-guess", ip="203.0.113.9")
    assert _login(client, "ag.reporter", "parportal", ip="203.0.113.9").status_code == 429
    assert not _logged_in(client)
    _login(client, "ag.reporter", "parportal", ip="198.51.100.4")
    assert _logged_in(client)


def test_an_admin_unlocks_an_account_in_admin(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, "qn.reporter", "wrong-guess", ip="10.1.1.1")
    admin_client = client.__class__()
    admin_client.force_login(User.objects.get(username="qn.admin"))
    listing = admin_client.get(reverse("admin:axes_accessattempt_changelist"))
    rows = list(listing.context["cl"].result_list)
    assert [r.username for r in rows] == ["qn.reporter"]
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [rows[0].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="qn.reporter").exists()
    _login(client, "qn.reporter", "parportal", ip="10.1.1.1")
    assert _logged_in(client)


def test_a_province_admin_cannot_see_or_unlock_another_provinces_account(client, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        _login(client, "ag.reporter", "wrong-guess")
    client.force_login(User.objects.get(username="qn.admin"))
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    assert list(listing.context["cl"].result_list) == []
    attempt = AccessAttempt.objects.get(username="ag.reporter")
    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [attempt.pk], "post": "yes"},
    )
    assert AccessAttempt.objects.filter(pk=attempt.pk).exists()


# --- the audit trail -----------------------------------------------------------------------


def _events(kind, **filters):
    return SecurityEvent.objects.filter(kind=kind, **filters)


def test_login_failed_login_and_lockout_are_recorded_with_ip(client, settings):
    settings.AXES_FAILURE_LIMIT = 2
    quang_nam = Province.objects.get(code="quang-nam")
    _login(client, "qn.reporter", "parportal", ip="10.9.9.9")
    login = _events(Kind.LOGIN, actor_name="qn.reporter").get()
    assert login.ip == "10.9.9.9" and login.province == quang_nam and login.actor
    client.logout()
    for _ in range(2):
        _login(client, "qn.reporter", "wrong", ip="10.9.9.8")
    _login(client, "qn.reporter", "wrong", ip="10.9.9.8")
    assert _events(Kind.LOGIN_FAILED, actor_name="qn.reporter", ip="10.9.9.8").count() >= 2
    lockout = _events(Kind.LOCKOUT, subject="qn.reporter").first()
    assert lockout and lockout.ip == "10.9.9.8" and lockout.province == quang_nam


def test_membership_and_password_changes_in_admin_are_recorded(client):
    admin_user = User.objects.get(username="qn.admin")
    client.force_login(admin_user)
    quang_nam = Province.objects.get(code="quang-nam")
    reporter = User.objects.get(username="qn.reporter")
    client.post(
        reverse("admin:indicators_membership_add"),
        {"province": quang_nam.pk, "user": reporter.pk, "role": Role.COMMITTEE},
        REMOTE_ADDR="10.2.2.2",
    )
    membership = Membership.objects.get(user=reporter, role=Role.COMMITTEE)
    added = _events(Kind.MEMBERSHIP_ADDED, subject="qn.reporter", actor=admin_user).get()
    assert added.ip == "10.2.2.2"
    assert added.province == quang_nam and added.detail["after"]["role"] == Role.COMMITTEE
    client.post(
        reverse("admin:indicators_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert _events(Kind.MEMBERSHIP_REMOVED, subject="qn.reporter", actor=admin_user).exists()
    client.post(
        reverse("admin:auth_user_password_change", args=[reporter.pk]),
        {"password1": "New-pass-2026-x", "password2": "New-pass-2026-x", "usable_password": "true"},
    )
    changed = _events(Kind.PASSWORD_CHANGED, subject="qn.reporter", actor=admin_user).get()
    assert changed.province == quang_nam and "password" in changed.detail["via"]


def test_reopening_and_exports_are_recorded(client):
    reviewer = User.objects.get(username="dn.reviewer")
    client.force_login(reviewer)
    periods = Period.objects.filter(province__code="da-nang-2025")
    period = (
        periods.filter(due_at__lt=timezone.now()).order_by("-month").first()
        or periods.order_by("month").first()  # early January: nothing is due yet
    )
    unit = period.province.units.get(code="hoi-an")
    until = timezone.localtime() + dt.timedelta(days=3)
    response = client.post(
        reverse("reporting:reopen", args=[period.pk, unit.pk]),
        {"reason": "Mất điện", "until": until.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    assert _events(Kind.REOPENING, actor=reviewer, province=period.province).exists()
    client.get(reverse("reporting:summary_excel", args=[period.pk]))
    client.get(reverse("dashboards:brief"), {"format": "xlsx"})
    exports = _events(Kind.EXPORT, actor=reviewer).values_list("subject", flat=True)
    assert any(s.startswith("bao-cao-cchc-") for s in exports)
    assert any(s.startswith("ban-tin-cchc-") for s in exports)


def test_api_token_creation_and_revocation_are_recorded(client):
    root = User.objects.get(username="admin")
    client.force_login(root)
    committee = User.objects.get(username="dn.committee")
    client.post(reverse("admin:reporting_apitoken_add"), {"user": committee.pk, "name": "IOC"})
    assert _events(Kind.TOKEN_CREATED, actor=root, subject="IOC (dn.committee)").exists()
    from reporting.models import ApiToken

    token = ApiToken.objects.get(name="IOC")
    client.post(reverse("admin:reporting_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert _events(Kind.TOKEN_REVOKED, actor=root, subject="IOC (dn.committee)").exists()


def test_province_admins_read_only_their_provinces_events(client):
    _login(client, "ag.reporter", "parportal")
    _login(client, "qn.reporter", "parportal")
    client.force_login(User.objects.get(username="qn.admin"))
    listing = client.get(reverse("admin:indicators_securityevent_changelist"), {"all": ""})
    shown = list(listing.context["cl"].result_list)
    assert shown and {e.province.code for e in shown if e.province} == {"quang-nam"}
    assert all(e.province_id is not None for e in shown)
    event = shown[0]
    change = reverse("admin:indicators_securityevent_change", args=[event.pk])
    assert client.post(change, {"subject": "edited"}).status_code == 403
    delete = reverse("admin:indicators_securityevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    ag_event = _events(Kind.LOGIN, actor_name="ag.reporter").get()
    other = reverse("admin:indicators_securityevent_change", args=[ag_event.pk])
    assert client.get(other).status_code == 302  # "does not exist" for them
    client.force_login(User.objects.get(username="admin"))
    everything = client.get(reverse("admin:indicators_securityevent_changelist"), {"all": ""})
    assert {e.pk for e in everything.context["cl"].result_list} >= {ag_event.pk, event.pk}
