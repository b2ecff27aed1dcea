"""The database keeps the invariants: each constraint refuses a bad row on its own."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from indicators.models import (
    Criterion,
    Field,
    FieldCode,
    Membership,
    Methodology,
    NationalResult,
    Plan,
    Province,
    Role,
    Task,
    Unit,
)

pytestmark = pytest.mark.django_db


def refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_rank_starts_at_one(quang_nam):
    refused(lambda: NationalResult.objects.create(year=2015, province=quang_nam, rank=0))


def test_index_is_a_percentage(quang_nam):
    refused(
        lambda: NationalResult.objects.create(year=2015, province=quang_nam, index_pct=Decimal(101))
    )


def test_a_result_needs_an_index_or_a_rank(quang_nam):
    refused(lambda: NationalResult.objects.create(year=2015, province=quang_nam))


def test_one_result_per_province_and_year(quang_nam):
    NationalResult.objects.create(year=2015, province=quang_nam, rank=30)
    refused(lambda: NationalResult.objects.create(year=2015, province=quang_nam, rank=31))


def test_validity_range_in_order():
    refused(
        lambda: Province.objects.create(
            code="x",
            name_vi="X",
            name_en="X",
            kind="province",
            valid_from=dt.date(2025, 7, 1),
            valid_to=dt.date(2025, 6, 30),
        )
    )


def test_task_cannot_be_due_before_it_starts(quang_nam):
    plan = Plan.objects.get(number="5442/KH-UBND")
    field = plan.tasks.first().field
    unit = quang_nam.units.first()
    refused(
        lambda: Task.objects.create(
            plan=plan,
            field=field,
            code="X.1",
            title="x",
            lead_unit=unit,
            start_date=dt.date(2021, 10, 1),
            due_date=dt.date(2021, 9, 1),
        )
    )


def test_task_weight_positive(quang_nam):
    plan = Plan.objects.get(number="5442/KH-UBND")
    refused(
        lambda: Task.objects.create(
            plan=plan,
            field=plan.tasks.first().field,
            code="X.2",
            title="x",
            lead_unit=quang_nam.units.first(),
            start_date=dt.date(2021, 9, 1),
            due_date=dt.date(2021, 10, 1),
            weight=0,
        )
    )


def test_task_lead_unit_must_be_of_the_plans_province(an_giang):
    plan = Plan.objects.get(number="5442/KH-UBND")
    task = Task(
        plan=plan,
        field=plan.tasks.first().field,
        code="X.3",
        title="x",
        lead_unit=an_giang.units.first(),
        start_date=dt.date(2021, 9, 1),
        due_date=dt.date(2021, 10, 1),
    )
    with pytest.raises(ValidationError) as error:
        task.full_clean()
    assert "lead_unit" in error.value.message_dict


def test_unit_roles_need_a_unit(quang_nam):
    user = get_user_model().objects.create_user("u1")
    refused(
        lambda: Membership.objects.create(user=user, province=quang_nam, role=Role.UNIT_REPORTER)
    )


def test_one_focal_agency_at_a_time(quang_nam):
    da_nang = Province.objects.get(code="da-nang-2025")
    refused(
        lambda: Unit.objects.create(
            province=da_nang,
            code="second-focal",
            name_vi="X",
            kind="department",
            is_focal_agency=True,
        )
    )
    refused(
        lambda: Unit.objects.create(
            province=quang_nam,
            code="second-focal",
            name_vi="X",
            kind="department",
            is_focal_agency=True,
            valid_to=dt.date(2025, 6, 30),
        )
    )


def test_plan_target_rank_and_percent_ranges(quang_nam):
    refused(
        lambda: Plan.objects.create(
            province=quang_nam,
            year=2022,
            number="N1",
            issued_on=dt.date(2022, 1, 1),
            title="t",
            best_rank=0,
        )
    )
    refused(
        lambda: Plan.objects.create(
            province=quang_nam,
            year=2022,
            number="N2",
            issued_on=dt.date(2022, 1, 1),
            title="t",
            min_pct=Decimal("120"),
        )
    )


@pytest.fixture
def scored_field():
    scheme = Methodology.objects.create(
        code="test", decision="T/QĐ", level="province", first_year=2090, total_points=20
    )
    return Field.objects.create(
        methodology=scheme,
        code=FieldCode.PROCEDURES,
        number=3,
        name_vi="TTHC",
        name_en="Procedures",
        max_points=Decimal("10"),
    )


def test_criteria_cannot_exceed_their_field(scored_field):
    Criterion.objects.create(field=scored_field, code="3.1", name_vi="a", max_points=6)
    second = Criterion(field=scored_field, code="3.2", name_vi="b", max_points=5)
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "max_points" in error.value.message_dict


def test_sub_criteria_cannot_exceed_their_parent(scored_field):
    parent = Criterion.objects.create(field=scored_field, code="3.1", name_vi="a", max_points=4)
    Criterion.objects.create(
        field=scored_field, parent=parent, code="3.1.1", name_vi="x", max_points=3
    )
    child = Criterion(field=scored_field, parent=parent, code="3.1.2", name_vi="y", max_points=2)
    with pytest.raises(ValidationError):
        child.full_clean()
    child.max_points = 1
    child.full_clean()


def test_fields_cannot_exceed_their_scheme(scored_field):
    extra = Field(
        methodology=scored_field.methodology,
        code=FieldCode.LEGAL,
        number=2,
        name_vi="x",
        name_en="x",
        max_points=Decimal("11"),
    )
    with pytest.raises(ValidationError):
        extra.full_clean()


def test_scheme_years_cannot_overlap():
    overlapping = Methodology(
        code="dup", decision="X", level="province", first_year=2021, last_year=2021
    )
    with pytest.raises(ValidationError, match="trùng với một bộ chỉ số khác"):
        overlapping.full_clean()
