"""A province admin sees and edits only their province in Django admin."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from indicators.models import Membership, Methodology, Role, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def qn_admin_client(client, qn_province_admin):
    client.force_login(qn_province_admin)
    return client


def test_unit_list_shows_only_own_province(qn_admin_client, quang_nam, an_giang):
    response = qn_admin_client.get(reverse("admin:indicators_unit_changelist"), {"all": ""})
    assert response.status_code == 200
    shown = {unit.pk for unit in response.context["cl"].result_list}
    assert shown == set(quang_nam.units.values_list("pk", flat=True))
    assert not shown & set(an_giang.units.values_list("pk", flat=True))


def test_other_provinces_unit_is_not_found_by_url(qn_admin_client, an_giang):
    unit = an_giang.units.first()
    url = reverse("admin:indicators_unit_change", args=[unit.pk])
    response = qn_admin_client.get(url)
    assert response.status_code == 302  # "does not exist" redirect to the admin index
    assert response.url == reverse("admin:index")
    response = qn_admin_client.post(url, {"name_vi": "Hacked"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name_vi != "Hacked"


def test_other_provinces_units_are_not_offered_as_choices(qn_admin_client, an_giang):
    response = qn_admin_client.get(reverse("admin:indicators_task_add"))
    assert response.status_code == 200
    choices = response.context["adminform"].form.fields["lead_unit"].queryset
    assert not choices.filter(province=an_giang).exists()
    provinces = (
        qn_admin_client.get(reverse("admin:indicators_unit_add"))
        .context["adminform"]
        .form.fields["province"]
        .queryset
    )
    assert list(provinces.values_list("code", flat=True)) == ["quang-nam"]


def test_autocomplete_of_units_is_scoped(qn_admin_client, an_giang):
    response = qn_admin_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "indicators", "model_name": "task", "field_name": "lead_unit", "term": "Sở"},
    )
    assert response.status_code == 200
    ids = {int(item["id"]) for item in response.json()["results"]}
    assert ids
    assert not Unit.objects.filter(pk__in=ids, province=an_giang).exists()


def test_province_admin_cannot_edit_shared_reference_data(qn_admin_client, quang_nam):
    url = reverse("admin:indicators_province_change", args=[quang_nam.pk])
    assert qn_admin_client.get(url).status_code == 200  # may look
    qn_admin_client.post(url, {"name_vi": "Đổi tên", "name_en": "x", "code": "x", "kind": "city"})
    quang_nam.refresh_from_db()
    assert quang_nam.name_vi == "Quảng Nam"
    assert qn_admin_client.get(reverse("admin:indicators_methodology_add")).status_code == 403


def test_province_admin_sees_only_users_of_their_province(qn_admin_client):
    response = qn_admin_client.get(reverse("admin:auth_user_changelist"))
    usernames = {user.username for user in response.context["cl"].result_list}
    assert "qn.reporter" in usernames
    assert not usernames & {"ag.reporter", "dn.reporter", "admin"}


def test_province_admin_creates_a_user_with_a_membership(qn_admin_client, quang_nam):
    unit = quang_nam.units.get(code="stp")
    response = qn_admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "stp.reporter",
            "usable_password": "true",
            "password1": "Long-enough-pass-42",
            "password2": "Long-enough-pass-42",
            "province": quang_nam.pk,
            "role": Role.UNIT_REPORTER,
            "unit": unit.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = get_user_model().objects.get(username="stp.reporter")
    assert not user.is_staff and not user.is_superuser
    assert Membership.objects.filter(user=user, unit=unit, role=Role.UNIT_REPORTER).exists()


def test_province_admin_cannot_create_a_user_in_another_province(qn_admin_client, an_giang):
    response = qn_admin_client.post(
        reverse("admin:auth_user_add"),
        {
            "username": "intruder",
            "usable_password": "true",
            "password1": "Long-enough-pass-42",
            "password2": "Long-enough-pass-42",
            "province": an_giang.pk,
            "role": Role.COMMITTEE,
        },
    )
    assert response.status_code == 200
    assert "province" in response.context["adminform"].form.errors
    assert not get_user_model().objects.filter(username="intruder").exists()


def test_reporter_without_staff_cannot_open_admin(client, qn_reporter):
    client.force_login(qn_reporter)
    response = client.get(reverse("admin:indicators_unit_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response.url


def test_superuser_sees_every_province(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:indicators_unit_changelist"), {"all": ""})
    assert response.context["cl"].result_count == Unit.objects.count()


def test_admin_labels_are_vietnamese(qn_admin_client):
    response = qn_admin_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert "Đơn vị" in content
    assert "Kế hoạch" in content


def test_criteria_inline_refuses_children_above_the_field_maximum(client, superuser):
    field = Methodology.objects.get(code="qd2948").fields.get(code="legal")  # max 10 points
    client.force_login(superuser)
    prefix = "criteria"
    data = {
        "methodology": field.methodology_id,
        "code": field.code,
        "number": field.number,
        "name_vi": field.name_vi,
        "name_en": field.name_en,
        "max_points": "10.00",
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        f"{prefix}-0-code": "2.1",
        f"{prefix}-0-name_vi": "a",
        f"{prefix}-0-max_points": "6",
        f"{prefix}-0-scoring": "appraisal",
        f"{prefix}-0-order": "1",
        f"{prefix}-1-code": "2.2",
        f"{prefix}-1-name_vi": "b",
        f"{prefix}-1-max_points": "5",
        f"{prefix}-1-scoring": "appraisal",
        f"{prefix}-1-order": "2",
    }
    response = client.post(reverse("admin:indicators_field_change", args=[field.pk]), data)
    assert response.status_code == 200
    assert field.criteria.count() == 0
    assert "11" in str(response.context["inline_admin_formsets"][0].formset.non_form_errors())


def test_changing_a_target_marks_and_queues_the_plan_years_months(
    qn_admin_client, monkeypatch, django_capture_on_commit_callbacks
):
    import datetime as dt

    from indicators.models import FieldTarget
    from reporting import tasks
    from reporting.models import Period

    queued = []
    monkeypatch.setattr(tasks.rollup_period, "delay", queued.append)
    target = FieldTarget.objects.get(plan__number="5442/KH-UBND", field__code="procedures")
    today = dt.date(2021, 10, 5)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: today)
    url = reverse("admin:indicators_fieldtarget_change", args=[target.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = qn_admin_client.post(
            url,
            {
                "plan": target.plan_id,
                "field": target.field_id,
                "best_rank": "7",
                "min_pct": "",
                "note": "",
            },
        )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.best_rank == 7
    # the plan's year up to the current month (October): August to October are marked stale
    # in the admin's transaction and queued after it; November is not begun
    months = Period.objects.filter(province__code="quang-nam", month__lte=dt.date(2021, 10, 1))
    assert sorted(queued) == sorted(months.values_list("pk", flat=True))
    assert len(queued) == 3
    assert all(p.dirty_since is not None for p in months)
    assert (
        Period.objects.get(province__code="quang-nam", month=dt.date(2021, 11, 1)).dirty_since
        is None
    )
