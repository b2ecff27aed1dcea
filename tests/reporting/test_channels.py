"""The webhook channel (Zalo/SMS): chosen per person with a phone number and consent; one
delivery per (reminder, person, channel), signed, retried, and never holding e-mail back (nor
held back by it). The same with a real Celery worker: tests/integration/test_celery_worker.py."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from indicators.models import Preference
from indicators.services.preferences import normalise_phone, preference_set_channels
from reporting.models import ChannelDelivery, Reminder, WebhookChannel
from reporting.models.channels import validate_message_template
from reporting.services.channels import delivery_send
from reporting.services.reminders import reminders_run
from reporting.webhook_sink import WebhookSink
from tests.reporting.world import build_world, local

pytestmark = pytest.mark.django_db

FIVE_DAYS_BEFORE = local(2030, 3, 20, 8, 5)
SECRET = "s3cret-for-tests"


@pytest.fixture(autouse=True)
def deliveries_in_process():
    """Each delivery's task runs in this process, broker or not (with a broker, nothing would
    consume it here; the worker's own test is tests/integration/test_celery_worker.py)."""
    from par_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def world(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return build_world()


@pytest.fixture
def sink():
    with WebhookSink(secret=SECRET) as running:
        yield running


def connect(world, sink, **fields):
    return WebhookChannel.objects.create(
        province=world.province, name="Zalo OA", url=sink.url, secret=SECRET, **fields
    )


def opt_in(user, phone="0905 123 456"):
    preference_set_channels(
        user=user, wants_webhook=True, phone=phone, consent=True, now=local(2030, 3, 1)
    )


def test_a_person_who_chose_zalo_gets_one_signed_message_per_reminder(world, sink):
    connect(world, sink)
    opt_in(world.users["ra"])
    reminders_run(now=FIVE_DAYS_BEFORE)
    assert [e["valid"] for e in sink.received] == [True]
    payload = sink.received[0]["payload"]
    assert payload["to"]["phone"] == "+84905123456"
    assert payload["kind"] == "before_5" and payload["month"] == "03/2030"
    assert payload["text"].startswith("Cổng CCHC: báo cáo của UBND xã A tháng 03/2030")
    assert payload["url"].endswith(reverse("reporting:report", args=[world.period.pk, world.a.pk]))
    assert sink.received[0]["key"] == payload["id"]
    # e-mail went out as before, to everyone
    assert len(mail.outbox) == 4
    # a second and a third tick send nothing again
    reminders_run(now=FIVE_DAYS_BEFORE + dt.timedelta(hours=1))
    reminders_run(now=FIVE_DAYS_BEFORE + dt.timedelta(hours=2))
    assert len(sink.received) == 1
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.user) == ("sent", 1, world.users["ra"])


def test_nobody_who_did_not_choose_it_and_no_province_without_a_channel(world, sink):
    opt_in(world.users["ra"])
    reminders_run(now=FIVE_DAYS_BEFORE)  # no channel connected yet
    assert sink.received == [] and not ChannelDelivery.objects.exists()
    connect(world, sink)
    Reminder.objects.all().delete()
    preference_set_channels(
        user=world.users["ra"], wants_webhook=False, phone="", consent=False, now=FIVE_DAYS_BEFORE
    )
    reminders_run(now=FIVE_DAYS_BEFORE)
    assert sink.received == [] and not ChannelDelivery.objects.exists()


def test_a_failing_webhook_never_holds_e_mail_back(world):
    with WebhookSink(secret=SECRET, fail_first=1000) as down:
        connect(world, down)
        opt_in(world.users["ra"])
        report = reminders_run(now=FIVE_DAYS_BEFORE)
    assert report.sent_messages == 4 and len(mail.outbox) == 4
    assert set(Reminder.objects.values_list("status", flat=True)) == {"sent"}
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.error) == ("pending", 1, "HTTP 503")
    assert delivery.next_attempt_at is not None  # 60 s after the attempt (below: the doubling)


def test_a_failing_mail_server_never_holds_the_webhook_back(world, sink, settings):
    settings.EMAIL_BACKEND = "tests.reporting.flaky_smtp.AlwaysDown"
    connect(world, sink)
    opt_in(world.users["ra"])
    reminders_run(now=FIVE_DAYS_BEFORE)
    assert len(sink.received) == 1
    assert ChannelDelivery.objects.get().status == "sent"
    assert not Reminder.objects.filter(status="sent").exists()  # e-mail waits for its retry


def test_retries_double_then_give_up_after_the_channel_s_attempts(world):
    with WebhookSink(secret=SECRET, fail_first=1000) as down:
        connect(world, down, max_attempts=3)
        opt_in(world.users["ra"])
        reminders_run(now=FIVE_DAYS_BEFORE)
        delivery = ChannelDelivery.objects.get()
        second = delivery_send(delivery_id=delivery.pk, now=FIVE_DAYS_BEFORE)
        assert second.retry_in == 120  # 60 s, then 120 s
        assert delivery_send(delivery_id=delivery.pk, now=FIVE_DAYS_BEFORE).retry_in is None
        assert down.requests == 3
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 3)


