"""The official list of administrative units (the `vietnam-provinces` package): the bundled
provinces.csv checked against it, communes picked in admin with their codes, and a province's
communes imported as units in one go."""

import csv
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Membership, Province, Role, Unit
from indicators.services.official_units import (
    communes_import,
    official_commune,
    official_communes,
    official_province,
    official_provinces,
)
from indicators.services.results_import import province_key

pytestmark = pytest.mark.django_db

CSV = Path(__file__).resolve().parents[2] / "indicators" / "data" / "provinces.csv"
KIND = {"thành phố trung ương": "city", "tỉnh": "province"}


def test_the_bundled_provinces_agree_with_the_official_list():
    """Every disagreement is listed, none is settled by preferring one side."""
    rows = list(csv.DictReader(CSV.open(encoding="utf-8")))
    new = {province_key(r["name_vi"]): r for r in rows if r["valid_from"] == "2025-07-01"}
    old = [r for r in rows if r["valid_to"] == "2025-06-30"]
    official = {province_key(p.name): p for p in official_provinces()}
    problems = []
    if len(new) != 34 or len(official) != 34:
        problems.append(f"count: provinces.csv {len(new)}, official list {len(official)}")
    for key in sorted(set(new) - set(official)):
        problems.append(f"only in provinces.csv: {new[key]['name_vi']}")
    for key in sorted(set(official) - set(new)):
        problems.append(f"only in the official list: {official[key].name}")
    for key in sorted(set(new) & set(official)):
        row, found = new[key], official[key]
        if KIND[found.division_type.value] != row["kind"]:
            problems.append(f"{row['name_vi']}: kind {row['kind']} vs {found.division_type.value}")
        # the new province keeps the GSO code of one of the provinces it was formed from
        formed_from = {r["gso_code"] for r in old if r["successor_name_en"] == row["name_en"]}
        if f"{int(found.code):02d}" not in formed_from:
            problems.append(
                f"{row['name_vi']}: official code {int(found.code):02d} is none of its "
                f"predecessors' GSO codes {sorted(formed_from)}"
            )
    assert problems == [], "provinces.csv and vietnam-provinces disagree:\n" + "\n".join(problems)


def test_every_province_on_today_s_map_has_its_communes():
    current = Province.objects.filter(valid_to__isnull=True)
    assert current.count() == 34
    counts = {p.code: len(official_communes(p)) for p in current}
    assert all(counts.values()), counts
    assert 3200 < sum(counts.values()) < 3400
    da_nang = Province.objects.get(code="da-nang-2025")
    assert "Phường Hải Châu" in [w.name for w in official_communes(da_nang)]


def test_a_province_of_the_63_has_none():
    old = Province.objects.get(code="quang-nam")
    assert official_province(old) is None and official_communes(old) == []


def test_a_code_of_another_province_is_not_its_commune():
    da_nang = Province.objects.get(code="da-nang-2025")
    an_giang = Province.objects.get(code="an-giang-2025")
    ward = official_communes(an_giang)[0]
    assert official_commune(an_giang, str(int(ward.code))) == ward
    assert official_commune(da_nang, str(int(ward.code))) is None
    assert official_commune(da_nang, "not-a-code") is None


def test_importing_a_province_s_communes_links_the_demo_s_and_adds_the_rest():
    da_nang = Province.objects.get(code="da-nang-2025")
    before = da_nang.units.count()
    out = StringIO()
    call_command("import_communes", province="da-nang-2025", stdout=out)
    communes = official_communes(da_nang)
    linked = da_nang.units.filter(code="hai-chau").get()
    assert linked.official_code == next(
        str(int(w.code)) for w in communes if w.name == "Phường Hải Châu"
    )
    made = da_nang.units.exclude(official_code="")
    assert made.count() == len(communes)
    assert da_nang.units.count() - before == len(communes) - 6  # the demo's six are linked
    unit = made.exclude(code="hai-chau").order_by("code").first()
    assert unit.kind == "commune" and unit.name_vi.startswith("UBND ")
    assert unit.name_en.endswith("People's Committee")
    assert f"created {len(communes) - 6}, linked 6" in out.getvalue()
    again = communes_import(province=da_nang)
    assert (again.created, again.linked, again.existing) == ([], [], len(communes))


def test_the_command_refuses_an_unknown_or_old_province():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No province"):
        call_command("import_communes", province="atlantis")
    with pytest.raises(CommandError, match="not on the map since July 2025"):
        call_command("import_communes", province="quang-nam")


@pytest.fixture
def dn_admin(django_user_model):
    user = django_user_model.objects.create_user("dn-admin-ou", password="x-Pw-1", is_staff=True)
    Membership.objects.create(
        user=user, province=Province.objects.get(code="da-nang-2025"), role=Role.PROVINCE_ADMIN
    )
    return user


def _post(client, province, commune, **extra):
    data = {
        "province": province.pk,
        "code": "",
        "name_vi": "",
        "name_en": "",
        "kind": "other",
        "official_commune": commune,
        "head_email": "",
        "valid_from": "",
        "valid_to": "",
        "parent": "",
        **extra,
    }
    return client.post(reverse("admin:indicators_unit_add"), data)


def test_a_province_admin_creates_a_unit_by_picking_a_commune(client, dn_admin):
    da_nang = Province.objects.get(code="da-nang-2025")
    client.force_login(dn_admin)
    page = client.get(reverse("admin:indicators_unit_add"))
    body = page.content.decode()
    assert "Phường Hải Châu (" in body
    assert "Xã Mỹ Hòa Hưng" not in body  # An Giang's communes are not offered
    ward = next(w for w in official_communes(da_nang) if w.name == "Xã Hòa Vang")
    response = _post(client, da_nang, str(int(ward.code)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    unit = Unit.objects.get(province=da_nang, official_code=str(int(ward.code)))
    assert (unit.name_vi, unit.kind, unit.code) == ("UBND xã Hòa Vang", "commune", "xa-hoa-vang")
    # the same commune twice: refused by the constraint's message, nothing saved
    again = _post(client, da_nang, str(int(ward.code)), code="hoa-vang-2")
    assert again.status_code == 200
    assert Unit.objects.filter(province=da_nang, official_code=str(int(ward.code))).count() == 1


def test_a_commune_of_another_province_is_refused(client, dn_admin):
    da_nang = Province.objects.get(code="da-nang-2025")
    an_giang = Province.objects.get(code="an-giang-2025")
    foreign = official_communes(an_giang)[0]
    client.force_login(dn_admin)
    count = Unit.objects.count()
    response = _post(client, da_nang, str(int(foreign.code)))
    assert response.status_code == 200
    assert "official_commune" in response.context["adminform"].form.errors
    assert Unit.objects.count() == count
