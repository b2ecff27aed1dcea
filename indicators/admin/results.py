from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin

from indicators.admin.changes import InputsChangedMixin
from indicators.admin.scoping import SharedReferenceAdmin
from indicators.models import FieldResult, NationalResult, NationalStatistic
from indicators.resources import FieldResultResource, NationalResultResource


class PublishedResultAdmin(InputsChangedMixin, ImportExportMixin, SharedReferenceAdmin):
    """Published figures: everyone with admin access may view and export; a superuser imports."""

    list_select_related = ["province"]

    def has_import_permission(self, request):
        return request.user.is_superuser

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {**super().get_export_resource_kwargs(request, **kwargs), "user": request.user}

    @admin.display(boolean=True, description=_("synthetic"), ordering="is_synthetic")
    def synthetic(self, obj):
        return obj.is_synthetic


@admin.register(NationalResult)
class NationalResultAdmin(PublishedResultAdmin):
    resource_classes = [NationalResultResource]
    list_display = ["year", "rank", "province", "index_pct", "group", "status", "synthetic"]
    list_filter = ["year", "is_synthetic", "status"]
    search_fields = ["province__name_vi", "province__name_en", "source", "note"]


@admin.register(FieldResult)
class FieldResultAdmin(PublishedResultAdmin):
    resource_classes = [FieldResultResource]
    list_display = ["year", "province", "field", "points", "pct_of_max", "rank", "synthetic"]
    list_filter = ["year", "field__code", "is_synthetic"]
    search_fields = ["province__name_vi", "province__name_en"]
    list_select_related = ["province", "field"]


@admin.register(NationalStatistic)
class NationalStatisticAdmin(SharedReferenceAdmin):
    list_display = ["year", "metric", "value", "status"]
    list_filter = ["year"]
    search_fields = ["metric", "value", "source"]
