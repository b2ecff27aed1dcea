"""The access matrix: every URL of the project, admin and API included, against every persona,
on objects of the persona's own unit, another unit and another province.

Generated from the URLconf: each URL must have a row in PAGES (or, for a model's admin pages,
its model a category in ADMIN_MODELS and the page kind a row in ADMIN_PAGES), so a new URL
without a row fails the test. Each row gives the expected answer for the nine personas, in
the order of PERSONAS:

    200  the page       L  a redirect to a login page     R  another redirect
    401, 403, 404, 405  as HTTP

Province P is Đà Nẵng (the live demo), province Q is An Giang. Run with MATRIX_DISCOVER=1 to
print what the portal answers today instead of asserting (to review, never to paste blindly).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone

from indicators.models import Membership, Province, Role, Task, Unit
from reporting.models import ApiToken, Evidence, Period, Report, TaskEntry
from tests.urlmap import routes

pytestmark = pytest.mark.django_db
User = get_user_model()

PERSONAS = ["anon", "rep_a", "rep_b", "head", "reviewer", "committee", "admin_p", "admin_q", "su"]
# A row is 9 codes; a URL with objects has a row per variant: own, unit (another unit of P), prov.
# fmt: off
PAGES = {
    # -- the portal ------------------------------------------------------------ anon  rep_a rep_b head  rev   com   adm_p adm_q su
    "healthz":                     {"-":    "200 200 200 200 200 200 200 200 200"},
    "ping":                        {"-":    "200 200 200 200 200 200 200 200 200"},
    "login":                       {"-":    "200 200 200 200 200 200 200 200 200"},
    "logout":                      {"-":    "405 405 405 405 405 405 405 405 405"},
    "set_language":                {"-":    "R   R   R   R   R   R   R   R   R"},
    "home":                        {"-":    "L   200 200 200 200 200 200 200 200"},
    "ranking":                     {"-":    "L   200 200 200 200 200 200 200 200"},
    "reporting:home":              {"-":    "L   200 200 200 R   R   R   R   R"},
    "reporting:notices":           {"-":    "L   200 200 200 200 200 200 200 200"},
    "reporting:notice_channels":   {"-":    "L   200 200 200 200 200 200 200 200"},
    # the public page: unpublished (the demo's default) it is not found, for everyone
    "public_province":             {"own":  "404 404 404 404 404 404 404 404 404",
                                    "prov": "404 404 404 404 404 404 404 404 404"},
    "reporting:board_current":     {"-":    "L   404 404 404 R   R   R   R   404"},
    "reporting:report":            {"own":  "L   200 404 200 200 200 200 404 200",
                                    "unit": "L   404 200 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    "reporting:evidence":          {"own":  "L   200 404 200 200 200 200 404 200",
                                    "unit": "L   404 200 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    "reporting:assessment":        {"own":  "L   200 404 200 200 200 200 404 200",
                                    "unit": "L   404 200 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    "reporting:score_evidence":    {"own":  "L   200 404 200 200 200 200 404 200",
                                    "unit": "L   404 200 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    # a POST: the reviewer's is handled, anyone else's who may read refused with a message
    "reporting:appraise":          {"own":  "L   404 404 404 R   R   R   404 R",
                                    "unit": "L   404 404 404 R   R   R   404 R",
                                    "prov": "L   404 404 404 404 404 404 R   R"},
    "reporting:assessments":       {"own":  "L   404 404 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    # the evidence locker: every member of the province sees its coverage
    "reporting:locker":            {"-":    "L   200 200 200 200 200 200 200 404"},
    # a POST that names no unit of the user's own: not found for everyone (the unit's own
    # reporters attach, tests/reporting/test_locker.py)
    "reporting:locker_attach":     {"own":  "L   404 404 404 404 404 404 404 404",
                                    "prov": "L   404 404 404 404 404 404 404 404"},
    "reporting:locker_review":     {"own":  "L   404 404 404 R   R   R   404 R",
                                    "prov": "L   404 404 404 404 404 404 R   R"},
    "reporting:locker_file":       {"own":  "L   200 404 200 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    "reporting:dossier_start":     {"-":    "L   404 404 404 R   404 404 404 404"},
    "reporting:dossier":           {"own":  "L   404 404 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    "reporting:dossier_download":  {"own":  "L   404 404 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    "reporting:internal_scoring":  {"own":  "L   404 404 404 200 404 404 404 404",
                                    "prov": "L   404 404 404 404 404 404 404 404"},
    "reporting:board":             {"own":  "L   404 404 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    # a POST: the reviewer's is handled, a committee member's or admin's refused with a message
    "reporting:review":            {"own":  "L   404 404 404 R   R   R   404 R",
                                    "unit": "L   404 404 404 R   R   R   404 R",
                                    "prov": "L   404 404 404 404 404 404 R   R"},
    "reporting:reopen":            {"own":  "L   404 404 404 200 404 404 404 404",
                                    "unit": "L   404 404 404 200 404 404 404 404",
                                    "prov": "L   404 404 404 404 404 404 404 404"},
    "reporting:summary":           {"own":  "L   404 404 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    "reporting:summary_excel":     {"own":  "L   404 404 404 200 200 200 404 200",
                                    "prov": "L   404 404 404 404 404 404 200 200"},
    "dashboards:ranking":          {"-":    "L   404 404 404 200 200 200 200 404"},
    "dashboards:trend":            {"-":    "L   404 404 404 200 200 200 200 404"},
    "dashboards:targets":          {"-":    "L   404 404 404 200 200 200 200 404"},
    "dashboards:field":            {"own":  "L   404 404 404 200 200 200 404 404",
                                    "prov": "L   404 404 404 404 404 404 200 404"},
    "dashboards:units":            {"-":    "L   404 404 404 200 200 200 200 404"},
    "dashboards:brief":            {"-":    "L   404 404 404 200 200 200 200 404"},
    "dashboards:projection":       {"-":    "L   404 404 404 200 200 200 200 404"},
    "api:ranking":                 {"-":    "401 404 404 404 200 200 200 200 404"},
    "api:trend":                   {"-":    "401 404 404 404 200 200 200 200 404"},
    "api:targets":                 {"-":    "401 404 404 404 200 200 200 200 404"},
    "api:units":                   {"-":    "401 404 404 404 200 200 200 200 404"},
    "api:projection":              {"-":    "401 404 404 404 200 200 200 200 404"},
    "api:schema":                  {"-":    "200 200 200 200 200 200 200 200 200"},
    # -- Django admin's own pages --------------------------------------------------------------
    "admin:index":                 {"-":    "L   L   L   L   L   L   200 200 200"},
    "admin:login":                 {"-":    "200 200 200 200 200 200 R   R   R"},
    "admin:logout":                {"-":    "R   R   R   R   R   R   405 405 405"},
    "admin:password_change":       {"-":    "L   L   L   L   L   L   200 200 200"},
    "admin:password_change_done":  {"-":    "L   L   L   L   L   L   200 200 200"},
    "admin:autocomplete":          {"own":  "L   L   L   L   L   L   200 200 200",
                                    "prov": "L   L   L   L   L   L   200 200 200"},
    "admin:jsi18n":                {"-":    "L   L   L   L   L   L   200 200 200"},
    "admin:view_on_site":          {"-":    "L   L   L   L   L   L   404 404 404"},
    "admin:app_list":              {"-":    "L   L   L   L   L   L   200 200 200"},
    "admin:catch_all":             {"-":    "L   L   L   L   L   L   404 404 404"},
}
# Every registered ModelAdmin, by how a province admin may use it.
ADMIN_MODELS = {
    "auth.user": "scoped", "indicators.unit": "scoped", "indicators.membership": "scoped",
    "indicators.plan": "scoped", "indicators.indicator": "scoped",
    "indicators.fieldtarget": "scoped", "indicators.task": "scoped",
    "reporting.reportingschedule": "scoped", "reporting.period": "scoped",
    "reporting.reminderpolicy": "scoped", "reporting.scorecardpolicy": "scoped",
    "reporting.reopening": "audit", "reporting.report": "audit", "reporting.reportchange": "audit",
    "reporting.reminder": "audit", "reporting.fieldscorecard": "audit",
    "reporting.unitscorecard": "audit", "indicators.securityevent": "trail",
    "reporting.selfassessment": "audit", "reporting.assessmentchange": "audit",
    "indicators.surveyscore": "scoped", "indicators.checklistitem": "shared",
    "reporting.lockerdocument": "audit", "reporting.dossierexport": "audit",
    "reporting.internalframework": "scoped", "reporting.calendarexception": "scoped",
    "reporting.webhookchannel": "scoped", "reporting.channeldelivery": "audit",
    "reporting.publicpage": "scoped",
    "axes.accessattempt": "lockouts",
    "indicators.methodology": "shared", "indicators.field": "shared",
    "indicators.province": "shared", "indicators.nationalresult": "shared",
    "indicators.fieldresult": "shared", "indicators.nationalstatistic": "shared",
    "auth.group": "superuser", "reporting.apitoken": "superuser",
    "axes.accesslog": "superuser_log", "axes.accessfailurelog": "superuser_log",
    "django_celery_beat.periodictask": "superuser", "django_celery_beat.clockedschedule": "superuser",
    "django_celery_beat.crontabschedule": "superuser", "django_celery_beat.solarschedule": "superuser",
    "django_celery_beat.intervalschedule": "superuser",
}
NO_STAFF = "L   L   L   L   L   L"  # anonymous, and the five portal roles (not staff)
ADMIN_PAGES = {
    # (category, page kind): {variant: row}                      ...  adm_p adm_q su
    ("scoped", "changelist"):     {"-":    f"{NO_STAFF} 200 200 200"},
    ("scoped", "add"):            {"-":    f"{NO_STAFF} 200 200 200"},
    ("scoped", "change"):         {"own":  f"{NO_STAFF} 200 R   200", "prov": f"{NO_STAFF} R   200 200"},
    ("scoped", "delete"):         {"own":  f"{NO_STAFF} 200 R   200", "prov": f"{NO_STAFF} R   200 200"},
    ("scoped", "history"):        {"own":  f"{NO_STAFF} 200 R   200", "prov": f"{NO_STAFF} R   200 200"},
    ("scoped", "redirect"):       {"own":  f"{NO_STAFF} R   R   R",   "prov": f"{NO_STAFF} R   R   R"},
    ("scoped", "password_change"): {"own": f"{NO_STAFF} 200 404 200", "prov": f"{NO_STAFF} 404 200 200"},
    ("scoped", "import"):         {"-":    f"{NO_STAFF} 200 200 200"},
    ("scoped", "process_import"): {"-":    f"{NO_STAFF} 405 405 405"},
    ("scoped", "export"):         {"-":    f"{NO_STAFF} 200 200 200"},
    ("audit", "changelist"):      {"-":    f"{NO_STAFF} 200 200 200"},
    ("audit", "add"):             {"-":    f"{NO_STAFF} 403 403 403"},
    ("audit", "change"):          {"own":  f"{NO_STAFF} 200 R   200", "prov": f"{NO_STAFF} R   200 200"},
    ("audit", "delete"):          {"own":  f"{NO_STAFF} 403 403 200", "prov": f"{NO_STAFF} 403 403 200"},
    ("audit", "history"):         {"own":  f"{NO_STAFF} 200 R   200", "prov": f"{NO_STAFF} R   200 200"},
    ("audit", "redirect"):        {"own":  f"{NO_STAFF} R   R   R",   "prov": f"{NO_STAFF} R   R   R"},
    ("shared", "changelist"):     {"-":    f"{NO_STAFF} 200 200 200"},
    ("shared", "add"):            {"-":    f"{NO_STAFF} 403 403 200"},
    ("shared", "change"):         {"-":    f"{NO_STAFF} 200 200 200"},
    ("shared", "delete"):         {"-":    f"{NO_STAFF} 403 403 200"},
    ("shared", "history"):        {"-":    f"{NO_STAFF} 200 200 200"},
    ("shared", "redirect"):       {"-":    f"{NO_STAFF} R   R   R"},
    ("shared", "import"):         {"-":    f"{NO_STAFF} 403 403 200"},
    ("shared", "import_framework"): {"-":  f"{NO_STAFF} 403 403 200"},
    ("shared", "export_framework"): {"-":  f"{NO_STAFF} 200 200 200"},
    ("shared", "process_import"): {"-":    f"{NO_STAFF} 405 405 405"},  # POST only
    ("shared", "export"):         {"-":    f"{NO_STAFF} 200 200 200"},
    ("superuser", "changelist"):  {"-":    f"{NO_STAFF} 403 403 200"},
    ("superuser", "add"):         {"-":    f"{NO_STAFF} 403 403 200"},
    ("superuser", "change"):      {"-":    f"{NO_STAFF} 403 403 200"},
    ("superuser", "delete"):      {"-":    f"{NO_STAFF} 403 403 200"},
    ("superuser", "history"):     {"-":    f"{NO_STAFF} 403 403 200"},
    ("superuser", "redirect"):    {"-":    f"{NO_STAFF} R   R   R"},
    # django-axes' logs: read-only even for a superuser
    ("superuser_log", "changelist"): {"-": f"{NO_STAFF} 403 403 200"},
    ("superuser_log", "add"):     {"-":    f"{NO_STAFF} 403 403 403"},
    ("superuser_log", "change"):  {"-":    f"{NO_STAFF} 403 403 200"},
    ("superuser_log", "delete"):  {"-":    f"{NO_STAFF} 403 403 200"},
    ("superuser_log", "history"): {"-":    f"{NO_STAFF} 403 403 200"},
    ("superuser_log", "redirect"): {"-":   f"{NO_STAFF} R   R   R"},
    # throttled logins: a province admin unlocks (deletes) their own province's
    ("lockouts", "changelist"):   {"-":    f"{NO_STAFF} 200 200 200"},
    ("lockouts", "add"):          {"-":    f"{NO_STAFF} 403 403 403"},
    ("lockouts", "change"):       {"own":  f"{NO_STAFF} 200 R   200", "prov": f"{NO_STAFF} R   200 200"},
    ("lockouts", "delete"):       {"own":  f"{NO_STAFF} 200 R   200", "prov": f"{NO_STAFF} R   200 200"},
    ("lockouts", "history"):      {"own":  f"{NO_STAFF} 200 R   200", "prov": f"{NO_STAFF} R   200 200"},
    ("lockouts", "redirect"):     {"own":  f"{NO_STAFF} R   R   R",   "prov": f"{NO_STAFF} R   R   R"},
}
# fmt: on
# The security trail (SecurityEvent) reads like the audit rows, but nobody deletes it.
for (_category, _kind), _rows_ in list(ADMIN_PAGES.items()):
    if _category == "audit":
        ADMIN_PAGES[("trail", _kind)] = _rows_
ADMIN_PAGES[("trail", "delete")] = {
    "own": f"{NO_STAFF} 403 403 403",
    "prov": f"{NO_STAFF} 403 403 403",
}
POST_ONLY = {
    "reporting:review",
    "reporting:appraise",
    "reporting:locker_attach",
    "reporting:locker_review",
    "reporting:dossier_start",
    "set_language",
}


@dataclass
class Case:
    name: str
    variant: str
    expected: str  # the row's code for this persona
    persona: str


def _admin_kind(name: str, route: str) -> tuple[str, str] | None:
    """(model label, page kind) of a model's admin URL, or None."""
    for model in admin.site._registry:
        label, model_name = model._meta.label_lower, model._meta.model_name
        prefix = f"admin:{model._meta.app_label}_{model_name}_"
        if name.startswith(prefix):
            return label, name.removeprefix(prefix)
        if route == f"admin/{model._meta.app_label}/{model_name}/<path:object_id>/":
            return label, "redirect"
    return None


