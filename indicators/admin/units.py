from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from indicators.admin.changes import InputsChangedMixin
from indicators.admin.scoping import (
    ProvinceScopedAdmin,
    ScopedInline,
    ScopedPermissionsMixin,
    _province_ids,
    scoped_choices,
)
from indicators.models import Membership, Province, Role, Unit
from indicators.services.official_units import (
    committee_names,
    official_commune,
    official_communes,
)

User = get_user_model()


class UnitForm(forms.ModelForm):
    """A commune People's Committee is picked from the official list: its code is stored and
    its names filled in (the admin may still edit them)."""

    official_commune = forms.ChoiceField(
        label=_("Commune in the official list"),
        required=False,
        help_text=_(
            "For a commune, ward or special zone People's Committee: choose it, and its official "
            "code and names are filled in."
        ),
    )

    class Meta:
        model = Unit
        fields = [
            "province",
            "official_commune",
            "code",
            "name_vi",
            "name_en",
            "kind",
            "is_focal_agency",
            "head_email",
            "valid_from",
            "valid_to",
            "parent",
        ]

    def __init__(self, *args, provinces=(), **kwargs):
        super().__init__(*args, **kwargs)
        groups = []
        for province in provinces:
            communes = official_communes(province)
            if communes:
                groups.append(
                    (
                        province.name_vi,
                        [(str(int(w.code)), f"{w.name} ({int(w.code)})") for w in communes],
                    )
                )
        self.fields["official_commune"].choices = [("", "—"), *groups]
        self.fields["official_commune"].initial = self.instance.official_code
        self.fields["name_vi"].required = False
        self.fields["code"].required = False

    def clean(self):
        cleaned = super().clean()
        chosen, province = cleaned.get("official_commune"), cleaned.get("province")
        if chosen and province:
            ward = official_commune(province, chosen)
            if ward is None:  # a posted code of another province
                self.add_error(
                    "official_commune", _("This commune does not belong to the chosen province.")
                )
                return cleaned
            taken = Unit.objects.filter(province=province, official_code=chosen)
            if taken.exclude(pk=self.instance.pk).exists():
                # the constraint on (province, official_code); the form excludes the field, so
                # Django would not check it here
                self.add_error(
                    "official_commune", _("A unit of this province already has this commune.")
                )
                return cleaned
            name_vi, name_en = committee_names(ward)
            cleaned["name_vi"] = cleaned.get("name_vi") or name_vi
            cleaned["name_en"] = cleaned.get("name_en") or name_en
            cleaned["code"] = cleaned.get("code") or slugify(ward.codename.replace("_", "-"))
            cleaned["kind"] = Unit.Kind.COMMUNE_COMMITTEE
        for name in ("name_vi", "code"):
            if not cleaned.get(name):
                self.add_error(name, _("Required, unless a commune is chosen from the list."))
        return cleaned

    def _post_clean(self):
        self.instance.official_code = self.cleaned_data.get("official_commune") or ""
        super()._post_clean()


@admin.register(Unit)
class UnitAdmin(InputsChangedMixin, ProvinceScopedAdmin):
    form = UnitForm
    list_display = [
        "name_vi",
        "name_en",
        "kind",
        "official_code",
        "is_focal_agency",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["kind", "is_focal_agency", "province"]
    search_fields = ["name_vi", "name_en", "code", "official_code"]
    list_select_related = ["province"]
    autocomplete_fields = ["parent"]

    def get_form(self, request, obj=None, **kwargs):
        base = super().get_form(request, obj, **kwargs)
        provinces = list(scoped_choices(Province, request).filter(valid_to__isnull=True))

        class ScopedUnitForm(base):
            def __init__(self, *args, **inner):
                super().__init__(*args, provinces=provinces, **inner)

        return ScopedUnitForm


@admin.register(Membership)
class MembershipAdmin(ProvinceScopedAdmin):
    list_display = ["user", "role", "province", "unit"]
    list_filter = ["role", "province"]
    search_fields = ["user__username", "user__email", "unit__name_vi"]
    list_select_related = ["user", "province", "unit"]
    autocomplete_fields = ["user", "unit"]


class MembershipInline(ScopedInline, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["province", "unit", "role"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(province__in=_province_ids(request))


class ProvinceUserCreationForm(AdminUserCreationForm):
    """A province admin creates a user together with their first membership, so that the new
    account is in their province from the start (and stays visible to them)."""

    province = forms.ModelChoiceField(label=_("province"), queryset=Province.objects.none())
    role = forms.ChoiceField(label=_("role"), choices=Role.choices)
    unit = forms.ModelChoiceField(label=_("unit"), queryset=Unit.objects.none(), required=False)

    def clean(self):
        cleaned = super().clean()
        membership = Membership(
            province=cleaned.get("province"), unit=cleaned.get("unit"), role=cleaned.get("role")
        )
        if cleaned.get("province") and cleaned.get("role"):
            membership.full_clean(exclude=["user"], validate_unique=False)
        return cleaned


def users_in_scope(queryset, province_ids: set[int]):
    """The accounts a province admin may see, change, attach or set the password of: members
    of their provinces only. Never a superuser, and never anyone who also belongs to another
    province (their admin would otherwise lose control of who signs in as that account)."""
    elsewhere = Membership.objects.exclude(province__in=province_ids).values("user")
    return (
        queryset.filter(memberships__province__in=province_ids, is_superuser=False)
        .exclude(pk__in=elsewhere)
        .distinct()
    )


class PortalUserAdmin(ScopedPermissionsMixin, UserAdmin):
    """Superusers manage every account. A province admin sees the accounts of their province,
    may create them (with a membership) and edit names, e-mail, activity and password, but
    cannot grant staff or superuser status."""

    inlines = [MembershipInline]
    list_display = ["username", "email", "first_name", "last_name", "is_active", "is_staff"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return users_in_scope(queryset, _province_ids(request))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and obj != request.user

    def get_fieldsets(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_fieldsets(request, obj)
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            "username",
                            "usable_password",
                            "password1",
                            "password2",
                            "province",
                            "role",
                            "unit",
                        ]
                    },
                )
            ]
        return [
            (None, {"fields": ["username", "password"]}),
            (_("Personal info"), {"fields": ["first_name", "last_name", "email"]}),
            (_("Permissions"), {"fields": ["is_active"]}),
        ]

    def get_inline_instances(self, request, obj=None):
        # On the add page the membership comes from the creation form's own fields.
        return super().get_inline_instances(request, obj) if obj else []

    def get_form(self, request, obj=None, **kwargs):
        if obj is None and not request.user.is_superuser:
            kwargs["form"] = ProvinceUserCreationForm
        form = super().get_form(request, obj, **kwargs)
        if obj is None and not request.user.is_superuser:
            form.base_fields["province"].queryset = scoped_choices(Province, request)
            form.base_fields["unit"].queryset = scoped_choices(Unit, request)
        return form

    @transaction.atomic
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and "province" in form.cleaned_data:
            Membership.objects.create(
                user=obj,
                province=form.cleaned_data["province"],
                unit=form.cleaned_data.get("unit"),
                role=form.cleaned_data["role"],
            )


admin.site.unregister(User)
admin.site.register(User, PortalUserAdmin)
