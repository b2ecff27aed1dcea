"""The demo: two scenarios, loaded idempotently (a second run changes nothing).

1. The seed's 2021: Quang Nam's Plan 5442/KH-UBND with the targets of plan_targets.csv, its
   2021 departments and 18 district People's Committees; An Giang with its focal agency, the
   Department of Information and Communications; synthetic 2019/2020 results for the provinces
   the published data lacks.
2. A live scenario on today's map: Da Nang city (with the former Quang Nam) with a demo plan
   for the current year, tasks to the end of next year, and a synthetic last published year.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from indicators.models import (
    FieldResult,
    FieldTarget,
    Indicator,
    IndicatorTarget,
    Membership,
    NationalResult,
    Plan,
    Province,
    Role,
    Task,
    Unit,
)
from indicators.selectors import lineage, methodology_for_year, national_average
from indicators.services import demo_data
from indicators.services.demo_criteria import demo_criteria_load
from indicators.services.par_data import par_data_load, read_csv
from indicators.services.synthetic import Band, fill_curve, random_ranking
from par_portal.months import add_months, first_day, last_day

DEMO_PASSWORD = "parportal"  # noqa: S105 - printed demo password, documented in the README
OLD_MAP_END = dt.date(2025, 6, 30)
NEW_MAP_START = dt.date(2025, 7, 1)
CENT = Decimal("0.01")
SYNTHETIC_NOTE = (
    "Synthetic demo figure: no full published table is bundled. Replace it by importing "
    "MoHA's table in admin (Published PAR Index results → Import)."
)

# plan_targets.csv names the fields in the plan's own order; map its names to stable codes.
PLAN_FIELD_CODES = {
    "Directing and administering administrative reform": "directing",
    "Development and implementation of legal documents in the province": "legal",
    "Administrative procedure reform": "procedures",
    "Reforming the organization of the state administrative apparatus": "apparatus",
    "Public finance": "public_finance",
    "Building and improving the quality of cadres, civil servants and public employees": (
        "civil_service"
    ),
    "Administrative modernization": "modernization",
    "Impact of administrative reform on people, organizations and socio-economic development": (
        "impact"
    ),
}


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    province: str
    unit: str


@transaction.atomic
def demo_load(*, today: dt.date | None = None) -> list[DemoUser]:
    today = today or timezone.localdate()
    par_data_load()
    users: list[DemoUser] = []
    quang_nam = Province.objects.get(code="quang-nam")
    an_giang = Province.objects.get(code="an-giang")
    da_nang = Province.objects.get(code="da-nang-2025")

    _units(
        quang_nam,
        demo_data.QUANG_NAM_DEPARTMENTS,
        demo_data.QUANG_NAM_DISTRICTS,
        district_kind=Unit.Kind.DISTRICT_COMMITTEE,
        focal="snv",
        valid_to=OLD_MAP_END,
    )
    plan = _quang_nam_plan(quang_nam)
    _tasks(plan, demo_data.QUANG_NAM_TASKS)
    users += _users("qn", quang_nam, reporter_unit="nui-thanh", reviewer_unit="snv")

    _units(
        an_giang,
        demo_data.AN_GIANG_DEPARTMENTS,
        demo_data.AN_GIANG_DISTRICTS,
        district_kind=Unit.Kind.DISTRICT_COMMITTEE,
        focal="stttt",
        valid_to=OLD_MAP_END,
    )
    ag_plan, _ = Plan.objects.update_or_create(
        province=an_giang,
        number="DEMO-AG-2021",
        defaults={
            "year": 2021,
            "issued_on": dt.date(2021, 1, 15),
            "title": "Kế hoạch cải cách hành chính tỉnh An Giang năm 2021 (dữ liệu minh họa)",
            "is_demo": True,
            "source": "demo: tasks written for the demonstration",
        },
    )
    _tasks(ag_plan, demo_data.AN_GIANG_TASKS)
    users += _users("ag", an_giang, reporter_unit="long-xuyen", reviewer_unit="stttt")

    for year in (2019, 2020):
        synthetic_results_fill(year)

    _units(
        da_nang,
        demo_data.DA_NANG_DEPARTMENTS,
        demo_data.DA_NANG_COMMUNES,
        district_kind=Unit.Kind.COMMUNE_COMMITTEE,
        focal="snv",
        valid_from=NEW_MAP_START,
    )
    # The live scenario is a rolling window: its tasks started twelve months ago and run about
    # a year ahead, whatever today's date, so the last twelve months can all be reported.
    start = demo_window_start(today)
    live_plan = _da_nang_plan(da_nang, start.year)
    _tasks(live_plan, demo_data.DA_NANG_TASKS, base_month=start)
    _reported_indicators(live_plan)
    _reported_indicators(plan)
    # sub-criteria owners, tasks and survey points for both scenarios' index years
    demo_criteria_load(plan, index_year=2021, estimate=False, local_unit="nui-thanh")
    demo_criteria_load(live_plan, index_year=today.year, estimate=True, local_unit="hai-chau")
    users += _users("dn", da_nang, reporter_unit="hai-chau", reviewer_unit="snv")
    synthetic_latest_year_fill(today.year - 1)
    # Field scores of every other province, so that each scenario's gap to target shows
    # (marked illustrative): Quang Nam's last field results before 2021 and before this year.
    for province, before in [(quang_nam, 2021), (da_nang, today.year)]:
        year = last_field_results_year(province, before)
        if year:
            synthetic_field_results_fill(year)
            # and the year before, where published: the projection's "others move by last
            # year's average change" needs both years' pools
            synthetic_field_results_fill(year - 1)

    admin, created = get_user_model().objects.get_or_create(
        username="admin",
        defaults={"is_staff": True, "is_superuser": True, "first_name": "Quản trị hệ thống"},
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save()
    users.append(DemoUser("admin", "superuser", "", ""))
    return users


def _units(
    province, departments, localities, *, district_kind, focal, valid_from=None, valid_to=None
) -> None:
    domain = f"{province.code}.demo.example"
    rows = [(code, vi, en, kind) for code, vi, en, kind in departments]
    rows += [(code, vi, en, district_kind) for code, vi, en in localities]
    for code, name_vi, name_en, kind in rows:
        Unit.objects.update_or_create(
            province=province,
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "kind": kind,
                "is_focal_agency": code == focal,
                "head_email": f"head.{code}@{domain}",
                "valid_from": valid_from,
                "valid_to": valid_to,
            },
        )


def _quang_nam_plan(province: Province) -> Plan:
    rows = [r for r in read_csv("plan_targets.csv") if r["province"] == "Quang Nam"]
    whole = {r["target_kind"]: r for r in rows if r["field_name_en"] == "(whole index)"}
    plan, _ = Plan.objects.update_or_create(
        province=province,
        number="5442/KH-UBND",
        defaults={
            "year": 2021,
            "issued_on": dt.date(2021, 8, 19),
            "title": "Kế hoạch nâng cao Chỉ số cải cách hành chính tỉnh Quảng Nam năm 2021",
            "min_pct": Decimal(whole["min_index_pct"]["value"]),
            "best_rank": int(whole["max_rank"]["value"]),
            "is_demo": False,
            "source": whole["min_index_pct"]["source"],
        },
    )
    fields = {f.code: f for f in methodology_for_year(plan.year).fields.all()}
    for row in rows:
        if row["field_name_en"] == "(whole index)":
            continue
        field = fields[PLAN_FIELD_CODES[row["field_name_en"]]]
        if row["target_kind"] == "max_rank":
            FieldTarget.objects.update_or_create(
                plan=plan,
                field=field,
                defaults={"best_rank": int(row["value"]), "note": row["note"]},
            )
        elif row["target_kind"] == "indicator_pct":
            _share_indicator(
                plan,
                code="online-services-integrated-pct",
                name_vi=ONLINE_SHARE_VI,
                name_en=row["note"].capitalize(),
                field=field,
                target=Decimal(row["value"]),
                due_on=dt.date(2021, 12, 31),
                note=row["source"],
            )
    return plan


def _da_nang_plan(province: Province, year: int) -> Plan:
    plan, _ = Plan.objects.update_or_create(
        province=province,
        number=f"DEMO-DN-{year}",
        defaults={
            "year": year,
            "issued_on": dt.date(year, 1, 10),
            "title": f"Kế hoạch nâng cao Chỉ số CCHC thành phố Đà Nẵng giai đoạn {year}–{year + 1} "
            "(chỉ tiêu minh họa)",
            "min_pct": Decimal("90"),
            "best_rank": 5,
            "is_demo": True,
            "source": "demo: targets invented for the live scenario",
        },
    )
    ranks = {"procedures": 10, "civil_service": 10, "modernization": 5}
    fields = {f.code: f for f in methodology_for_year(year).fields.all()}
    for field in fields.values():
        FieldTarget.objects.update_or_create(
            plan=plan,
            field=field,
            defaults={"best_rank": ranks.get(field.code, 8), "note": "demo target"},
        )
    # Shares computed from what the units report (RATIO: the sum of <code> over the sum of the
    # indicator it may not exceed), each with a demo target at the end of the plan.
    for code, name_vi, name_en, field, target in [
        (
            "online-services-integrated-pct",
            ONLINE_SHARE_VI,
            "Share of level-3/4 online services integrated with the National Public Service Portal",
            "modernization",
            Decimal(100),
        ),
        (
            "dossiers-on-time-pct",
            "Tỷ lệ hồ sơ giải quyết đúng hạn",
            "Share of dossiers resolved on time",
            "procedures",
            Decimal(98),
        ),
    ]:
        _share_indicator(
            plan,
            code=code,
            name_vi=name_vi,
            name_en=name_en,
            field=fields[field],
            target=target,
            due_on=dt.date(year + 1, 12, 31),
            note="demo target",
        )
    return plan


ONLINE_SHARE_VI = (
    "Tỷ lệ dịch vụ công trực tuyến mức độ 3, 4 tích hợp lên Cổng Dịch vụ công quốc gia"
)


def _share_indicator(plan, *, code, name_vi, name_en, field, target, due_on, note) -> None:
    """A percentage computed from what the units report (RATIO: the sum of <code> without
    "-pct" over the sum of the indicator it may not exceed), with its target."""
    indicator, _ = Indicator.objects.update_or_create(
        plan=plan,
        code=code,
        defaults={
            "name_vi": name_vi,
            "name_en": name_en,
            "unit_of_measure": "%",
            "aggregation": Indicator.Aggregation.RATIO,
            "field": field,
        },
    )
    IndicatorTarget.objects.update_or_create(
        indicator=indicator, due_on=due_on, defaults={"value": target, "note": note}
    )


# (code, name_vi, name_en, unit of measure, field, at most)
REPORTED_INDICATORS = [
    (
        "online-services",
        "Số dịch vụ công trực tuyến mức độ 3, 4 (toàn trình, một phần)",
        "Level-3/4 (full and partial) online public services",
        "dịch vụ",
        "modernization",
        None,
    ),
    (
        "online-services-integrated",
        "Số dịch vụ công trực tuyến tích hợp lên Cổng DVC quốc gia",
        "Online services integrated with the National Public Service Portal",
        "dịch vụ",
        "modernization",
        "online-services",
    ),
    (
        "dossiers-received",
        "Số hồ sơ tiếp nhận trong tháng",
        "Dossiers received this month",
        "hồ sơ",
        "procedures",
        None,
    ),
    (
        "dossiers-on-time",
        "Số hồ sơ giải quyết đúng hạn",
        "Dossiers resolved on time",
        "hồ sơ",
        "procedures",
        "dossiers-received",
    ),
]


def _reported_indicators(plan: Plan) -> None:
    """Counts each locality and the public service centre report every month."""
    fields = {f.code: f for f in methodology_for_year(plan.year).fields.all()}
    reporters = plan.province.units.filter(kind__in=["district", "commune"]) | (
        plan.province.units.filter(code="ttphcc")
    )
    made = {}
    for code, name_vi, name_en, measure, field, at_most in REPORTED_INDICATORS:
        indicator, _ = Indicator.objects.update_or_create(
            plan=plan,
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "unit_of_measure": measure,
                "aggregation": Indicator.Aggregation.SUM,
                "field": fields[field],
                "at_most": made.get(at_most),
            },
        )
        indicator.reporting_units.set(reporters)
        made[code] = indicator


def demo_window_start(today: dt.date) -> dt.date:
    """The first month of the live scenario: the month twelve months before today's."""
    return add_months(first_day(today), -12)


