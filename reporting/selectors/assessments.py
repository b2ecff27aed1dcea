"""Reads for the monthly self-assessment: which sub-criteria a unit scores, the evidence it may
reuse, the assessments of a month for the focal agency."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from indicators.models import Criterion, CriterionAssignment, Unit
from indicators.selectors import plan_for
from reporting.models import (
    AssessmentChange,
    Evidence,
    Period,
    SelfAssessment,
    SelfScore,
)

COUNTED = [SelfAssessment.Status.SUBMITTED, SelfAssessment.Status.ACCEPTED]


def assigned_criteria(*, unit: Unit, period: Period) -> QuerySet[Criterion]:
    """The appraisal-scored sub-criteria the unit owns in the plan in force in the period's
    year (survey-scored ones are not self-assessed: their points come from the survey)."""
    plan = plan_for(period.province, period.month.year)
    if plan is None:
        return Criterion.objects.none()
    return (
        Criterion.objects.filter(
            assignments__plan=plan,
            assignments__owner=unit,
            scoring=Criterion.Scoring.APPRAISAL,
        )
        .select_related("field")
        .order_by("field__number", "order", "code")
    )


def assignments_of_plan(plan) -> QuerySet[CriterionAssignment]:
    return (
        CriterionAssignment.objects.filter(plan=plan)
        .select_related("criterion__field", "owner")
        .prefetch_related("tasks")
    )


def reusable_evidence(unit: Unit) -> QuerySet[Evidence]:
    """Evidence the unit may attach to a self-score: what it uploaded with its own monthly
    reports. This queryset is also the server's check of every posted evidence id."""
    return (
        Evidence.objects.filter(entry__report__unit=unit)
        .select_related("entry__task", "entry__report__period")
        .order_by("-uploaded_at")
    )


def assessment_detail(assessment: SelfAssessment) -> SelfAssessment:
    """The assessment with its scores, their criteria, evidence and history, read at once."""
    scores = SelfScore.objects.select_related("criterion__field", "appraised_by").prefetch_related(
        "evidence", "files"
    )
    changes = AssessmentChange.objects.select_related("user")
    return (
        SelfAssessment.objects.select_related("period__province", "unit", "submitted_by")
        .prefetch_related(
            Prefetch("scores", queryset=scores), Prefetch("changes", queryset=changes)
        )
        .get(pk=assessment.pk)
    )


def assessment_board(period: Period) -> list[dict]:
    """Every unit that owns sub-criteria in the month's plan, with its assessment (or none)."""
    plan = plan_for(period.province, period.month.year)
    if plan is None:
        return []
    owners = (
        Unit.objects.filter(criteria__plan=plan, criteria__criterion__scoring="appraisal")
        .annotate(n_criteria=Count("criteria", distinct=True))
        .order_by("kind", "name_vi")
    )
    assessments = {
        a.unit_id: a
        for a in SelfAssessment.objects.filter(period=period).annotate(
            n_scores=Count("scores"),
            n_appraised=Count("scores", filter=Q(scores__appraised_score__isnull=False)),
        )
    }
    return [{"unit": unit, "assessment": assessments.get(unit.pk)} for unit in owners]
