from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from reporting.models.reports import deadline_text
from reporting.selectors.reports import due_rule_text

register = template.Library()


@register.filter
def deadline(due_at) -> str:
    """{{ period.due_at|deadline }} → "trước ngày 25/11/2026 (hết ngày 24/11)"."""
    return deadline_text(due_at) if due_at else ""


@register.filter
def due_rule(period) -> str:
    """Why a period's deadline is where it is, when its last day to submit is a day off:
    "Ngày cuối nộp 24/11 là ngày nghỉ (Ngày Văn hóa Việt Nam): hạn nộp giữ nguyên." """
    return due_rule_text(period)


@register.filter
def readable_changes(change, report) -> list[dict]:
    """A history row's changes with labels instead of codes: "Nhiệm vụ 5.25 – trạng thái: chưa
    bắt đầu → đang thực hiện". Changes are stored as codes ("5.25 status") so that the history
    reads in each reader's language."""
    from reporting.models import IndicatorValue, Report, TaskEntry

    indicators = {v.indicator.code: v.indicator for v in report.values.all()}
    rows = []
    for item in change.changes:
        subject, _space, name = item["field"].rpartition(" ")
        before, after = item.get("before"), item.get("after")
        if subject in indicators:
            model, label = IndicatorValue, str(indicators[subject])
        elif subject:
            model, label = TaskEntry, _("task %(code)s") % {"code": subject}
        else:
            model, label = Report, ""
        if name == "evidence":
            what = _("evidence file")
        else:
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:  # a name from an older version: show it as stored
                field = None
            what = field.verbose_name if field else name
            if field is not None and field.choices:
                labels = dict(field.choices)
                before, after = labels.get(before, before), labels.get(after, after)
            if name == "percent_done":
                before = f"{before}%" if before is not None else None
                after = f"{after}%" if after is not None else None
        rows.append(
            {"what": f"{label} – {what}" if label else str(what), "before": before, "after": after}
        )
    return rows


@register.filter
def readable_assessment_changes(change) -> list[dict]:
    """A self-assessment history row's changes with labels instead of codes ("3.2.1 score")."""
    from reporting.models import SelfAssessment, SelfScore

    rows = []
    for item in change.changes:
        subject, _space, name = item["field"].rpartition(" ")
        model = SelfScore if subject else SelfAssessment
        before, after = item.get("before"), item.get("after")
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            field = None
        what = _("evidence file") if name == "evidence" else (field.verbose_name if field else name)
        if field is not None and field.choices:
            labels = dict(field.choices)
            before, after = labels.get(before, before), labels.get(after, after)
        label = _("sub-criterion %(code)s") % {"code": subject} if subject else ""
        rows.append(
            {"what": f"{label} – {what}" if label else str(what), "before": before, "after": after}
        )
    return rows