def _tasks(plan: Plan, rows, *, base_month: dt.date | None = None) -> None:
    fields = {f.code: f for f in methodology_for_year(plan.year).fields.all()}
    units = {u.code: u for u in plan.province.units.all()}
    localities = [u for u in units.values() if u.kind in ("district", "commune")]

    def day(value) -> dt.date:
        """(year offset, month, day) counts months from base_month as if it were January."""
        if isinstance(value, tuple):
            offset, month, day_ = value
            first = add_months(base_month, 12 * offset + month - 1)
            return first.replace(day=min(day_, last_day(first).day))
        return dt.date.fromisoformat(value)

    for number, (field, title, title_en, lead, support, start, due) in enumerate(rows, start=1):
        task, _ = Task.objects.update_or_create(
            plan=plan,
            code=f"{fields[field].number}.{number:02d}",
            defaults={
                "field": fields[field],
                "title": title,
                "title_en": title_en,
                "lead_unit": units[lead],
                "start_date": day(start),
                "due_date": day(due),
                "weight": Decimal("1"),
            },
        )
        supporting = localities if support == ["*districts"] else [units[c] for c in support]
        task.supporting_units.set(supporting)


# Invented names for the demo accounts (no real person).
DEMO_NAMES = {
    "qn.reporter": "Trần Thị Hoa",
    "qn.head": "Lê Văn Dũng",
    "qn.reviewer": "Phạm Minh Tuấn",
    "qn.committee": "Nguyễn Văn An",
    "qn.admin": "Võ Thị Lan",
    "ag.reporter": "Huỳnh Văn Phúc",
    "ag.head": "Đặng Thị Mai",
    "ag.reviewer": "Lâm Quốc Bảo",
    "ag.committee": "Trương Văn Hải",
    "ag.admin": "Ngô Thị Thu",
    "dn.reporter": "Đỗ Thị Hạnh",
    "dn.head": "Bùi Văn Nam",
    "dn.reviewer": "Hoàng Minh Khoa",
    "dn.committee": "Phan Văn Hùng",
    "dn.admin": "Lý Thị Ngọc",
}


