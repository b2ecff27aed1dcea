from django.conf import settings

from indicators.models import Preference


def preference_set_language(*, user, language: str) -> None:
    if language in dict(settings.LANGUAGES):
        Preference.objects.update_or_create(user=user, defaults={"language": language})
