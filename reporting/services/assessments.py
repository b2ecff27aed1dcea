"""Writes for the monthly self-assessment (self-score → appraisal → explanation → final). They
share the monthly report's rules: the period's lock and reopenings (selectors.
submit_block_reason), optimistic locking on a version, files stored only if the transaction
commits, every change recorded with before and after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from indicators.models import Unit
from par_portal.cache import bump, province_scope
from reporting import selectors
from reporting.models import (
    AssessmentChange,
    Period,
    ScoreEvidence,
    SelfAssessment,
    SelfScore,
)
from reporting.selectors.assessments import assigned_criteria
from reporting.services.reports import (
    ReportError,
    _diff,
    _stored_files_undone_on_failure,
    period_reopen,
    version_claim,
)

SCORE_FIELDS = ["score", "explanation"]


def _changed(assessment: SelfAssessment) -> None:
    """The projection and the dashboards read self-scores: the province's pages are new."""
    bump([province_scope(assessment.period.province_id)])


@transaction.atomic
def assessment_start(*, period: Period, unit: Unit, user, now: dt.datetime) -> SelfAssessment:
    """The unit's self-assessment of the month, created as a draft pre-filled from its last
    one of the same index year (scores, explanations, reused evidence and its files)."""
    assessment, created = SelfAssessment.objects.get_or_create(period=period, unit=unit)
    if not created:
        return assessment
    previous = (
        SelfAssessment.objects.filter(
            unit=unit,
            period__month__lt=period.month,
            period__month__year=period.month.year,
        )
        .order_by("-period__month")
        .prefetch_related("scores__evidence", "scores__files")
        .first()
    )
    old = {s.criterion_id: s for s in previous.scores.all()} if previous else {}
    for criterion in assigned_criteria(unit=unit, period=period):
        before = old.get(criterion.pk)
        score = SelfScore.objects.create(
            assessment=assessment,
            criterion=criterion,
            score=before.score if before else None,
            explanation=before.explanation if before else "",
        )
        if before:
            score.evidence.set(before.evidence.all())
            # last month's new files stay attached: the same stored file, a row of its own
            ScoreEvidence.objects.bulk_create(
                ScoreEvidence(
                    score=score,
                    file=old_file.file.name,
                    original_name=old_file.original_name,
                    content_type=old_file.content_type,
                    size=old_file.size,
                    uploaded_by_id=old_file.uploaded_by_id,
                )
                for old_file in before.files.all()
            )
    note = _("Pre-filled from %(month)s.") % {"month": previous.period} if previous else ""
    AssessmentChange.objects.create(
        assessment=assessment, user=user, at=now, action=AssessmentChange.Action.CREATED, note=note
    )
    return assessment


def assessment_save(
    *, assessment: SelfAssessment, user, version: int, scores: dict, files: dict, now: dt.datetime
) -> SelfAssessment:
    """Save the draft. `scores` maps criterion id → {score, explanation, evidence (Evidence
    rows, already checked against the unit's)}, `files` criterion id → [(upload, type)]."""
    with _stored_files_undone_on_failure() as stored, transaction.atomic():
        assessment = _write(
            assessment,
            user=user,
            version=version,
            scores=scores,
            files=files,
            now=now,
            action=AssessmentChange.Action.SAVED,
            stored=stored,
        )
    _changed(assessment)
    return assessment


def assessment_submit(
    *, assessment: SelfAssessment, user, version: int, scores: dict, files: dict, now: dt.datetime
) -> SelfAssessment:
    """Save and submit in one transaction: if anything is refused, the draft stays as it was."""
    reason = selectors.submit_block_reason(report=assessment, now=now)
    if reason:
        raise ReportError(reason)
    with _stored_files_undone_on_failure() as stored, transaction.atomic():
        assessment = _write(
            assessment,
            user=user,
            version=version,
            scores=scores,
            files=files,
            now=now,
            action=AssessmentChange.Action.SUBMITTED,
            stored=stored,
        )
        problems = submission_problems(assessment)
        if problems:
            raise ValidationError(problems)
        before = assessment.status
        assessment.status = SelfAssessment.Status.SUBMITTED
        assessment.submitted_at, assessment.submitted_by = now, user
        assessment.save()
        change = assessment.last_change
        change.changes = [*change.changes, _diff("status", before, assessment.status)]
        change.save(update_fields=["changes"])
    _changed(assessment)
    return assessment


