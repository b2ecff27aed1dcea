"""The demo's self-assessments: every owning unit scores its sub-criteria in the scenario's last
three months; the earliest are appraised (some scores adjusted with a note) and final, the
latest await appraisal, partly appraised. Loading twice changes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

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


def demo_locker_load(province, year: int, *, reviewer, today: dt.date) -> None:
    """The evidence locker partly filled: about half the checklist ready (accepted), some
    awaiting review, a few rejected with a note, the rest missing. The owners' own
    self-assessment files are reused where there are some. Loading twice changes nothing."""
    from indicators.models import ChecklistItem, CriterionAssignment
    from reporting.models import LockerDocument, ScoreEvidence
    from reporting.services.locker import locker_document_add, locker_document_review

    plan = plan_for(province, year)
    if plan is None or LockerDocument.objects.filter(province=province, year=year).exists():
        return
    owners = {
        a.criterion_id: a.owner
        for a in CriterionAssignment.objects.filter(plan=plan).select_related("owner")
    }
    items = ChecklistItem.objects.filter(criterion_id__in=owners).select_related("criterion")
    for index, item in enumerate(items.order_by("criterion__code", "order")):
        turn = index % 10
        if turn >= 8:
            continue  # missing
        unit = owners[item.criterion_id]
        reused = (
            ScoreEvidence.objects.filter(
                score__assessment__unit=unit, score__criterion=item.criterion
            )
            .order_by("pk")
            .first()
        )
        issued = min(today, dt.date(year, 1 + index % 11, 1 + index % 27))
        document = locker_document_add(
            province=province,
            year=year,
            item=item,
            unit=unit,
            user=reviewer,
            number=f"{100 + index}/QĐ-UBND" if item.needs_number_and_date else "",
            issued_on=issued if item.needs_number_and_date else None,
            issuer=f"UBND {province.name_vi}",
            description=f"{item.title_vi} – {item.criterion.code}",
            score_file=reused,
            upload=None if reused else ContentFile(PDF, name=f"tai-lieu-{item.criterion.code}.pdf"),
            content_type="" if reused else "application/pdf",
        )
        at = timezone.now()
        if turn < 5:
            locker_document_review(document=document, user=reviewer, accept=True, note="", now=at)
        elif turn == 7:
            locker_document_review(
                document=document,
                user=reviewer,
                accept=False,
                note="Văn bản chưa có chữ ký, đóng dấu; đề nghị bổ sung bản chính thức.",
                now=at,
            )


# The demo's internal framework: seven criteria, four computed from the portal's data, and
# the bands of the example (≥ 90 % xuất sắc, 80–90 % tốt, 70–80 % khá, below trung bình).
INTERNAL_CRITERIA = [
    (
        "1",
        "Báo cáo tháng đúng hạn",
        "Monthly reports on time",
        15,
        "appraised",
        "on_time_reporting",
    ),
    ("2", "Hoàn thành nhiệm vụ đúng hạn", "Tasks done on time", 20, "appraised", "tasks_on_time"),
    ("3", "Đầy đủ tài liệu kiểm chứng", "Evidence completeness", 15, "appraised", "evidence"),
    ("4", "Độ chính xác của tự đánh giá", "Self-assessment accuracy", 10, "appraised", "accuracy"),
    (
        "5",
        "Cải cách thủ tục hành chính",
        "Administrative procedure reform",
        15,
        "appraised",
        "manual",
    ),
    ("6", "Chuyển đổi số", "Digital transformation", 10, "appraised", "manual"),
    ("7", "Sự hài lòng của người dân, tổ chức", "Citizens' satisfaction", 15, "surveyed", "manual"),
]
INTERNAL_BANDS = [(90, "xuất sắc", "excellent"), (80, "tốt", "good"), (70, "khá", "fair"),
                  (0, "trung bình", "average")]  # fmt: skip


def demo_internal_load(province, years: list[int], *, published: set[int], reviewer) -> None:
    """The internal index of the given years (focal-agency scores drawn per unit, stable)."""
    from reporting.models import InternalBand, InternalCriterion, InternalFramework, InternalScore

    for year in years:
        framework, created = InternalFramework.objects.get_or_create(
            province=province,
            year=year,
            defaults={
                "decision": f"Bộ chỉ số CCHC nội bộ năm {year} (minh họa)",
                "is_published": year in published,
            },
        )
        if not created:
            continue
        for order, (code, vi, en, points, scoring, source) in enumerate(INTERNAL_CRITERIA):
            InternalCriterion.objects.create(
                framework=framework,
                code=code,
                name_vi=vi,
                name_en=en,
                max_points=points,
                scoring=scoring,
                source=source,
                order=order,
            )
        for floor, vi, en in INTERNAL_BANDS:
            InternalBand.objects.create(
                framework=framework, min_pct=floor, label_vi=vi, label_en=en
            )
        for criterion in framework.criteria.filter(source="manual"):
            for unit in province.units.filter(is_focal_agency=False):
                share = _share(province.code, unit.code, criterion.code, year)
                InternalScore.objects.create(
                    criterion=criterion,
                    unit=unit,
                    points=(criterion.max_points * share).quantize(Decimal("0.25")),
                    scored_by=reviewer,
                )
