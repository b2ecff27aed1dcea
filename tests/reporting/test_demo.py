"""The live demo's month under way looks like the real date: before the due moment some units
have submitted and most hold a draft; after it most are on time, a few late, one or two missing
and one returned. Seeded on next month's (empty) period at chosen moments, so any date works."""

from __future__ import annotations

import datetime as dt

import pytest

from reporting import selectors
from reporting.demo import DN_RETURNED, _seed_current_month
from reporting.models import Report

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model):
    return {
        "author": django_user_model.objects.get(username="demo.data"),
        "reviewer": django_user_model.objects.get(username="dn.reviewer"),
    }


def _reports(period):
    return list(Report.objects.filter(period=period).select_related("unit"))


@pytest.mark.parametrize("days_before", [10, 1])
def test_before_the_due_moment_some_submitted_most_in_draft(period, people, days_before):
    now = period.due_at - dt.timedelta(days=days_before)
    _seed_current_month(period, now=now, **people)
    expected = list(selectors.expected_units(period))
    reports = _reports(period)
    submitted = [r for r in reports if r.status == Report.Status.SUBMITTED]
    drafts = [r for r in reports if r.status == Report.Status.DRAFT]
    assert len(reports) == len(expected)
    assert 1 <= len(submitted) < len(drafts)
    assert len(drafts) > len(expected) / 2
    assert all(r.submitted_at <= now and not r.is_late for r in submitted)
    assert next(r for r in reports if r.unit.code == DN_RETURNED).status == Report.Status.DRAFT
    assert all(c.at <= now for r in reports for c in r.changes.all())


@pytest.mark.parametrize("hours_after", [2, 24 * 4])
def test_after_the_due_moment_most_on_time_few_late_some_missing_one_returned(
    period, people, hours_after
):
    now = period.due_at + dt.timedelta(hours=hours_after)
    _seed_current_month(period, now=now, **people)
    expected = list(selectors.expected_units(period))
    reports = _reports(period)
    late = [r for r in reports if r.is_late]
    on_time = [r for r in reports if r.first_submitted_at and not r.is_late]
    returned = [r for r in reports if r.status == Report.Status.RETURNED]
    assert 1 <= len(expected) - len(reports) <= 2  # missing
    assert 1 <= len(late) < len(on_time)
    assert len(on_time) > len(expected) / 2
    assert [r.unit.code for r in returned] == [DN_RETURNED]
    assert all(r.first_submitted_at <= now for r in reports)
    assert all(c.at <= now for r in reports for c in r.changes.all())


def test_the_loaded_demo_month_is_under_way_today(da_nang):
    """What `make run` shows today: this month has reports, in a mix of states."""
    from django.utils import timezone

    from par_portal.months import first_day

    period = da_nang.periods.get(month=first_day(timezone.localdate()))
    states = {r.status for r in _reports(period)}
    if timezone.now() >= period.due_at:
        assert {Report.Status.SUBMITTED, Report.Status.RETURNED} <= states
    else:
        assert {Report.Status.SUBMITTED, Report.Status.DRAFT} <= states
