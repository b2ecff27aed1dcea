"""The working-day calendar on the dates that matter: Tết 2027, 30 April and 1 May, 2 September,
a swapped Saturday, a 24th on a Sunday, and Vietnam Cultural Day (24 November) — for the due
date, the lock, the reminders before the deadline and the overdue notices."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from reporting.models import CalendarException, Period, ReminderPolicy, ReportingSchedule
from reporting.selectors.reminders import kinds_due, reminder_day
from reporting.selectors.reports import due_rule_text
from reporting.services import period_instants
from reporting.services.reports import periods_ensure, periods_recompute
from reporting.workdays import WorkCalendar
from tests.reporting.world import build_world, local

pytestmark = pytest.mark.django_db

D = dt.date
NO_EXCEPTIONS = WorkCalendar()


@pytest.fixture
def world():
    return build_world()


def schedule(world, *, due_day=25, lock=5, rule="keep"):
    return ReportingSchedule.objects.update_or_create(
        province=world.province,
        defaults={"due_day": due_day, "lock_after_days": lock, "when_last_day_off": rule},
    )[0]


# --- the calendar itself ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        D(2027, 2, 4),  # 29 Tết
        D(2027, 2, 5),  # giao thừa
        D(2027, 2, 8),  # mùng 3 (a Monday)
        D(2027, 2, 10),  # mùng 5 (a Wednesday)
        D(2027, 4, 30),
        D(2027, 5, 3),  # 1 May falls on a Saturday: the Monday is off
        D(2026, 9, 1),
        D(2026, 9, 2),
        D(2026, 11, 24),  # Vietnam Cultural Day, from 2026
        D(2027, 1, 24),  # a Sunday
    ],
)
def test_days_off(day):
    assert not NO_EXCEPTIONS.is_working(day)


@pytest.mark.parametrize("day", [D(2027, 2, 11), D(2027, 5, 4), D(2026, 9, 3), D(2027, 1, 25)])
def test_working_days(day):
    assert NO_EXCEPTIONS.is_working(day)


def test_holidays_are_named_in_the_reader_s_language():
    with translation.override("vi"):
        assert NO_EXCEPTIONS.why_off(D(2027, 2, 6)) == "Tết Nguyên Đán"
        assert NO_EXCEPTIONS.why_off(D(2027, 1, 24)) == "Chủ nhật"
    with translation.override("en"):
        assert NO_EXCEPTIONS.why_off(D(2027, 2, 6)) == "Lunar New Year"
        assert NO_EXCEPTIONS.why_off(D(2027, 1, 24)) == "Sunday"
    assert NO_EXCEPTIONS.why_off(D(2027, 2, 11)) == ""


def test_a_swapped_saturday_is_a_working_day_and_a_compensatory_day_is_not(world):
    CalendarException.objects.create(
        province=world.province, day=D(2027, 1, 30), kind="working_day", name_vi="Làm bù"
    )
    CalendarException.objects.create(
        province=world.province, day=D(2027, 2, 11), kind="day_off", name_vi="Nghỉ bù Tết"
    )
    calendar = WorkCalendar.for_province(world.province.pk)
    assert calendar.is_working(D(2027, 1, 30)) and not NO_EXCEPTIONS.is_working(D(2027, 1, 30))
    assert not calendar.is_working(D(2027, 2, 11))
    assert calendar.why_off(D(2027, 2, 11)) == "Nghỉ bù Tết"
    # another province's calendar is not touched
    assert WorkCalendar.for_province(world.province.pk + 10_000).is_working(D(2027, 2, 11))


def test_counting_working_days_across_tet():
    # from Wednesday 3 Feb 2027: Thursday 4 to Wednesday 10 are off
    assert NO_EXCEPTIONS.working_days_after(D(2027, 2, 3), 1) == D(2027, 2, 11)
    assert NO_EXCEPTIONS.working_days_after(D(2027, 2, 3), 2) == D(2027, 2, 12)
    assert NO_EXCEPTIONS.working_days_after(D(2027, 2, 6), 0) == D(2027, 2, 11)
    assert NO_EXCEPTIONS.working_days_from(D(2027, 2, 3), 3) == D(2027, 2, 12)
    assert NO_EXCEPTIONS.previous_working(D(2027, 2, 10)) == D(2027, 2, 3)


# --- due dates -------------------------------------------------------------------------------


def test_a_24th_on_a_sunday_keeps_the_deadline_under_the_default_rule(world):
    instants = period_instants(province=world.province, month=D(2027, 1, 1))
    assert instants.due_at == local(2027, 1, 25)
    assert instants.due_rule == Period.DueRule.KEPT
    assert instants.nominal_last_day == D(2027, 1, 24)


def test_a_24th_on_a_sunday_moves_to_monday_under_the_next_working_day_rule(world):
    schedule(world, rule="next_working_day")
    instants = period_instants(province=world.province, month=D(2027, 1, 1))
    # the last day to submit is Monday 25, so reports are due at the start of the 26th
    assert instants.due_at == local(2027, 1, 26)
    assert instants.due_rule == Period.DueRule.MOVED


def test_an_ordinary_month_is_standard(world):
    schedule(world, rule="next_working_day")
    instants = period_instants(province=world.province, month=D(2027, 3, 1))  # 24th: Wednesday
    assert (instants.due_at, instants.due_rule) == (local(2027, 3, 25), Period.DueRule.STANDARD)


def test_a_last_day_in_tet_moves_past_the_whole_holiday(world):
    schedule(world, due_day=5, rule="next_working_day")
    instants = period_instants(province=world.province, month=D(2027, 2, 1))
    # last day 4 Feb (29 Tết) → Thursday 11 Feb; five working days to lock: 12, 15, 16, 17, 18
    assert instants.due_at == local(2027, 2, 12)
    assert instants.locks_at == local(2027, 2, 19)


def test_a_last_day_on_30_april_moves_past_1_may_and_its_observed_monday(world):
    schedule(world, due_day=1, lock=2, rule="next_working_day")
    instants = period_instants(province=world.province, month=D(2027, 5, 1))
    # 30 Apr (Fri) holiday, 1 May (Sat) holiday, 2 May Sunday, 3 May observed → Tuesday 4 May
    assert instants.due_at == local(2027, 5, 5)
    assert instants.locks_at == local(2027, 5, 7)


def test_a_last_day_on_2_september_moves_to_the_3rd(world):
    schedule(world, due_day=3, lock=1, rule="next_working_day")
    instants = period_instants(province=world.province, month=D(2026, 9, 1))
    assert instants.due_at == local(2026, 9, 4)
    assert instants.locks_at == local(2026, 9, 5)


def test_a_swapped_saturday_is_a_last_day_like_any_other(world):
    schedule(world, due_day=23, rule="next_working_day")
    # Saturday 22 Aug 2026: without the announcement the last day moves to Monday 24
    assert period_instants(province=world.province, month=D(2026, 8, 1)).due_at == local(
        2026, 8, 25
    )
    CalendarException.objects.create(
        province=world.province, day=D(2026, 8, 22), kind="working_day", name_vi="Làm bù"
    )
    instants = period_instants(province=world.province, month=D(2026, 8, 1))
    assert (instants.due_at, instants.due_rule) == (local(2026, 8, 23), Period.DueRule.STANDARD)


def test_vietnam_cultural_day_is_a_last_day_off(world):
    instants = period_instants(province=world.province, month=D(2026, 11, 1))
    assert (instants.due_at, instants.due_rule) == (local(2026, 11, 25), Period.DueRule.KEPT)
    with translation.override("vi"):
        text = due_rule_text(Period(province=world.province, **instants.fields()))
    assert text == ("Ngày cuối nộp 24/11 là ngày nghỉ (Ngày Văn hóa Việt Nam); hạn nộp giữ nguyên.")


def test_the_lock_counts_working_days_over_a_weekend(world):
    # due Thursday 25 Feb 2027: 25, 26, (27–28 weekend), 1, 2, 3 March → locks at the 4th
    instants = period_instants(province=world.province, month=D(2027, 2, 1))
    assert instants.due_at == local(2027, 2, 25)
    assert instants.locks_at == local(2027, 3, 4)


# --- the calendar changes after the periods were created ----------------------------------


def test_a_new_exception_moves_the_periods_not_yet_due_but_not_an_admin_s(world):
    schedule(world, due_day=23, rule="next_working_day")
    aug, sep = periods_ensure(province=world.province, first=D(2026, 8, 1), last=D(2026, 9, 1))
    assert aug.due_at == local(2026, 8, 25)
    sep.due_rule = Period.DueRule.MANUAL
    sep.save()
    CalendarException.objects.create(
        province=world.province, day=D(2026, 8, 22), kind="working_day", name_vi="Làm bù"
    )
    moved = periods_recompute(province=world.province, now=local(2026, 8, 1))
    aug.refresh_from_db()
    # the world's March 2030 (a 24th on a Sunday) moved with the new rule; September did not
    assert aug in moved and sep not in moved and aug.due_at == local(2026, 8, 23)
    # once due, a period keeps its deadline
    CalendarException.objects.filter(province=world.province).delete()
    assert periods_recompute(province=world.province, now=local(2026, 8, 23, 0, 0, 1)) == []


def test_saving_an_exception_in_admin_moves_the_deadline(world, client, django_user_model):
    schedule(world, rule="next_working_day")
    (period,) = periods_ensure(province=world.province, first=D(2031, 5, 1), last=D(2031, 5, 1))
    # the last day, Saturday 24 May 2031, moves to Monday 26: due at the start of the 27th
    assert (period.due_at, period.due_rule) == (local(2031, 5, 27), Period.DueRule.MOVED)
    admin = django_user_model.objects.create_superuser("cal-admin", password="Pw-for-tests-1")
    client.force_login(admin)
    response = client.post(
        reverse("admin:reporting_calendarexception_add"),
        {
            "province": world.province.pk,
            "day": "2031-05-24",
            "kind": "working_day",
            "name_vi": "Làm bù",
            "name_en": "",
            "source": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    period.refresh_from_db()
    assert (period.due_at, period.due_rule) == (local(2031, 5, 25), Period.DueRule.STANDARD)


# --- reminders and overdue notices ---------------------------------------------------------


def test_a_reminder_due_on_a_sunday_goes_out_on_the_friday(world):
    policy = ReminderPolicy(province=world.province, days_before="5, 1", send_hour=8)
    period = Period(province=world.province, month=D(2027, 1, 1), due_at=local(2027, 1, 25))
    period.locks_at = local(2027, 2, 1)
    # one day before the 25th is Sunday 24: the reminder goes out on Friday 22 at 8:00
    assert reminder_day(D(2027, 1, 25), 1, NO_EXCEPTIONS) == D(2027, 1, 22)
    assert kinds_due(period, policy, now=local(2027, 1, 22, 7, 59), calendar=NO_EXCEPTIONS) == [
        "before_5"
    ]
    assert kinds_due(period, policy, now=local(2027, 1, 22, 8), calendar=NO_EXCEPTIONS) == [
        "before_1"
    ]


def test_no_reminder_or_notice_on_tet(world):
    policy = ReminderPolicy(
        province=world.province, days_before="3", overdue_after_days=1, escalation_after_days=3
    )
    period = Period(province=world.province, month=D(2027, 2, 1), due_at=local(2027, 2, 5))
    period.locks_at = local(2027, 2, 20)
    # three days before 5 Feb is 2 Feb, a Tuesday: sent then
    assert reminder_day(D(2027, 2, 5), 3, NO_EXCEPTIONS) == D(2027, 2, 2)
    # the overdue notice is one working day after the due day: Thursday 11 Feb, not the 6th
    assert kinds_due(period, policy, now=local(2027, 2, 10, 23), calendar=NO_EXCEPTIONS) == []
    assert kinds_due(period, policy, now=local(2027, 2, 11, 8), calendar=NO_EXCEPTIONS) == [
        "overdue"
    ]
    # the escalation three working days after: 11, 12, 15 → Monday 15 Feb
    assert kinds_due(period, policy, now=local(2027, 2, 12, 9), calendar=NO_EXCEPTIONS) == [
        "overdue"
    ]
    assert kinds_due(period, policy, now=local(2027, 2, 15, 8), calendar=NO_EXCEPTIONS) == [
        "overdue",
        "escalation",
    ]


def test_a_reminder_before_2_september_goes_out_before_the_holiday(world):
    # due day 3 Sep 2026: one day before is 2 Sep, two before is 1 Sep, three is 31 Aug (the
    # substituted day off): all go out on Friday 28 Aug
    for days in (1, 2, 3):
        assert reminder_day(D(2026, 9, 3), days, NO_EXCEPTIONS) == D(2026, 8, 28)
