"""Roll-up numbers on a hand-computed fixture, the status rule, and determinism."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from indicators.models import FieldResult, FieldTarget, Province
from reporting.models import FieldScorecard, ScorecardPolicy, UnitScorecard
from reporting.services import report_start, report_submit
from reporting.services.scorecards import expected_progress, field_status, scorecard_rollup
from tests.reporting.world import build_world, local

pytestmark = pytest.mark.django_db

NOW = local(2030, 3, 20, 12, 0)  # reference date 20 March 2030


@pytest.fixture
def world():
    world = build_world()
    t1, t2, _t3 = world.tasks
    report = report_start(period=world.period, unit=world.a, user=world.users["ra"], now=NOW)
    entries = {
        t1.pk: {"status": "in_progress", "percent_done": 60},
        t2.pk: {"status": "in_progress", "percent_done": 50},
    }
    report_submit(
        report=report,
        user=world.users["ra"],
        version=report.version,
        entries=entries,
        values={},
        files={},
        now=NOW,
    )
    return world


def test_expected_progress_is_the_elapsed_share_of_the_window():
    import datetime as dt

    start, due = dt.date(2030, 1, 1), dt.date(2030, 3, 31)
    assert expected_progress(start, due, dt.date(2030, 3, 20)) == Decimal("87.64")  # 78 / 89
    assert expected_progress(start, due, dt.date(2030, 4, 1)) == 100
    assert expected_progress(start, due, dt.date(2029, 12, 1)) == 0


def test_field_numbers_match_the_hand_computation(world):
    scorecard_rollup(period=world.period, now=NOW)
    card = FieldScorecard.objects.get(period=world.period, field__code="procedures")
    # T1 weight 2 at 60 %, T2 weight 1 at 50 % → (120 + 50) / 3
    assert card.mean_done_pct == Decimal("56.67")
    # T1 expected 87.64 (78 of 89 days), T2 due on 10 March → 100: (175.28 + 100) / 3
    assert card.expected_pct == Decimal("91.76")
    assert (card.tasks_total, card.tasks_done, card.tasks_overdue) == (2, 0, 1)
    assert card.overdue_weight_pct == Decimal("33.33")
    assert card.on_time_pct == Decimal("100.00")  # unit A owns both and was on time
    assert card.status == "off_track"  # 35 points behind, a third of the weight overdue
    impact = FieldScorecard.objects.get(period=world.period, field__code="impact")
    assert (impact.tasks_total, impact.mean_done_pct, impact.on_time_pct) == (
        1,
        Decimal("0.00"),
        Decimal("0.00"),
    )


def test_unit_league_table(world):
    scorecard_rollup(period=world.period, now=NOW)
    cards = list(UnitScorecard.objects.filter(period=world.period).order_by("rank"))
    assert [(c.unit.code, c.rank, c.submitted, c.on_time) for c in cards] == [
        ("a", 1, 1, 1),
        ("b", 2, 0, 0),
    ]
    assert cards[0].tasks_overdue == 1  # T2
    later = local(2030, 3, 27, 1, 0)  # B still missing two days and an hour after the deadline
    scorecard_rollup(period=world.period, now=later)
    assert UnitScorecard.objects.get(period=world.period, unit=world.b).days_late == 3


def test_status_rule_thresholds_come_from_the_policy(world):
    policy = ScorecardPolicy(province=world.province)
    assert field_status(Decimal(80), Decimal(85), 0, Decimal(0), policy) == "on_track"
    assert field_status(Decimal(80), Decimal(95), 0, Decimal(0), policy) == "at_risk"
    assert field_status(Decimal(80), Decimal(85), 1, Decimal(10), policy) == "at_risk"
    assert field_status(Decimal(50), Decimal(80), 0, Decimal(0), policy) == "off_track"
    assert field_status(Decimal(90), Decimal(90), 1, Decimal(30), policy) == "off_track"
    ScorecardPolicy.objects.create(
        province=world.province, at_risk_points=40, off_track_points=60, off_track_overdue_share=50
    )
    scorecard_rollup(period=world.period, now=NOW)
    assert FieldScorecard.objects.get(period=world.period, field__code="procedures").status == (
        "at_risk"
    )


def test_gap_to_target_from_other_provinces_scores(world):
    field = world.tasks[0].field
    FieldTarget.objects.create(plan=world.plan, field=field, best_rank=2)
    others = Province.objects.valid_on(local(2029, 12, 31).date()).exclude(pk=world.province.pk)
    for province, points in zip(others[:3], ["9.50", "9.00", "8.00"], strict=True):
        FieldResult.objects.create(
            year=2029, province=province, field=field, points=Decimal(points)
        )
    FieldResult.objects.create(
        year=2029, province=world.province, field=field, points=Decimal("8.25"), rank=3
    )
    scorecard_rollup(period=world.period, now=NOW)
    card = FieldScorecard.objects.get(period=world.period, field=field)
    assert (card.target_rank, card.last_year, card.last_rank) == (2, 2029, 3)
    assert card.gap_points == Decimal("0.75")  # 2nd best of the others 9.00 − own 8.25


def test_gap_is_not_placed_when_too_few_scores_are_published(world):
    field = world.tasks[0].field
    FieldTarget.objects.create(plan=world.plan, field=field, best_rank=5)
    FieldResult.objects.create(
        year=2029, province=world.province, field=field, points=Decimal("8.25")
    )
    scorecard_rollup(period=world.period, now=NOW)
    card = FieldScorecard.objects.get(period=world.period, field=field)
    assert card.gap_points is None
    assert (card.gap_code, card.gap_params) == ("too_few", {"n": 0, "year": 2029, "rank": 5})
    assert (
        card.gap_note == "năm 2029 chỉ có điểm của 0 tỉnh khác: không xác định được ngưỡng hạng 5"
    )


def test_a_gap_over_synthetic_scores_is_computed_and_marked_illustrative(world):
    field = world.tasks[0].field
    FieldTarget.objects.create(plan=world.plan, field=field, best_rank=2)
    others = Province.objects.valid_on(local(2029, 12, 31).date()).exclude(pk=world.province.pk)
    for province, points in zip(others[:3], ["9.50", "9.00", "8.00"], strict=True):
        FieldResult.objects.create(
            year=2029, province=province, field=field, points=Decimal(points), is_synthetic=True
        )
    FieldResult.objects.create(
        year=2029, province=world.province, field=field, points=Decimal("8.25"), rank=3
    )
    scorecard_rollup(period=world.period, now=NOW)
    card = FieldScorecard.objects.get(period=world.period, field=field)
    assert card.gap_points == Decimal("0.75") and card.gap_is_illustrative
    assert card.gap_note == "minh họa — dựa trên số liệu giả lập"


def snapshot(period):
    fields = [f.name for f in FieldScorecard._meta.fields if f.name not in ("id",)]
    units = [f.name for f in UnitScorecard._meta.fields if f.name not in ("id",)]
    return (
        sorted(FieldScorecard.objects.filter(period=period).values_list(*fields)),
        sorted(UnitScorecard.objects.filter(period=period).values_list(*units)),
    )


def test_rollup_is_deterministic(world):
    scorecard_rollup(period=world.period, now=NOW)
    first = snapshot(world.period)
    scorecard_rollup(period=world.period, now=NOW)
    assert snapshot(world.period) == first
    assert len(first[0]) == 2 and len(first[1]) == 2


def test_submission_queues_one_rollup_on_commit(monkeypatch, django_capture_on_commit_callbacks):
    from reporting import tasks

    queued = []
    monkeypatch.setattr(tasks.rollup_period, "delay", queued.append)
    world = build_world()  # no submission yet, so nothing is queued for this commit
    report = report_start(period=world.period, unit=world.b, user=world.users["rb"], now=NOW)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        report_submit(
            report=report,
            user=world.users["rb"],
            version=report.version,
            entries={},
            values={},
            files={},
            now=NOW,
        )
    assert queued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert queued == [world.period.pk]
    tasks.rollup_period(queued[0])  # what the worker runs
    assert FieldScorecard.objects.filter(period=world.period).count() == 2


def test_a_broker_that_is_down_never_fails_the_submission(
    world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    from reporting import tasks

    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.rollup_period, "delay", down)
    report = report_start(period=world.period, unit=world.b, user=world.users["rb"], now=NOW)
    with django_capture_on_commit_callbacks(execute=True):
        report_submit(
            report=report,
            user=world.users["rb"],
            version=report.version,
            entries={},
            values={},
            files={},
            now=NOW,
        )
    report.refresh_from_db()
    assert report.status == "submitted"


def test_rollup_command(world):
    out = StringIO()
    call_command("rollup_scorecards", "--province", "tinh-thu", "--period", "2030-03", stdout=out)
    assert "tinh-thu 2030-03: recomputed" in out.getvalue()
    assert FieldScorecard.objects.filter(period=world.period).exists()
    with pytest.raises(Exception, match="2030/03"):
        call_command("rollup_scorecards", "--period", "2030/03", stdout=StringIO())
