from axes.admin import AccessAttemptAdmin
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth import get_user_model

from indicators.admin.scoping import ReadOnlyScopedAdmin, ScopedPermissionsMixin, _province_ids
from indicators.admin.units import users_in_scope
from indicators.models import SecurityEvent


@admin.register(SecurityEvent)
class SecurityEventAdmin(ReadOnlyScopedAdmin):
    """The audit trail: a province admin reads their province's events, a superuser all.
    Nobody edits or deletes it."""

    list_display = ["at", "kind", "actor_name", "ip", "province", "subject"]
    list_filter = ["kind", ("province", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["actor_name", "subject", "ip"]
    list_select_related = ["province"]
    date_hierarchy = "at"

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


admin.site.unregister(AccessAttempt)


@admin.register(AccessAttempt)
class ScopedAccessAttemptAdmin(ScopedPermissionsMixin, AccessAttemptAdmin):
    """Throttled logins (django-axes). Deleting a row unlocks that account at once; a province
    admin sees and unlocks only their own province's accounts."""

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        usernames = users_in_scope(get_user_model().objects.all(), _province_ids(request))
        return queryset.filter(username__in=usernames.values("username"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
