"""Synthetic data at national scale for the benchmark (`manage.py generate_load_data`).

For every province on today's map: `units` units (departments and communes), one plan marked
as demo ("dữ liệu tải giả lập"), `tasks` tasks per unit over `months` months, a reporting period
per month, and for every unit and month a submitted report with its task entries, an evidence
row and indicator values. Everything is written with bulk inserts and marked: unit codes start
with "tai-", the plans are demo plans with a synthetic source. Running it again replaces the
previous load (`load_data_clear`).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from indicators.models import Field, Indicator, Membership, Plan, Province, Task, Unit
from indicators.selectors import methodology_for_year
from par_portal import months
from reporting.models import Evidence, IndicatorValue, Period, Report, TaskEntry, UnitScorecard
from reporting.services.reports import period_instants

PREFIX = "tai-"
PLAN_NUMBER = "TAI-GIA-LAP"
BATCH = 5000


@dataclass
class LoadSizes:
    provinces: int = 34
    units: int = 100
    months: int = 24
    tasks: int = 5
    only: tuple[str, ...] = ()  # province codes (else the first `provinces` by code)


@dataclass
class LoadCounts:
    provinces: int = 0
    units: int = 0
    tasks: int = 0
    periods: int = 0
    reports: int = 0
    entries: int = 0
    evidence: int = 0
    values: int = 0


def load_data_clear() -> None:
    """Remove a previous load (its reports, scorecards, periods, plans and units, and the
    memberships a benchmark gave its units)."""
    units = Unit.objects.filter(code__startswith=PREFIX)
    Report.objects.filter(unit__in=units).delete()
    UnitScorecard.objects.filter(unit__in=units).delete()
    Membership.objects.filter(unit__in=units).delete()
    Plan.objects.filter(number=PLAN_NUMBER).delete()
    provinces = set(units.values_list("province_id", flat=True))
    units.delete()
    Period.objects.filter(province_id__in=provinces, reports__isnull=True).delete()


def load_data_generate(sizes: LoadSizes, *, today: dt.date | None = None, seed: int = 7):
    today = today or timezone.localdate()
    rng = random.Random(seed)
    counts = LoadCounts()
    load_data_clear()
    first = months.add_months(months.first_day(today), -(sizes.months - 1))
    scheme = methodology_for_year(today.year)
    fields = list(Field.objects.filter(methodology=scheme).order_by("number"))
    author = get_user_model().objects.filter(is_superuser=True).first() or (
        get_user_model().objects.create(username="load.data", is_active=False)
    )
    provinces = Province.objects.valid_on(today).order_by("code")
    if sizes.only:
        provinces = provinces.filter(code__in=sizes.only)
    provinces = list(provinces[: sizes.provinces])
    for province in provinces:
        with transaction.atomic():
            _province(province, sizes, first, fields, author, rng, counts)
        counts.provinces += 1
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # bulk inserts outrun the planner's statistics: refresh them now, as autovacuum would
        # later (a query planned on stale ones can be many times slower)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def _province(province, sizes, first, fields, author, rng, counts) -> None:
    units = Unit.objects.bulk_create(
        [
            Unit(
                province=province,
                code=f"{PREFIX}{i:03d}",
                name_vi=(f"Sở thử tải {i:03d}" if i % 4 == 0 else f"UBND xã thử tải {i:03d}"),
                name_en=f"Load-test unit {i:03d}",
                kind="department" if i % 4 == 0 else "commune",
                head_email=f"vanthu.{i:03d}@{province.code}.tai.example",
            )
            for i in range(sizes.units)
        ]
    )
    counts.units += len(units)
    plan = Plan.objects.create(
        province=province,
        year=first.year,
        number=PLAN_NUMBER,
        issued_on=first,
        title="Kế hoạch thử tải (dữ liệu tải giả lập)",
        is_demo=True,
        source="synthetic: generate_load_data",
    )
    indicators = [
        Indicator.objects.create(
            plan=plan,
            code=code,
            name_vi=name,
            unit_of_measure="hồ sơ",
            aggregation="sum",
            field=fields[2] if fields else None,
        )
        for code, name in [
            ("dossiers-received", "Số hồ sơ tiếp nhận (thử tải)"),
            ("dossiers-on-time", "Số hồ sơ giải quyết đúng hạn (thử tải)"),
        ]
    ]
    last_day = months.last_day(months.add_months(first, sizes.months - 1))
    tasks = Task.objects.bulk_create(
        [
            Task(
                plan=plan,
                field=fields[(u * sizes.tasks + t) % len(fields)],
                code=f"T{u:03d}.{t}",
                title=f"Nhiệm vụ thử tải {u:03d}.{t}",
                lead_unit=unit,
                start_date=first,
                due_date=last_day,
                weight=Decimal(1),
            )
            for u, unit in enumerate(units)
            for t in range(sizes.tasks)
        ],
        batch_size=BATCH,
    )
    counts.tasks += len(tasks)
    by_unit: dict[int, list[Task]] = {}
    for task in tasks:
        by_unit.setdefault(task.lead_unit_id, []).append(task)
    periods = []
    month = first
    for _ in range(sizes.months):
        instants = period_instants(province=province, month=month)
        periods.append(Period(province=province, month=month, **instants.fields()))
        month = months.next_month(month)
    existing = {p.month: p for p in Period.objects.filter(province=province)}
    Period.objects.bulk_create([p for p in periods if p.month not in existing], batch_size=BATCH)
    periods = list(Period.objects.filter(province=province, month__gte=first).order_by("month"))
    counts.periods += len(periods)
    reports = []
    for index, period in enumerate(periods):
        for unit in units:
            late = rng.random() < 0.15
            moment = period.due_at + dt.timedelta(hours=rng.randint(1, 48) if late else -48)
            reports.append(
                Report(
                    period=period,
                    unit=unit,
                    status="accepted" if index < len(periods) - 1 else "submitted",
                    submitted_at=moment,
                    submitted_by=author,
                    first_submitted_at=moment,
                    is_late=late,
                )
            )
    reports = Report.objects.bulk_create(reports, batch_size=BATCH)
    counts.reports += len(reports)
    entries = []
    values = []
    for report in reports:
        elapsed = (months.last_day(report.period.month) - first).days
        share = min(100, 100 * elapsed // max(1, (last_day - first).days))
        for task in by_unit[report.unit_id]:
            done = max(0, min(100, share + rng.randint(-20, 10)) // 5 * 5)
            entries.append(
                TaskEntry(
                    report=report,
                    task=task,
                    status="done" if done == 100 else ("in_progress" if done else "not_started"),
                    percent_done=done,
                    result="Đã triển khai (dữ liệu tải giả lập)." if done else "",
                    explanation="Hồ sơ lưu tại đơn vị (giả lập)." if done == 100 else "",
                )
            )
        received = rng.randint(50, 400)
        values += [
            IndicatorValue(report=report, indicator=indicators[0], value=received),
            IndicatorValue(
                report=report, indicator=indicators[1], value=int(received * rng.uniform(0.8, 1))
            ),
        ]
    entries = TaskEntry.objects.bulk_create(entries, batch_size=BATCH)
    counts.entries += len(entries)
    IndicatorValue.objects.bulk_create(values, batch_size=BATCH)
    counts.values += len(values)
    evidence = [
        Evidence(
            entry=entry,
            file=f"evidence/load/{entry.report_id}-{entry.task_id}.pdf",
            original_name="bien-ban-gia-lap.pdf",
            content_type="application/pdf",
            size=12345,
            uploaded_by=author,
        )
        for entry in entries
        if entry.percent_done == 100
    ]
    Evidence.objects.bulk_create(evidence, batch_size=BATCH)
    counts.evidence += len(evidence)