def _rows() -> dict[str, dict[str, str]]:
    """Every URL of the project with its expected rows; a URL without a row is an error."""
    table, missing = {}, []
    for route in routes():
        name = "admin:catch_all" if route.route == "admin/(?P<url>.*)$" else route.name
        kind = _admin_kind(name, route.route) if name.startswith("admin") else None
        if kind:
            label, page = kind
            category = ADMIN_MODELS.get(label)
            rows = ADMIN_PAGES.get((category, page)) if category else None
            key = f"{label}:{page}"
        else:
            rows, key = PAGES.get(name), name
        if rows is None:
            missing.append(key)
        else:
            table[key] = rows
    assert not missing, f"URLs without a row in the access matrix: {missing}"
    stale = set(PAGES) - set(table)
    assert not stale, f"rows of the access matrix without a URL: {stale}"
    return table


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    p = Province.objects.get(code="da-nang-2025")
    q = Province.objects.get(code="an-giang")
    a, b = p.units.get(code="hai-chau"), p.units.get(code="hoi-an")
    rep_b = User.objects.create_user("t.matrix.rep_b", password="x")
    Membership.objects.create(user=rep_b, province=p, unit=b, role=Role.UNIT_REPORTER)
    users = {
        "rep_a": User.objects.get(username="dn.reporter"),
        "rep_b": rep_b,
        "head": User.objects.get(username="dn.head"),
        "reviewer": User.objects.get(username="dn.reviewer"),
        "committee": User.objects.get(username="dn.committee"),
        "admin_p": User.objects.get(username="dn.admin"),
        "admin_q": User.objects.get(username="ag.admin"),
        "su": User.objects.get(username="admin"),
    }
    # The last month already due, or (early in January) the first month of the demo.
    periods = Period.objects.filter(province=p)
    period = (
        periods.filter(due_at__lt=timezone.now()).order_by("-month").first()
        or periods.order_by("month").first()
    )
    q_period = Period.objects.filter(province=q).order_by("month")[0]
    q_unit = q.units.get(code="long-xuyen")

    def report(period, unit):
        found = Report.objects.filter(period=period, unit=unit).first()
        now = timezone.now()
        return found or Report.objects.create(
            period=period, unit=unit, status="submitted", submitted_at=now, first_submitted_at=now
        )

    def evidence(rep):
        entry = rep.entries.first() or TaskEntry.objects.create(
            report=rep, task=Task.objects.filter(plan__province=rep.unit.province).first()
        )
        return Evidence.objects.create(
            entry=entry,
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="e.pdf"),
            original_name="e.pdf",
            content_type="application/pdf",
            size=15,
            uploaded_by=users["su"],
        )

    reports = {
        "own": report(period, a),
        "unit": report(period, b),
        "prov": report(q_period, q_unit),
    }
    for r in reports.values():
        if r.status != "submitted":
            now = timezone.now()
            Report.objects.filter(pk=r.pk).update(
                status="submitted", submitted_at=now, first_submitted_at=now, review_note=""
            )
    ApiToken.objects.create(user=users["committee"], name="matrix", key_hash="0" * 64)
    from axes.models import AccessAttempt

    for username, province in [("t.locked.p", p), ("t.locked.q", q)]:
        locked = User.objects.create_user(username, password="x")
        Membership.objects.create(user=locked, province=province, role=Role.COMMITTEE)
        AccessAttempt.objects.create(
            username=username, ip_address="10.0.0.1", user_agent="t", failures_since_start=1
        )
    _a_row_of_every_superuser_model()
    _a_row_of_every_scoped_model(p, period, a, users["su"])
    _a_row_of_every_scoped_model(q, q_period, q_unit, users["su"])
    objects = {
        "own": {"period": period, "unit": a, "report": reports["own"]},
        "unit": {"period": period, "unit": b, "report": reports["unit"]},
        "prov": {"period": q_period, "unit": q_unit, "report": reports["prov"]},
    }
    for _variant, found in objects.items():
        found["evidence"] = evidence(found["report"])
        found["assessment"], found["score_file"] = _an_assessment(
            found["period"], found["unit"], users["su"]
        )
        found.update(_a_locker(found["period"], found["unit"], users["su"]))
        province = found["period"].province
        found["field"] = Task.objects.filter(plan__province=province).first().field
    return {"users": users, "objects": objects, "p": p, "q": q}


