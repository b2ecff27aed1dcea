"""The monthly report form: a section per task, a field per indicator."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from reporting.files import validate_evidence
from reporting.models import Report, TaskEntry


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceField(forms.FileField):
    """Several files; each checked by size and by content."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        uploads = data if isinstance(data, list | tuple) else ([data] if data else [])
        checked = []
        errors = []
        for upload in uploads:
            try:
                checked.append((upload, validate_evidence(upload)))
            except forms.ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise forms.ValidationError(errors)
        return checked


class ReportForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, report: Report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["version"].initial = report.version
        self.sections = []
        for entry in report.entries.all():
            p = f"t{entry.task_id}"
            self.fields[f"{p}-status"] = forms.ChoiceField(
                label=_("Status"), choices=TaskEntry.Status.choices, initial=entry.status
            )
            self.fields[f"{p}-percent_done"] = forms.IntegerField(
                label=_("% done"), min_value=0, max_value=100, initial=entry.percent_done
            )
            self.fields[f"{p}-result"] = forms.CharField(
                label=_("Result achieved"),
                required=False,
                initial=entry.result,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{p}-difficulties"] = forms.CharField(
                label=_("Difficulties and proposals"),
                required=False,
                initial=entry.difficulties,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"{p}-explanation"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                initial=entry.explanation,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Needed when the task is behind or blocked, or done without evidence."),
            )
            self.fields[f"{p}-files"] = EvidenceField(
                label=_("Evidence files (PDF, Word, Excel, images)"), required=False
            )
            self.sections.append((entry, p, self._group(p)))
        self.value_sections = []
        for item in report.values.all():
            p = f"i{item.indicator_id}"
            self.fields[f"{p}-value"] = forms.DecimalField(
                label=f"{item.indicator} ({item.indicator.unit_of_measure})",
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
                initial=item.value,
            )
            self.fields[f"{p}-explanation"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                initial=item.explanation,
                widget=forms.Textarea(attrs={"rows": 1}),
            )
            self.value_sections.append((item, p, self._group(p)))

        self._style_widgets()

    def _style_widgets(self) -> None:
        """Bootstrap's classes on the widgets themselves, so that each field renders through a
        small template (reporting/_field.html) instead of crispy's layout machinery: the form
        has six fields per task, and this is what a reporter waits for."""
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] += " is-invalid"

    def clean(self):
        cleaned = super().clean()
        for _entry, p, _fields in self.sections:
            status, percent = cleaned.get(f"{p}-status"), cleaned.get(f"{p}-percent_done")
            if status is None or percent is None:
                continue
            problem = TaskEntry.done_problem(status, percent)
            if problem:
                field = f"{p}-percent_done" if status == TaskEntry.Status.DONE else f"{p}-status"
                self.add_error(field, problem)
        return cleaned

    def _group(self, prefix: str) -> list:
        return [self[name] for name in self.fields if name.startswith(f"{prefix}-")]

    def payload(self) -> dict:
        """The cleaned data in the shape the services take."""
        data = self.cleaned_data
        entries, files = {}, {}
        for entry, p, _fields in self.sections:
            entries[entry.task_id] = {
                "status": data[f"{p}-status"],
                "percent_done": data[f"{p}-percent_done"],
                "result": data[f"{p}-result"],
                "difficulties": data[f"{p}-difficulties"],
                "explanation": data[f"{p}-explanation"],
            }
            files[entry.task_id] = data.get(f"{p}-files") or []
        values = {
            item.indicator_id: {
                "value": data[f"{p}-value"],
                "explanation": data[f"{p}-explanation"],
            }
            for item, p, _fields in self.value_sections
        }
        return {"version": data["version"], "entries": entries, "values": values, "files": files}


class ReturnForm(forms.Form):
    note = forms.CharField(
        label=_("What must be corrected"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateTimeField(
        label=_("Open until"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"],
    )


class EvidenceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.original_name} ({obj.entry.task.code}, {obj.entry.report.period})"


class AssessmentForm(forms.Form):
    """A section per sub-criterion: the expected score (at most its maximum), the explanation
    (needed below the maximum), evidence reused from the unit's monthly reports (the choices
    are the server's check of every posted id) or new files."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, assessment, evidence, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment
        self.fields["version"].initial = assessment.version
        self.sections = []
        for item in assessment.scores.all():
            criterion, p = item.criterion, f"c{item.criterion_id}"
            self.fields[f"{p}-score"] = forms.DecimalField(
                label=_("Expected score (at most %(max)s)") % {"max": criterion.max_points},
                required=False,
                min_value=0,
                max_value=criterion.max_points,
                max_digits=6,
                decimal_places=2,
                initial=item.score,
            )
            self.fields[f"{p}-explanation"] = forms.CharField(
                label=_("Explanation"),
                required=False,
                initial=item.explanation,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_("Needed when the score is below the maximum."),
            )
            self.fields[f"{p}-evidence"] = EvidenceChoiceField(
                label=_("Evidence from monthly reports"),
                queryset=evidence,
                required=False,
                initial=[e.pk for e in item.evidence.all()],
                widget=forms.SelectMultiple(attrs={"size": 3}),
            )
            self.fields[f"{p}-files"] = EvidenceField(
                label=_("New evidence files (PDF, Word, Excel, images)"), required=False
            )
            self.sections.append((item, p, [self[n] for n in self.fields if n.startswith(p + "-")]))
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs["class"] = "form-control"

    def payload(self) -> dict:
        data = self.cleaned_data
        scores, files = {}, {}
        for item, p, _fields in self.sections:
            scores[item.criterion_id] = {
                "score": data[f"{p}-score"],
                "explanation": data[f"{p}-explanation"],
                "evidence": list(data[f"{p}-evidence"]),
            }
            files[item.criterion_id] = data.get(f"{p}-files") or []
        return {"version": data["version"], "scores": scores, "files": files}


class AppraisalForm(forms.Form):
    """The focal agency's decision on each score: accept, or adjust with a score and a note."""

    DECISIONS = [("", "—"), ("accept", _("accept")), ("adjust", _("adjust"))]

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections = []
        for item in assessment.scores.all():
            p = f"c{item.criterion_id}"
            self.fields[f"{p}-decision"] = forms.ChoiceField(
                label=_("Decision"), choices=self.DECISIONS, required=False
            )
            self.fields[f"{p}-appraised"] = forms.DecimalField(
                label=_("Appraised score"),
                required=False,
                min_value=0,
                max_value=item.criterion.max_points,
                max_digits=6,
                decimal_places=2,
                initial=item.appraised_score,
            )
            self.fields[f"{p}-note"] = forms.CharField(
                label=_("Appraisal note"), required=False, initial=item.appraisal_note
            )
            self.sections.append((item, p))
        for field in self.fields.values():
            field.widget.attrs["class"] = (
                "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            )

    def decisions(self) -> dict:
        data = self.cleaned_data
        return {
            item.criterion_id: {
                "decision": data[f"{p}-decision"],
                "score": data[f"{p}-appraised"],
                "note": data[f"{p}-note"],
            }
            for item, p in self.sections
        }


class ChannelsForm(forms.Form):
    """A person's reminder channels: e-mail always; Zalo/SMS with a phone number and consent."""

    wants_webhook = forms.BooleanField(
        label=_("Also remind me by Zalo/SMS"),
        required=False,
        help_text=_(
            "Through the province's Zalo Official Account or SMS gateway, when it has one."
        ),
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    consent = forms.BooleanField(
        label=_(
            "I agree that the portal keeps this number and sends PAR reminders to it. I can "
            "withdraw this at any time here; the number is then deleted."
        ),
        required=False,
    )