def _users(prefix: str, province: Province, *, reporter_unit: str, reviewer_unit: str):
    units = {u.code: u for u in province.units.all()}
    specs = [
        ("reporter", Role.UNIT_REPORTER, units[reporter_unit]),
        ("head", Role.UNIT_HEAD, units[reporter_unit]),
        ("reviewer", Role.FOCAL_REVIEWER, units[reviewer_unit]),
        ("committee", Role.COMMITTEE, None),
        ("admin", Role.PROVINCE_ADMIN, None),
    ]
    made = []
    for suffix, role, unit in specs:
        username = f"{prefix}.{suffix}"
        family_and_middle, given = DEMO_NAMES[username].rsplit(" ", 1)
        user, created = get_user_model().objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@demo.example", "is_staff": role == Role.PROVINCE_ADMIN},
        )
        # Django shows "first last": the family and middle names first, as Vietnamese do.
        user.first_name, user.last_name = family_and_middle, given
        if created:
            user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.get_or_create(user=user, province=province, unit=unit, role=role)
        made.append(DemoUser(username, role.label, province.name_vi, unit.name_vi if unit else ""))
    return made


# --- synthetic results -------------------------------------------------------------------


def synthetic_results_fill(year: int) -> None:
    """Fill a 63-province year around its published figures (see synthetic.fill_curve)."""
    pool = list(Province.objects.valid_on(dt.date(year, 12, 31)).order_by("code"))
    published = {
        r.province_id: r
        for r in NationalResult.objects.filter(year=year, is_synthetic=False, province__in=pool)
    }
    anchors = {r.rank: float(r.index_pct) for r in published.values() if r.rank and r.index_pct}
    average = national_average(year)
    if average is None or average.number is None:
        raise ValueError(f"no published national average for {year}")
    bands = _group_bands(year, len(pool))
    values = fill_curve(
        size=len(pool),
        anchors=anchors,
        mean=float(average.number),
        bands=bands,
        top=float(max(anchors.values())) + 1,
    )
    ranked = {r.rank: r for r in published.values() if r.rank}
    unranked = [p for p in pool if p.id not in published or not published[p.id].rank]
    random.Random(f"par-{year}").shuffle(unranked)
    free_ranks = [rank for rank in sorted(values) if rank not in ranked]
    for rank, province in zip(free_ranks, unranked, strict=True):
        NationalResult.objects.update_or_create(
            year=year,
            province=province,
            defaults={
                "index_pct": values[rank],
                "rank": rank,
                "status": NationalResult.Status.SYNTHETIC,
                "is_synthetic": True,
                "source": "synthetic",
                "note": SYNTHETIC_NOTE,
            },
        )
    for rank, result in ranked.items():
        if result.index_pct is None:
            # Published rank, missing value: the value is a stand-in, so the row is marked.
            result.index_pct = values[rank]
            result.is_synthetic = True
            result.note = f"Index value synthetic; rank published. {result.note}".strip()
            result.save(update_fields=["index_pct", "is_synthetic", "note"])


