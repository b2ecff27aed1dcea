"""The dashboards' cache is never stale: after each kind of write (a target change, a roll-up,
a review, an import) the next page shows the new figure; and a warm page asks the database for
less. The writes run their on-commit hooks, which is when the versions are bumped."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from indicators.hooks import objects_changed
from indicators.models import FieldTarget, NationalResult
from indicators.services.results_import import results_import
from reporting.models import Report
from reporting.services import report_accept, report_return
from reporting.services.scorecards import scorecard_rollup
from tests.pages import figure

pytestmark = pytest.mark.django_db


@pytest.fixture
def committee(client):
    client.force_login(get_user_model().objects.get(username="dn.committee"))
    return client


def _state(client, period, unit_id):
    """The unit's state that month, as the rendered heatmap shows it."""
    page = client.get(reverse("dashboards:units"))
    heatmap = figure(page, "heatmap")
    column = [p.pk for p in heatmap["periods"]].index(period.pk)
    row = next(r for r in heatmap["rows"] if r["unit"].pk == unit_id)
    html = page.content.decode()
    at = html.index(f'data-unit="{unit_id}"')
    cells = html[at : html.index("</tr>", at)]
    assert cells.count('data-state="') == len(row["cells"])
    return cells.split('data-state="')[column + 1].split('"')[0]


def test_a_target_change_a_rollup_and_a_review_show_at_once(
    committee, django_capture_on_commit_callbacks
):
    commit = django_capture_on_commit_callbacks
    page = committee.get(reverse("dashboards:targets"))
    period = page.context["period"]
    card = next(c for c in figure(page, "cards") if c.field.code == "procedures")
    target = FieldTarget.objects.filter(
        plan__province__code="da-nang-2025", field__code="procedures"
    ).first()
    target.best_rank = (card.target_rank or 2) + 1
    with commit(execute=True):
        target.save()
        objects_changed(sender=None, objects=[target])
        scorecard_rollup(period=period, now=period.due_at + dt.timedelta(days=3))
    page = committee.get(reverse("dashboards:targets"))
    cards = figure(page, "cards")
    assert next(c for c in cards if c.field.code == "procedures").target_rank == target.best_rank
    # the rendered page too (its content is cached as a fragment under the same versions)
    assert f"nhóm {target.best_rank}" in page.content.decode()

    report = Report.objects.filter(period=period, status="submitted").first()
    reviewer = get_user_model().objects.get(username="dn.reviewer")
    assert _state(committee, period, report.unit_id) != "returned"
    with commit(execute=True):
        report_return(report=report, user=reviewer, note="Bổ sung", now=report.submitted_at)
    assert _state(committee, period, report.unit_id) == "returned"
    other = Report.objects.filter(period=period, status="submitted").first()
    with commit(execute=True):
        report_accept(report=other, user=reviewer, now=other.submitted_at)
    assert _state(committee, period, other.unit_id) == "accepted"


def test_an_import_of_results_shows_on_the_ranking_at_once(
    committee, django_capture_on_commit_callbacks
):
    url = reverse("dashboards:ranking")
    year = figure(committee.get(url), "year")
    row = NationalResult.objects.filter(year=year).exclude(province__code="da-nang-2025").first()
    content = f"Tỉnh;Chỉ số;Xếp hạng\n{row.province.name_vi};99,99;1\n".encode()
    with django_capture_on_commit_callbacks(execute=True):
        report = results_import(
            content=content, filename=f"{year}.csv", kind="index", dry_run=False
        )
    assert report.ok
    page = committee.get(url)
    shown = {r.province.pk: r.value for r in figure(page, "ranking").rows}
    assert shown[row.province.pk] == Decimal("99.99")
    assert "99,99" in page.content.decode()


def test_a_warm_dashboard_asks_the_database_for_less(committee):
    url = reverse("dashboards:targets")
    with CaptureQueriesContext(connection) as cold:
        committee.get(url)
    with CaptureQueriesContext(connection) as warm:
        committee.get(url)
    assert len(warm) < len(cold)


@pytest.mark.parametrize(
    "name, selector",
    [
        ("ranking", "ranking"),
        ("targets", "field_cards"),
        ("trend", "trend"),
        ("units", "units_league"),
        ("brief", "field_cards"),
    ],
)
def test_a_cached_dashboard_computes_no_figure(committee, monkeypatch, name, selector):
    """The page's content is looked up before its figures: a warm page never calls a selector."""
    from reporting.selectors import cached

    url = reverse(f"dashboards:{name}")
    first = committee.get(url)
    assert first.status_code == 200

    def fail(*args, **kwargs):
        raise AssertionError(f"{selector} was computed for a cached page")

    monkeypatch.setattr(cached, selector, fail)
    again = committee.get(url)
    assert again.status_code == 200
    assert _without_tokens(again) == _without_tokens(first)


def _without_tokens(response) -> str:
    """The page without its CSRF tokens (masked afresh for each response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


# --- the header, cached per user --------------------------------------------------------------


def test_a_removed_membership_takes_effect_on_the_next_request(
    client, reporter, period, hai_chau, django_capture_on_commit_callbacks
):
    """Memberships are cached between requests; removing one (as the admin does) is the
    directory changing, so the very next request is refused."""
    client.force_login(reporter)
    url = reverse("reporting:report", args=[period.pk, hai_chau.pk])
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    assert not any("membership" in q["sql"] for q in warm), "memberships were read again"
    with django_capture_on_commit_callbacks(execute=True):
        reporter.memberships.get().delete()
    assert client.get(url).status_code in (403, 404)


def test_a_unit_moved_in_the_admin_shows_in_the_header_at_once(
    client, reporter, hai_chau, django_capture_on_commit_callbacks
):
    client.force_login(reporter)
    assert hai_chau.name_vi in client.get(reverse("reporting:home")).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        hai_chau.name_vi = "Quận Hải Châu (tên mới)"
        hai_chau.save()
    assert "Quận Hải Châu (tên mới)" in client.get(reverse("reporting:home")).content.decode()


def _bell(response) -> str:
    html = response.content.decode()
    at = html.index('data-testid="bell"')
    return html[at : html.index("</a>", at)]


def test_the_bell_counts_a_new_notice_and_forgets_read_ones(
    client, reporter, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from reporting.models import Notice
    from reporting.services.reminders import notices_mark_read

    client.force_login(reporter)
    home = reverse("reporting:home")
    assert "text-bg-danger" not in _bell(client.get(home))
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        Notice.objects.create(user=reporter, subject="s", body="b", url="/", created_at=now)
    assert '<span class="badge text-bg-danger">1</span>' in _bell(client.get(home))
    with django_capture_on_commit_callbacks(execute=True):
        notices_mark_read(user=reporter, now=now)
    assert "text-bg-danger" not in _bell(client.get(home))


def test_an_evicted_version_never_serves_an_entry_cached_under_an_older_one():
    """A version key lost from the cache (evicted, or the cache restarted without the entries)
    starts again from a number never used, not from 1."""
    from django.core.cache import cache

    from par_portal.cache import _bump_now, cached

    assert cached(("t",), ["scope"], lambda: "old") == "old"
    cache.delete("v:scope")  # evicted; the entry cached under the old version stays
    assert cached(("t",), ["scope"], lambda: "new") == "new"
    _bump_now(["scope"])
    cache.delete("v:scope")
    assert cached(("t",), ["scope"], lambda: "newer") == "newer"
