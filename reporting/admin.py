from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indicators.admin.scoping import ProvinceScopedAdmin, ReadOnlyScopedAdmin, ScopedInline
from par_portal.cache import bump, province_scope
from reporting.models import (
    ApiToken,
    AssessmentChange,
    CalendarException,
    ChannelDelivery,
    DossierExport,
    FieldScorecard,
    InternalBand,
    InternalCriterion,
    InternalFramework,
    LockerDocument,
    Period,
    PublicPage,
    Reminder,
    ReminderPolicy,
    Reopening,
    Report,
    ReportChange,
    ReportingSchedule,
    ScorecardPolicy,
    SelfAssessment,
    SelfScore,
    UnitScorecard,
    WebhookChannel,
)
from reporting.services.reminders import reminder_send_again
from reporting.services.reports import periods_recompute
from reporting.services.staleness import period_inputs_changed
from reporting.services.tokens import api_token_create, api_token_revoke


class ActionsOnReadOnlyMixin:
    """An audit list with an action (send again): the action needs the change permission; the
    change form itself stays read-only (no editable fields)."""

    def has_change_permission(self, request, obj=None):
        return self._allowed(request, obj)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]


class BumpsProvinceMixin:
    """Pages cache what these rows show under the province's version: a change shows at once
    (saved with its inlines, deleted one by one or in bulk)."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        bump([province_scope(form.instance.province_id)])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump([province_scope(obj.province_id)])

    def delete_queryset(self, request, queryset):
        ids = set(queryset.values_list("province_id", flat=True))
        super().delete_queryset(request, queryset)
        bump([province_scope(pk) for pk in ids])


class RecomputesPeriodsMixin:
    """A change to the schedule or the calendar moves the deadlines of the periods not yet due
    (reporting.services.reports.periods_recompute)."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        periods_recompute(province=obj.province, now=timezone.now())

    def delete_model(self, request, obj):
        province = obj.province
        super().delete_model(request, obj)
        periods_recompute(province=province, now=timezone.now())

    def delete_queryset(self, request, queryset):
        provinces = {row.province for row in queryset.select_related("province")}
        super().delete_queryset(request, queryset)
        for province in provinces:
            periods_recompute(province=province, now=timezone.now())


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(RecomputesPeriodsMixin, ProvinceScopedAdmin):
    list_display = ["province", "due_day", "lock_after_days", "when_last_day_off"]


@admin.register(CalendarException)
class CalendarExceptionAdmin(RecomputesPeriodsMixin, ProvinceScopedAdmin):
    """Compensatory days off and swapped working Saturdays, as announced each year."""

    list_display = ["day", "kind", "name_vi", "province", "source"]
    list_filter = ["kind", "province"]
    date_hierarchy = "day"
    search_fields = ["name_vi", "name_en"]


@admin.register(Period)
class PeriodAdmin(ProvinceScopedAdmin):
    """Periods are created ahead by a service; admins move a deadline here (e.g. around Tết)."""

    list_display = ["month", "province", "due_at", "locks_at", "due_rule", "dirty_since"]
    list_filter = ["province", "month"]
    date_hierarchy = "month"
    readonly_fields = ["dirty_since", "due_rule", "nominal_last_day"]

    def save_model(self, request, obj, form, change):
        if not change or {"due_at", "locks_at"} & set(form.changed_data):
            obj.due_rule = Period.DueRule.MANUAL  # kept when the calendar changes later
        super().save_model(request, obj, form, change)
        if change:  # a moved deadline changes the days late of the unit scorecards
            period_inputs_changed(obj, now=timezone.now())


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


class SelfScoreInline(admin.TabularInline):
    model = SelfScore
    extra = 0
    can_delete = False
    fields = ["criterion", "score", "explanation", "appraised_score", "appraisal_note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(ReadOnlyScopedAdmin):
    province_lookup = "period__province"
    list_display = ["unit", "period", "status", "submitted_at", "reviewed_by"]
    list_filter = ["status", "period__month"]
    search_fields = ["unit__name_vi"]
    list_select_related = ["unit", "period", "reviewed_by"]
    inlines = [SelfScoreInline]


@admin.register(AssessmentChange)
class AssessmentChangeAdmin(ReadOnlyScopedAdmin):
    province_lookup = "assessment__period__province"
    list_display = ["at", "assessment", "user", "action"]
    list_select_related = ["assessment__unit", "assessment__period", "user"]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(ProvinceScopedAdmin):
    list_display = [
        "province",
        "days_before",
        "overdue_after_days",
        "escalation_after_days",
        "send_hour",
    ]


@admin.register(ScorecardPolicy)
class ScorecardPolicyAdmin(ProvinceScopedAdmin):
    list_display = ["province", "at_risk_points", "off_track_points", "off_track_overdue_share"]


@admin.register(Reminder)
class ReminderAdmin(ActionsOnReadOnlyMixin, ReadOnlyScopedAdmin):
    """Every reminder with its status; a final failure is sent again from here."""

    province_lookup = "period__province"
    list_display = ["unit", "period", "kind", "status", "failure", "attempts", "sent_at", "error"]
    list_filter = ["status", "failure", "kind", "period__month"]
    search_fields = ["unit__name_vi", "error"]
    list_select_related = ["unit", "period"]
    actions = ["send_again"]

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset):
        rows = list(queryset.filter(status__in=[Reminder.Status.FAILED]))
        for reminder in rows:
            reminder_send_again(reminder=reminder)
        self.message_user(
            request, _("%(n)s reminder(s) queued again for the next run.") % {"n": len(rows)}
        )


