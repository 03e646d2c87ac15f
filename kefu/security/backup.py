"""`kefu backup` / `kefu restore`: the database, the attachments and the generated secret key in one archive.

The database is copied with its engine's own tool: SQLite's online backup API (a consistent copy while
the server runs) or pg_dump's custom format on PostgreSQL. The archive's manifest holds the row count of
every table, so a restore checks itself: a count that differs after restoring is an error, not a shrug.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = 1
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"


class BackupError(Exception):
    pass


def _engine(db: dict) -> str:
    return "postgresql" if "postgresql" in db["ENGINE"] else "sqlite"


def _pg_env(db: dict) -> dict:
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return env


def _pg_args(db: dict) -> list[str]:
    args = ["--dbname", db["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if db.get(key):
            args += [option, str(db[key])]
    return args


def table_counts(alias: str = "default") -> dict[str, int]:
    connection = connections[alias]
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _secret_key_file() -> Path | None:
    """The key kefu generated on first start (not one given in the environment, which the admin keeps)."""
    key_file = Path(settings.VAR_DIR) / "secret_key"
    return key_file if not os.environ.get("SECRET_KEY") and key_file.exists() else None


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(timezone.now().timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(data))


def _dump_database(alias: str, workdir: Path) -> tuple[str, Path]:
    db = connections[alias].settings_dict
    if _engine(db) == "postgresql":
        target = workdir / PG_MEMBER
        result = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *_pg_args(db)],
                                env=_pg_env(db), capture_output=True, text=True)
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return PG_MEMBER, target
    target = workdir / SQLITE_MEMBER
    connection = connections[alias]
    connection.ensure_connection()
    destination = sqlite3.connect(target)
    try:
        connection.connection.backup(destination)
    finally:
        destination.close()
    return SQLITE_MEMBER, target


def backup(output: Path, *, alias: str = "default") -> dict:
    """Writes the archive to output (a .tar.gz) and returns its manifest."""
    output = Path(output)
    manifest = {
        "format": FORMAT, "created_at": timezone.now().isoformat(),
        "engine": _engine(connections[alias].settings_dict), "tables": table_counts(alias),
    }
    with tempfile.TemporaryDirectory() as tmp:
        member, dump = _dump_database(alias, Path(tmp))
        manifest["database"] = member
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(dump, arcname=member)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                archive.add(media, arcname="media")
            key_file = _secret_key_file()
            if key_file is not None:
                _add_bytes(archive, "secret_key", key_file.read_bytes())
                manifest["secret_key"] = True
            _add_bytes(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2).encode())
        os.chmod(partial, 0o600)  # the archive holds personal data and the key
        partial.replace(output)  # nothing half-written under the final name
    return manifest


def read_manifest(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        try:
            member = archive.extractfile("manifest.json")
        except KeyError as exc:
            raise BackupError("not a kefu backup: manifest.json missing") from exc
        if member is None:
            raise BackupError("not a kefu backup: manifest.json missing")
        return json.loads(member.read())


def _restore_sqlite(source: Path, db: dict) -> None:
    source_conn = sqlite3.connect(source)
    target = sqlite3.connect(db["NAME"])
    try:
        source_conn.backup(target)
    finally:
        target.close()
        source_conn.close()


def _restore_pg(source: Path, db: dict) -> None:
    result = subprocess.run(["pg_restore", "--no-owner", "--clean", "--if-exists", "--single-transaction",
                             *_pg_args(db), str(source)], env=_pg_env(db), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.strip()}")


def count_tables(db: dict, tables: list[str]) -> dict[str, int]:
    """Row counts in a database given by its settings (it need not be one Django is connected to)."""
    if _engine(db) == "postgresql":
        conninfo = {"dbname": db["NAME"], "host": db.get("HOST") or None, "port": db.get("PORT") or None,
                    "user": db.get("USER") or None, "password": db.get("PASSWORD") or None}
        with psycopg.connect(**{k: v for k, v in conninfo.items() if v}) as conn, conn.cursor() as cursor:
            counts = {}
            for table in tables:
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[table] = cursor.fetchone()[0]
            return counts
    conn = sqlite3.connect(db["NAME"])
    try:
        return {table: conn.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0] for table in tables}
    finally:
        conn.close()


def restore(path: Path, *, db: dict | None = None, media_root: Path | None = None,
            var_dir: Path | None = None) -> dict:
    """Restores an archive into db (default: the configured database), media_root and var_dir.

    Returns the manifest; raises BackupError when the restored row counts differ from the archive's.
    """
    manifest = read_manifest(path)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    db = db or connections["default"].settings_dict
    if manifest["engine"] != _engine(db):
        raise BackupError(f"the backup is of a {manifest['engine']} database; the target is {_engine(db)}")
    media_root = Path(media_root or settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(path, "r:gz") as archive:
        archive.extractall(tmp, filter="data")
        dump = Path(tmp) / manifest["database"]
        connections.close_all()
        (_restore_pg if manifest["engine"] == "postgresql" else _restore_sqlite)(dump, db)
        media = Path(tmp) / "media"
        if media.exists():
            shutil.copytree(media, media_root, dirs_exist_ok=True)
        key = Path(tmp) / "secret_key"
        if key.exists() and not os.environ.get("SECRET_KEY"):
            target = Path(var_dir or settings.VAR_DIR) / "secret_key"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(key.read_bytes())
            os.chmod(target, 0o600)
    restored = count_tables(db, list(manifest["tables"]))
    wrong = {t: (n, restored.get(t)) for t, n in manifest["tables"].items() if restored.get(t) != n}
    if wrong:
        raise BackupError(f"restored row counts differ from the backup: {wrong}")
    return manifest