def _group_bands(year: int, size: int) -> list[Band]:
    """Published group counts (A >= 90 %, B 80-90 %, C 70-80 %) become rank bands."""
    from indicators.models import NationalStatistic

    counts = {
        s.metric: int(s.number)
        for s in NationalStatistic.objects.filter(
            year=year, metric__in=["group_A_count", "group_B_count", "group_C_count"]
        )
        if s.number is not None
    }
    if len(counts) < 3 or sum(counts.values()) != size:
        return []
    a, b = counts["group_A_count"], counts["group_B_count"]
    return [Band(a + 1, a + b, 80.0, 90.0), Band(a + b + 1, size, 70.0, 80.0)]


def synthetic_latest_year_fill(year: int) -> None:
    """The last published year on today's map: no table is bundled, so all of it is synthetic."""
    pool = list(Province.objects.valid_on(dt.date(year, 12, 31)).order_by("code"))
    if NationalResult.objects.filter(year=year, is_synthetic=False).exists():
        return
    values = random_ranking(size=len(pool), low=84.0, high=94.5, seed=f"par-{year}")
    random.Random(f"par-order-{year}").shuffle(pool)
    for rank, province in enumerate(pool, start=1):
        NationalResult.objects.update_or_create(
            year=year,
            province=province,
            defaults={
                "index_pct": values[rank],
                "rank": rank,
                "status": NationalResult.Status.SYNTHETIC,
                "is_synthetic": True,
                "source": "synthetic",
                "note": SYNTHETIC_NOTE,
            },
        )


