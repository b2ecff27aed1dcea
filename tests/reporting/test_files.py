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
