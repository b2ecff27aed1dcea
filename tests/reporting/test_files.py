import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError

from reporting.files import validate_evidence
from tests.reporting.conftest import EXE, PDF, PNG, docx_bytes, upload


def test_pdf_image_and_word_files_are_recognised_by_content():
    assert validate_evidence(upload("a.pdf", PDF)) == "application/pdf"
    assert validate_evidence(upload("photo.PNG", PNG)) == "image/png"
    assert validate_evidence(upload("bao-cao.docx", docx_bytes())).endswith("document")
    assert validate_evidence(upload("no-extension", PDF)) == "application/pdf"


def test_an_exe_renamed_pdf_is_refused():
    with pytest.raises(ValidationError, match="nội dung|content"):
        validate_evidence(upload("ket-qua.pdf", EXE))


def test_a_plain_zip_is_not_an_office_file():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("virus.exe", EXE)
    with pytest.raises(ValidationError):
        validate_evidence(upload("bang.xlsx", buffer.getvalue()))


def test_oversized_file_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="100"):
        validate_evidence(upload("big.pdf", PDF + b"x" * 200))


# --- zip bombs -----------------------------------------------------------------------------


def _office(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def _declare_size(content: bytes, size: int) -> bytes:
    """Rewrite every central-directory entry to claim `size` bytes once uncompressed."""
    data = bytearray(content)
    at = data.find(b"PK\x01\x02")
    while at != -1:
        struct.pack_into("<I", data, at + 24, size)
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def test_an_office_file_that_expands_past_the_cap_is_refused(settings):
    settings.EVIDENCE_ARCHIVE_MAX_BYTES = 100 * 1024 * 1024
    content = _declare_size(_office({"word/document.xml": b"<document/>"}), 0xFFFFFFF0)
    assert len(content) < 400
    with pytest.raises(ValidationError) as refused:
        validate_evidence(upload("bao-cao.docx", content))
    assert "mở rộng" in refused.value.messages[0]  # Vietnamese: "would expand to"


def test_an_absurdly_compressed_office_file_is_refused(settings):
    content = _office({"word/document.xml": b"\0" * (8 * 1024 * 1024)})
    assert len(content) < 100_000
    with pytest.raises(ValidationError) as refused:
        validate_evidence(upload("bao-cao.docx", content))
    assert "zip bomb" in refused.value.messages[0]


def test_an_office_file_with_too_many_parts_is_refused(settings):
    settings.EVIDENCE_ARCHIVE_MAX_ENTRIES = 50
    content = _office({f"word/part{i}.xml": b"<p/>" for i in range(60)})
    with pytest.raises(ValidationError) as refused:
        validate_evidence(upload("bao-cao.docx", content))
    assert "61 thành phần" in refused.value.messages[0]  # 60 parts and [Content_Types].xml


def test_a_normal_office_file_with_ordinary_compression_is_accepted():
    text = " ".join(f"<w:p>Đoạn {i} của báo cáo cải cách hành chính</w:p>" for i in range(20000))
    content = _office({"word/document.xml": text.encode()})
    assert validate_evidence(upload("bao-cao.docx", content)).endswith("document")
