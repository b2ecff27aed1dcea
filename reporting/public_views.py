"""The public progress page: anonymous, read-only, Vietnamese, from cache (no query per visit
once warm), 404 unless the province published it."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from reporting.models.scorecards import Status
from reporting.selectors.public import public_page


@require_GET
@cache_control(public=True, max_age=300)
def province_page(request, code: str):
    data = public_page(code, now=timezone.now())
    if data is None:
        raise Http404
    with translation.override("vi"):  # the public page is the province's, in Vietnamese
        labels = dict(Status.choices)
        response = render(
            request,
            "public/province.html",
            {
                "data": data,
                "fields": [{**f, "label": labels.get(f["status"], "")} for f in data.fields],
                "page_url": settings.SITE_URL + request.path,
            },
        )
    response["Content-Language"] = "vi"
    return response