def test_a_refusal_is_not_retried(world):
    with WebhookSink(secret="another-secret") as wrong:  # answers 401: bad signature
        connect(world, wrong)
        opt_in(world.users["ra"])
        reminders_run(now=FIVE_DAYS_BEFORE)
    delivery = ChannelDelivery.objects.get()
    assert (delivery.status, delivery.error) == ("failed", "HTTP 401")


def test_the_channel_s_template_for_the_kind_in_the_person_s_language(world, sink):
    connect(world, sink, template_before="Nhắc {name}: {unit} hạn {due} – {url}")
    opt_in(world.users["rb"])  # reads English; the template is the province's own
    reminders_run(now=FIVE_DAYS_BEFORE)
    (entry,) = sink.received
    assert entry["payload"]["text"].startswith("Nhắc rb: UBND xã B hạn 00:00 25/03/2030 – http")
    assert entry["payload"]["language"] == "en"


def test_the_portal_s_own_text_follows_the_person_s_language(world, sink):
    connect(world, sink)
    opt_in(world.users["rb"])
    reminders_run(now=FIVE_DAYS_BEFORE)
    assert sink.received[0]["payload"]["text"].startswith("PAR Portal: the report of UBND xã B")


def test_a_template_may_name_only_the_known_placeholders():
    validate_message_template("{unit} {month} {due} {url} {name}")
    for bad in ["{phone}", "{unit.__class__}", "{unit!r}", "{due:>10}"]:
        with pytest.raises(ValidationError):
            validate_message_template(bad)


def test_one_delivery_per_reminder_person_and_channel_in_the_database(world, sink):
    connect(world, sink)
    opt_in(world.users["ra"])
    reminders_run(now=FIVE_DAYS_BEFORE)
    delivery = ChannelDelivery.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        ChannelDelivery.objects.create(
            reminder=delivery.reminder, user=delivery.user, channel="webhook"
        )


# --- the person's choice ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "given,stored",
    [("0905 123 456", "+84905123456"), ("+84 905-123-456", "+84905123456"), ("12345", "")],
)
def test_phone_numbers(given, stored):
    assert normalise_phone(given) == stored


def test_zalo_needs_a_phone_and_consent_in_the_database_too(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Preference.objects.create(user=world.users["ra"], wants_webhook=True, phone="+84905123456")


def test_the_channels_page(world, client):
    client.force_login(world.users["ra"])
    url = reverse("reporting:notice_channels")
    page = client.get(url)
    assert page.status_code == 200 and "Kênh nhận nhắc việc của tôi" in page.content.decode()
    refused = client.post(url, {"wants_webhook": "on", "phone": "0905123456"})
    assert refused.status_code == 400
    assert "Đánh dấu ô đồng ý" in refused.content.decode()
    assert not Preference.objects.filter(user=world.users["ra"], wants_webhook=True).exists()
    saved = client.post(url, {"wants_webhook": "on", "phone": "0905123456", "consent": "on"})
    assert saved.status_code == 302
    preference = Preference.objects.get(user=world.users["ra"])
    assert preference.phone == "+84905123456" and preference.phone_consent_at
    client.post(url, {"phone": "0905123456"})  # withdrawn: the number is deleted
    preference.refresh_from_db()
    assert (preference.wants_webhook, preference.phone, preference.phone_consent_at) == (
        False,
        "",
        None,
    )


def test_the_secret_is_never_shown_back_in_admin(world, sink, client, django_user_model):
    channel = connect(world, sink)
    client.force_login(django_user_model.objects.create_superuser("wh-admin", password="x-Pw-1"))
    page = client.get(reverse("admin:reporting_webhookchannel_change", args=[channel.pk]))
    assert page.status_code == 200 and SECRET not in page.content.decode()


def test_a_failed_delivery_is_sent_again_from_admin(world, client, django_user_model):
    with WebhookSink(secret="another-secret") as wrong:  # refuses: failed at once
        channel = connect(world, wrong)
        opt_in(world.users["ra"])
        reminders_run(now=FIVE_DAYS_BEFORE)
    delivery = ChannelDelivery.objects.get()
    assert delivery.status == "failed"
    with WebhookSink(secret=SECRET) as fixed:
        WebhookChannel.objects.filter(pk=channel.pk).update(url=fixed.url)
        client.force_login(django_user_model.objects.create_superuser("wh-su", password="x-Pw-1"))
        response = client.post(
            reverse("admin:reporting_channeldelivery_changelist"),
            {"action": "send_again", "_selected_action": [delivery.pk]},
        )
        assert response.status_code == 302
        reminders_run(now=FIVE_DAYS_BEFORE + dt.timedelta(hours=1))  # the next run sends it
        assert len(fixed.received) == 1
    delivery.refresh_from_db()
    assert delivery.status == "sent"
