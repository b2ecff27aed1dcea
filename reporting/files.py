"""Evidence file checks: the type is read from the file's first bytes, never from its name."""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (OLE, "application/x-ole-storage"),
]
OOXML = {
    "word/": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xl/": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class ArchiveRefused(ValidationError):
    """An Office file (a ZIP inside) that would be dangerous to open: a zip bomb."""


def check_archive(archive: zipfile.ZipFile, *, name: str, size: int) -> None:
    """Refuse an Office file by the sizes its own directory declares, before anyone unpacks it:
    too many parts, too much once expanded, or compressed far more than real documents are.
    (A Word or Excel file is compressed a few times to a few dozen times; a bomb, thousands.)"""
    entries = archive.infolist()
    expanded = sum(entry.file_size for entry in entries)
    compressed = sum(entry.compress_size for entry in entries)
    if len(entries) > settings.EVIDENCE_ARCHIVE_MAX_ENTRIES:
        raise ArchiveRefused(
            _("“%(name)s” holds %(count)s parts; an Office file may hold at most %(max)s.")
            % {"name": name, "count": len(entries), "max": settings.EVIDENCE_ARCHIVE_MAX_ENTRIES}
        )
    if expanded > settings.EVIDENCE_ARCHIVE_MAX_BYTES:
        raise ArchiveRefused(
            _("“%(name)s” would expand to %(size)s; an Office file may expand to at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(expanded),
                "max": filesizeformat(settings.EVIDENCE_ARCHIVE_MAX_BYTES),
            }
        )
    ratio_base = max(compressed, size, 1)
    if expanded > 1024 * 1024 and expanded / ratio_base > settings.EVIDENCE_ARCHIVE_MAX_RATIO:
        raise ArchiveRefused(
            _(
                "“%(name)s” is compressed %(ratio)s times, far more than a real document; "
                "it was refused as a possible zip bomb."
            )
            % {"name": name, "ratio": int(expanded / ratio_base)}
        )


def sniff_content_type(upload) -> str | None:
    """The evidence type of an uploaded file, or None when it is not an accepted kind.
    Raises ArchiveRefused for an Office file that is a zip bomb."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as archive:
                check_archive(archive, name=upload.name, size=upload.size)
                names = archive.namelist()
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "[Content_Types].xml" in names:
            for prefix, content_type in OOXML.items():
                if any(name.startswith(prefix) for name in names):
                    return content_type
    return None


def validate_evidence(upload) -> str:
    """Raise a ValidationError in the user's language, or return the detected type."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; evidence files may be at most %(max)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "max": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            }
        )
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, Word, Excel or image file (its content was checked, "
                "not its name)."
            )
            % {"name": upload.name}
        )
    return content_type
