"""The demo's sub-criteria: the illustrative tree where MoHA's is not bundled, an owning unit
and the serving tasks for each sub-criterion of a plan, and survey points (synthetic, marked)."""

from __future__ import annotations

import random
from decimal import Decimal

from indicators.models import ChecklistItem, Criterion, CriterionAssignment, Plan, SurveyScore
from indicators.selectors import methodology_for_year
from indicators.services.illustrative import illustrative_framework_ensure

QUARTER = Decimal("0.25")
LOCAL_FIELDS = {"procedures", "modernization"}
SYNTHETIC_NOTE = "synthetic (demo): no published survey points of this province are bundled"


def demo_criteria_load(plan: Plan, *, index_year: int, estimate: bool, local_unit: str) -> None:
    """Sub-criteria owners and tasks for the plan, the scheme of `index_year` given its
    illustrative tree if it has none, and the province's survey points: last year's
    "published" (synthetic, marked) and, if `estimate`, an admin's estimate for SIPAS. The
    demo reporter's unit (`local_unit`) owns the one-stop shop's and the digitisation's
    sub-criteria, which communes and districts answer for."""
    local = plan.province.units.filter(code=local_unit).first()
    scheme = methodology_for_year(index_year)
    if scheme is None:
        return
    illustrative_framework_ensure(scheme)
    leaves = list(
        Criterion.objects.filter(field__methodology=scheme, children__isnull=True)
        .select_related("field")
        .order_by("field__number", "order", "code")
    )
    _checklist(leaves)
    tasks = list(plan.tasks.select_related("lead_unit", "field").order_by("code"))
    for index, criterion in enumerate(leaves):
        of_field = [t for t in tasks if t.field.code == criterion.field.code] or tasks
        if not of_field:
            continue
        # the owner: a lead unit of the field's tasks, in turn; the tasks it leads there serve
        leads = sorted({t.lead_unit for t in of_field}, key=lambda unit: unit.code)
        owner = leads[index % len(leads)]
        if local and criterion.code.endswith(".2.1") and criterion.field.code in LOCAL_FIELDS:
            owner = local
        serving = [t for t in of_field if t.lead_unit_id == owner.pk][:2] or of_field[:1]
        assignment, _ = CriterionAssignment.objects.update_or_create(
            plan=plan, criterion=criterion, defaults={"owner": owner}
        )
        assignment.tasks.set(serving)
    rng = random.Random(f"par-survey-{plan.province.code}-{index_year}")
    for criterion in leaves:
        if criterion.scoring != Criterion.Scoring.SURVEY:
            continue
        share = Decimal(str(rng.uniform(0.72, 0.92)))
        points = (criterion.max_points * share / QUARTER).quantize(Decimal(1)) * QUARTER
        SurveyScore.objects.update_or_create(
            year=index_year - 1,
            province=plan.province,
            criterion=criterion,
            kind=SurveyScore.Kind.PUBLISHED,
            defaults={
                "points": points,
                "status": SurveyScore.Status.SYNTHETIC,
                "is_synthetic": True,
                "source": "synthetic",
                "note": SYNTHETIC_NOTE,
            },
        )
        if estimate and criterion.field.code == "impact":
            # the province expects this year's SIPAS a little better than last year's
            SurveyScore.objects.update_or_create(
                year=index_year,
                province=plan.province,
                criterion=criterion,
                kind=SurveyScore.Kind.ESTIMATE,
                defaults={
                    "points": min(criterion.max_points, points + QUARTER),
                    "source": "demo: an admin's estimate",
                },
            )


# What the Ministry typically checks (the demo's checklist, for the illustrative tree only)
K = ChecklistItem.Kind
CHECKLIST = {
    Criterion.Scoring.APPRAISAL: [
        ("Văn bản ban hành (kế hoạch, quyết định)", "The plan or decision", K.DECISION, True),
        ("Báo cáo kết quả thực hiện trong năm", "Report of the year's results", K.REPORT, True),
    ],
    Criterion.Scoring.SURVEY: [
        ("Kết quả, biên bản điều tra xã hội học", "Survey results and minutes", K.SURVEY, False),
    ],
}


def _checklist(leaves) -> None:
    """The demo's checklist on an illustrative scheme's sub-criteria (a real scheme's is the
    admin's); loading twice changes nothing."""
    for criterion in leaves:
        if not criterion.field.methodology.is_illustrative:
            continue
        for order, (title_vi, title_en, kind, numbered) in enumerate(CHECKLIST[criterion.scoring]):
            ChecklistItem.objects.update_or_create(
                criterion=criterion,
                order=order,
                defaults={
                    "title_vi": title_vi,
                    "title_en": title_en,
                    "kind": kind,
                    "needs_number_and_date": numbered,
                },
            )
