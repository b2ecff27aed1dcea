"""A small province of our own, far in the future so the demo never interferes:
units A and B (communes) and a focal department F; one plan; March 2030 due on the 25th."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from indicators.models import Membership, Methodology, Plan, Preference, Province, Role, Task, Unit
from reporting.models import Period
from reporting.services import periods_ensure

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HCM)


@dataclass
class World:
    province: Province
    a: Unit
    b: Unit
    focal: Unit
    plan: Plan
    period: Period
    tasks: list[Task]
    users: dict


def build_world(*, units: int = 0) -> World:
    province = Province.objects.create(
        code="tinh-thu",
        name_vi="Tỉnh Thử",
        name_en="Test Province",
        kind="province",
        valid_from=dt.date(2025, 7, 1),
    )
    a = Unit.objects.create(
        province=province,
        code="a",
        name_vi="UBND xã A",
        kind="commune",
        head_email="head.a@unit.example",
    )
    b = Unit.objects.create(province=province, code="b", name_vi="UBND xã B", kind="commune")
    focal = Unit.objects.create(
        province=province, code="f", name_vi="Sở Nội vụ", kind="department", is_focal_agency=True
    )
    extra = [
        Unit.objects.create(
            province=province, code=f"x{i}", name_vi=f"UBND xã X{i:02d}", kind="commune"
        )
        for i in range(units)
    ]
    plan = Plan.objects.create(
        province=province,
        year=2030,
        number="T-2030",
        issued_on=dt.date(2030, 1, 1),
        title="Kế hoạch thử",
    )
    fields = {f.code: f for f in Methodology.objects.get(code="qd1187").fields.all()}
    t1 = Task.objects.create(
        plan=plan,
        field=fields["procedures"],
        code="3.01",
        title="T1",
        lead_unit=a,
        start_date=dt.date(2030, 1, 1),
        due_date=dt.date(2030, 3, 31),
        weight=Decimal(2),
    )
    t2 = Task.objects.create(
        plan=plan,
        field=fields["procedures"],
        code="3.02",
        title="T2",
        lead_unit=a,
        start_date=dt.date(2030, 3, 1),
        due_date=dt.date(2030, 3, 10),
        weight=Decimal(1),
    )
    t3 = Task.objects.create(
        plan=plan,
        field=fields["impact"],
        code="8.01",
        title="T3",
        lead_unit=b,
        start_date=dt.date(2030, 1, 1),
        due_date=dt.date(2030, 12, 31),
    )
    t1.supporting_units.set([b, *extra])
    (period,) = periods_ensure(
        province=province, first=dt.date(2030, 3, 1), last=dt.date(2030, 3, 1)
    )
    User = get_user_model()

    def user(name, role, unit=None, language=None):
        account = User.objects.create_user(name, email=f"{name}@people.example", password="x")
        Membership.objects.create(user=account, province=province, unit=unit, role=role)
        if language:
            Preference.objects.create(user=account, language=language)
        return account

    users = {
        "ra": user("ra", Role.UNIT_REPORTER, a),
        "rb": user("rb", Role.UNIT_REPORTER, b, language="en"),
        "head_a": user("head_a", Role.UNIT_HEAD, a),
        "reviewer": user("reviewer", Role.FOCAL_REVIEWER, focal),
        "committee": user("committee", Role.COMMITTEE),
    }
    both = User.objects.create_user("both", email="both@people.example")
    Membership.objects.create(user=both, province=province, unit=a, role=Role.UNIT_REPORTER)
    Membership.objects.create(user=both, province=province, unit=b, role=Role.UNIT_REPORTER)
    users["both"] = both
    for unit in extra:
        users[unit.code] = user(f"r{unit.code}", Role.UNIT_REPORTER, unit)
    return World(province, a, b, focal, plan, period, [t1, t2, t3], users)
