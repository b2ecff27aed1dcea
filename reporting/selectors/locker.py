"""Reads for the evidence locker: each checklist item's state for a province's index year, the
coverage per sub-criterion and field, who owns what is missing, the countdown."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from indicators import selectors as ind
from indicators.models import ChecklistItem, Criterion, CriterionAssignment, Province
from reporting.models import LockerDocument


class ItemState:
    READY = "ready"
    AWAITING = "awaiting"
    MISSING = "missing"
    LABELS = {READY: _("ready"), AWAITING: _("awaiting review"), MISSING: _("missing")}


def item_state(documents: list[LockerDocument]) -> str:
    """Ready once a document is accepted; awaiting review while one is submitted; missing
    otherwise (nothing yet, or only rejected documents)."""
    statuses = {d.status for d in documents}
    if LockerDocument.Status.ACCEPTED in statuses:
        return ItemState.READY
    if LockerDocument.Status.SUBMITTED in statuses:
        return ItemState.AWAITING
    return ItemState.MISSING


@dataclass
class ItemLine:
    item: ChecklistItem
    documents: list[LockerDocument]

    @property
    def state(self) -> str:
        return item_state(self.documents)

    @property
    def state_label(self) -> str:
        return str(ItemState.LABELS[self.state])


@dataclass
class CriterionLocker:
    criterion: Criterion
    owner: object = None
    items: list[ItemLine] = field(default_factory=list)

    @property
    def ready(self) -> int:
        return sum(1 for line in self.items if line.state == ItemState.READY)

    @property
    def coverage(self) -> int | None:
        return round(100 * self.ready / len(self.items)) if self.items else None

    @property
    def missing(self) -> list[ItemLine]:
        return [line for line in self.items if line.state == ItemState.MISSING]


def locker(province: Province, year: int, *, field_code: str | None = None) -> list:
    """Every sub-criterion of the year's scheme (of one field if given) with its checklist and
    the province's documents for the year, in four queries."""
    scheme = ind.methodology_for_year(year)
    if scheme is None:
        return []
    leaves = Criterion.objects.filter(field__methodology=scheme, children__isnull=True)
    if field_code:
        leaves = leaves.filter(field__code=field_code)
    leaves = list(leaves.select_related("field").order_by("field__number", "order", "code"))
    items = ChecklistItem.objects.filter(criterion__in=leaves).order_by("order", "pk")
    documents = (
        LockerDocument.objects.filter(province=province, year=year, item__in=items)
        .select_related("unit", "evidence", "score_file", "reviewed_by")
        .order_by("-uploaded_at")
    )
    by_item: dict[int, list[LockerDocument]] = {}
    for document in documents:
        by_item.setdefault(document.item_id, []).append(document)
    plan = ind.plan_for(province, year)
    owners = (
        {
            a.criterion_id: a.owner
            for a in CriterionAssignment.objects.filter(plan=plan).select_related("owner")
        }
        if plan
        else {}
    )
    found = {c.pk: CriterionLocker(criterion=c, owner=owners.get(c.pk)) for c in leaves}
    for item in items:
        found[item.criterion_id].items.append(ItemLine(item, by_item.get(item.pk, [])))
    return list(found.values())


def deadline(year: int) -> dt.date:
    """The self-assessment deadline of an index year (SELF_ASSESSMENT_DEADLINE, "MM-DD")."""
    month, day = (int(part) for part in settings.SELF_ASSESSMENT_DEADLINE.split("-"))
    if (month, day) == (2, 29) and not calendar.isleap(year):
        day = 28  # a leap-day setting, in a year without one
    return dt.date(year, month, day)