def _an_assessment(period, unit, user):
    """A submitted self-assessment of the unit with one score and its evidence file, and the
    province's survey points (every admin page of these rows is tried on both sides)."""
    from indicators.models import Criterion, SurveyScore
    from reporting.models import AssessmentChange, ScoreEvidence, SelfAssessment, SelfScore

    now = timezone.now()
    assessment, _ = SelfAssessment.objects.update_or_create(
        period=period, unit=unit, defaults={"status": "submitted", "submitted_at": now}
    )
    criterion = Criterion.objects.filter(children__isnull=True, scoring="appraisal").first()
    score, _ = SelfScore.objects.get_or_create(
        assessment=assessment, criterion=criterion, defaults={"score": criterion.max_points}
    )
    AssessmentChange.objects.create(assessment=assessment, user=user, at=now, action="submitted")
    survey = Criterion.objects.filter(scoring="survey").first()
    SurveyScore.objects.get_or_create(
        year=2020,
        province=unit.province,
        criterion=survey,
        kind="estimate",
        defaults={"points": 0},
    )
    file = ScoreEvidence.objects.create(
        score=score,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="s.pdf"),
        original_name="s.pdf",
        content_type="application/pdf",
        size=15,
        uploaded_by=user,
    )
    return assessment, file


def _a_locker(period, unit, user):
    """A checklist item, a document of the unit in its province's locker, a finished dossier
    export and an internal index framework of the province."""
    from indicators.models import ChecklistItem, Criterion
    from reporting.models import (
        DossierExport,
        InternalCriterion,
        InternalFramework,
        InternalScore,
        LockerDocument,
    )

    criterion = Criterion.objects.filter(children__isnull=True).order_by("pk").first()
    item, _ = ChecklistItem.objects.get_or_create(
        criterion=criterion, order=99, defaults={"title_vi": "Tài liệu", "kind": "other"}
    )
    province = unit.province
    document = LockerDocument.objects.create(
        province=province,
        year=period.month.year,
        item=item,
        unit=unit,
        number="1/QĐ",
        issuer="UBND",
        description="d",
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="l.pdf"),
        original_name="l.pdf",
        uploaded_by=user,
    )
    export = DossierExport.objects.create(
        province=province,
        year=period.month.year,
        status="done",
        file=ContentFile(b"PK\x05\x06" + b"\x00" * 18, name="d.zip"),
        requested_by=user,
    )
    framework, _ = InternalFramework.objects.get_or_create(province=province, year=2019)
    criterion, _ = InternalCriterion.objects.get_or_create(
        framework=framework, code="M", defaults={"name_vi": "Chấm tay", "max_points": 10}
    )
    InternalScore.objects.get_or_create(criterion=criterion, unit=unit, defaults={"points": 5})
    return {"item": item, "document": document, "export": export, "framework": framework}


