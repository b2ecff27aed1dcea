"""The monthly self-assessment pages: the owning unit's form, the focal agency's appraisal and
its list of the month's assessments."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from indicators.models import Unit
from reporting import selectors
from reporting.access import access_to
from reporting.forms import AppraisalForm, AssessmentForm, ReturnForm
from reporting.models import Period, ScoreEvidence, SelfAssessment
from reporting.selectors.assessments import (
    assessment_board,
    assessment_detail,
    assigned_criteria,
    reusable_evidence,
)
from reporting.services import assessments as services
from reporting.services.reports import ReportError


def _get_assessment_for_user(request, period_pk: int, unit_pk: int):
    period = get_object_or_404(Period.objects.select_related("province"), pk=period_pk)
    unit = get_object_or_404(Unit, pk=unit_pk, province_id=period.province_id)
    access = access_to(request.user, province_id=period.province_id, unit_id=unit.pk)
    access.require_read()
    assessment = SelfAssessment.objects.filter(period=period, unit=unit).first()
    return period, unit, assessment, access


def _add_errors(form, error: ValidationError) -> None:
    for name, problems in error.message_dict.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)


@login_required
def assessment_page(request, period_pk: int, unit_pk: int):
    period, unit, assessment, access = _get_assessment_for_user(request, period_pk, unit_pk)
    now = timezone.now()
    if assessment is None:
        if not (access.edit and assigned_criteria(unit=unit, period=period).exists()):
            return render(
                request,
                "reporting/assessment_missing.html",
                {"period": period, "unit": unit, "owns": access.edit},
            )
        assessment = services.assessment_start(period=period, unit=unit, user=request.user, now=now)
    detail = assessment_detail(assessment)
    editable = access.edit and detail.is_editable_by_unit
    form = None
    if editable:
        form = AssessmentForm(
            request.POST or None,
            request.FILES or None,
            assessment=detail,
            evidence=reusable_evidence(unit),
        )
        if request.method == "POST":
            action = request.POST.get("action", "save")
            if form.is_valid():
                call = (
                    services.assessment_submit if action == "submit" else services.assessment_save
                )
                try:
                    call(assessment=detail, user=request.user, now=now, **form.payload())
                except ReportError as error:
                    messages.error(request, str(error))
                except ValidationError as error:
                    _add_errors(form, error)
                    messages.error(
                        request,
                        _(
                            "The self-assessment was not submitted: see the notes below. "
                            "Nothing was changed."
                        ),
                    )
                else:
                    messages.success(
                        request,
                        _("Self-assessment submitted for appraisal.")
                        if action == "submit"
                        else _("Draft saved."),
                    )
                    return redirect("reporting:assessment", period.pk, unit.pk)
            else:
                messages.error(
                    request,
                    _(
                        "Please correct the fields marked below. Nothing was saved; your entries "
                        "are still here (files must be chosen again)."
                    ),
                )
    elif request.method == "POST":
        messages.error(request, _("You cannot edit this self-assessment."))
    appraisal = (
        AppraisalForm(assessment=detail)
        if access.review and detail.status == SelfAssessment.Status.SUBMITTED
        else None
    )
    return render(
        request,
        "reporting/assessment.html",
        {
            "period": period,
            "unit": unit,
            "assessment": detail,
            "form": form,
            "editable": editable,
            "access": access,
            "appraisal": appraisal,
            "return_form": ReturnForm(),
            "block_reason": selectors.submit_block_reason(report=detail, now=now)
            if editable
            else None,
        },
    )


@login_required
@require_POST
def appraise(request, assessment_pk: int):
    assessment = get_object_or_404(
        SelfAssessment.objects.select_related("period", "unit"), pk=assessment_pk
    )
    access = access_to(request.user, province_id=assessment.period.province_id).require_read()
    back = redirect("reporting:assessment", assessment.period_id, assessment.unit_id)
    if not access.review:
        messages.error(request, _("Only the focal agency can appraise self-assessments."))
        return back
    now = timezone.now()
    action = request.POST.get("action", "appraise")
    try:
        if action == "return":
            services.assessment_return(
                assessment=assessment, user=request.user, note=request.POST.get("note", ""), now=now
            )
            messages.success(request, _("Returned to the unit for an explanation."))
            return back
        form = AppraisalForm(request.POST, assessment=assessment_detail(assessment))
        if not form.is_valid():
            messages.error(request, _("Please correct the appraisal: nothing was saved."))
            for name, problems in form.errors.items():
                for problem in problems:
                    messages.error(request, f"{form.fields[name].label}: {problem}")
            return back
        services.assessment_appraise(
            assessment=assessment, user=request.user, decisions=form.decisions(), now=now
        )
        if action == "finalise":
            services.assessment_finalise(assessment=assessment, user=request.user, now=now)
            messages.success(request, _("Appraisal finalised."))
        else:
            messages.success(request, _("Appraisal saved."))
    except ReportError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, _("Please correct the appraisal: nothing was saved."))
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    return back


@login_required
def assessment_list(request, period_pk: int):
    period = get_object_or_404(Period.objects.select_related("province"), pk=period_pk)
    access_to(request.user, province_id=period.province_id).require_read()
    return render(
        request,
        "reporting/assessment_list.html",
        {
            "period": period,
            "rows": assessment_board(period),
            "periods": Period.objects.filter(province_id=period.province_id).order_by("-month"),
        },
    )


@login_required
def score_evidence_download(request, file_pk: int):
    evidence = get_object_or_404(
        ScoreEvidence.objects.select_related("score__assessment__period"), pk=file_pk
    )
    assessment = evidence.score.assessment
    access_to(
        request.user, province_id=assessment.period.province_id, unit_id=assessment.unit_id
    ).require_read()
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
