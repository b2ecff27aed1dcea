"""Backup and restore of the portal: the database (pg_dump, or a copy of the SQLite file) and the
uploaded evidence (MEDIA_ROOT), with a manifest of row counts and file checksums that a restore
is verified against.

A backup is a folder:
    manifest.json    when, which database engine, row counts per table, sha256 per media file
    database.dump    pg_dump -Fc (PostgreSQL)  or  database.sqlite3 (SQLite)
    media.tar.gz     every file under MEDIA_ROOT
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone


class BackupError(Exception):
    pass


def row_counts() -> dict[str, int]:
    """Rows per table of every installed model (what a restore must reproduce)."""
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            counts[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def media_checksums(root: Path) -> dict[str, str]:
    sums = {}
    if root.exists():
        for path in sorted(p for p in root.rglob("*") if p.is_file()):
            sums[str(path.relative_to(root))] = hashlib.sha256(path.read_bytes()).hexdigest()
    return sums


def _pg_env(db: dict) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PGHOST=str(db.get("HOST") or ""),
        PGPORT=str(db.get("PORT") or ""),
        PGUSER=str(db.get("USER") or ""),
        PGPASSWORD=str(db.get("PASSWORD") or ""),
        PGDATABASE=str(db["NAME"]),
    )
    return env


def backup_create(*, target: Path) -> Path:
    """Write a backup folder under `target`; return it."""
    db = settings.DATABASES["default"]
    folder = target / timezone.localtime().strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=False)
    if connection.vendor == "postgresql":
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(folder / "database.dump")],
            env=_pg_env(db),
            check=True,
        )
    elif connection.vendor == "sqlite":
        source = sqlite3.connect(db["NAME"])
        with sqlite3.connect(folder / "database.sqlite3") as copy:
            source.backup(copy)  # consistent even while the portal writes
        source.close()
    else:
        raise BackupError(f"no backup procedure for {connection.vendor}")
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(folder / "media.tar.gz", "w:gz") as archive:
        if media.exists():
            archive.add(media, arcname=".")
    manifest = {
        "created_at": timezone.now().isoformat(),
        "engine": connection.vendor,
        "rows": row_counts(),
        "media": media_checksums(media),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return folder


def backup_restore(*, source: Path) -> dict:
    """Restore a backup folder into the configured database, which must be empty (a fresh
    database), and MEDIA_ROOT; then verify rows and files against the manifest."""
    manifest = json.loads((source / "manifest.json").read_text())
    if manifest["engine"] != connection.vendor:
        raise BackupError(f"a {manifest['engine']} backup cannot go into {connection.vendor}")
    if connection.introspection.table_names():
        raise BackupError("the target database is not empty: restore into a fresh database")
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        connection.close()
        subprocess.run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--dbname",
                str(db["NAME"]),
                str(source / "database.dump"),
            ],
            env=_pg_env(db),
            check=True,
        )
    else:
        connection.close()
        shutil.copyfile(source / "database.sqlite3", db["NAME"])
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(source / "media.tar.gz", "r:gz") as archive:
        archive.extractall(media, filter="data")  # no absolute paths, links out or devices
    found = {"rows": row_counts(), "media": media_checksums(media)}
    problems = [
        f"{table}: {manifest['rows'][table]} rows backed up, {found['rows'].get(table)} restored"
        for table in manifest["rows"]
        if found["rows"].get(table) != manifest["rows"][table]
    ] + [
        f"{name}: checksum differs or file missing"
        for name, digest in manifest["media"].items()
        if found["media"].get(name) != digest
    ]
    if problems:
        raise BackupError("the restore does not match the backup:\n" + "\n".join(problems))
    # the dashboards' cached figures belong to the database that was there before
    from django.core.cache import cache

    cache.clear()
    return found
