"""Every id a province admin can post in Django admin is checked on the server.

Generated from the admin registry: every registered ModelAdmin is classified (scoped to a
province, shared reference data, or superuser-only). For every scoped admin, each foreign-key and
many-to-many field of its add and change forms (and of their inlines) is posted with an id from
another province, a superuser, or a member of another province, and must be refused with a form
error while nothing changes. A form field pointing at a model this file has no out-of-scope
example for fails the test: a new relation needs a row in OUT_OF_SCOPE or SHARED.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.forms import ModelChoiceField, ModelMultipleChoiceField
from django.urls import reverse

from indicators.admin.scoping import ScopedPermissionsMixin, SharedReferenceAdmin
from indicators.models import Indicator, Membership, Plan, Province, Role, Task, Unit

pytestmark = pytest.mark.django_db

User = get_user_model()


def _ag() -> Province:
    return Province.objects.get(code="an-giang")


def _ag_indicator() -> Indicator:
    plan = Plan.objects.filter(province=_ag()).first()
    return Indicator.objects.get_or_create(
        plan=plan, code="AG-X", defaults={"name_vi": "Chỉ tiêu của An Giang"}
    )[0]


def _foreign_users() -> list:
    ag, qn = _ag(), Province.objects.get(code="quang-nam")
    dual, created = User.objects.get_or_create(username="dual-member-t")
    if created:
        Membership.objects.create(user=dual, province=qn, role=Role.COMMITTEE)
        Membership.objects.create(user=dual, province=ag, role=Role.COMMITTEE)
    return [
        User.objects.get(username="admin"),  # a superuser
        User.objects.get(username="ag.admin"),  # a staff user of another province
        dual,  # a member of Quang Nam who also belongs to An Giang
    ]


# Out-of-scope rows for qn.admin, per related model.
OUT_OF_SCOPE = {
    Province: lambda: [_ag()],
    Unit: lambda: [_ag().units.first()],
    Plan: lambda: [Plan.objects.filter(province=_ag()).first()],
    Indicator: lambda: [_ag_indicator()],
    Task: lambda: [Task.objects.filter(plan__province=_ag()).first()],
    User: _foreign_users,
}
# Related models every province may pick (the framework).
SHARED = {apps.get_model("indicators", name) for name in ["Field", "Criterion", "Methodology"]}


def _classify(model_admin) -> str:
    if isinstance(model_admin, ScopedPermissionsMixin):
        return "scoped"
    if isinstance(model_admin, SharedReferenceAdmin):
        return "shared"
    return "superuser-only"


REGISTRY = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label)
SCOPED = [(m, a) for m, a in REGISTRY if _classify(a) == "scoped"]
NOT_SCOPED = [(m, a) for m, a in REGISTRY if _classify(a) != "scoped"]


def _ids(items):
    return [model._meta.label for model, _ in items]


@pytest.fixture
def qn_admin(client):
    user = User.objects.get(username="qn.admin")
    client.force_login(user)
    return client


def _related_fields(form) -> list[tuple[str, ModelChoiceField]]:
    own_pk = form._meta.model._meta.pk.name  # an inline row's own id, not a relation
    return [
        (n, f) for n, f in form.fields.items() if isinstance(f, ModelChoiceField) and n != own_pk
    ]


def _snapshot(model):
    return sorted(model._default_manager.values_list("pk", flat=True))


def _cases(response):
    """(prefix, form, formset index) for the main form and each inline's empty form."""
    cases = [("", response.context["adminform"].form, None)]
    for inline in response.context.get("inline_admin_formsets") or []:
        cases.append((inline.formset.prefix, inline.formset.empty_form, inline))
    return cases


def _post_each_bad_id(client, url, model, obj=None):
    """Post every related field of the page with every out-of-scope id; return what was tried."""
    page = client.get(url)
    assert page.status_code == 200, url
    tried = []
    for prefix, form, inline in _cases(page):
        for name, field in _related_fields(form):
            related = field.queryset.model
            if related in SHARED:
                continue
            assert related in OUT_OF_SCOPE, (
                f"{model._meta.label}.{name} points at {related._meta.label}: add an "
                "out-of-scope example to OUT_OF_SCOPE (or list it in SHARED)"
            )
            for bad in OUT_OF_SCOPE[related]():
                value = [bad.pk] if isinstance(field, ModelMultipleChoiceField) else bad.pk
                if inline is None:
                    data = {name: value}
                else:
                    data = {
                        f"{prefix}-TOTAL_FORMS": "1",
                        f"{prefix}-INITIAL_FORMS": "0",
                        f"{prefix}-0-{name}": value,
                    }
                before = _snapshot(model), obj and _values(obj)
                response = client.post(url, data)
                assert response.status_code == 200, f"{url} {name}={bad!r} was accepted"
                errors = _errors(response, prefix)
                assert name in errors, f"{url}: {name}={bad!r} posted without a form error"
                assert "invalid_choice" in errors[name] or "invalid_pk_value" in errors[name]
                assert (_snapshot(model), obj and _values(obj)) == before
                tried.append((prefix, name, bad))
    return tried


