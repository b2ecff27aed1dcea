import base64
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.admin.scoping import SharedReferenceAdmin
from indicators.models import ChecklistItem, Criterion, Field, Methodology, Province, ScoreChannel
from indicators.services.framework_io import framework_export, framework_import

FRAMEWORK_SESSION_KEY = "framework_import"


class FieldInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        total = self.instance.total_points
        if total is None:
            return
        points = sum(
            (f.cleaned_data.get("max_points") or Decimal(0))
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        )
        if points > total:
            raise ValidationError(
                _("The fields total %(sum)s points, more than the scheme's %(total)s.")
                % {"sum": points, "total": total}
            )


class FieldInline(admin.TabularInline):
    model = Field
    formset = FieldInlineFormSet
    extra = 0
    fields = ["number", "code", "name_vi", "name_en", "max_points", "n_criteria", "n_subcriteria"]
    show_change_link = True


class ScoreChannelInline(admin.TabularInline):
    model = ScoreChannel
    extra = 0
    fields = ["code", "max_points", "source", "note"]


class FrameworkImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy(
            "The scheme laid out as the Ministry's annex (XLSX or CSV): the scheme's decision, "
            "code, level, years and points above a table Mã | Nội dung | Điểm tối đa. Export a "
            "scheme to see the layout."
        ),
    )


@admin.register(Methodology)
class MethodologyAdmin(SharedReferenceAdmin):
    list_display = [
        "decision",
        "level",
        "first_year",
        "last_year",
        "total_points",
        "n_criteria",
        "is_illustrative",
        "export_link",
    ]
    list_filter = ["level"]
    search_fields = ["decision", "code", "note"]
    inlines = [FieldInline, ScoreChannelInline]
    change_list_template = "admin/indicators/methodology_change_list.html"

    @admin.display(description=gettext_lazy("criteria tree"))
    def export_link(self, obj):
        url = reverse("admin:indicators_methodology_export_framework", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext_lazy("Export (XLSX)"))

    def changelist_view(self, request, extra_context=None):
        extra = {"has_import_permission": request.user.is_superuser}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self):
        own = [
            path(
                "import-framework/",
                self.admin_site.admin_view(self.import_view),
                name="indicators_methodology_import_framework",
            ),
            path(
                "<int:pk>/export-framework/",
                self.admin_site.admin_view(self.export_view),
                name="indicators_methodology_export_framework",
            ),
        ]
        return own + super().get_urls()

    def export_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        scheme = get_object_or_404(Methodology, pk=pk)
        response = HttpResponse(
            framework_export(scheme),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="khung-{scheme.code}.xlsx"'
        return response

    def import_view(self, request):
        if not request.user.is_superuser:
            raise PermissionDenied
        form, report = FrameworkImportForm(), None
        if request.method == "POST" and request.POST.get("action") == "confirm":
            pending = request.session.pop(FRAMEWORK_SESSION_KEY, None)
            if not pending:
                messages.error(request, _("Nothing to import: upload the file again."))
                return redirect(request.path)
            report = framework_import(
                content=base64.b64decode(pending["content"]),
                filename=pending["name"],
                dry_run=False,
            )
            if report.ok:
                messages.success(
                    request,
                    _(
                        "Scheme %(decision)s imported: %(fields)s fields, %(criteria)s criteria, "
                        "%(sub)s sub-criteria."
                    )
                    % {
                        "decision": report.meta["decision"],
                        "fields": len(report.fields),
                        "criteria": report.n_criteria,
                        "sub": report.n_subcriteria,
                    },
                )
                return redirect("admin:indicators_methodology_changelist")
        elif request.method == "POST":
            request.session.pop(FRAMEWORK_SESSION_KEY, None)
            form = FrameworkImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                content = upload.read()
                report = framework_import(content=content, filename=upload.name, dry_run=True)
                if report.ok:
                    request.session[FRAMEWORK_SESSION_KEY] = {
                        "name": upload.name,
                        "content": base64.b64encode(content).decode(),
                    }
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Import a scheme's criteria tree"),
            "form": form,
            "report": report,
        }
        return TemplateResponse(request, "admin/indicators/framework_import.html", context)


class CriterionInlineFormSet(BaseInlineFormSet):
    """Children never exceed their parent: the criteria at one level, added up across the whole
    form, fit in their parent's (or the field's) maximum."""

    def clean(self):
        super().clean()
        rows = [
            f.cleaned_data
            for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]
        new_max = {row["id"].pk: row["max_points"] for row in rows if row.get("id")}
        sums: dict = {}
        for row in rows:
            parent = row.get("parent")
            sums[parent] = sums.get(parent, Decimal(0)) + (row.get("max_points") or Decimal(0))
        for parent, points in sums.items():
            if parent is None:
                ceiling, label = self.instance.max_points, str(self.instance)
            else:
                ceiling, label = new_max.get(parent.pk, parent.max_points), str(parent)
            if ceiling is not None and points > ceiling:
                raise ValidationError(
                    _(
                        "The criteria under “%(parent)s” total %(sum)s points, more than its "
                        "maximum of %(max)s."
                    )
                    % {"parent": label, "sum": points, "max": ceiling}
                )


class CriterionInline(admin.TabularInline):
    model = Criterion
    formset = CriterionInlineFormSet
    fk_name = "field"
    extra = 1
    fields = ["code", "parent", "name_vi", "name_en", "max_points", "scoring", "order"]


@admin.register(Field)
class FieldAdmin(SharedReferenceAdmin):
    list_display = ["__str__", "code", "methodology", "max_points"]
    list_filter = ["methodology", "code"]
    search_fields = ["name_vi", "name_en"]
    inlines = [CriterionInline]


@admin.register(Province)
class ProvinceAdmin(SharedReferenceAdmin):
    list_display = ["name_vi", "name_en", "kind", "gso_code", "valid_from", "valid_to", "successor"]
    list_filter = ["kind", "valid_to", "valid_from"]
    search_fields = ["name_vi", "name_en", "code", "gso_code"]
    list_select_related = ["successor"]


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SharedReferenceAdmin):
    """The documents the Ministry checks for each sub-criterion (the evidence locker's
    checklist): part of the framework, edited by a superuser, read by everyone."""

    list_display = ["title_vi", "criterion", "kind", "needs_number_and_date", "order"]
    list_filter = ["kind", "criterion__field__methodology"]
    search_fields = ["title_vi", "title_en", "criterion__code"]
    list_select_related = ["criterion__field"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "criterion":
            kwargs["queryset"] = db_field.related_model.objects.filter(children__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
