"""The year-end self-assessment dossier: a ZIP with a folder per field and sub-criterion holding
its documents under stable, readable names, and an index workbook of every sub-criterion with
its self-score, appraisal, documents and gaps. Built by a Celery task (the web process never
builds a big ZIP in a request) or by `manage.py export_dossier`.

Names are valid on Windows: no reserved characters (< > : " / \\ | ? *), no control characters,
no trailing dot or space, no reserved device name (CON, PRN, AUX, NUL, COM1–9, LPT1–9), at most
80 characters a part; diacritics are kept (NFC, stored as UTF-8 names in the ZIP)."""

from __future__ import annotations

import io
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import PurePosixPath

from django.core.files import File
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from par_portal.excel import append_row
from reporting.models import DossierExport, SelfScore
from reporting.selectors.assessments import COUNTED
from reporting.selectors.locker import ItemState, locker

RESERVED = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
DEVICES = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10))} | {
    f"LPT{i}" for i in range(1, 10)
}


def windows_safe(name: str, *, limit: int = 80) -> str:
    """A file or folder name any Windows accepts, diacritics kept."""
    text = unicodedata.normalize("NFC", name)
    text = RESERVED.sub("-", text)
    text = re.sub(r"\s+", " ", text).strip()[:limit].rstrip(" .")
    if not text:
        text = "_"
    if text.split(".")[0].upper() in DEVICES:
        text = f"_{text}"
    return text


def document_name(code: str, document, taken: set[str]) -> str:
    """`2.1.3_123-QĐ-UBND_2026-03-15.pdf`: the sub-criterion, the number, the date, the file's
    own extension; a second document of the same name gets `_2`."""
    number = document.number or document.description[:40]
    day = f"{document.issued_on:%Y-%m-%d}" if document.issued_on else "khong-ngay"
    suffix = PurePosixPath(document.source_name).suffix.lower()[:8]
    stem = windows_safe(f"{code}_{number.replace('/', '-')}_{day}", limit=100)
    name, index = f"{stem}{suffix}", 2
    while name.lower() in taken:
        name, index = f"{stem}_{index}{suffix}", index + 1
    taken.add(name.lower())
    return name


def dossier_write(
    province, year: int, target, *, progress: Callable[[int, int], None] | None = None
) -> int:
    """Write the dossier ZIP of a province's index year into `target` (a binary file); returns
    the number of documents. `progress(done, total)` is called as files are added."""
    lines = locker(province, year)
    chosen = [
        (line, item_line, document)
        for line in lines
        for item_line in line.items
        for document in item_line.documents
        if document.status != document.Status.REJECTED
    ]
    total = len(chosen)
    if progress:
        progress(0, total)
    scores = _latest_scores(province, year)
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        taken: set[str] = set()
        folders = {}
        for done, (line, _item_line, document) in enumerate(chosen, start=1):
            criterion = line.criterion
            folder = folders.setdefault(
                criterion.pk,
                "/".join(
                    [
                        windows_safe(f"{criterion.field.number}. {criterion.field.name_vi}"),
                        windows_safe(f"{criterion.code} {criterion.name_vi}"),
                    ]
                ),
            )
            name = f"{folder}/{document_name(criterion.code, document, taken)}"
            with document.stored.open("rb") as handle:
                archive.writestr(name, handle.read())
            document.dossier_name = name
            if progress:
                progress(done, total)
        archive.writestr(windows_safe(_("Dossier index")) + ".xlsx", _index_workbook(lines, scores))
    return total


def _latest_scores(province, year: int) -> dict[int, SelfScore]:
    found: dict[int, SelfScore] = {}
    for score in (
        SelfScore.objects.filter(
            assessment__period__province=province,
            assessment__period__month__year=year,
            assessment__status__in=COUNTED,
        )
        .order_by("assessment__period__month", "assessment__submitted_at")
        .only("criterion_id", "score", "appraised_score", "appraisal_note")
    ):
        found[score.criterion_id] = score
    return found


def _index_workbook(lines, scores) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Dossier index")[:31]
    header = [
        _("Sub-criterion"),
        _("Maximum points"),
        _("Owning unit"),
        _("Self-score"),
        _("Appraised score"),
        _("Appraisal note"),
        _("Documents"),
        _("Missing"),
    ]
    append_row(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        score = scores.get(line.criterion.pk)
        documents = [
            getattr(d, "dossier_name", d.source_name)
            for item_line in line.items
            for d in item_line.documents
            if d.status != d.Status.REJECTED
        ]
        append_row(
            sheet,
            [
                f"{line.criterion.code} {line.criterion.name_vi}",
                float(line.criterion.max_points),
                line.owner.name_vi if line.owner else "",
                float(score.score) if score and score.score is not None else None,
                float(score.appraised_score)
                if score and score.appraised_score is not None
                else None,
                score.appraisal_note if score else "",
                "\n".join(documents),
                "\n".join(
                    str(item_line.item)
                    for item_line in line.items
                    if item_line.state == ItemState.MISSING
                ),
            ],
        )
    sheet.column_dimensions["A"].width = 60
    sheet.column_dimensions["G"].width = 60
    sheet.column_dimensions["H"].width = 50
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def dossier_export_run(export: DossierExport) -> DossierExport:
    """Build the export's ZIP, recording its progress on the row as files are added."""
    export.status = DossierExport.Status.RUNNING
    export.save(update_fields=["status"])

    def progress(done: int, total: int) -> None:
        DossierExport.objects.filter(pk=export.pk).update(done=done, total=total)

    try:
        with tempfile.TemporaryFile() as target:
            dossier_write(export.province, export.year, target, progress=progress)
            target.seek(0)
            name = f"ho-so-tu-danh-gia-{export.province.code}-{export.year}.zip"
            export.refresh_from_db(fields=["done", "total"])
            export.file.save(name, File(target), save=False)
    except Exception as error:  # noqa: BLE001 - recorded on the row and shown to the user
        export.status, export.error = DossierExport.Status.FAILED, f"{type(error).__name__}"
        export.finished_at = timezone.now()
        export.save(update_fields=["status", "error", "finished_at"])
        raise
    export.status, export.finished_at = DossierExport.Status.DONE, timezone.now()
    export.save(update_fields=["status", "file", "finished_at", "done", "total"])
    return export
