"""Writes for the internal PAR index: the focal agency's points in the criteria it scores."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from par_portal.cache import bump, province_scope
from reporting.models import InternalCriterion, InternalFramework, InternalScore


@transaction.atomic
def internal_scores_save(*, framework: InternalFramework, user, scores: dict) -> int:
    """`scores` maps (criterion id, unit id) → points (None clears). All or nothing: one bad
    figure refuses the whole grid, keyed by its field name."""
    criteria = {c.pk: c for c in framework.criteria.filter(source=InternalCriterion.Source.MANUAL)}
    units = set(framework.province.units.values_list("pk", flat=True))
    problems: dict[str, list[str]] = {}
    changed = 0
    for (criterion_id, unit_id), points in scores.items():
        criterion = criteria.get(criterion_id)
        name = f"s{criterion_id}-{unit_id}"
        if criterion is None or unit_id not in units:
            problems[name] = [_("This criterion or unit is not part of the framework.")]
            continue
        if points is None:
            changed += InternalScore.objects.filter(criterion=criterion, unit_id=unit_id).delete()[
                0
            ]
            continue
        if not Decimal(0) <= points <= criterion.max_points:
            problems[name] = [_("Between 0 and %(max)s points.") % {"max": criterion.max_points}]
            continue
        InternalScore.objects.update_or_create(
            criterion=criterion, unit_id=unit_id, defaults={"points": points, "scored_by": user}
        )
        changed += 1
    if problems:
        raise ValidationError(problems)
    bump([province_scope(framework.province_id)])
    return changed
