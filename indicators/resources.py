"""CSV / Excel import and export (django-import-export).

A file is imported in one transaction (IMPORT_EXPORT_USE_TRANSACTIONS): if any row is
invalid, the preview lists every bad row with its message and nothing is saved.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from indicators.hooks import objects_changed
from indicators.models import FieldResult, FieldTarget, NationalResult, Plan, Province
from indicators.selectors import admin_province_ids, methodology_for_year, province_by_name
from par_portal.excel import cell_value


def _year(row) -> int:
    try:
        return int(str(row.get("year", "")).strip())
    except ValueError as error:
        raise ValueError(
            _("The year “%(value)s” is not a year.") % {"value": row.get("year")}
        ) from error


class ProvinceWidget(widgets.ForeignKeyWidget):
    """A province by code, English or Vietnamese name, as the map stood in the row's year."""

    def __init__(self, *, allowed_ids: set[int] | None = None):
        super().__init__(Province, field="code")
        self.allowed_ids = allowed_ids

    def clean(self, value, row=None, **kwargs):
        name = str(value or "").strip()
        if not name:
            raise ValueError(_("The province is missing."))
        year = _year(row) if row and row.get("year") not in (None, "") else 2100
        province = province_by_name(name, year=year)
        if province is None:
            raise ValueError(_("Unknown province “%(name)s”.") % {"name": name})
        if self.allowed_ids is not None and province.pk not in self.allowed_ids:
            raise ValueError(
                _("You may only import rows of your own province, not “%(name)s”.") % {"name": name}
            )
        return province

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class FieldCodeWidget(widgets.ForeignKeyWidget):
    """A field by stable code (e.g. procedures) or number, in the scheme of the row's year."""

    def __init__(self, year_of=_year):
        from indicators.models import Field

        super().__init__(Field, field="code")
        self.year_of = year_of

    def clean(self, value, row=None, **kwargs):
        code = str(value or "").strip()
        year = self.year_of(row)
        scheme = methodology_for_year(year)
        if scheme is None:
            raise ValueError(_("No PAR Index scheme covers the year %(year)s.") % {"year": year})
        lookup = {"number": int(code)} if code.isdigit() else {"code": code}
        field = scheme.fields.filter(**lookup).first()
        if field is None:
            raise ValueError(
                _("The scheme of %(year)s has no field “%(code)s”.") % {"year": year, "code": code}
            )
        return field

    def render(self, value, obj=None, **kwargs):
        return value.code if value else ""


class ScopedResource(resources.ModelResource):
    """Knows who imports: a province admin's rows must belong to their province. Every exported
    cell goes through the one spreadsheet rule (par_portal.excel): text never becomes a formula."""

    def export_field(self, field, instance, **kwargs):
        return cell_value(super().export_field(field, instance, **kwargs))

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.allowed_ids = None if user is None or user.is_superuser else admin_province_ids(user)
        self.saved: list = []
        for field in self.fields.values():
            if isinstance(field.widget, ProvinceWidget):
                field.widget.allowed_ids = self.allowed_ids

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self.saved.append(instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if not kwargs.get("dry_run") and not result.has_errors():
            # inside the import's transaction: reporting marks the affected months stale
            objects_changed(sender=type(self), objects=self.saved)

    def get_instance(self, instance_loader, row):
        # An unreadable key (unknown province, field, plan) is reported when the row's fields
        # are validated, next to the column, like every other per-row mistake.
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            return None


class NationalResultResource(ScopedResource):
    province = fields.Field(attribute="province", column_name="province", widget=ProvinceWidget())

    class Meta:
        model = NationalResult
        import_id_fields = ["year", "province"]
        fields = [
            "year",
            "province",
            "index_pct",
            "rank",
            "total_score",
            "group",
            "status",
            "is_synthetic",
            "source",
            "note",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def before_save_instance(self, instance, row, **kwargs):
        # Importing MoHA's table replaces a synthetic stand-in: unless the file says otherwise,
        # an imported figure is published.
        if "is_synthetic" not in row:
            instance.is_synthetic = False
        if instance.status == NationalResult.Status.SYNTHETIC and not instance.is_synthetic:
            instance.status = NationalResult.Status.REPORTED


class FieldResultResource(ScopedResource):
    province = fields.Field(attribute="province", column_name="province", widget=ProvinceWidget())
    field = fields.Field(attribute="field", column_name="field", widget=FieldCodeWidget())

    class Meta:
        model = FieldResult
        import_id_fields = ["year", "province", "field"]
        fields = [
            "year",
            "province",
            "field",
            "points",
            "pct_of_max",
            "rank",
            "status",
            "is_synthetic",
            "source",
            "note",
        ]
        clean_model_instances = True
        skip_unchanged = True

    def before_save_instance(self, instance, row, **kwargs):
        if "is_synthetic" not in row:
            instance.is_synthetic = False


class PlanWidget(widgets.ForeignKeyWidget):
    def __init__(self):
        super().__init__(Plan, field="number")
        self.allowed_ids: set[int] | None = None

    def clean(self, value, row=None, **kwargs):
        number = str(value or "").strip()
        province = ProvinceWidget(allowed_ids=self.allowed_ids).clean(row.get("province"), row={})
        plan = Plan.objects.filter(province=province, number=number).first()
        if plan is None:
            raise ValueError(
                _("%(province)s has no plan numbered “%(number)s”.")
                % {"province": province, "number": number}
            )
        return plan

    def render(self, value, obj=None, **kwargs):
        return value.number if value else ""


def _plan_year(row) -> int:
    plan = Plan.objects.filter(number=str(row.get("plan", "")).strip()).first()
    if plan is None:
        raise ValueError(_("Unknown plan “%(number)s”.") % {"number": row.get("plan")})
    return plan.year


class FieldTargetResource(ScopedResource):
    province = fields.Field(
        attribute="plan__province", column_name="province", widget=ProvinceWidget(), readonly=True
    )
    plan = fields.Field(attribute="plan", column_name="plan", widget=PlanWidget())
    field = fields.Field(
        attribute="field", column_name="field", widget=FieldCodeWidget(year_of=_plan_year)
    )

    class Meta:
        model = FieldTarget
        import_id_fields = ["plan", "field"]
        fields = ["province", "plan", "field", "best_rank", "min_pct", "note"]
        clean_model_instances = True
        skip_unchanged = True

    def __init__(self, user=None, **kwargs):
        super().__init__(user=user, **kwargs)
        self.fields["plan"].widget.allowed_ids = self.allowed_ids
