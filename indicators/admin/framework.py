from decimal import Decimal

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from indicators.admin.scoping import SharedReferenceAdmin
from indicators.models import Criterion, Field, Methodology, Province


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


@admin.register(Methodology)
class MethodologyAdmin(SharedReferenceAdmin):
    list_display = ["decision", "level", "first_year", "last_year", "total_points", "n_criteria"]
    list_filter = ["level"]
    search_fields = ["decision", "code", "note"]
    inlines = [FieldInline]


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
