"""The projection: its arithmetic with hand-computed figures, the Quảng Nam back-test against the
published 2022–2023 field ranks, and the self-assessment → appraisal → projection path."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from indicators.models import Criterion, FieldResult, Province, SurveyScore
from indicators.services.par_data import read_csv
from reporting.models import Evidence, SelfAssessment
from reporting.selectors.assessments import assigned_criteria
from reporting.selectors.projection import (
    Compared,
    Source,
    _compared_fields,
    average_change,
    gap_to_rank,
    moved,
    projection,
    rank_among,
)
from reporting.services import assessments as services
from reporting.services.reports import ReportError
from tests.reporting.conftest import PDF

pytestmark = pytest.mark.django_db


# --- the arithmetic, by hand ---------------------------------------------------------------


def test_rank_is_one_plus_the_others_strictly_above():
    others = [D("90"), D("85"), D("80"), D("70")]
    assert rank_among(D("80"), others) == 3  # 90 and 85 above; the 80 ties, sharing rank 3
    assert rank_among(D("95"), others) == 1
    assert rank_among(D("60"), others) == 5


def test_the_others_move_by_the_change_within_their_ceiling():
    assert moved([D("99"), D("85")], D("2"), D("100")) == [D("100"), D("87")]
    assert moved([D("1")], D("-3"), None) == [D("0")]


def test_two_assumptions_give_two_ranks():
    compared = Compared(
        year=2025, others=[D("90"), D("85"), D("80")], change=D("2"), ceiling=D(100)
    )
    # they stay: 90 and 85 above 86 → 2; they move +2 (92, 87, 82): 92 and 87 above → 3
    assert compared.ranks(D("86")) == (2, 3)
    assert Compared(year=2025, others=[D("90")], change=None).ranks(D("80")) == (2, None)
    assert Compared().ranks(D("80")) == (None, None)


def test_gap_to_rank_is_the_nth_best_other_minus_ours():
    others = [D("90"), D("85"), D("80"), D("70")]
    assert gap_to_rank(D("80"), others, 2) == D("5")  # top 2 needs 85
    assert gap_to_rank(D("88"), others, 2) == D("0")  # already there
    assert gap_to_rank(D("80"), others, 5) is None  # only four others
    assert gap_to_rank(D("80"), others, None) is None


def test_average_change_prefers_the_published_averages():
    assert average_change([D("80"), D("90")], [D("78"), D("84")]) == D("4.00")
    assert average_change([D("80")], [], published=(D("86.98"), D("84.79"))) == D("2.19")
    # a year before with fewer than half as many scores is no national average
    assert average_change([D("80"), D("90"), D("70")], [D("60")]) is None
    assert average_change([D("80"), D("90")], [], published=(None, D("84"))) == D("1.00")


# --- the back-test on real figures -----------------------------------------------------------


@pytest.mark.parametrize("year", [2022, 2023])
def test_fed_quang_nams_published_points_the_ranks_are_its_published_field_ranks(year):
    """The rank arithmetic against real figures: Quảng Nam's published points of each field in
    `year` (field_scores_quangnam_2022_2023.csv), ranked against the other provinces' scores of
    that year, give its published rank (field 8 has no published rank). The other provinces'
    scores are the demo's synthetic pool, drawn so that every published rank holds."""
    quang_nam = Province.objects.get(code="quang-nam")
    published = [
        row
        for row in read_csv("field_scores_quangnam_2022_2023.csv")
        if int(row["year"]) == year and row["field_rank_of_63"]
    ]
    assert len(published) == 7
    results = FieldResult.objects.filter(province=quang_nam, year=year).select_related("field")
    fields = [r.field for r in results]
    compared = _compared_fields(quang_nam, year + 1, fields)
    checked = 0
    for row in published:
        result = next(r for r in results if r.field.number == int(row["field_code"]))
        pool = compared[result.field.code]
        assert pool.year == year and len(pool.others) == 62  # the 62 other provinces of 2022/23
        assert rank_among(D(row["score_points"]), pool.others) == int(row["field_rank_of_63"])
        checked += 1
    assert checked == 7


# --- self-assessment → appraisal → projection ------------------------------------------------


