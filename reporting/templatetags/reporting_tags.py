from django import template

from reporting.models.reports import deadline_text

register = template.Library()


@register.filter
def deadline(due_at) -> str:
    """{{ period.due_at|deadline }} → "trước ngày 25/11/2026 (hết ngày 24/11)"."""
    return deadline_text(due_at) if due_at else ""
