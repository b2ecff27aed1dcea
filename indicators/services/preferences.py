import re

from django.conf import settings

from indicators.models import Preference


def preference_set_language(*, user, language: str) -> None:
    if language in dict(settings.LANGUAGES):
        Preference.objects.update_or_create(user=user, defaults={"language": language})


PHONE_DIGITS = re.compile(r"^(?:\+?84|0)(\d{9})$")


def normalise_phone(value: str) -> str:
    """A Vietnamese mobile number as +84xxxxxxxxx ("0905 123 456", "+84 905-123-456"), or ""
    when it is not one."""
    compact = re.sub(r"[\s.\-()]", "", value or "")
    match = PHONE_DIGITS.match(compact)
    return f"+84{match.group(1)}" if match else ""


def preference_set_channels(*, user, wants_webhook: bool, phone: str, consent: bool, now) -> None:
    """Zalo/SMS reminders on, with a phone number given with consent — or off, and then no
    number is kept (nothing is stored without its purpose). Raises ValueError with the message
    to show when the choice cannot stand."""
    from django.utils.translation import gettext as _

    if not wants_webhook:
        Preference.objects.update_or_create(
            user=user, defaults={"wants_webhook": False, "phone": "", "phone_consent_at": None}
        )
        return
    number = normalise_phone(phone)
    if not number:
        raise ValueError(_("Enter a Vietnamese mobile number, e.g. 0905 123 456."))
    if not consent:
        raise ValueError(_("Tick the consent box to receive reminders by Zalo/SMS."))
    current = Preference.objects.filter(user=user).first()
    kept = current and current.phone == number and current.phone_consent_at
    Preference.objects.update_or_create(
        user=user,
        defaults={
            "wants_webhook": True,
            "phone": number,
            "phone_consent_at": current.phone_consent_at if kept else now,
        },
    )
