from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import SecurityEvent, Unit
from indicators.services.audit import security_event_record
from par_portal.cache import Deferred
from par_portal.params import choice_param, query_params
from reporting import selectors, services
from reporting.access import access_to, reading_provinces, unit_memberships
from reporting.forms import ReopenForm, ReportForm, ReturnForm
from reporting.models import Evidence, Period, Report
from reporting.selectors import cached
from reporting.summary import summary_workbook


def _get_report_for_user(request, period_pk: int, unit_pk: int):
    """The period, the unit, the unit's report of the period (or None) and the user's access
    to them; 404 for anything outside it. One query when the report exists (the period and
    the unit come with it)."""
    report = (
        Report.objects.select_related("period__province", "unit", "submitted_by")
        .filter(period_id=period_pk, unit_id=unit_pk)
        .order_by()  # one row at most (a unique key): not the reports' ordering, with its joins
        .first()
    )
    if report is not None:
        period, unit = report.period, report.unit
        if unit.province_id != period.province_id:
            raise Http404
    else:
        period = get_object_or_404(Period.objects.select_related("province"), pk=period_pk)
        unit = get_object_or_404(Unit, pk=unit_pk, province_id=period.province_id)
    access = access_to(request.user, province_id=period.province_id, unit_id=unit.pk)
    access.require_read()
    return period, unit, report, access


def _get_period_for_reader(request, period_pk: int):
    period = get_object_or_404(Period.objects.select_related("province"), pk=period_pk)
    access = access_to(request.user, province_id=period.province_id).require_read()
    return period, access


@login_required
def home(request):
    now = timezone.now()
    memberships = unit_memberships(request.user)
    if not memberships:
        provinces = reading_provinces(request.user)
        if provinces:
            return redirect("reporting:board_current")
        return redirect("home")
    units = []
    for membership in memberships:
        months = selectors.unit_months(unit=membership.unit, now=now)
        current = next(
            (m for m in months if m.period.month == timezone.localdate().replace(day=1)), None
        )
        units.append({"unit": membership.unit, "months": months, "current": current})
    return render(request, "reporting/home.html", {"units": units, "now": now})


