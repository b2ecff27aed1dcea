"""Reminders: due at the boundary instants, caught up, never both, one e-mail per person per
run, exactly once per key, retries with backoff, the command and its dry run."""

import datetime as dt
import threading
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from reporting.models import Notice, Reminder, ReminderPolicy
from reporting.services import report_start, report_submit
from reporting.services.reminders import reminder_send_again, reminders_run
from tests.reporting.flaky_smtp import FailingThenWorking
from tests.reporting.world import build_world, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return build_world()


def kinds(world):
    return sorted(Reminder.objects.filter(period=world.period).values_list("unit__code", "kind"))


def recipients(message) -> set[str]:
    return set(message.to)


def test_due_is_the_start_of_the_25th_local(world):
    assert world.period.due_at == local(2030, 3, 25)


def test_nothing_before_the_send_hour_then_the_five_day_reminder(world):
    reminders_run(now=local(2030, 3, 20, 7, 59))
    assert kinds(world) == [] and mail.outbox == []
    reminders_run(now=local(2030, 3, 20, 8, 0))
    assert kinds(world) == [("a", "before_5"), ("b", "before_5")]


def test_a_missed_day_is_caught_up_by_the_next_tick(world):
    reminders_run(now=local(2030, 3, 21, 9, 5))  # the 20th's ticks never ran
    assert kinds(world) == [("a", "before_5"), ("b", "before_5")]


def test_when_the_one_day_reminder_is_due_the_five_day_one_is_never_sent(world):
    # the day before the 25th is Sunday 24 March 2030: the reminder goes out on Friday 22
    reminders_run(now=local(2030, 3, 22, 8, 5))
    assert kinds(world) == [("a", "before_1"), ("b", "before_1")]
    reminders_run(now=local(2030, 3, 22, 9, 5))
    assert kinds(world) == [("a", "before_1"), ("b", "before_1")]


def test_nothing_goes_out_on_a_day_off(world):
    reminders_run(now=local(2030, 3, 23, 9, 5))  # Saturday: Friday's ticks never ran
    assert kinds(world) == []
    reminders_run(now=local(2030, 3, 24, 9, 5))  # Sunday
    assert kinds(world) == []


def test_one_email_per_person_listing_everything_missing_for_them(world):
    reminders_run(now=local(2030, 3, 20, 8, 5))
    by_person = {}
    for message in mail.outbox:
        (to,) = message.to
        by_person[to] = by_person.get(to, 0) + 1
    assert by_person == {
        "ra@people.example": 1,
        "rb@people.example": 1,
        "head_a@people.example": 1,
        "both@people.example": 1,
    }
    both = next(m for m in mail.outbox if m.to == ["both@people.example"])
    assert "UBND xã A" in both.body and "UBND xã B" in both.body
    html = both.alternatives[0][0]
    assert "http://127.0.0.1:8000/reports/" in html
    # the deadline as people say it, in local time
    assert "hạn nộp trước ngày 25/03/2030 (hết ngày 24/03)" in both.body
    assert both.subject.startswith("[Cổng CCHC]")


def test_english_for_those_who_chose_it(world):
    reminders_run(now=local(2030, 3, 20, 8, 5))
    (english,) = [m for m in mail.outbox if m.to == ["rb@people.example"]]
    assert english.subject == "[PAR Portal] Reminder: monthly report due soon"


def test_a_second_run_and_a_duplicated_tick_send_nothing_twice(world):
    now = local(2030, 3, 20, 8, 5)
    reminders_run(now=now)
    sent = len(mail.outbox)
    reminders_run(now=now)
    reminders_run(now=now + dt.timedelta(hours=1))
    assert len(mail.outbox) == sent == 4
    assert set(Reminder.objects.filter(period=world.period).values_list("status", flat=True)) == {
        "sent"
    }


def test_submitted_units_are_not_reminded(world):
    report = report_start(
        period=world.period, unit=world.b, user=world.users["rb"], now=local(2030, 3, 19)
    )
    entries = {
        e.task_id: {"status": "in_progress", "percent_done": 10} for e in report.entries.all()
    }
    report_submit(
        report=report,
        user=world.users["rb"],
        version=report.version,
        entries=entries,
        values={},
        files={},
        now=local(2030, 3, 19),
    )
    reminders_run(now=local(2030, 3, 20, 8, 5))
    assert kinds(world) == [("a", "before_5")]
    assert {m.to[0] for m in mail.outbox} == {
        "ra@people.example",
        "head_a@people.example",
        "both@people.example",
    }


