"""The portal's URLs plus the deadline surge's floor: a trivial view that inserts one row,
behind the same middleware as every page (session, user, CSRF). Used only by `make bench`."""

from django.db import connection
from django.http import HttpResponse, HttpResponseNotAllowed
from django.urls import path

from par_portal.urls import urlpatterns as portal

from .surge import FLOOR_TABLE


def insert(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if not request.user.is_authenticated:
        return HttpResponse(status=403)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {FLOOR_TABLE} (unit, at) VALUES (%s, now())",  # noqa: S608
            [request.POST.get("unit", "")],
        )
    return HttpResponse("ok")


urlpatterns = [path("bench/insert", insert), *portal]
