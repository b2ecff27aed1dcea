"""The load generator (for `make bench`): the sizes it is asked for, marked synthetic, and the
pages' query counts do not grow with the number of units and months (1× → 4×)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Membership, Plan, Province, Role, Unit
from reporting.models import Evidence, Report, TaskEntry
from reporting.services.load_data import LoadSizes, load_data_generate

pytestmark = pytest.mark.django_db


def test_the_generator_makes_the_sizes_asked_for_and_marks_them():
    out = StringIO()
    call_command(
        "generate_load_data",
        "--provinces",
        "2",
        "--units",
        "4",
        "--months",
        "3",
        "--tasks",
        "2",
        stdout=out,
    )
    units = Unit.objects.filter(code__startswith="tai-")
    assert units.count() == 2 * 4
    assert Report.objects.filter(unit__in=units).count() == 2 * 4 * 3
    assert TaskEntry.objects.filter(report__unit__in=units).count() == 2 * 4 * 3 * 2
    assert Evidence.objects.filter(entry__report__unit__in=units).exists()
    assert set(Plan.objects.filter(number="TAI-GIA-LAP").values_list("is_demo", flat=True)) == {
        True
    }
    call_command("generate_load_data", "--clear", stdout=out)
    assert not Unit.objects.filter(code__startswith="tai-").exists()


def test_a_second_load_replaces_one_that_was_rolled_up_and_given_reporters():
    """`make bench` reuses its database: the load it left (rolled up, its units given
    reporters by the surge) is replaced, not refused."""
    from reporting.models import Period
    from reporting.services.scorecards import scorecards_rollup

    sizes = LoadSizes(provinces=1, units=3, months=2, tasks=1)
    load_data_generate(sizes)
    unit = Unit.objects.filter(code__startswith="tai-").first()
    user = get_user_model().objects.create(username="surge-x")
    Membership.objects.create(user=user, province=unit.province, unit=unit, role=Role.UNIT_REPORTER)
    scorecards_rollup(Period.objects.filter(province=unit.province), now=timezone.now())
    load_data_generate(sizes)
    assert Unit.objects.filter(code__startswith="tai-").count() == 3
    assert not Membership.objects.filter(user=user).exists()


def _queries(client, url) -> int:
    client.get(url, follow=True)  # warm what is not the dashboards (sessions, …)
    from django.core.cache import cache

    cache.clear()  # the dashboards' own figures: computed, not cached
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, follow=True).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "page", ["dashboards:targets", "dashboards:units", "reporting:board_current"]
)
def test_queries_per_page_stay_flat_from_1x_to_4x(client, page):
    counts = []
    for scale in (1, 4):
        load_data_generate(LoadSizes(provinces=1, units=3 * scale, months=2 * scale, tasks=2))
        province = Province.objects.get(units__code="tai-000")
        user, _ = get_user_model().objects.get_or_create(username="tai.committee")
        Membership.objects.get_or_create(user=user, province=province, role=Role.FOCAL_REVIEWER)
        client.force_login(user)
        counts.append(_queries(client, reverse(page) + f"?province={province.code}"))
    assert counts[1] <= counts[0], counts
