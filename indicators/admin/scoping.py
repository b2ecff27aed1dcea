"""Province scoping for Django admin.

A superuser sees everything. A province admin (is_staff with a PROVINCE_ADMIN membership)
sees and edits only rows of their province(s): list, change and delete views all go through
get_queryset, so another province's row in a URL is "not found". Shared reference data (the
framework, provinces, published results) is read-only for them.
"""

from __future__ import annotations

from django.contrib import admin

from indicators.models import Province
from indicators.selectors import admin_province_ids


def is_province_admin(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and bool(_province_ids(request))


def _province_ids(request) -> set[int]:
    # Cached per request: every permission check of a page asks.
    if not hasattr(request, "_admin_province_ids"):
        request._admin_province_ids = admin_province_ids(request.user)
    return request._admin_province_ids


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices limited to the user's provinces."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped_choices(db_field.related_model, request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped_choices(db_field.related_model, request))
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedPermissionsMixin:
    """Permissions of a province admin (who holds no Django model permissions): any row their
    get_queryset() returns; a superuser everything."""

    def _allowed(self, request, obj=None) -> bool:
        if request.user.is_superuser:
            return True
        if not is_province_admin(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request, obj)


class ProvinceScopedAdmin(ScopedPermissionsMixin, ScopedChoicesMixin, admin.ModelAdmin):
    """Rows that belong to a province, reached through `province_lookup`."""

    province_lookup = "province"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.province_lookup}__in": _province_ids(request)})


class ReadOnlyScopedAdmin(ProvinceScopedAdmin):
    """Audit rows: visible to the province admin, written only by the reporting services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class ScopedInline(ScopedChoicesMixin):
    """Inlines of a scoped admin: their choices are scoped too, and they follow the parent's
    permissions (a province admin has no Django model permissions of their own)."""

    def _allowed(self, request) -> bool:
        return request.user.is_superuser or is_province_admin(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


def scoped_choices(model, request):
    """The rows of `model` a user may pick (and post) in an admin form.

    This is the server-side check, not only the widget's list: a ModelChoiceField refuses any
    posted id outside its queryset with a form error. For a province admin:
    - provinces: only their own;
    - a model with a scoped admin (units, plans, tasks, periods, users, …): exactly the rows
      that admin lists for them (its get_queryset), so "what I may see" and "what I may attach"
      are one rule;
    - shared reference data (the framework): every row;
    - anything else: nothing (fail closed, so a new relation is never open by accident).
    """
    queryset = model._default_manager.all()
    if request.user.is_superuser:
        return queryset
    if model is Province:
        return queryset.filter(pk__in=_province_ids(request))
    model_admin = admin.site._registry.get(model)
    if isinstance(model_admin, ScopedPermissionsMixin):
        return model_admin.get_queryset(request)
    if model in shared_reference_models():
        return queryset
    return queryset.none()


def shared_reference_models() -> set[type]:
    """Models every province may read and pick: those of a SharedReferenceAdmin and its inlines."""
    models = set()
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, SharedReferenceAdmin):
            models.add(model)
            models.update(inline.model for inline in model_admin.inlines)
    return models


class SharedReferenceAdmin(admin.ModelAdmin):
    """Facts shared by every province: a province admin may look, only a superuser may edit."""

    def has_module_permission(self, request):
        return request.user.is_superuser or is_province_admin(request)

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or is_province_admin(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser
