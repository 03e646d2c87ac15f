"""`kefu backup` then `kefu restore` into a fresh database: every table's rows, the attachments and the
generated secret key come back (issue 10 item 5)."""

import sqlite3
import tarfile

import psycopg
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from kefu.security import backup as backups
from kefu.tickets.services import ticket_add_message
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump reads committed data only


@pytest.fixture
def world(desk, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.VAR_DIR.mkdir()
    (settings.VAR_DIR / "secret_key").write_text("generated-key-123")
    cust = factories.customer(desk.agent, name="备份客户", phones=["13700001111"])
    ticket = factories.ticket(desk.agent, cust, subject="备份工单")
    ticket_add_message(ticket=ticket, by=desk.agent, kind="reply", body="见附件",
                       attachments=[SimpleUploadedFile("发票.pdf", b"%PDF-1.4 invoice", content_type="application/pdf")])
    return {"ticket": ticket, "customer": cust}


def _fresh_target(tmp_path):
    """A new, empty database of the same engine, and a function that drops it afterwards."""
    db = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        name = f"{db['NAME']}_restore"
        params = {k: v for k, v in {"dbname": "postgres", "host": db.get("HOST"), "port": db.get("PORT"),
                                    "user": db.get("USER"), "password": db.get("PASSWORD")}.items() if v}
        with psycopg.connect(**params, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')

        def drop() -> None:
            with psycopg.connect(**params, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

        return {**db, "NAME": name}, drop
    return {**db, "NAME": str(tmp_path / "restored.sqlite3")}, lambda: None


def test_backup_restores_into_a_fresh_database_and_compares(world, tmp_path, settings):
    archive = tmp_path / "kefu.tar.gz"
    call_command("backup", "--output", str(archive))
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "secret_key" in names
    assert any(n.startswith("media/attachments/") and n.endswith(".pdf") for n in names)
    manifest = backups.read_manifest(archive)
    assert manifest["tables"]["customers_customer"] >= 1 and manifest["tables"]["tickets_attachment"] == 1

    target, drop = _fresh_target(tmp_path)
    try:
        restored_media, restored_var = tmp_path / "restored-media", tmp_path / "restored-var"
        backups.restore(archive, db=target, media_root=restored_media, var_dir=restored_var)
        counts = backups.count_tables(target, list(manifest["tables"]))
        assert counts == manifest["tables"] == backups.table_counts()
        assert (restored_var / "secret_key").read_text() == "generated-key-123"
        attachment = world["ticket"].messages.get(kind="reply").attachments.get()
        assert (restored_media / attachment.file.name).read_bytes() == b"%PDF-1.4 invoice"
        assert _customer_row(target, world["customer"].pk) == ("备份客户", '["13700001111"]')
    finally:
        drop()


def _customer_row(db: dict, pk: int) -> tuple:
    sql = "SELECT name, phones FROM customers_customer WHERE id = %s"
    if "postgresql" in db["ENGINE"]:
        params = {k: v for k, v in {"dbname": db["NAME"], "host": db.get("HOST"), "port": db.get("PORT"),
                                    "user": db.get("USER"), "password": db.get("PASSWORD")}.items() if v}
        with psycopg.connect(**params) as conn:
            name, phones = conn.execute(sql, (pk,)).fetchone()
            return name, phones if isinstance(phones, str) else __import__("json").dumps(phones, ensure_ascii=False)
    conn = sqlite3.connect(db["NAME"])
    try:
        return conn.execute(sql.replace("%s", "?"), (pk,)).fetchone()
    finally:
        conn.close()


def test_restore_refuses_without_yes_and_rejects_other_files(world, tmp_path):
    archive = tmp_path / "kefu.tar.gz"
    call_command("backup", "--output", str(archive))
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(archive))
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a kefu backup"):
        call_command("restore", str(junk), "--yes")


def test_a_count_that_differs_after_restore_is_an_error(world, tmp_path, monkeypatch):
    archive = tmp_path / "kefu.tar.gz"
    backups.backup(archive)
    target, drop = _fresh_target(tmp_path)
    real = backups.count_tables
    monkeypatch.setattr(backups, "count_tables", lambda db, tables: {**real(db, tables), "customers_customer": -1})
    try:
        with pytest.raises(backups.BackupError, match="customers_customer"):
            backups.restore(archive, db=target, media_root=tmp_path / "m", var_dir=tmp_path / "v")
    finally:
        drop()