def _upload(name="minh-chung.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def owned(period, hai_chau):
    """Next month's (empty) self-assessment of Hải Châu, which owns sub-criteria in the demo."""
    criteria = list(assigned_criteria(unit=hai_chau, period=period))
    assert criteria, "the demo gives Hải Châu sub-criteria"
    return criteria


def _delete(assessments) -> None:
    """Delete assessments, and first the demo's locker documents that reuse their files
    (which protect them)."""
    from reporting.models import LockerDocument

    LockerDocument.objects.filter(score_file__score__assessment__in=assessments).delete()
    assessments.delete()


def _start(period, unit, user):
    """A fresh draft: the unit's earlier assessments of the year (which would pre-fill it)
    removed, so that the figures below are the test's own at any date."""
    _delete(SelfAssessment.objects.filter(unit=unit, period__month__year=period.month.year))
    return services.assessment_start(period=period, unit=unit, user=user, now=timezone.now())


def test_a_score_above_the_maximum_is_refused_and_nothing_saved(period, hai_chau, reporter, owned):
    assessment = _start(period, hai_chau, reporter)
    criterion = owned[0]
    with pytest.raises(ValidationError):
        services.assessment_save(
            assessment=assessment,
            user=reporter,
            version=assessment.version,
            scores={criterion.pk: {"score": criterion.max_points + 1}},
            files={},
            now=timezone.now(),
        )
    assert assessment.scores.get(criterion=criterion).score is None


def test_submit_needs_evidence_and_an_explanation_below_the_maximum(
    period, hai_chau, reporter, owned
):
    assessment = _start(period, hai_chau, reporter)
    low = owned[0]
    scores = {c.pk: {"score": c.max_points} for c in owned}
    scores[low.pk] = {"score": low.max_points - D("0.5"), "explanation": ""}
    with pytest.raises(ValidationError) as refused:
        services.assessment_submit(
            assessment=assessment,
            user=reporter,
            version=assessment.version,
            scores=scores,
            files={},
            now=timezone.now(),
        )
    problems = refused.value.message_dict
    assert f"c{low.pk}-explanation" in problems
    assert all(f"c{c.pk}-evidence" in problems for c in owned)
    assessment.refresh_from_db()
    assert (
        assessment.status == "draft" and assessment.scores.filter(score__isnull=False).count() == 0
    )


def test_evidence_of_another_unit_cannot_be_posted(
    client, settings, tmp_path, period, hai_chau, hoi_an, reporter, owned
):
    """The server checks every posted evidence id against the unit's own reports."""
    from django.contrib.auth import get_user_model

    from reporting.models import Report, TaskEntry

    settings.MEDIA_ROOT = tmp_path
    foreign_report = Report.objects.filter(unit=hoi_an).first()
    entry = foreign_report.entries.first() or TaskEntry.objects.create(
        report=foreign_report, task=hoi_an.led_tasks.first()
    )
    foreign = Evidence.objects.create(
        entry=entry,
        file=_upload(),
        original_name="cua-don-vi-khac.pdf",
        content_type="application/pdf",
        size=len(PDF),
        uploaded_by=get_user_model().objects.get(username="admin"),
    )
    assessment = _start(period, hai_chau, reporter)
    criterion = owned[0]
    client.force_login(reporter)
    response = client.post(
        reverse("reporting:assessment", args=[period.pk, hai_chau.pk]),
        {
            "version": assessment.version,
            "action": "save",
            f"c{criterion.pk}-score": "1",
            f"c{criterion.pk}-evidence": [foreign.pk],
        },
    )
    assert response.status_code == 200  # the form again, with its error
    assert not assessment.scores.get(criterion=criterion).evidence.exists()
    assert assessment.scores.get(criterion=criterion).score is None


def _submitted(period, unit, user, owned, *, low: D):
    assessment = _start(period, unit, user)
    scores, files = {}, {}
    for criterion in owned:
        scores[criterion.pk] = {"score": criterion.max_points, "explanation": ""}
        files[criterion.pk] = [(_upload(), "application/pdf")]
    first = owned[0]
    scores[first.pk] = {"score": low, "explanation": "Chưa hoàn thành số hóa hồ sơ"}
    return services.assessment_submit(
        assessment=assessment,
        user=user,
        version=assessment.version,
        scores=scores,
        files=files,
        now=timezone.now(),
    )


def test_appraisal_adjusts_with_a_note_and_the_projection_counts_it(
    settings, tmp_path, period, hai_chau, reporter, reviewer, owned
):
    settings.MEDIA_ROOT = tmp_path
    first = owned[0]
    low = first.max_points - D("0.5")
    before = projection(period)
    before_first = next(leaf for leaf in before.leaves if leaf.criterion.pk == first.pk)
    assessment = _submitted(period, hai_chau, reporter, owned, low=low)

    submitted = projection(period)
    leaf = next(leaf for leaf in submitted.leaves if leaf.criterion.pk == first.pk)
    assert (leaf.points, leaf.source) == (low, Source.SELF)  # not appraised yet: marked so
    assert leaf.evidence == 1

    now = timezone.now()
    with pytest.raises(ValidationError):  # an adjustment needs a note
        services.assessment_appraise(
            assessment=assessment,
            user=reviewer,
            decisions={first.pk: {"decision": "adjust", "score": D("1"), "note": ""}},
            now=now,
        )
    with pytest.raises(ReportError):  # every score appraised before it is final
        services.assessment_finalise(assessment=assessment, user=reviewer, now=now)
    decisions = {c.pk: {"decision": "accept"} for c in owned}
    decisions[first.pk] = {"decision": "adjust", "score": D("1.25"), "note": "Thiếu biên bản"}
    services.assessment_appraise(assessment=assessment, user=reviewer, decisions=decisions, now=now)
    services.assessment_finalise(assessment=assessment, user=reviewer, now=now)

    final = projection(period)
    leaf = next(leaf for leaf in final.leaves if leaf.criterion.pk == first.pk)
    assert (leaf.points, leaf.source) == (D("1.25"), Source.APPRAISED)
    # the index moves by exactly what this unit's scores changed (hand-computed from the rows)
    changed = sum((c.max_points for c in owned[1:]), D("1.25")) - sum(
        (x.points for x in before.leaves if x.criterion.pk in {c.pk for c in owned}), D(0)
    )
    assert final.points - before.points == changed
    assert before_first.source in (Source.NONE, Source.SELF, Source.APPRAISED)
    history = list(assessment.changes.order_by("at", "pk").values_list("action", flat=True))
    assert history[-3:] == ["submitted", "appraised", "accepted"]


def test_the_survey_estimate_wins_over_last_years_published_points(period):
    from indicators.selectors import methodology_for_year

    scheme = methodology_for_year(period.month.year)
    survey = Criterion.objects.filter(field__methodology=scheme, scoring="survey").first()
    province = period.province
    SurveyScore.objects.filter(province=province, criterion=survey).delete()
    SurveyScore.objects.create(
        year=period.month.year - 1, province=province, criterion=survey, kind="published", points=1
    )

    def leaf():
        return next(x for x in projection(period).leaves if x.criterion.pk == survey.pk)

    assert (leaf().points, leaf().source) == (D("1"), Source.SURVEY_PUBLISHED)
    SurveyScore.objects.create(
        year=period.month.year, province=province, criterion=survey, kind="estimate", points=2
    )
    assert (leaf().points, leaf().source) == (D("2"), Source.SURVEY_ESTIMATE)


def test_where_to_gain_ranks_the_sub_criteria_by_points_still_available(period):
    gains = projection(period).gains(10)
    available = [leaf.available for leaf in gains]
    assert available == sorted(available, reverse=True) and all(a > 0 for a in available)
    assert len(gains) <= 10


def test_the_projection_page_names_the_assumptions_and_refuses_a_bad_month(client, committee):
    client.force_login(committee)
    response = client.get(reverse("dashboards:projection"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "nếu các tỉnh khác giữ nguyên" in text
    assert "Dư địa tăng điểm" in text and 'data-testid="where-to-gain"' in text
    assert "Minh họa" in text  # the demo's criteria are illustrative
    assert client.get(reverse("dashboards:projection"), {"month": "2026-13"}).status_code == 400


def test_the_projection_reads_a_constant_number_of_queries(period, hai_chau, reporter, owned):
    """However many self-assessments, months and units: the leaves, the scores, the survey
    points, the owners and their tasks, task progress, the compared results."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reporting.models import Period

    with CaptureQueriesContext(connection) as first:
        projection(period)
    # more months self-assessed by the unit: more rows, the same queries
    for month in Period.objects.filter(
        province=period.province, month__year=period.month.year, month__lt=period.month
    )[:3]:
        _delete(SelfAssessment.objects.filter(period=month, unit=hai_chau))
        done = services.assessment_start(
            period=month, unit=hai_chau, user=reporter, now=timezone.now()
        )
        SelfAssessment.objects.filter(pk=done.pk).update(
            status="submitted", submitted_at=timezone.now()
        )
    with CaptureQueriesContext(connection) as again:
        projection(period)
    assert len(again) == len(first) <= 30


def test_a_new_months_draft_carries_last_months_scores_and_files(
    settings, tmp_path, period, hai_chau, reporter, owned
):
    from par_portal.months import next_month
    from reporting.models import Period

    settings.MEDIA_ROOT = tmp_path
    _submitted(period, hai_chau, reporter, owned, low=owned[0].max_points - D("1"))
    following = Period.objects.get(province=period.province, month=next_month(period.month))
    _delete(SelfAssessment.objects.filter(period=following, unit=hai_chau))
    draft = services.assessment_start(
        period=following, unit=hai_chau, user=reporter, now=timezone.now()
    )
    if following.month.year != period.month.year:
        assert draft.scores.filter(score__isnull=False).count() == 0  # a new index year
        return
    carried = draft.scores.get(criterion=owned[0])
    assert carried.score == owned[0].max_points - D("1")
    assert carried.explanation == "Chưa hoàn thành số hóa hồ sơ"
    assert [f.original_name for f in carried.files.all()] == ["minh-chung.pdf"]
    assert carried.appraised_score is None  # an appraisal is never carried