def _write(assessment, *, user, version, scores, files, now, action, stored) -> SelfAssessment:
    if not assessment.is_editable_by_unit:
        raise ReportError(
            _(
                "This self-assessment has been submitted and is read-only until the focal "
                "agency returns it."
            )
        )
    version_claim(
        assessment,
        version=version,
        now=now,
        stale=_(
            "Someone else saved this self-assessment after you opened it. Your changes were "
            "not saved; they are still on this page. Reload it to see the other changes, "
            "then enter yours again."
        ),
    )
    changes = []
    for item in assessment.scores.select_related("criterion").prefetch_related("evidence"):
        data = scores.get(item.criterion_id, {})
        code = item.criterion.code
        touched = False
        for name in SCORE_FIELDS:
            if name in data and getattr(item, name) != data[name]:
                changes.append(_diff(f"{code} {name}", getattr(item, name), data[name]))
                setattr(item, name, data[name])
                touched = True
        if "score" in data and item.appraised_score is not None and touched:
            # a new self-score is a new claim: the appraisal of the old one no longer holds
            changes.append(_diff(f"{code} appraised_score", item.appraised_score, None))
            item.appraised_score, item.appraisal_note = None, ""
            item.appraised_at = item.appraised_by = None
        if touched:
            item.full_clean(exclude=["assessment", "criterion"], validate_constraints=False)
            item.save()
        if "evidence" in data:
            chosen = {e.pk for e in data["evidence"]}
            current = {e.pk for e in item.evidence.all()}
            if chosen != current:
                changes.append(_diff(f"{code} evidence", sorted(current), sorted(chosen)))
                item.evidence.set(data["evidence"])
        for upload, content_type in files.get(item.criterion_id, []):
            evidence = ScoreEvidence.objects.create(
                score=item,
                file=upload,
                original_name=upload.name[:255],
                content_type=content_type,
                size=upload.size,
                uploaded_by=user,
            )
            stored.append(evidence.file)
            changes.append(_diff(f"{code} evidence", None, upload.name))
    assessment.last_change = AssessmentChange.objects.create(
        assessment=assessment, user=user, at=now, action=action, changes=changes
    )
    return assessment


def submission_problems(assessment: SelfAssessment) -> dict[str, list[str]]:
    """What stops a self-assessment from being submitted, keyed by form field name: a score
    for every sub-criterion, evidence for each, an explanation below the maximum."""
    problems: dict[str, list[str]] = {}
    for item in assessment.scores.select_related("criterion").prefetch_related("evidence", "files"):
        prefix = f"c{item.criterion_id}"
        if item.score is None:
            problems[f"{prefix}-score"] = [_("Enter the expected score.")]
            continue
        if not item.evidence.all() and not item.files.all():
            problems[f"{prefix}-evidence"] = [
                _("Attach evidence: a file from a monthly report or a new file.")
            ]
        if item.score < item.criterion.max_points and not item.explanation.strip():
            problems[f"{prefix}-explanation"] = [
                _("Explain why the score is below the maximum of %(max)s.")
                % {"max": item.criterion.max_points}
            ]
    return problems


# --- appraisal (the focal agency) ----------------------------------------------------------


@transaction.atomic
def assessment_appraise(
    *, assessment: SelfAssessment, user, decisions: dict, now: dt.datetime
) -> SelfAssessment:
    """Appraise scores of a submitted assessment. `decisions` maps criterion id →
    {"decision": "accept" | "adjust", "score": Decimal | None, "note": str}; an adjustment
    needs its score (at most the maximum) and a note. Scores not named are left as they are."""
    assessment = SelfAssessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != SelfAssessment.Status.SUBMITTED:
        raise ReportError(_("Only a submitted self-assessment can be appraised."))
    problems: dict[str, list[str]] = {}
    changes = []
    for item in assessment.scores.select_related("criterion"):
        decision = decisions.get(item.criterion_id)
        if not decision or not decision.get("decision"):
            continue
        prefix, code = f"c{item.criterion_id}", item.criterion.code
        note = (decision.get("note") or "").strip()
        if decision["decision"] == "accept":
            value = item.score
        else:
            value = decision.get("score")
            if value is None:
                problems[f"{prefix}-appraised"] = [_("Enter the appraised score.")]
                continue
            if not note:
                problems[f"{prefix}-note"] = [_("An adjusted score needs a note.")]
                continue
            if value > item.criterion.max_points or value < 0:
                problems[f"{prefix}-appraised"] = [
                    _("Between 0 and %(max)s points.") % {"max": item.criterion.max_points}
                ]
                continue
        if item.appraised_score != value or item.appraisal_note != note:
            changes.append(_diff(f"{code} appraised_score", item.appraised_score, value))
            item.appraised_score, item.appraisal_note = Decimal(value), note
            item.appraised_at, item.appraised_by = now, user
            item.save()
    if problems:
        raise ValidationError(problems)
    if changes:
        AssessmentChange.objects.create(
            assessment=assessment,
            user=user,
            at=now,
            action=AssessmentChange.Action.APPRAISED,
            changes=changes,
        )
        _changed(assessment)
    return assessment


