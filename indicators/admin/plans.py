from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from indicators.admin.changes import InputsChangedMixin
from indicators.admin.scoping import ProvinceScopedAdmin, ScopedInline
from indicators.models import (
    CriterionAssignment,
    FieldTarget,
    Indicator,
    IndicatorTarget,
    Plan,
    SurveyScore,
    Task,
)
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


class CriterionAssignmentInline(ScopedInline, admin.TabularInline):
    """Each sub-criterion of the scheme in force: its owning unit and the tasks that serve it.
    The owner and tasks offered are the province's (scoped); the sub-criterion is checked
    against the plan's scheme when saved."""

    model = CriterionAssignment
    extra = 0
    fields = ["criterion", "max_points", "owner", "tasks"]
    readonly_fields = ["max_points"]
    filter_horizontal = ["tasks"]
    verbose_name_plural = _("sub-criteria: owners and tasks")

    @admin.display(description=_("maximum points"))
    def max_points(self, obj):
        if not obj.pk:
            return "–"
        mark = f" ({_('illustrative')})" if obj.criterion.field.methodology.is_illustrative else ""
        return f"{obj.criterion.max_points}{mark}"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criterion":
            # only sub-criteria (no children of their own)
            kwargs["queryset"] = db_field.related_model.objects.filter(
                children__isnull=True
            ).select_related("field__methodology")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Plan)
class PlanAdmin(InputsChangedMixin, ProvinceScopedAdmin):
    list_display = ["number", "year", "province", "min_pct", "best_rank", "is_demo"]
    list_filter = ["year", "is_demo", "province"]
    search_fields = ["number", "title"]
    list_select_related = ["province"]
    inlines = [FieldTargetInline, IndicatorInline, CriterionAssignmentInline]


@admin.register(SurveyScore)
class SurveyScoreAdmin(InputsChangedMixin, ProvinceScopedAdmin):
    """Survey points per sub-criterion: last year's published figure, or this year's estimate
    (the projection uses the estimate where there is one)."""

    list_display = ["year", "province", "criterion", "kind", "points", "is_synthetic"]
    list_filter = ["year", "kind", "is_synthetic"]
    list_select_related = ["province", "criterion"]
    fields = ["year", "province", "criterion", "kind", "points", "source", "note"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criterion":
            kwargs["queryset"] = db_field.related_model.objects.filter(scoring="survey")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


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
