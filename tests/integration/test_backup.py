"""`manage.py backup` / `restore` (make backup / make restore) on real PostgreSQL and on SQLite:
the demo with evidence files is backed up, restored into a new database and a new media folder,
and the two are compared independently: row counts of every table and checksums of every
evidence file."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import skip_or_fail

ROOT = Path(__file__).resolve().parents[2]

EVIDENCE = """
from django.core.files.base import ContentFile
from django.contrib.auth import get_user_model
from reporting.models import Evidence, TaskEntry
entries = TaskEntry.objects.filter(report__first_submitted_at__isnull=False)[:3]
for i, entry in enumerate(entries):
    content = ContentFile(b"%PDF-1.4 bang chung " + bytes([i]) * 999, name=f"e{i}.pdf")
    Evidence.objects.create(entry=entry, file=content, original_name=f"Bằng chứng {i}.pdf",
        content_type="application/pdf", size=1020,
        uploaded_by=get_user_model().objects.get(username="admin"))
"""
SNAPSHOT = """
import hashlib, json
from django.apps import apps
from reporting.models import Evidence
models = apps.get_models(include_auto_created=True)
rows = {m._meta.db_table: m._base_manager.count() for m in models
        if m._meta.managed and not m._meta.proxy}
files = {e.original_name: hashlib.sha256(e.file.open("rb").read()).hexdigest()
         for e in Evidence.objects.all()}
print(json.dumps({"rows": rows, "files": files}))
"""


def _url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


def _manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    return done.stdout


def _psql(base: str, sql: str) -> None:
    subprocess.run(
        ["psql", _url(base, "postgres"), "-q", "-c", sql], check=True, capture_output=True
    )


@pytest.mark.parametrize("engine", ["postgresql", "sqlite"])
def test_backup_of_the_demo_restores_into_a_new_database_identically(tmp_path, engine):
    base = os.environ.get("DATABASE_URL", "")
    suffix = uuid.uuid4().hex[:8]
    source, target = f"par_backup_src_{suffix}", f"par_backup_dst_{suffix}"
    env = {k: v for k, v in os.environ.items() if k != "CELERY_BROKER_URL"}
    env.update(DEBUG="true")
    if engine == "postgresql":
        if not base.startswith("postgres"):
            skip_or_fail("DATABASE_URL is not PostgreSQL: the backup test needs pg_dump")
        urls = _url(base, source), _url(base, target)
        _psql(base, f"CREATE DATABASE {source}")
        _psql(base, f"CREATE DATABASE {target}")
    else:
        urls = f"sqlite:///{tmp_path / 'src.sqlite3'}", f"sqlite:///{tmp_path / 'dst.sqlite3'}"
    src = {**env, "DATABASE_URL": urls[0], "MEDIA_ROOT": str(tmp_path / "media-src")}
    dst = {**env, "DATABASE_URL": urls[1], "MEDIA_ROOT": str(tmp_path / "media-dst")}
    try:
        _manage(src, "migrate", "--noinput", "-v0")
        _manage(src, "load_par_data")
        _manage(src, "load_demo")
        _manage(src, "shell", "-c", EVIDENCE)
        before = json.loads(_manage(src, "shell", "-c", SNAPSHOT).strip().splitlines()[-1])
        assert len(before["files"]) == 3 and before["rows"]["indicators_province"] > 60

        out = _manage(src, "backup", "--to", str(tmp_path / "backups"))
        folder = Path(out.strip().rsplit(" ", 1)[-1])
        dump = "database.dump" if engine == "postgresql" else "database.sqlite3"
        assert {p.name for p in folder.iterdir()} == {"manifest.json", dump, "media.tar.gz"}
        restored = _manage(dst, "restore", str(folder))
        assert "Restored and verified" in restored

        after = json.loads(_manage(dst, "shell", "-c", SNAPSHOT).strip().splitlines()[-1])
        assert after == before
        # A restore never overwrites a database in use.
        again = subprocess.run(
            [sys.executable, "manage.py", "restore", str(folder)],
            cwd=ROOT,
            env=dst,
            capture_output=True,
            text=True,
        )
        assert again.returncode != 0 and "not empty" in again.stderr
    finally:
        if engine == "postgresql":
            _psql(base, f"DROP DATABASE IF EXISTS {source} WITH (FORCE)")
            _psql(base, f"DROP DATABASE IF EXISTS {target} WITH (FORCE)")