def _a_row_of_every_superuser_model():
    from axes.models import AccessFailureLog, AccessLog
    from django.contrib.auth.models import Group
    from django_celery_beat.models import (
        ClockedSchedule,
        CrontabSchedule,
        IntervalSchedule,
        SolarSchedule,
    )

    Group.objects.create(name="matrix")
    ClockedSchedule.objects.create(clocked_time=timezone.now())
    SolarSchedule.objects.create(event="sunrise", latitude=16, longitude=108)
    IntervalSchedule.objects.get_or_create(every=7, period="days")
    CrontabSchedule.objects.get_or_create(minute="7", hour="7")
    AccessLog.objects.create(username="dn.reporter", ip_address="10.0.0.1", user_agent="t")
    AccessFailureLog.objects.create(username="dn.reporter", ip_address="10.0.0.1", user_agent="t")


def _a_row_of_every_scoped_model(province, period, unit, user):
    """The demo lacks some rows in one province or the other (policies, An Giang's audit
    tables): make one of each, so that every admin page is tried on both sides."""
    from reporting.models import (
        Reminder,
        ReminderPolicy,
        Reopening,
        ReportChange,
        ReportingSchedule,
        ScorecardPolicy,
    )
    from reporting.services.scorecards import scorecard_rollup

    for policy in [ReportingSchedule, ReminderPolicy, ScorecardPolicy]:
        policy.objects.get_or_create(province=province)
    from reporting.models import CalendarException

    CalendarException.objects.get_or_create(
        province=province, day=dt.date(2031, 1, 4), kind="working_day", name_vi="Làm bù"
    )
    plan = province.plans.first()
    field = plan.tasks.first().field
    from indicators.models import FieldTarget, Indicator

    Indicator.objects.get_or_create(plan=plan, code="MATRIX", defaults={"name_vi": "Chỉ tiêu"})
    FieldTarget.objects.get_or_create(plan=plan, field=field, defaults={"best_rank": 10})
    Reopening.objects.create(
        period=period, unit=unit, reason="x", until=timezone.now(), created_by=user
    )
    report = Report.objects.get(period=period, unit=unit)
    ReportChange.objects.create(report=report, user=user, at=timezone.now(), action="submitted")
    reminder, _ = Reminder.objects.get_or_create(unit=unit, period=period, kind="matrix")
    from reporting.models import ChannelDelivery, WebhookChannel

    WebhookChannel.objects.get_or_create(
        province=province, defaults={"name": "Zalo", "url": "http://127.0.0.1:9/", "secret": "s"}
    )
    ChannelDelivery.objects.get_or_create(reminder=reminder, user=user, channel="webhook")
    from reporting.models import PublicPage

    PublicPage.objects.get_or_create(province=province)
    scorecard_rollup(period=period, now=timezone.now())


