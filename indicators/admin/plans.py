from django.contrib import admin
from import_export.admin import ImportExportMixin

from indicators.admin.changes import InputsChangedMixin
from indicators.admin.scoping import ProvinceScopedAdmin, ScopedInline
from indicators.models import FieldTarget, Indicator, IndicatorTarget, Plan, Task
from indicators.resources import FieldTargetResource


class FieldTargetInline(ScopedInline, admin.TabularInline):
    model = FieldTarget
    extra = 0
    fields = ["field", "best_rank", "min_pct", "note"]


class IndicatorInline(ScopedInline, admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ["code", "name_vi", "unit_of_measure", "direction", "aggregation", "field"]
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(InputsChangedMixin, ProvinceScopedAdmin):
    list_display = ["number", "year", "province", "min_pct", "best_rank", "is_demo"]
    list_filter = ["year", "is_demo", "province"]
    search_fields = ["number", "title"]
    list_select_related = ["province"]
    inlines = [FieldTargetInline, IndicatorInline]


class IndicatorTargetInline(ScopedInline, admin.TabularInline):
    model = IndicatorTarget
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(InputsChangedMixin, ProvinceScopedAdmin):
    province_lookup = "plan__province"
    list_display = ["code", "__str__", "plan", "unit_of_measure", "aggregation", "field"]
    list_filter = ["plan__year", "aggregation"]
    search_fields = ["code", "name_vi", "name_en"]
    filter_horizontal = ["reporting_units"]
    inlines = [IndicatorTargetInline]


@admin.register(FieldTarget)
class FieldTargetAdmin(InputsChangedMixin, ImportExportMixin, ProvinceScopedAdmin):
    """Plan targets per field, also as CSV / Excel import and export."""

    province_lookup = "plan__province"
    resource_classes = [FieldTargetResource]
    list_display = ["plan", "field", "best_rank", "min_pct"]
    list_filter = ["plan__year", "field__code"]
    list_select_related = ["plan", "field"]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    def has_import_permission(self, request):
        return self.has_add_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)


@admin.register(Task)
class TaskAdmin(InputsChangedMixin, ProvinceScopedAdmin):
    province_lookup = "plan__province"
    list_display = ["code", "__str__", "field", "lead_unit", "start_date", "due_date", "weight"]
    list_filter = ["plan", "field__code", "due_date"]
    search_fields = ["code", "title", "title_en", "lead_unit__name_vi"]
    list_select_related = ["field", "lead_unit", "plan"]
    filter_horizontal = ["supporting_units"]
    autocomplete_fields = ["lead_unit"]
