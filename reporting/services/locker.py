"""Writes for the evidence locker: a unit attaches a document to a checklist item (a new file,
or evidence it already uploaded), the focal agency accepts or rejects it with a note."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from par_portal.cache import bump, province_scope
from reporting.models import Evidence, LockerDocument, ScoreEvidence
from reporting.services.reports import ReportError, _stored_files_undone_on_failure


def locker_document_add(
    *,
    province,
    year: int,
    item,
    unit,
    user,
    number: str,
    issued_on: dt.date | None,
    issuer: str,
    description: str,
    upload=None,
    content_type: str = "",
    evidence: Evidence | None = None,
    score_file: ScoreEvidence | None = None,
) -> LockerDocument:
    """Attach one document. A reused file must be the unit's own (checked here as well as by
    the form's choices); a refused document leaves nothing stored."""
    if unit.province_id != province.pk:
        raise ReportError(_("This unit belongs to another province."))
    if evidence is not None and evidence.entry.report.unit_id != unit.pk:
        raise ReportError(_("This evidence belongs to another unit."))
    if score_file is not None and score_file.score.assessment.unit_id != unit.pk:
        raise ReportError(_("This evidence belongs to another unit."))
    sources = [upload is not None, evidence is not None, score_file is not None]
    if sum(sources) != 1:
        raise ReportError(_("Attach one file: a new one, or one already uploaded."))
    document = LockerDocument(
        province=province,
        year=year,
        item=item,
        unit=unit,
        number=number.strip(),
        issued_on=issued_on,
        issuer=issuer.strip(),
        description=description.strip(),
        evidence=evidence,
        score_file=score_file,
        uploaded_by=user,
    )
    if upload is not None:
        document.original_name, document.content_type = upload.name[:255], content_type
    document.full_clean(exclude=["file"])
    with _stored_files_undone_on_failure() as stored, transaction.atomic():
        if upload is not None:
            document.file = upload
        document.save()
        if upload is not None:
            stored.append(document.file)
    bump([province_scope(province.pk)])
    return document


@transaction.atomic
def locker_document_review(
    *, document: LockerDocument, user, accept: bool, note: str, now: dt.datetime
) -> LockerDocument:
    document = LockerDocument.objects.select_for_update().get(pk=document.pk)
    if not accept and not note.strip():
        raise ValidationError({"note": _("A rejected document needs a note.")})
    document.status = LockerDocument.Status.ACCEPTED if accept else LockerDocument.Status.REJECTED
    document.review_note = note.strip()
    document.reviewed_at, document.reviewed_by = now, user
    document.save()
    bump([province_scope(document.province_id)])
    return document