def _admin_object(label: str, variant: str, world):
    model = next(m for m in admin.site._registry if m._meta.label_lower == label)
    model_admin = admin.site._registry[model]
    manager = model._default_manager
    if variant == "-":
        return manager.order_by("pk").first()
    province = world["p"] if variant == "own" else world["q"]
    if model is User:
        return (
            world["objects"][variant]["report"]
            .unit.memberships.filter(role=Role.UNIT_REPORTER)
            .first()
            .user
            if variant != "own"
            else world["users"]["rep_a"]
        )
    if label == "axes.accessattempt":
        return manager.get(username="t.locked.p" if variant == "own" else "t.locked.q")
    lookup = getattr(model_admin, "province_lookup", "province")
    return manager.filter(**{lookup: province}).order_by("pk").first()


def _url(key: str, variant: str, world) -> tuple[str, dict]:
    """The address (and query) to request for a row and variant."""
    from django.urls import reverse

    objects = world["objects"].get(variant, world["objects"]["own"])
    if ":" in key and key.split(":")[0].count(".") == 1:  # a model's admin page
        label, page = key.rsplit(":", 1)
        app_label, model_name = label.split(".")
        obj = _admin_object(label, variant, world)
        if page in {"changelist", "add", "import", "process_import", "export", "import_framework"}:
            return reverse(f"admin:{app_label}_{model_name}_{page}"), {}
        assert obj is not None, f"no {label} row for variant {variant}"
        if page == "redirect":
            return f"/admin/{app_label}/{model_name}/{obj.pk}/", {}
        return reverse(f"admin:{app_label}_{model_name}_{page}", args=[obj.pk]), {}
    special = {
        "admin:catch_all": ("/admin/nothing-here/", {}),
        "admin:app_list": ("/admin/indicators/", {}),
        "admin:view_on_site": (
            f"/admin/r/{ContentType.objects.get_for_model(Unit).pk}/{objects['unit'].pk}/",
            {},
        ),
        "admin:autocomplete": (
            "/admin/autocomplete/",
            {
                "app_label": "indicators",
                "model_name": "task",
                "field_name": "lead_unit",
                "term": objects["unit"].name_vi[:4],
            },
        ),
    }
    if key in special:
        return special[key]
    samples = {
        "period_pk": objects["period"].pk,
        "unit_pk": objects["unit"].pk,
        "report_pk": objects["report"].pk,
        "pk": objects["evidence"].pk,
        "field_pk": objects["field"].pk,
        "assessment_pk": objects["assessment"].pk,
        "file_pk": objects["score_file"].pk,
        "item_pk": objects["item"].pk,
        "document_pk": objects["document"].pk,
        "export_pk": objects["export"].pk,
        "framework_pk": objects["framework"].pk,
        "code": objects["unit"].province.code,
    }
    route = next(r.route for r in routes() if r.name == key)
    kwargs = {k: samples[k] for k in re.findall(r"<(?:\w+:)?(\w+)>", route)}
    return reverse(key, kwargs=kwargs), {}


