from django.views.i18n import set_language as django_set_language

from indicators.services.preferences import preference_set_language


def set_language(request):
    """Django's language switch, also remembered on the account for e-mails."""
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        preference_set_language(user=request.user, language=request.POST.get("language", ""))
    return response