@login_required
def report_page(request, period_pk: int, unit_pk: int):
    period, unit, report, access = _get_report_for_user(request, period_pk, unit_pk)
    now = timezone.now()
    if access.edit and report is None:
        report = services.report_start(period=period, unit=unit, user=request.user, now=now)
    if report is None:
        return render(request, "reporting/report_missing.html", {"period": period, "unit": unit})
    report.period, report.unit = period, unit  # already read: no second query for them
    editable = access.edit and report.is_editable_by_unit
    bound_form = None  # a posted form that was refused: shown again as posted, never cached
    if editable and request.method == "POST":
        bound_form = ReportForm(
            request.POST,
            request.FILES or None,
            report=selectors.report_detail(report, history=False),
        )
        action = request.POST.get("action", "save")
        if bound_form.is_valid():
            try:
                payload = bound_form.payload()
                call = services.report_submit if action == "submit" else services.report_save
                call(report=report, user=request.user, now=now, **payload)
            except services.ReportError as error:
                messages.error(request, str(error))
            except ValidationError as error:
                for name, problems in error.message_dict.items():
                    for problem in problems:
                        bound_form.add_error(name if name in bound_form.fields else None, problem)
                messages.error(
                    request,
                    _("The report was not submitted: see the notes below. Nothing was changed."),
                )
            else:
                if action == "submit":
                    messages.success(request, _("Report submitted."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect("reporting:report", period.pk, unit.pk)
        else:
            messages.error(
                request,
                _(
                    "Please correct the fields marked below. Nothing was "
                    "saved; your entries are still here (files must be "
                    "chosen again)."
                ),
            )
    elif request.method == "POST":
        messages.error(
            request,
            selectors.submit_block_reason(report=report, now=now)
            or _("You cannot edit this report."),
        )

    def content():
        """The entries, values and history: read only when the cached content is not found."""
        if bound_form:  # refused: shown again as posted, with the history read now
            detail = bound_form.report
            prefetch_related_objects([detail], "changes__user")
        else:
            detail = selectors.report_detail(report)
        form = bound_form or (ReportForm(report=detail) if editable else None)
        return {"detail": detail, "form": form}

    return render(
        request,
        "reporting/report.html",
        {
            "period": period,
            "unit": unit,
            "report": report,
            "editable": editable,
            "bound_form": bound_form,
            "content_key": None
            if bound_form
            else cached.report_content_key(
                report, province_id=period.province_id, editable=editable
            ),
            **Deferred(content).context("detail", "form"),
            "access": access,
            "state": selectors.report_state(report, period=period, now=now),
            "block_reason": selectors.submit_block_reason(report=report, now=now)
            if access.edit
            else None,
            "return_form": ReturnForm(),
            "now": now,
        },
    )


@login_required
def evidence_download(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.select_related("entry__report__period", "entry__report__unit"), pk=pk
    )
    report = evidence.entry.report
    access_to(
        request.user, province_id=report.period.province_id, unit_id=report.unit_id
    ).require_read()
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def board_current(request):
    provinces = reading_provinces(request.user)
    if not provinces:
        raise Http404
    today = timezone.localdate()
    period = (
        Period.objects.filter(province_id=provinces[0], month__lte=today).order_by("-month").first()
    )
    if period is None:
        messages.info(request, _("No reporting period has been created for your province yet."))
        return redirect("home")
    return redirect("reporting:board", period.pk)


STATE_FILTERS = list(selectors.BoardState.LABELS)


@login_required
@query_params("state", "kind")
def board(request, period_pk: int):
    period, access = _get_period_for_reader(request, period_pk)
    now = timezone.now()
    state = choice_param(request, "state", STATE_FILTERS, "")
    kind = choice_param(request, "kind", Unit.Kind.values, "")

    def compute():
        result = selectors.review_board(period, now=now)
        rows = [
            row
            for row in result.rows
            if (not state or row.state == state) and (not kind or row.unit.kind == kind)
        ]
        states = [
            (s, selectors.BoardState.LABELS[s], result.counts.get(s, 0)) for s in STATE_FILTERS
        ]
        return {"board": result, "rows": rows, "states": states}

    return render(
        request,
        "reporting/board.html",
        {
            "period": period,
            "access": access,
            "state": state,
            "kind": kind,
            "kinds": Unit.Kind.choices,
            "periods": Period.objects.filter(province_id=period.province_id).order_by("-month"),
            # states move with the clock (a missing report becomes late): keyed by the hour too
            "fragment": cached.fragment_key(
                request,
                period.province,
                period.pk,
                access.review,
                timezone.localtime(now).strftime("%Y%m%d%H"),
            ),
            **Deferred(compute).context("board", "rows", "states"),
            # who can be reminded changes with accounts (the directory's version) and tasks
            "no_address": cached.units_without_address(period),
        },
    )


@login_required
@require_POST
def review(request, report_pk: int):
    report = get_object_or_404(Report.objects.select_related("period", "unit"), pk=report_pk)
    access = access_to(request.user, province_id=report.period.province_id).require_read()
    if not access.review:
        messages.error(request, _("Only the focal agency can return or accept reports."))
        return redirect("reporting:report", report.period_id, report.unit_id)
    now = timezone.now()
    try:
        if request.POST.get("action") == "accept":
            services.report_accept(report=report, user=request.user, now=now)
            messages.success(request, _("Report accepted."))
        else:
            form = ReturnForm(request.POST)
            note = form.data.get("note", "")
            services.report_return(report=report, user=request.user, note=note, now=now)
            messages.success(request, _("Report returned to the unit with your note."))
    except services.ReportError as error:
        messages.error(request, str(error))
    return redirect("reporting:board", report.period_id)


@login_required
def reopen(request, period_pk: int, unit_pk: int):
    period, unit, _report, access = _get_report_for_user(request, period_pk, unit_pk)
    if not access.review:
        raise Http404
    form = ReopenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.period_reopen(
                period=period,
                unit=unit,
                user=request.user,
                now=timezone.now(),
                reason=form.cleaned_data["reason"],
                until=form.cleaned_data["until"],
            )
        except services.ReportError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Reopened for %(unit)s.") % {"unit": unit})
            return redirect("reporting:board", period.pk)
    return render(request, "reporting/reopen.html", {"period": period, "unit": unit, "form": form})


@login_required
def summary_print(request, period_pk: int):
    period, _access = _get_period_for_reader(request, period_pk)
    from reporting.summary import summary_data

    return render(request, "reporting/summary.html", summary_data(period, now=timezone.now()))


@login_required
def summary_excel(request, period_pk: int):
    period, _access = _get_period_for_reader(request, period_pk)
    content = summary_workbook(period, now=timezone.now())
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    name = f"bao-cao-cchc-{period.province.code}-{period.month:%Y-%m}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT, province=period.province, subject=name, request=request
    )
    return response


@login_required
def notice_channels(request):
    """Where my reminders go: e-mail (always) and, if I choose, Zalo/SMS."""
    from indicators.models import Preference
    from indicators.services.preferences import preference_set_channels
    from reporting.forms import ChannelsForm
    from reporting.models import WebhookChannel

    preference = Preference.objects.filter(user=request.user).first()
    initial = {
        "wants_webhook": bool(preference and preference.wants_webhook),
        "phone": preference.phone if preference else "",
        "consent": bool(preference and preference.phone_consent_at),
    }
    form = ChannelsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            preference_set_channels(
                user=request.user,
                wants_webhook=form.cleaned_data["wants_webhook"],
                phone=form.cleaned_data["phone"],
                consent=form.cleaned_data["consent"],
                now=timezone.now(),
            )
        except ValueError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your reminder channels are saved."))
            return redirect("reporting:notice_channels")
    provinces = {m.province_id for m in request.user.memberships.all()}
    has_channel = WebhookChannel.objects.filter(province__in=provinces, is_enabled=True).exists()
    return render(
        request,
        "reporting/notice_channels.html",
        {"form": form, "preference": preference, "has_channel": has_channel},
        status=400 if request.method == "POST" else 200,
    )


@login_required
def notices(request):
    from reporting.models import Notice
    from reporting.services.reminders import notices_mark_read

    if request.method == "POST":
        notices_mark_read(user=request.user, now=timezone.now())
        return redirect("reporting:notices")
    items = Notice.objects.filter(user=request.user)[:50]
    return render(request, "reporting/notices.html", {"items": items})
