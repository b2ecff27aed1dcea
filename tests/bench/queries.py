"""Queries per page (run by tests/bench/pages.py on the bench database, in-process): the pages of
the page bench, each cold (the cache cleared: what a first visit after a write costs) and warm.
Prints one JSON object: {label: [cold, warm]}."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "par_portal.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main() -> None:
    pages = json.loads(sys.argv[1])  # [[label, user, path], ...]
    clients: dict[str, Client] = {}
    counts = {}
    for label, user, path in pages:
        if user not in clients:
            clients[user] = Client(HTTP_HOST="127.0.0.1")
            clients[user].force_login(get_user_model().objects.get(username=user))
        client = clients[user]
        client.get(path)  # a report form is started on its first visit
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            status = client.get(path).status_code
        with CaptureQueriesContext(connection) as warm:
            client.get(path)
        if status != 200:
            raise SystemExit(f"{path}: {status}")
        counts[label] = [len(cold), len(warm)]
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
