"""Pages: Vietnamese by default, English on request, the header, and the no-membership page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_login_page_is_vietnamese(client):
    response = client.get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'lang="vi"' in content
    assert "Đăng nhập Cổng theo dõi Chỉ số CCHC" in content
    assert "Mật khẩu" in content  # Django's own field label, translated


def test_wrong_password_says_so_in_vietnamese(client, qn_reporter):
    response = client.post(reverse("login"), {"username": "qn-reporter-t", "password": "nope"})
    assert response.status_code == 200
    assert "mật khẩu chính xác" in response.content.decode()  # Django's vi message


def test_english_is_one_switch_away(client, qn_reporter):
    client.force_login(qn_reporter)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("home")).content.decode()
    assert 'lang="en"' in content
    assert "Targets per field" in content
    assert "Nui Thanh District People&#x27;s Committee" in content


def test_header_shows_province_and_role(client, qn_reporter):
    client.force_login(qn_reporter)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert 'data-testid="header-province">Quảng Nam<' in content
    assert "cán bộ báo cáo của đơn vị" in content
    assert "5442/KH-UBND" in content


def test_user_without_membership_gets_an_explanation_not_an_error(client, outsider):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "chưa được gán cho tỉnh nào" in response.content.decode()


def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_ranking_marks_synthetic_figures_and_highlights_own_province(client, qn_reporter):
    client.force_login(qn_reporter)
    response = client.get(reverse("ranking"), {"year": 2019})
    content = response.content.decode()
    results = response.context["results"]
    assert len(results) == 63
    assert "synthetic-mark" in content
    assert "số liệu minh họa" in content
    own = next(r for r in results if r.province.code == "quang-nam")
    assert own.rank == 35 and not own.is_synthetic


def test_ranking_without_synthetic_rows_shows_no_mark(client, qn_reporter):
    client.force_login(qn_reporter)
    response = client.get(reverse("ranking"), {"year": 2023})
    assert response.context["results"]
    assert "synthetic-mark" not in response.content.decode()


def test_ranking_answers_a_bad_year_with_a_400_in_vietnamese(client, qn_reporter):
    client.force_login(qn_reporter)
    response = client.get(reverse("ranking"), {"year": "abc"})
    assert response.status_code == 400
    assert "không phải là một năm" in response.content.decode()
    assert client.get(reverse("ranking"), {"year": ""}).status_code == 200  # empty: the default


def test_browser_language_does_not_override_vietnamese_default(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert 'lang="vi"' in response.content.decode()