def test_overdue_notice_goes_to_the_unit_and_the_focal_agency(world):
    reminders_run(now=local(2030, 3, 26, 7, 59))
    assert kinds(world) == []
    reminders_run(now=local(2030, 3, 26, 8, 0))
    assert kinds(world) == [("a", "overdue"), ("b", "overdue")]
    to = {m.to[0] for m in mail.outbox}
    # the units' reporters and head (their official e-mail only when they have none), and the
    # focal agency as the policy says
    assert to == {
        "ra@people.example",
        "rb@people.example",
        "head_a@people.example",
        "both@people.example",
        "reviewer@people.example",
    }
    reviewer = next(m for m in mail.outbox if m.to == ["reviewer@people.example"])
    assert "UBND xã A" in reviewer.body and "UBND xã B" in reviewer.body
    assert "/reports/board/" in reviewer.body


def test_escalation_digest_to_the_committee(world):
    reminders_run(now=local(2030, 3, 28, 8, 0))
    assert ("a", "escalation") in kinds(world)
    (digest,) = [m for m in mail.outbox if m.to == ["committee@people.example"]]
    assert "UBND xã A" in digest.body and "UBND xã B" in digest.body


def test_policy_is_per_province(world):
    ReminderPolicy.objects.create(province=world.province, days_before="3", send_hour=10)
    reminders_run(now=local(2030, 3, 22, 9, 59))
    assert kinds(world) == []
    reminders_run(now=local(2030, 3, 22, 10, 0))
    assert kinds(world) == [("a", "before_3"), ("b", "before_3")]


def test_transient_smtp_error_retries_with_backoff_then_succeeds(world, settings):
    settings.EMAIL_BACKEND = "tests.reporting.flaky_smtp.FailingThenWorking"
    FailingThenWorking.failures_left = 1
    now = local(2030, 3, 20, 8, 5)
    report = reminders_run(now=now)
    failed = Reminder.objects.filter(attempts=1)
    assert failed.exists() and failed.first().status == "pending"
    assert "SMTPServerDisconnected" in failed.first().error
    assert now + dt.timedelta(minutes=1) <= report.retry_at <= now + dt.timedelta(minutes=2)
    reminders_run(now=now + dt.timedelta(seconds=30))  # too early: backoff not over
    assert Reminder.objects.filter(status="pending").exists()
    reminders_run(now=now + dt.timedelta(minutes=3))
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    assert len(mail.outbox) == 4


def test_final_failure_is_recorded_and_can_be_sent_again(world, settings):
    settings.EMAIL_BACKEND = "tests.reporting.flaky_smtp.AlwaysDown"
    now = local(2030, 3, 20, 8, 5)
    for hour in range(6):
        reminders_run(now=now + dt.timedelta(hours=hour * 2))
    row = Reminder.objects.get(unit=world.a)
    assert (row.status, row.attempts) == ("failed", 5)
    assert "421" in row.error
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reminder_send_again(reminder=row)
    reminders_run(now=now + dt.timedelta(hours=13))
    row.refresh_from_db()
    assert row.status == "sent"


def test_in_app_notice_for_each_user_recipient(world):
    reminders_run(now=local(2030, 3, 20, 8, 5))
    notice = Notice.objects.get(user=world.users["both"])
    assert notice.read_at is None and "UBND xã B" in notice.body


