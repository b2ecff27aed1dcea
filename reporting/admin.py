from django.contrib import admin

from indicators.admin.scoping import ProvinceScopedAdmin
from reporting.models import Period, Reopening, Report, ReportChange, ReportingSchedule


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(ProvinceScopedAdmin):
    list_display = ["province", "due_day", "lock_after_days"]


@admin.register(Period)
class PeriodAdmin(ProvinceScopedAdmin):
    """Periods are created ahead by a service; admins move a deadline here (e.g. around Tết)."""

    list_display = ["month", "province", "due_at", "locks_at"]
    list_filter = ["province", "month"]
    date_hierarchy = "month"


class ReadOnlyScopedAdmin(ProvinceScopedAdmin):
    """Audit rows: visible to the province admin, written only by the reporting services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Reopening)
class ReopeningAdmin(ReadOnlyScopedAdmin):
    province_lookup = "period__province"
    list_display = ["unit", "period", "until", "created_by", "created_at", "reason"]
    list_select_related = ["unit", "period", "created_by"]


@admin.register(Report)
class ReportAdmin(ReadOnlyScopedAdmin):
    province_lookup = "period__province"
    list_display = ["unit", "period", "status", "submitted_at", "is_late", "reviewed_by"]
    list_filter = ["status", "is_late", "period__month"]
    search_fields = ["unit__name_vi"]
    list_select_related = ["unit", "period", "reviewed_by"]


@admin.register(ReportChange)
class ReportChangeAdmin(ReadOnlyScopedAdmin):
    province_lookup = "report__period__province"
    list_display = ["at", "report", "user", "action"]
    list_select_related = ["report__unit", "report__period", "user"]
