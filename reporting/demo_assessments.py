"""The demo's self-assessments: every owning unit scores its sub-criteria in the scenario's last
three months; the earliest are appraised (some scores adjusted with a note) and final, the
latest await appraisal, partly appraised. Loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile

from indicators.models import Unit
from indicators.selectors import plan_for
from reporting.models import Period, SelfAssessment
from reporting.services import assessments as services

QUARTER = Decimal("0.25")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _share(*parts) -> Decimal:
    """A stable pseudo-random share in [0.70, 1.00] (the same figures on every load)."""
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).digest()
    return Decimal("0.70") + Decimal(digest[0] % 31) / 100


def demo_assessments_load(periods: list[Period], *, author, reviewer, now: dt.datetime) -> None:
    """`periods`: the scenario's months to assess, oldest first; the last is still open."""
    for position, period in enumerate(periods):
        plan = plan_for(period.province, period.month.year)
        if plan is None:
            continue
        owners = Unit.objects.filter(
            criteria__plan=plan, criteria__criterion__scoring="appraisal"
        ).distinct()
        last = position == len(periods) - 1
        for index, unit in enumerate(owners.order_by("code")):
            if SelfAssessment.objects.filter(period=period, unit=unit).exists():
                continue
            moment = min(period.due_at - dt.timedelta(days=3), now - dt.timedelta(hours=1))
            if last and index % 3 == 2:
                # still a draft this month
                services.assessment_start(period=period, unit=unit, user=author, now=moment)
                continue
            _submit(period, unit, author=author, moment=moment)
            assessment = SelfAssessment.objects.get(period=period, unit=unit)
            _appraise(assessment, reviewer=reviewer, moment=moment, final=not last, index=index)


def _submit(period, unit, *, author, moment) -> None:
    assessment = services.assessment_start(period=period, unit=unit, user=author, now=moment)
    scores, files = {}, {}
    for item in assessment.scores.select_related("criterion").prefetch_related("files"):
        criterion = item.criterion
        share = _share(period.province.code, unit.code, criterion.code, period.month.month)
        score = min(
            criterion.max_points,
            (criterion.max_points * share / QUARTER).quantize(Decimal(1)) * QUARTER,
        )
        scores[criterion.pk] = {
            "score": score,
            "explanation": ""
            if score == criterion.max_points
            else "Một số nhiệm vụ của tiêu chí chưa hoàn thành trong kỳ; đơn vị đang khắc phục.",
        }
        if not item.files.all():
            upload = ContentFile(PDF, name=f"minh-chung-{criterion.code}.pdf")
            files[criterion.pk] = [(upload, "application/pdf")]
    services.assessment_submit(
        assessment=assessment,
        user=author,
        version=assessment.version,
        scores=scores,
        files=files,
        now=moment,
    )


def _appraise(assessment, *, reviewer, moment, final: bool, index: int) -> None:
    """Some scores adjusted with a note, the rest accepted; an open month only half done."""
    decisions = {}
    items = list(assessment.scores.select_related("criterion").order_by("criterion__code"))
    for position, item in enumerate(items):
        if not final and position % 2:
            continue  # not appraised yet
        if (position + index) % 4 == 1 and item.score:
            decisions[item.criterion_id] = {
                "decision": "adjust",
                "score": max(Decimal(0), item.score - Decimal("0.5")),
                "note": "Tài liệu kiểm chứng chưa chứng minh đủ kết quả; giảm 0,5 điểm.",
            }
        else:
            decisions[item.criterion_id] = {"decision": "accept"}
    at = moment + dt.timedelta(hours=4)
    services.assessment_appraise(assessment=assessment, user=reviewer, decisions=decisions, now=at)
    if final:
        services.assessment_finalise(assessment=assessment, user=reviewer, now=at)


def assessed_months(province, last: dt.date, count: int = 3) -> list[Period]:
    periods = Period.objects.filter(province=province, month__lte=last).order_by("-month")
    return list(reversed(periods[:count]))