def _values(obj):
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _errors(response, prefix) -> dict[str, list[str]]:
    if not prefix:
        data = response.context["adminform"].form.errors.as_data()
        return {k: [e.code for e in v] for k, v in data.items()}
    for inline in response.context["inline_admin_formsets"]:
        if inline.formset.prefix == prefix:
            data = inline.formset.forms[0].errors.as_data()
            return {k: [e.code for e in v] for k, v in data.items()}
    return {}


@pytest.mark.parametrize("model,model_admin", SCOPED, ids=_ids(SCOPED))
def test_scoped_admin_refuses_out_of_scope_ids(qn_admin, model, model_admin):
    info = model._meta.app_label, model._meta.model_name
    request = qn_admin.get(reverse("admin:index")).wsgi_request
    tried = []
    if model_admin.has_add_permission(request):
        tried += _post_each_bad_id(qn_admin, reverse("admin:{}_{}_add".format(*info)), model)
    else:  # an audit row: written by services only
        count = model._default_manager.count()
        assert qn_admin.post(reverse("admin:{}_{}_add".format(*info)), {}).status_code == 403
        assert model._default_manager.count() == count
    obj = model_admin.get_queryset(request).first()
    if obj is not None:  # some audit tables are empty for Quang Nam's demo
        change = reverse("admin:{}_{}_change".format(*info), args=[obj.pk])
        if model_admin.has_change_permission(request, obj) and model_admin.get_fields(
            request, obj
        ) != list(model_admin.get_readonly_fields(request, obj)):
            tried += _post_each_bad_id(qn_admin, change, model, obj)
        else:
            before = _values(obj)
            response = qn_admin.post(change, {})
            assert response.status_code in (302, 403)
            assert _values(obj) == before
    related = [
        f
        for f in model._meta.get_fields()
        if f.concrete and (f.many_to_one or f.many_to_many) and f.related_model not in SHARED
    ]
    if model_admin.has_add_permission(request) and related:
        # A scoped admin with editable relations must have had something to refuse.
        assert tried, f"{model._meta.label}: no related field was tried"


@pytest.mark.parametrize("model,model_admin", NOT_SCOPED, ids=_ids(NOT_SCOPED))
def test_unscoped_admin_is_not_writable_by_a_province_admin(qn_admin, model, model_admin):
    info = model._meta.app_label, model._meta.model_name
    count = model._default_manager.count()
    response = qn_admin.post(reverse("admin:{}_{}_add".format(*info)), {})
    assert response.status_code == 403
    if _classify(model_admin) == "superuser-only":
        listing = qn_admin.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert listing.status_code == 403
    assert model._default_manager.count() == count


def test_membership_with_another_provinces_admin_is_refused(qn_admin):
    """The reported attack: attach An Giang's admin to Quang Nam, then take the account over."""
    ag_admin = User.objects.get(username="ag.admin")
    qn = Province.objects.get(code="quang-nam")
    response = qn_admin.post(
        reverse("admin:indicators_membership_add"),
        {"province": qn.pk, "user": ag_admin.pk, "role": Role.COMMITTEE},
    )
    assert response.status_code == 200
    assert "user" in response.context["adminform"].form.errors
    assert not Membership.objects.filter(user=ag_admin, province=qn).exists()


@pytest.mark.parametrize("username", ["admin", "ag.admin", "dual"])
def test_foreign_accounts_cannot_be_seen_or_given_a_password(qn_admin, username):
    target = _foreign_users()[2] if username == "dual" else User.objects.get(username=username)
    password_hash = target.password
    change = reverse("admin:auth_user_change", args=[target.pk])
    password = reverse("admin:auth_user_password_change", args=[target.pk])
    assert qn_admin.get(change).status_code in (302, 404)
    response = qn_admin.post(
        password, {"password1": "Taken-over-2026", "password2": "Taken-over-2026"}
    )
    assert response.status_code in (302, 404)
    target.refresh_from_db()
    assert target.password == password_hash
    listing = qn_admin.get(reverse("admin:auth_user_changelist"), {"all": ""})
    assert target.pk not in {u.pk for u in listing.context["cl"].result_list}


def test_own_provinces_member_can_still_be_managed(qn_admin):
    reporter = User.objects.get(username="qn.reporter")
    response = qn_admin.post(
        reverse("admin:auth_user_password_change", args=[reporter.pk]),
        {"password1": "New-pass-2026-x", "password2": "New-pass-2026-x", "usable_password": "true"},
    )
    assert response.status_code == 302
    reporter.refresh_from_db()
    assert reporter.check_password("New-pass-2026-x")
