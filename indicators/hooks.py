"""The one hook through which other apps react to changes of the PAR framework data.

`targets_changed` is sent after a province's plan, targets or indicators change in admin (once
the change is saved), with `province_id`. Reporting listens to recompute the province's
current month (reporting/apps.py); indicators never imports reporting.
"""

from django.dispatch import Signal

targets_changed = Signal()  # sender: the ModelAdmin class; kwargs: province_id
