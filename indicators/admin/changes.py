"""Admin saves and deletes that change what the scorecards read announce it through
indicators.hooks, inside the admin's transaction (reporting marks the months stale)."""

from __future__ import annotations

from indicators.hooks import objects_changed


class InputsChangedMixin:
    """For admins of plans, targets, indicators, tasks, units and published results."""

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        objects_changed(sender=type(self), objects=[form.instance])

    def delete_model(self, request, obj):
        objects_changed(sender=type(self), objects=[obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        objects_changed(sender=type(self), objects=list(queryset))
        super().delete_queryset(request, queryset)
