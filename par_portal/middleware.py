from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_vary_headers


class PreferredLanguageMiddleware:
    """Vietnamese unless the user chose English with the header switch.

    Unlike Django's LocaleMiddleware this ignores the browser's Accept-Language: officials'
    browsers are often set to English, and the portal is Vietnamese first.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie"])
        response.headers.setdefault("Content-Language", language)
        return response


class BadParameterMiddleware:
    """A malformed or out-of-range query parameter (par_portal.params.BadParameter) answers 400
    with its message: JSON under /api/, the portal's own error page elsewhere."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from par_portal.params import BadParameter

        if not isinstance(exception, BadParameter):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"error": exception.message, "parameter": exception.name}, status=400
            )
        return render(
            request,
            "400.html",
            {"message": exception.message, "parameter": exception.name},
            status=400,
        )


class CurrentRequestMiddleware:
    """Makes the request being served known to the audit trail (who, from which IP)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from indicators.services.audit import current_request

        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
