import base64

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin

from indicators.admin.changes import InputsChangedMixin
from indicators.admin.scoping import SharedReferenceAdmin
from indicators.models import FieldCode, FieldResult, NationalResult, NationalStatistic
from indicators.resources import FieldResultResource, NationalResultResource
from indicators.services.results_import import FIELD, INDEX, STATS, Row, results_import
from indicators.services.tables import MAX_BYTES

SESSION_KEY = "results_import"


class ResultsImportForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "MoHA's table as CSV (UTF-8 or Windows-1258, comma or semicolon) or XLSX, with "
            "Vietnamese or English headers; title rows above the header are fine."
        ),
    )
    year = forms.IntegerField(
        label=_("Year of the results"),
        required=False,
        min_value=2000,
        max_value=2100,
        help_text=_("Only needed when the file has no year column and its name no year."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_BYTES // (1024 * 1024)}
            )
        return upload


class FieldResultsImportForm(ResultsImportForm):
    field = forms.ChoiceField(
        label=_("Field"),
        required=False,
        choices=[("", _("from the file's “Lĩnh vực” column")), *FieldCode.choices],
    )


class ImportPageMixin:
    """A superuser imports through the one import service (indicators.services.results_import):
    upload, preview, confirm; all rows or none."""

    change_list_template = "admin/indicators/results_change_list.html"
    readonly_fields = ["imported_from", "imported_by", "imported_at"]  # set by the import
    import_kind = INDEX
    import_form = ResultsImportForm

    def has_import_permission(self, request):
        return request.user.is_superuser

    def changelist_view(self, request, extra_context=None):
        extra = {"has_import_permission": self.has_import_permission(request)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        own = [path("import/", self.admin_site.admin_view(self.import_view), name=name)]
        return own + super().get_urls()

    def import_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.import_form()
        report = None
        if request.method == "POST" and request.POST.get("action") == "confirm":
            pending = request.session.pop(SESSION_KEY, None)
            if not pending or pending.get("kind") != self.import_kind:
                messages.error(request, _("Nothing to import: upload the file again."))
                return redirect(request.path)
            report = self._run(request, pending, dry_run=False)
            if report.ok:
                messages.success(
                    request,
                    _(
                        "%(year)s imported: %(new)s new, %(updated)s updated, %(replaced)s "
                        "replacing synthetic figures, %(unchanged)s unchanged."
                    )
                    % {
                        "year": report.year,
                        "new": report.count("new"),
                        "updated": report.count("updated"),
                        "replaced": report.count("replaces_synthetic"),
                        "unchanged": report.count("unchanged"),
                    },
                )
                return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        elif request.method == "POST":
            request.session.pop(SESSION_KEY, None)  # only the file just previewed may be confirmed
            form = self.import_form(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                pending = {
                    "kind": self.import_kind,
                    "name": upload.name,
                    "content": base64.b64encode(upload.read()).decode(),
                    "year": form.cleaned_data.get("year"),
                    "field": form.cleaned_data.get("field") or None,
                }
                report = self._run(request, pending, dry_run=True)
                if report.ok:
                    request.session[SESSION_KEY] = pending
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import %(name)s") % {"name": self.opts.verbose_name_plural},
            "form": form,
            "report": report,
            "actions": Row.ACTIONS,
        }
        return TemplateResponse(request, "admin/indicators/results_import.html", context)

    def _run(self, request, pending, *, dry_run):
        return results_import(
            content=base64.b64decode(pending["content"]),
            filename=pending["name"],
            kind=pending["kind"],
            year=pending.get("year"),
            field_code=pending.get("field"),
            user=request.user,
            dry_run=dry_run,
        )


class PublishedResultAdmin(InputsChangedMixin, ImportPageMixin, ExportMixin, SharedReferenceAdmin):
    """Published figures: everyone with admin access may view and export; a superuser imports."""

    list_select_related = ["province"]

    def has_export_permission(self, request):
        return self.has_view_permission(request)

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
    import_kind = FIELD
    import_form = FieldResultsImportForm


@admin.register(NationalStatistic)
class NationalStatisticAdmin(InputsChangedMixin, ImportPageMixin, SharedReferenceAdmin):
    import_kind = STATS
    list_display = ["year", "metric", "value", "status"]
    list_filter = ["year"]
    search_fields = ["metric", "value", "source"]