@admin.register(FieldScorecard)
class FieldScorecardAdmin(ReadOnlyScopedAdmin):
    province_lookup = "period__province"
    list_display = [
        "period",
        "field",
        "tasks_total",
        "tasks_done",
        "tasks_overdue",
        "mean_done_pct",
        "expected_pct",
        "status",
    ]
    list_filter = ["status", "period__month"]
    list_select_related = ["period", "field"]


@admin.register(UnitScorecard)
class UnitScorecardAdmin(ReadOnlyScopedAdmin):
    province_lookup = "period__province"
    list_display = [
        "period",
        "rank",
        "unit",
        "submitted",
        "on_time",
        "days_late",
        "tasks_done",
        "tasks_overdue",
    ]
    list_filter = ["period__month"]
    list_select_related = ["period", "unit"]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Superusers issue keys for the read-only API; the key is shown once, on creation."""

    list_display = ["name", "user", "created_at", "last_used_at"]
    fields = ["user", "name"]

    def delete_model(self, request, obj):
        api_token_revoke(token=obj)

    def delete_queryset(self, request, queryset):
        for token in queryset:
            api_token_revoke(token=token)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save()
            return
        key = api_token_create(token=obj)
        self.message_user(request, _("The key (shown only now): %(key)s") % {"key": key})


@admin.register(LockerDocument)
class LockerDocumentAdmin(ReadOnlyScopedAdmin):
    list_display = ["item", "province", "year", "unit", "number", "issued_on", "status"]
    list_filter = ["year", "status"]
    list_select_related = ["item", "province", "unit"]


@admin.register(DossierExport)
class DossierExportAdmin(ReadOnlyScopedAdmin):
    list_display = ["province", "year", "status", "done", "total", "requested_at"]
    list_select_related = ["province"]


class InternalCriterionInline(ScopedInline, admin.TabularInline):
    model = InternalCriterion
    extra = 0
    fields = ["order", "code", "name_vi", "name_en", "max_points", "scoring", "source"]


class InternalBandInline(ScopedInline, admin.TabularInline):
    model = InternalBand
    extra = 0


@admin.register(InternalFramework)
class InternalFrameworkAdmin(BumpsProvinceMixin, ProvinceScopedAdmin):
    """A province's internal PAR index of a year: its criteria (some computed from the portal's
    data) and its bands; the focal agency scores the rest on the portal's scoring page."""

    list_display = ["province", "year", "decision", "is_published"]
    list_filter = ["year", "is_published"]
    inlines = [InternalCriterionInline, InternalBandInline]


@admin.register(WebhookChannel)
class WebhookChannelAdmin(ProvinceScopedAdmin):
    """The province's Zalo Official Account or SMS gateway, as a signed JSON webhook."""

    list_display = ["name", "province", "url", "is_enabled", "max_attempts"]
    fieldsets = [
        (None, {"fields": ["province", "name", "url", "secret", "is_enabled", "max_attempts"]}),
        (
            _("Messages (empty: the portal's text)"),
            {"fields": ["template_before", "template_overdue", "template_escalation"]},
        ),
    ]

    def get_form(self, request, obj=None, **kwargs):
        from django import forms

        form = super().get_form(request, obj, **kwargs)
        # the secret is written, never shown back
        form.base_fields["secret"].widget = forms.PasswordInput(render_value=False)
        if obj is not None:
            form.base_fields["secret"].required = False
            form.base_fields["secret"].help_text = _("Leave empty to keep the current secret.")
        return form

    def save_model(self, request, obj, form, change):
        if change and not form.cleaned_data.get("secret"):
            obj.secret = WebhookChannel.objects.get(pk=obj.pk).secret
        super().save_model(request, obj, form, change)


@admin.register(ChannelDelivery)
class ChannelDeliveryAdmin(ActionsOnReadOnlyMixin, ReadOnlyScopedAdmin):
    """Each reminder sent on another channel than e-mail; a failed one is sent again here."""

    province_lookup = "reminder__period__province"
    list_display = ["reminder", "user", "channel", "status", "attempts", "sent_at", "error"]
    list_filter = ["channel", "status"]
    list_select_related = ["reminder__unit", "reminder__period", "user"]
    actions = ["send_again"]

    @admin.action(description=_("Send again"))
    def send_again(self, request, queryset):
        from reporting.services.channels import delivery_send_again

        rows = list(queryset.filter(status=ChannelDelivery.Status.FAILED))
        for delivery in rows:
            delivery_send_again(delivery=delivery)
        self.message_user(
            request, _("%(n)s delivery(ies) queued again for the next run.") % {"n": len(rows)}
        )


@admin.register(PublicPage)
class PublicPageAdmin(BumpsProvinceMixin, ProvinceScopedAdmin):
    """Off by default; the admin chooses each part that anyone may read."""

    list_display = ["province", "is_published", "show_result", "show_targets", "show_fields"]
    readonly_fields = ["address", "updated_at"]

    @admin.display(description=_("address"))
    def address(self, obj):
        from django.urls import reverse
        from django.utils.html import format_html

        if not obj.pk:
            return "–"
        url = reverse("public_province", args=[obj.province.code])
        return format_html('<a href="{}">{}</a>', url, url)