def last_field_results_year(province: Province, before: int) -> int | None:
    """The latest year before `before` with published field results of the province or those
    it absorbed."""
    return (
        FieldResult.objects.filter(
            province__in=lineage(province), year__lt=before, is_synthetic=False
        )
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )


def synthetic_field_results_fill(year: int) -> None:
    """Every province of the year's map gets a synthetic score (marked) in each field that has
    a published score that year, placed so that every published rank still holds: a province
    ranked r has r - 1 provinces above it."""
    pool = list(Province.objects.valid_on(dt.date(year, 12, 31)).order_by("code"))
    published = FieldResult.objects.filter(year=year, is_synthetic=False).select_related("field")
    for real in published:
        if real.points is None:
            continue
        others = [p for p in pool if p.pk != real.province_id]
        ceiling = real.field.max_points or real.points * Decimal("1.25")
        high = float(min(ceiling, real.points * Decimal("1.2")))
        low = float(real.points * Decimal("0.75"))
        rng = random.Random(f"par-field-{year}-{real.field.code}")
        above = (real.rank - 1) if real.rank else len(others) // 2
        scores = sorted(
            [
                Decimal(str(rng.uniform(float(real.points) + 0.01, high))).quantize(CENT)
                for _ in range(above)
            ]
            + [
                Decimal(str(rng.uniform(low, float(real.points) - 0.01))).quantize(CENT)
                for _ in range(len(others) - above)
            ],
            reverse=True,
        )
        rng.shuffle(others)
        for province, points in zip(others, scores, strict=True):
            FieldResult.objects.update_or_create(
                year=year,
                province=province,
                field=real.field,
                defaults={
                    "points": points,
                    "rank": None,
                    "status": FieldResult.Status.SYNTHETIC,
                    "is_synthetic": True,
                    "source": "synthetic",
                    "note": SYNTHETIC_NOTE,
                },
            )
