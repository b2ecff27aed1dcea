"""Vietnam's official administrative units since 1 July 2025 — the 34 provinces and their
communes, wards and special zones, with their GSO codes — from the maintained
`vietnam-provinces` package, the one home for them. Units are created from it (admin's
commune choice, `manage.py import_communes`), so names and codes are never typed by hand.

The package knows the map since July 2025 only: a province of the 63 has no official communes
here."""

from __future__ import annotations

from dataclasses import dataclass, field

import vietnam_provinces as vp
from django.db import transaction
from django.utils.text import slugify

from indicators.models import Province, Unit
from indicators.services.par_data import MAP_CHANGE
from indicators.services.results_import import province_key
from indicators.services.tables import folded

DATA_VERSION = vp.__data_version__
TYPE_EN = {
    vp.VietNamDivisionType.XA: "Commune",
    vp.VietNamDivisionType.PHUONG: "Ward",
    vp.VietNamDivisionType.DAC_KHU: "Special Zone",
}


def official_provinces() -> list[vp.Province]:
    return list(vp.Province.iter_all())


def official_province(province: Province) -> vp.Province | None:
    """The package's province for one of ours on the map since July 2025 (matched by name)."""
    if province.valid_from is None or province.valid_from < MAP_CHANGE:
        return None
    key = province_key(province.name_vi)
    return next((p for p in official_provinces() if province_key(p.name) == key), None)


def official_communes(province: Province) -> list[vp.Ward]:
    found = official_province(province)
    if found is None:
        return []
    return sorted(vp.Ward.iter_by_province(found.code), key=lambda w: folded(w.name))


def official_commune(province: Province, code: str) -> vp.Ward | None:
    """The commune of that code if it belongs to `province` (None otherwise: the check of a
    posted code against the province)."""
    try:
        ward = vp.Ward.from_code(vp.WardCode(int(code)))
    except (ValueError, TypeError):
        return None
    found = official_province(province)
    return ward if found is not None and ward.province_code == found.code else None


def committee_names(ward: vp.Ward) -> tuple[str, str]:
    """("UBND phường Hải Châu", "Hai Chau Ward People's Committee")."""
    name_vi = "UBND " + ward.name[0].lower() + ward.name[1:]
    prefix = slugify(ward.division_type.value).replace("-", "_") + "_"
    plain = ward.codename.removeprefix(prefix).replace("_", " ").title()
    return name_vi, f"{plain} {TYPE_EN[ward.division_type]} People's Committee"


@dataclass
class CommuneImport:
    created: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # existing units given their official code
    existing: int = 0


@transaction.atomic
def communes_import(*, province: Province, dry_run: bool = False) -> CommuneImport:
    """Every commune of the province as a commune People's Committee unit. A unit already
    holding the code is left as it is; a unit of the same name without a code gets the code.
    Run it twice: nothing more happens."""
    result = CommuneImport()
    units = list(Unit.objects.filter(province=province))
    by_code = {u.official_code: u for u in units if u.official_code}
    by_name = {folded(u.name_vi): u for u in units if not u.official_code}
    codes = {u.code for u in units}
    for ward in official_communes(province):
        code = str(int(ward.code))
        if code in by_code:
            result.existing += 1
            continue
        name_vi, name_en = committee_names(ward)
        same = by_name.get(folded(name_vi))
        if same is not None:
            result.linked.append(name_vi)
            if not dry_run:
                Unit.objects.filter(pk=same.pk).update(official_code=code)
            continue
        slug = slugify(ward.codename.replace("_", "-"))[:50]
        if slug in codes:
            slug = f"{slug}-{code}"
        codes.add(slug)
        result.created.append(name_vi)
        if not dry_run:
            Unit.objects.create(
                province=province,
                code=slug,
                name_vi=name_vi,
                name_en=name_en,
                kind=Unit.Kind.COMMUNE_COMMITTEE,
                official_code=code,
                valid_from=max(MAP_CHANGE, province.valid_from or MAP_CHANGE),
            )
    return result
