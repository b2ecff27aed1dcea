"""The evidence locker's pages: coverage per field, attaching and reviewing documents, and the
dossier export (queued on Celery, with its progress)."""

from __future__ import annotations

import logging
from functools import partial

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from indicators.models import ChecklistItem, FieldCode, Role, SecurityEvent
from indicators.selectors import user_memberships
from indicators.services.audit import security_event_record
from par_portal.params import choice_param, query_params, year_param
from reporting.access import access_to
from reporting.files import validate_evidence
from reporting.models import DossierExport, Evidence, LockerDocument, ScoreEvidence
from reporting.selectors.locker import ItemState, deadline, locker
from reporting.services.locker import locker_document_add, locker_document_review
from reporting.services.reports import ReportError

log = logging.getLogger(__name__)
DOSSIER_TASK = "reporting.tasks.build_dossier"


class DocumentForm(forms.Form):
    number = forms.CharField(label=gettext_lazy("Document number"), required=False, max_length=60)
    issued_on = forms.DateField(
        label=gettext_lazy("Issued on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
    )
    issuer = forms.CharField(label=gettext_lazy("Issuing body"), max_length=200)
    description = forms.CharField(label=gettext_lazy("Short description"), max_length=500)
    file = forms.FileField(label=gettext_lazy("New file"), required=False)
    reuse = forms.ChoiceField(label=gettext_lazy("Or a file already uploaded"), required=False)

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit = unit
        choices = [("", "—")]
        choices += [
            (f"e{e.pk}", f"{e.original_name} ({e.entry.report.period})")
            for e in Evidence.objects.filter(entry__report__unit=unit).select_related(
                "entry__report__period"
            )[:200]
        ]
        choices += [
            (f"s{f.pk}", f"{f.original_name} ({f.score.assessment.period})")
            for f in ScoreEvidence.objects.filter(score__assessment__unit=unit).select_related(
                "score__assessment__period"
            )[:200]
        ]
        self.fields["reuse"].choices = choices  # the server's check of every posted id
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            self.content_type = validate_evidence(upload)
        return upload

    def sources(self) -> dict:
        data = self.cleaned_data
        reuse = data.get("reuse") or ""
        found = {"upload": data.get("file"), "content_type": getattr(self, "content_type", "")}
        if reuse.startswith("e"):
            found["evidence"] = Evidence.objects.get(pk=int(reuse[1:]))
        elif reuse.startswith("s"):
            found["score_file"] = ScoreEvidence.objects.get(pk=int(reuse[1:]))
        return found


def _province_and_units(request):
    """The province whose locker the user sees, and the units they attach documents for."""
    memberships = user_memberships(request.user)
    if not memberships:
        raise Http404
    province = memberships[0].province
    units = [
        m.unit
        for m in memberships
        if m.province_id == province.pk and m.role in (Role.UNIT_REPORTER, Role.UNIT_HEAD)
    ]
    return province, units


@login_required
@query_params("field", "year")
def locker_page(request):
    province, units = _province_and_units(request)
    access = access_to(request.user, province_id=province.pk).require_read() if not units else None
    today = timezone.localdate()
    year = year_param(request, today.year)
    field_code = choice_param(request, "field", FieldCode.values, "")
    lines = locker(province, year, field_code=field_code or None)
    due = deadline(year)
    return render(
        request,
        "reporting/locker.html",
        {
            "province": province,
            "year": year,
            "field_code": field_code,
            "fields": FieldCode.choices,
            "lines": lines,
            "states": ItemState,
            "deadline": due,
            "days_left": (due - today).days,
            "reviewer": bool(access and access.review),
            "own_unit": units[0] if units else None,
            "form": DocumentForm(unit=units[0]) if units else None,
            "items_total": sum(len(line.items) for line in lines),
            "items_ready": sum(line.ready for line in lines),
            "exports": DossierExport.objects.filter(province=province, year=year)[:3],
        },
    )


@login_required
@require_POST
def locker_attach(request, item_pk: int):
    item = get_object_or_404(ChecklistItem.objects.select_related("criterion"), pk=item_pk)
    province, units = _province_and_units(request)
    unit = next((u for u in units if str(u.pk) == request.POST.get("unit")), None)
    if unit is None:
        raise Http404  # only a unit's own reporters attach its documents
    year = _posted_year(request)
    form = DocumentForm(request.POST, request.FILES, unit=unit)
    back = redirect(f"{_locker_url()}?year={year}&field={item.criterion.field.code}")
    if not form.is_valid():
        for name, problems in form.errors.items():
            label = form.fields[name].label if name in form.fields else ""
            for problem in problems:
                messages.error(request, f"{label}: {problem}" if label else problem)
        return back
    try:
        locker_document_add(
            province=province,
            year=year,
            item=item,
            unit=unit,
            user=request.user,
            number=form.cleaned_data["number"],
            issued_on=form.cleaned_data["issued_on"],
            issuer=form.cleaned_data["issuer"],
            description=form.cleaned_data["description"],
            **form.sources(),
        )
    except ReportError as error:
        messages.error(request, str(error))
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Document attached: it awaits the focal agency's review."))
    return back


def _posted_year(request) -> int:
    """The index year of a form (a hidden field); anything implausible means this year."""
    text = request.POST.get("year", "")
    year = int(text) if text.isdigit() else 0
    return year if 2000 <= year <= 2100 else timezone.localdate().year


def _locker_url() -> str:
    from django.urls import reverse

    return reverse("reporting:locker")


@login_required
@require_POST
def locker_review(request, document_pk: int):
    document = get_object_or_404(
        LockerDocument.objects.select_related("item__criterion"), pk=document_pk
    )
    access = access_to(request.user, province_id=document.province_id).require_read()
    back = redirect(
        f"{_locker_url()}?year={document.year}&field={document.item.criterion.field.code}"
    )
    if not access.review:
        messages.error(request, _("Only the focal agency can review documents."))
        return back
    accept = request.POST.get("action") == "accept"
    try:
        locker_document_review(
            document=document,
            user=request.user,
            accept=accept,
            note=request.POST.get("note", ""),
            now=timezone.now(),
        )
    except ValidationError as error:
        for problems in error.message_dict.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        messages.success(request, _("Document accepted.") if accept else _("Document rejected."))
    return back


@login_required
def locker_file(request, document_pk: int):
    document = get_object_or_404(LockerDocument, pk=document_pk)
    access_to(
        request.user, province_id=document.province_id, unit_id=document.unit_id
    ).require_read()
    response = FileResponse(
        document.stored.open("rb"), as_attachment=True, filename=document.source_name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _queue_dossier(export_id: int) -> None:
    from par_portal.celery import app

    try:
        app.tasks[DOSSIER_TASK].delay(export_id)
    except Exception as error:  # noqa: BLE001 - the request must succeed; the row says why
        log.warning("Could not queue dossier %s (%s)", export_id, type(error).__name__)
        DossierExport.objects.filter(pk=export_id, status=DossierExport.Status.QUEUED).update(
            status=DossierExport.Status.FAILED, error="queue"
        )


@login_required
@require_POST
def dossier_start(request):
    province, _units = _province_and_units(request)
    access = access_to(request.user, province_id=province.pk).require_read()
    if not (access.review or request.user.is_superuser):
        raise Http404
    year = _posted_year(request)
    export = DossierExport.objects.create(province=province, year=year, requested_by=request.user)
    security_event_record(
        kind=SecurityEvent.Kind.EXPORT,
        province=province,
        subject=f"dossier {province.code} {year}",
        request=request,
    )
    transaction.on_commit(partial(_queue_dossier, export.pk), robust=True)
    return redirect("reporting:dossier", export.pk)


def _export_for(request, export_pk: int) -> DossierExport:
    export = get_object_or_404(DossierExport.objects.select_related("province"), pk=export_pk)
    access_to(request.user, province_id=export.province_id).require_read()
    return export


@login_required
@query_params("format")
def dossier_page(request, export_pk: int):
    export = _export_for(request, export_pk)
    if choice_param(request, "format", ["html", "json"], "html") == "json":
        return JsonResponse(
            {
                "status": export.status,
                "label": export.get_status_display(),
                "done": export.done,
                "total": export.total,
                "percent": export.percent,
                "download": export.status == DossierExport.Status.DONE,
            }
        )
    return render(request, "reporting/dossier.html", {"export": export})


@login_required
def dossier_download(request, export_pk: int):
    export = _export_for(request, export_pk)
    if export.status != DossierExport.Status.DONE:
        raise Http404
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=f"ho-so-tu-danh-gia-{export.province.code}-{export.year}.zip",
        content_type="application/zip",
    )


@login_required
def internal_scoring(request, framework_pk: int):
    """The focal agency's grid of the criteria it scores by hand (units × criteria)."""
    from decimal import Decimal, InvalidOperation

    from reporting.models import InternalCriterion, InternalFramework, InternalScore
    from reporting.services.internal import internal_scores_save

    framework = get_object_or_404(
        InternalFramework.objects.select_related("province"), pk=framework_pk
    )
    access = access_to(request.user, province_id=framework.province_id).require_read()
    if not access.review:
        raise Http404
    criteria = list(framework.criteria.filter(source=InternalCriterion.Source.MANUAL))
    units = list(framework.province.units.filter(is_focal_agency=False).order_by("kind", "name_vi"))
    current = {
        (s.criterion_id, s.unit_id): s.points
        for s in InternalScore.objects.filter(criterion__framework=framework)
    }
    errors: dict = {}
    if request.method == "POST":
        scores = {}
        for criterion in criteria:
            for unit in units:
                text = request.POST.get(f"s{criterion.pk}-{unit.pk}", "").strip().replace(",", ".")
                try:
                    scores[(criterion.pk, unit.pk)] = Decimal(text) if text else None
                except InvalidOperation:
                    errors[f"s{criterion.pk}-{unit.pk}"] = [_("Enter a number.")]
        if not errors:
            try:
                internal_scores_save(framework=framework, user=request.user, scores=scores)
            except ValidationError as error:
                errors = error.message_dict
            else:
                messages.success(request, _("Scores saved."))
                return redirect("reporting:internal_scoring", framework.pk)
        messages.error(request, _("Please correct the marked scores: nothing was saved."))
    rows = [
        {
            "unit": unit,
            "cells": [
                {
                    "name": f"s{c.pk}-{unit.pk}",
                    "value": request.POST.get(f"s{c.pk}-{unit.pk}")
                    if request.method == "POST"
                    else current.get((c.pk, unit.pk)),
                    "error": errors.get(f"s{c.pk}-{unit.pk}"),
                    "max": c.max_points,
                }
                for c in criteria
            ],
        }
        for unit in units
    ]
    return render(
        request,
        "reporting/internal_scoring.html",
        {"framework": framework, "criteria": criteria, "rows": rows},
    )