def test_command_dry_run_lists_and_sends_nothing(world):
    out = StringIO()
    call_command("send_reminders", "--now", "2030-03-20T08:05", "--dry-run", stdout=out)
    assert "both@people.example" in out.getvalue()
    assert mail.outbox == [] and not Reminder.objects.exists()
    call_command("send_reminders", "--now", "2030-03-20T08:05", stdout=StringIO())
    assert len(mail.outbox) == 4


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_runs_send_one_email_per_person(settings):
    if connection.vendor != "postgresql":
        pytest.skip("the run lock is PostgreSQL's advisory lock; SQLite has one writer anyway")
    from indicators.services.demo import demo_load

    demo_load()  # transactional tests begin from a flushed database
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    build_world(units=20)
    now = local(2030, 3, 20, 8, 5)
    barrier = threading.Barrier(2)

    def run():
        barrier.wait()
        try:
            reminders_run(now=now)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    to = [m.to[0] for m in mail.outbox]
    assert len(to) == len(set(to)) == 24


def _without_accounts(unit):
    from indicators.models import Membership

    Membership.objects.filter(unit=unit).delete()


def test_a_unit_without_accounts_is_reminded_at_its_official_address(world):
    _without_accounts(world.a)  # A still has its official e-mail
    reminders_run(now=local(2030, 3, 20, 8, 5))
    to = {m.to[0] for m in mail.outbox}
    assert "head.a@unit.example" in to
    row = Reminder.objects.get(period=world.period, unit=world.a)
    assert (row.status, row.recipients) == ("sent", ["head.a@unit.example"])


def test_a_reminder_that_reaches_nobody_at_the_unit_fails_and_shows_on_the_board(world, client):
    from django.urls import reverse

    from reporting.selectors import units_without_address

    _without_accounts(world.b)  # B has no official e-mail either
    assert units_without_address(world.period) == [world.b]
    report = reminders_run(now=local(2030, 3, 20, 8, 5))
    row = Reminder.objects.get(period=world.period, unit=world.b)
    assert (row.status, row.failure, row.sent_at) == ("failed", "no_recipient", None)
    assert report.failed == 1
    assert Reminder.objects.get(period=world.period, unit=world.a).status == "sent"
    # the overdue notice still reaches the focal agency, and still fails for the unit
    reminders_run(now=local(2030, 3, 26, 8, 5))
    overdue = Reminder.objects.get(period=world.period, unit=world.b, kind="overdue")
    assert overdue.status == "failed" and overdue.recipients == ["reviewer@people.example"]
    client.force_login(world.users["reviewer"])
    page = client.get(reverse("reporting:board", args=[world.period.pk])).content.decode()
    assert "1 đơn vị không có địa chỉ nhận nhắc việc" in page and "UBND xã B" in page


def test_the_board_names_a_unit_without_address_as_soon_as_accounts_change(
    world, client, django_capture_on_commit_callbacks
):
    """The list is cached (it is read on every board view); an account or a unit saved in
    the admin shows on the next view."""
    from django.urls import reverse

    commit = django_capture_on_commit_callbacks
    url = reverse("reporting:board", args=[world.period.pk])
    client.force_login(world.users["reviewer"])
    assert "không có địa chỉ nhận nhắc việc" not in client.get(url).content.decode()
    # B's people lose their e-mails (the accounts are saved) and B has no official e-mail
    with commit(execute=True):
        for membership in world.b.memberships.select_related("user"):
            membership.user.email = ""
            membership.user.save()
    page = client.get(url).content.decode()
    assert "1 đơn vị không có địa chỉ nhận nhắc việc" in page and "UBND xã B" in page
    with commit(execute=True):  # the unit gets an official e-mail
        world.b.head_email = "ubnd.xa.b@unit.example"
        world.b.save()
    assert "không có địa chỉ nhận nhắc việc" not in client.get(url).content.decode()


def test_the_dry_run_names_the_units_it_could_not_reach(world):
    _without_accounts(world.b)
    out = StringIO()
    call_command("send_reminders", "--now", "2030-03-20T08:05", "--dry-run", stdout=out)
    assert "NO ADDRESS (would fail): UBND xã B 03/2030 before_5" in out.getvalue()


def test_a_run_sends_all_its_messages_over_one_smtp_connection(world, settings):
    """A fan-out to a whole country opens one connection, not one per message (a local SMTP
    server counts the connections that delivered)."""
    from tests.smtp_sink import Sink

    with Sink() as sink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
        report = reminders_run(now=local(2030, 3, 20, 8, 5))
    assert report.sent_messages >= 2
    assert len(sink.messages) == report.sent_messages
    assert len(sink.sessions) == 1
