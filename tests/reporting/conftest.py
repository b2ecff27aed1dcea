"""Reporting fixtures: a small province-independent period with known instants, and personas
of the live scenario (Da Nang) and of another province."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.models import Membership, Province, Role, Unit
from reporting.models import Period

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture
def da_nang(db):
    return Province.objects.get(code="da-nang-2025")


@pytest.fixture
def hai_chau(da_nang):
    return da_nang.units.get(code="hai-chau")


@pytest.fixture
def hoi_an(da_nang):
    return da_nang.units.get(code="hoi-an")


@pytest.fixture
def period(da_nang):
    """Next month: the live demo's tasks run, nothing is seeded yet (any date)."""
    from django.utils import timezone

    from par_portal.months import first_day, next_month

    following = next_month(first_day(timezone.localdate()))
    return Period.objects.get(province=da_nang, month=following)


def _user(username: str, province, role, unit=None):
    user = get_user_model().objects.create_user(username, password="Pw-for-tests-1")
    Membership.objects.create(user=user, province=province, unit=unit, role=role)
    return user


@pytest.fixture
def reporter(da_nang, hai_chau):
    return _user("t.reporter", da_nang, Role.UNIT_REPORTER, hai_chau)


@pytest.fixture
def second_reporter(da_nang, hai_chau):
    return _user("t.reporter2", da_nang, Role.UNIT_REPORTER, hai_chau)


@pytest.fixture
def reviewer(da_nang):
    return _user("t.reviewer", da_nang, Role.FOCAL_REVIEWER, da_nang.units.get(code="snv"))


@pytest.fixture
def committee(da_nang):
    return _user("t.committee", da_nang, Role.COMMITTEE)


@pytest.fixture
def other_province_reviewer(db):
    an_giang = Province.objects.get(code="an-giang")
    return _user("t.ag.reviewer", an_giang, Role.FOCAL_REVIEWER, an_giang.units.get(code="stttt"))


@pytest.fixture
def other_unit_reporter(da_nang, hoi_an):
    return _user("t.hoian", da_nang, Role.UNIT_REPORTER, hoi_an)


def before(moment: dt.datetime, **delta) -> dt.datetime:
    return moment - dt.timedelta(**delta)


# --- files ---------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


__all__ = ["HCM", "PDF", "PNG", "EXE", "docx_bytes", "upload", "before", "Unit"]