@transaction.atomic
def assessment_return(
    *, assessment: SelfAssessment, user, note: str, now: dt.datetime
) -> SelfAssessment:
    """Ask the unit for an explanation (or a corrected score): it may edit and resubmit."""
    assessment = (
        SelfAssessment.objects.select_for_update()
        .select_related("period", "unit")
        .get(pk=assessment.pk)
    )
    if assessment.status != SelfAssessment.Status.SUBMITTED:
        raise ReportError(_("Only a submitted self-assessment can be returned."))
    if not note.strip():
        raise ReportError(_("Say what must be explained: a returned self-assessment needs a note."))
    assessment.status = SelfAssessment.Status.RETURNED
    assessment.review_note = note.strip()
    assessment.reviewed_at, assessment.reviewed_by = now, user
    assessment.version = F("version") + 1
    assessment.save()
    AssessmentChange.objects.create(
        assessment=assessment,
        user=user,
        at=now,
        action=AssessmentChange.Action.RETURNED,
        note=note.strip(),
        changes=[_diff("status", SelfAssessment.Status.SUBMITTED, SelfAssessment.Status.RETURNED)],
    )
    period = assessment.period
    if now >= period.locks_at and not selectors.active_reopening(
        period=period, unit=assessment.unit, now=now
    ):
        # as for a report: the unit must be able to answer what it was asked
        period_reopen(
            period=period,
            unit=assessment.unit,
            user=user,
            now=now,
            until=now + dt.timedelta(days=(period.locks_at - period.due_at).days or 5),
            reason=_("Self-assessment returned for explanation after the lock: %(note)s")
            % {"note": note.strip()},
        )
    assessment.refresh_from_db()
    _changed(assessment)
    return assessment


@transaction.atomic
def assessment_finalise(*, assessment: SelfAssessment, user, now: dt.datetime) -> SelfAssessment:
    """Close the appraisal: every score must have been appraised (accepted or adjusted)."""
    assessment = (
        SelfAssessment.objects.select_for_update().select_related("period").get(pk=assessment.pk)
    )
    if assessment.status != SelfAssessment.Status.SUBMITTED:
        raise ReportError(_("Only a submitted self-assessment can be finalised."))
    pending = assessment.scores.filter(appraised_score__isnull=True).count()
    if pending:
        raise ReportError(
            _("Appraise every score first: %(n)s not appraised yet.") % {"n": pending}
        )
    assessment.status = SelfAssessment.Status.ACCEPTED
    assessment.reviewed_at, assessment.reviewed_by = now, user
    assessment.version = F("version") + 1
    assessment.save()
    AssessmentChange.objects.create(
        assessment=assessment,
        user=user,
        at=now,
        action=AssessmentChange.Action.ACCEPTED,
        changes=[_diff("status", SelfAssessment.Status.SUBMITTED, SelfAssessment.Status.ACCEPTED)],
    )
    assessment.refresh_from_db()
    _changed(assessment)
    return assessment


def scores_of_scheme_delete(*, scheme_id: int) -> int:
    """What was recorded against a scheme's illustrative tree, removed when the real tree is
    imported (indicators.hooks.illustrative_tree_replaced): the self-scores and the evidence
    locker's documents of its invented checklist. Assessments stay, empty, with their
    history."""
    from reporting.models import LockerDocument

    documents, _per_model = LockerDocument.objects.filter(
        item__criterion__field__methodology_id=scheme_id
    ).delete()
    deleted, _per_model = SelfScore.objects.filter(
        criterion__field__methodology_id=scheme_id
    ).delete()
    return deleted + documents
