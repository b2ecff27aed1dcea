"""Reads of the PAR framework, geography, results and memberships."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from indicators.models import (
    FieldTarget,
    Membership,
    Methodology,
    NationalResult,
    NationalStatistic,
    Plan,
    Province,
    Role,
)
from par_portal.cache import DIRECTORY, cached


def methodology_for_year(year: int, *, level: str = Methodology.Level.PROVINCE):
    return (
        Methodology.objects.filter(level=level, first_year__lte=year)
        .filter(Q(last_year__isnull=True) | Q(last_year__gte=year))
        .prefetch_related("fields")
        .first()
    )


def provinces_on(day: dt.date) -> QuerySet[Province]:
    return Province.objects.valid_on(day)


def province_by_name(name: str, *, year: int) -> Province | None:
    """The province of that name (English, Vietnamese or code) as the map stood at the end of
    `year`: 'Quang Nam' in 2021 is the pre-2025 province, 'Da Nang' in 2025 the merged city."""
    candidates = Province.objects.filter(
        Q(code=name) | Q(name_en__iexact=name) | Q(name_vi__iexact=name)
    )
    return candidates.valid_on(dt.date(year, 12, 31)).first() or candidates.first()


def memberships_of(user: AbstractBaseUser) -> QuerySet[Membership]:
    if not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user).select_related("province", "unit")


def user_memberships(user: AbstractBaseUser) -> list[Membership]:
    """The user's memberships, read once per user object (a request's user is loaded afresh for
    each request, so the header, the access check and the province lookup share one read) and
    cached between requests until the directory changes."""
    if not user.is_authenticated:
        return []
    found = getattr(user, "_par_memberships", None)
    if found is None:
        # cached across requests under the directory's version (any membership, unit or
        # province saved or deleted makes a new one: indicators.signals)
        found = cached(("memberships", user.pk), [DIRECTORY], lambda: list(memberships_of(user)))
        user._par_memberships = found
    return found


def lineage(province: Province) -> list[Province]:
    """The province and those it absorbed (Da Nang since 2025: old Da Nang and Quang Nam): the
    one definition every page, roll-up and import uses."""
    return [province, *province.predecessors.order_by("name_vi")]


def admin_province_ids(user: AbstractBaseUser) -> set[int]:
    """Provinces a user may administer in Django admin (empty for a superuser: see is_superuser)."""
    return set(
        memberships_of(user).filter(role=Role.PROVINCE_ADMIN).values_list("province_id", flat=True)
    )


def national_ranking(year: int) -> QuerySet[NationalResult]:
    """Every published result of a year: the ranking pool is the provinces that have one."""
    return (
        NationalResult.objects.filter(year=year)
        .select_related("province")
        .order_by("rank", "-index_pct", "province__name_vi")
    )


def result_years() -> list[int]:
    return list(NationalResult.objects.order_by("-year").values_list("year", flat=True).distinct())


def national_average(year: int) -> NationalStatistic | None:
    return NationalStatistic.objects.filter(year=year, metric="provinces_average_pct").first()


def plans_of_province(province: Province) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(province=province)
        .prefetch_related("field_targets__field", "indicators__targets")
        .order_by("-year")
    )


def plan_for(province: Province, year: int) -> Plan | None:
    return (
        Plan.objects.filter(province__in=lineage(province), year__lte=year)
        .order_by("-year", "-issued_on")
        .first()
    )


def reading_province(user, code: str | None = None) -> Province | None:
    """The province whose internal data the user may read (committee, reviewer, admin)."""
    roles = {Role.COMMITTEE, Role.FOCAL_REVIEWER, Role.PROVINCE_ADMIN}
    for membership in user_memberships(user):
        if membership.role in roles and (not code or membership.province.code == code):
            return membership.province
    return None


def latest_year_with_results(province: Province, before: int | None = None) -> int | None:
    """The last published year of the province (or those it absorbed), before a year if given."""
    results = NationalResult.objects.filter(province__in=lineage(province))
    if before is not None:
        results = results.filter(year__lt=before)
    return results.order_by("-year").values_list("year", flat=True).first()


def field_target(province: Province, year: int, code: str) -> FieldTarget | None:
    return field_targets(province, year, codes=[code]).get(code)


def field_targets(
    province: Province, year: int, *, codes: Iterable[str] | None = None
) -> dict[str, FieldTarget]:
    """Each field's target in force in `year`: that of the latest plan of the province (or those
    it absorbed) up to the year that sets one. One query for every field."""
    targets = FieldTarget.objects.filter(
        plan__province__in=lineage(province), plan__year__lte=year
    ).select_related("field")
    if codes is not None:
        targets = targets.filter(field__code__in=list(codes))
    found: dict[str, FieldTarget] = {}
    for target in targets.order_by("-plan__year", "pk"):
        found.setdefault(target.field.code, target)
    return found


def with_successors(province_ids: Iterable[int]) -> set[int]:
    """The provinces and every province that absorbed them, directly or not (a change to Quang
    Nam's 2021 data is also a change to the Da Nang that absorbed it)."""
    found = set(province_ids)
    frontier = set(found)
    while frontier:
        frontier = (
            set(
                Province.objects.filter(pk__in=frontier, successor__isnull=False).values_list(
                    "successor_id", flat=True
                )
            )
            - found
        )
        found |= frontier
    return found
