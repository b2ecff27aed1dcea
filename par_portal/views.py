from django.http import HttpResponse, JsonResponse
from django.views.i18n import set_language as django_set_language

from indicators.services.preferences import preference_set_language


def set_language(request):
    """Django's language switch, also remembered on the account for e-mails."""
    response = django_set_language(request)
    if request.method == "POST" and request.user.is_authenticated:
        preference_set_language(user=request.user, language=request.POST.get("language", ""))
    return response


def healthz(request):
    """For load balancers: is the database reachable, is the broker? No login, no data.
    200 when the database answers (the portal can serve), 503 when it does not; the broker's
    state is reported but does not fail the check (requests never wait on it)."""
    from par_portal.health import broker_status, database_status

    database = database_status()
    body = {"status": "ok" if database == "ok" else "fail", "database": database}
    body["broker"] = broker_status()
    return JsonResponse(body, status=200 if database == "ok" else 503)


def ping(request):
    """The benchmark's floor: a trivial answer through the same middleware as every page,
    reading who is logged in (session and user) as every page does. No data."""
    return HttpResponse("ok" if request.user.is_authenticated else "anonymous")