def _code(response) -> str:
    if response.status_code in (301, 302):
        location = response.headers.get("Location", "")
        return "L" if "/login/" in location else "R"
    return str(response.status_code)


def test_access_matrix(world):
    table = _rows()
    clients = {"anon": Client()}
    for persona, user in world["users"].items():
        clients[persona] = Client()
        clients[persona].force_login(user)
    failures, observed, tried = [], {}, 0
    for key, rows in sorted(table.items()):
        for variant, row in rows.items():
            codes = row.split()
            assert len(codes) == len(PERSONAS), (key, variant, row)
            url, query = _url(key, variant, world)
            got = []
            for persona, expected in zip(PERSONAS, codes, strict=True):
                client = clients[persona]
                response = client.post(url, query) if key in POST_ONLY else client.get(url, query)
                tried += 1
                code = _code(response)
                got.append(code)
                if code != expected:
                    failures.append(f"{key} [{variant}] {persona}: expected {expected}, got {code}")
            observed[(key, variant)] = " ".join(got)
    if os.environ.get("MATRIX_DISCOVER"):
        for (key, variant), row in sorted(observed.items()):
            print(f"{key:45} {variant:5} {row}")
    print(f"access matrix: {tried} requests over {len(table)} URLs")
    assert not failures, "\n".join(failures)
