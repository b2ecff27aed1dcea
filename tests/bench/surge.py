"""Deadline surge (run by tests/bench/pages.py against its gunicorn): every unit expected to
report in one province submits its monthly report in one burst, through the real report view
(the form as the browser holds it, CSRF token and all), from many concurrent clients, next to
the same number of one-row inserts through a trivial view behind the same middleware
(tests/bench/urls.py). Reports saved must equal reports submitted.

`python tests/bench/surge.py prepare` (on the bench database) readies the month: the current
period of the province stays open for a day (the bench may run after its lock), its reports
are withdrawn, and each unit gets a reporter with a session. It prints one JSON object.
`python tests/bench/surge.py count PERIOD` prints how many reports of the period are
submitted and how many floor rows were written.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
PROVINCE = "da-nang-2025"
FLOOR_TABLE = "bench_surge_floor"


# --- the burst (no Django here: it talks HTTP to the server) --------------------------------


def _get_form(port: int, job: dict) -> dict:
    """Open the report form as the unit's reporter; the fields to post, filled for a submit."""
    sys.path.insert(0, str(ROOT))
    from tests.pages import form_fields

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", job["path"], headers={"Cookie": f"sessionid={job['cookie']}"})
    response = conn.getresponse()
    html = response.read().decode()
    if response.status != 200:
        raise SystemExit(f"surge: GET {job['path']} answered {response.status}")
    cookie = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    fields = form_fields(html)
    # each task as it stood (pre-filled from last month), with the explanation a task behind,
    # blocked or done without evidence needs, and one for each value left empty
    for name in list(fields):
        if name.endswith("-explanation"):
            fields[name] = "Đang triển khai theo kế hoạch."
    fields["action"] = "submit"
    fields["csrfmiddlewaretoken"] = token.group(1)
    return {
        **job,
        "headers": {
            "Cookie": f"sessionid={job['cookie']}; csrftoken={cookie.group(1)}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
        "body": urlencode(fields),
        "token": token.group(1),
    }


def _post_all(port: int, posts: list[tuple[str, dict, str]], clients: int) -> dict:
    """POST every (path, headers, body) from `clients` concurrent connections; a redirect or a
    200 counts as answered. Returns the elapsed seconds, the answered and the failed count."""
    queue = list(reversed(posts))
    lock = threading.Lock()
    answered, failed = [0], []

    def client():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    break
                path, headers, body = queue.pop()
            try:
                conn.request("POST", path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status in (200, 302)
            except (OSError, http.client.HTTPException) as error:
                ok, response = False, error
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            with lock:
                if ok:
                    answered[0] += 1
                else:
                    failed.append(f"{path}: {getattr(response, 'status', response)}")

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "seconds": time.perf_counter() - started,
        "answered": answered[0],
        "failed": failed,
    }


def burst(port: int, prepared: dict, clients: int) -> dict:
    """Open every form first (a reporter has the page open at the deadline), then post every
    submit at once; then the same number of one-row inserts through the trivial view."""
    jobs = [_get_form(port, job) for job in prepared["jobs"]]
    surge = _post_all(port, [(j["path"], j["headers"], j["body"]) for j in jobs], clients)
    floor = _post_all(
        port,
        [
            (
                "/bench/insert",
                j["headers"],
                urlencode({"unit": j["unit"], "csrfmiddlewaretoken": j["token"]}),
            )
            for j in jobs
        ],
        clients,
    )
    return {"submitted": len(jobs), "surge": surge, "floor": floor}


# --- preparing and counting (Django, on the bench database) ---------------------------------


def prepare() -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from indicators.models import Membership, Province, Role
    from par_portal import months
    from reporting.models import Period, Report
    from reporting.selectors.reminders import expected_units
    from tests.bench.sessions import session_key

    now = timezone.now()
    province = Province.objects.get(code=PROVINCE)
    period = Period.objects.get(province=province, month=months.first_day(timezone.localdate()))
    if period.locks_at <= now + dt.timedelta(hours=1):
        period.locks_at = now + dt.timedelta(days=1)
        period.save(update_fields=["locks_at"])
    units = list(expected_units(period))
    Report.objects.filter(period=period).delete()
    User = get_user_model()
    User.objects.filter(username__startswith="surge-").delete()
    users = User.objects.bulk_create(
        [User(username=f"surge-{unit.pk}", email=f"surge-{unit.pk}@bench.local") for unit in units]
    )
    for user in users:
        user.set_unusable_password()
    User.objects.bulk_update(users, ["password"])
    Membership.objects.bulk_create(
        [
            Membership(user=user, province=province, unit=unit, role=Role.UNIT_REPORTER)
            for user, unit in zip(users, units, strict=True)
        ]
    )
    jobs = []
    for user, unit in zip(users, units, strict=True):
        jobs.append(
            {
                "cookie": session_key(user),
                "path": f"/reports/{period.pk}/unit/{unit.pk}/",
                "unit": unit.pk,
            }
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {FLOOR_TABLE} "
            "(id bigserial PRIMARY KEY, unit text NOT NULL, at timestamptz NOT NULL)"
        )
        cursor.execute(f"TRUNCATE {FLOOR_TABLE}")
    return {"period": period.pk, "month": f"{period.month:%Y-%m}", "jobs": jobs}


def count(period_pk: int) -> dict:
    from django.db import connection

    from reporting.models import Report

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {FLOOR_TABLE}")
        (floor_rows,) = cursor.fetchone()
    return {
        "saved": Report.objects.filter(period_id=period_pk, status=Report.Status.SUBMITTED).count(),
        "floor_rows": floor_rows,
    }


def main() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "par_portal.settings")
    import django

    django.setup()
    if sys.argv[1] == "prepare":
        print(json.dumps(prepare()))
    else:
        print(json.dumps(count(int(sys.argv[2]))))


if __name__ == "__main__":
    main()
