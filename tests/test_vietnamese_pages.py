"""No English reaches a Vietnamese page, e-mail or workbook: every page, e-mail and Excel sheet
is rendered for each persona in Vietnamese, and no English msgid of our catalogue may appear in
what they show (a string left untranslated, or written without a translation function)."""

from __future__ import annotations

import html
import io
import re

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.utils import timezone

from reporting.models import Period
from tests.test_catalogue import CATALOGUE, entries

pytestmark = pytest.mark.django_db

PAGES = {
    "dn.reporter": [
        "/",
        "/reports/",
        "/reports/notices/",
        "/reports/notices/channels/",
        "/ranking/",
        "{report}",
    ],
    "dn.reviewer": ["/reports/board/", "{board}", "{summary}"],
    "dn.committee": [
        "/dashboard/?year=2020",
        "/dashboard/?year=2023&field=procedures",
        "/dashboard/trend/",
        "/dashboard/targets/",
        "{field}",
        "/dashboard/units/",
        "/dashboard/brief/",
    ],
    "qn.committee": ["/dashboard/?year=2020", "/dashboard/targets/", "/dashboard/brief/"],
    "dn.admin": ["/admin/", "/admin/indicators/unit/", "/admin/indicators/securityevent/"],
}
WORKBOOKS = {"dn.reviewer": ["{summary_xlsx}"], "dn.committee": ["/dashboard/brief/?format=xlsx"]}


def _english_phrases() -> set[str]:
    """Fragments of catalogue msgids that are English phrases (two words or more)."""
    phrases = set()
    for entry in entries(CATALOGUE.read_text()):
        msgid = entry["msgid"].replace('\\"', '"').replace("\\n", " ")
        if not msgid or entry["msgstr"] and entry["msgstr"][0] == entry["msgid"]:
            continue
        for fragment in re.split(r"%\(\w+\)[sd]|%[sd]|\{[^}]*\}|<[^>]+>", msgid):
            fragment = fragment.strip(" .,:;()–-")
            if re.fullmatch(r"[A-Za-z][A-Za-z'’ ,-]*[A-Za-z]", fragment) and " " in fragment:
                phrases.add(fragment)
    return phrases


def _visible_text(content: str) -> str:
    content = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", content, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", content))


def _urls() -> dict[str, str]:
    da_nang_period = (
        Period.objects.filter(province__code="da-nang-2025", month__lte=timezone.localdate())
        .order_by("-month")
        .first()
    )
    field_id = da_nang_period.field_cards.first().field_id
    unit = da_nang_period.province.units.get(code="hai-chau")
    return {
        "{report}": f"/reports/{da_nang_period.pk}/unit/{unit.pk}/",
        "{board}": f"/reports/board/{da_nang_period.pk}/",
        "{summary}": f"/reports/board/{da_nang_period.pk}/summary/",
        "{summary_xlsx}": f"/reports/board/{da_nang_period.pk}/summary.xlsx",
        "{field}": f"/dashboard/targets/{da_nang_period.pk}/field/{field_id}/",
    }


def _leaks(text: str, phrases: set[str]) -> list[str]:
    return sorted(
        p for p in phrases if re.search(rf"(?<![A-Za-z]){re.escape(p)}(?![A-Za-z])", text)
    )


def test_pages_and_workbooks_show_no_english_msgid(client):
    phrases = _english_phrases()
    assert len(phrases) > 200
    urls = _urls()
    found = {}
    for username, pages in {**PAGES}.items():
        client.force_login(get_user_model().objects.get(username=username))
        for page in pages:
            response = client.get(urls.get(page, page), follow=True)
            assert response.status_code == 200, page
            leaks = _leaks(_visible_text(response.content.decode()), phrases)
            if leaks:
                found[f"{username} {page}"] = leaks
        for workbook in WORKBOOKS.get(username, []):
            response = client.get(urls.get(workbook, workbook))
            book = openpyxl.load_workbook(io.BytesIO(response.content))
            text = " ".join(
                str(c.value) for s in book.worksheets for r in s.iter_rows() for c in r if c.value
            )
            leaks = _leaks(text, phrases)
            if leaks:
                found[f"{username} {workbook}"] = leaks
    assert found == {}


def test_reminder_emails_show_no_english_msgid(settings):
    from reporting.services.reminders import reminders_run

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    period = Period.objects.filter(province__code="da-nang-2025").order_by("-month").first()
    from reporting.selectors.reminders import reminder_time

    # the 5-day reminder's hour (the working day before, when that day is a day off)
    five_days = reminder_time(period.due_at, 5, province_id=period.province_id)
    reminders_run(now=five_days + timezone.timedelta(hours=1))
    assert mail.outbox
    phrases = _english_phrases()
    for message in mail.outbox:
        texts = [message.subject, message.body] + [a[0] for a in message.alternatives]
        assert _leaks(_visible_text(" ".join(texts)), phrases) == []


def test_the_check_finds_english_when_a_page_is_in_english(client, settings):
    client.force_login(get_user_model().objects.get(username="dn.committee"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    text = _visible_text(client.get("/dashboard/targets/").content.decode())
    assert len(_leaks(text, _english_phrases())) > 5


def test_the_public_page_shows_no_english_msgid(client, django_capture_on_commit_callbacks):
    from indicators.models import Province
    from reporting.models import PublicPage

    province = Province.objects.get(code="da-nang-2025")
    with django_capture_on_commit_callbacks(execute=True):
        PublicPage.objects.update_or_create(
            province=province,
            defaults={
                "is_published": True,
                "show_result": True,
                "show_targets": True,
                "show_fields": True,
                "show_timeliness": True,
            },
        )
        from par_portal.cache import bump, province_scope

        bump([province_scope(province.pk)])
    client.cookies[settings_language_cookie()] = "en"  # a visitor's English cookie changes nothing
    response = client.get(f"/public/{province.code}/")
    assert response.status_code == 200
    assert _leaks(_visible_text(response.content.decode()), _english_phrases()) == []


def settings_language_cookie() -> str:
    from django.conf import settings

    return settings.LANGUAGE_COOKIE_NAME
