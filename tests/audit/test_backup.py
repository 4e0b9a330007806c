"""Backup and restore (issue 11, point 9; ADR 0016): a backup restored into an empty database (and media
directory) is the same database, table by table and row by row; an altered backup or a non-empty target is
refused. On SQLite in the normal suite, on PostgreSQL under `make test-postgres` (pg_dump / pg_restore)."""

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from pilotage.audit.backup import BackupError, manifest_check, restore
from tests.factories import MissionLocaleFactory
from tests.postgres import database_url, server_params

PROJECT_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def data(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    ml = MissionLocaleFactory(code="BAK13S00", name="Mission Locale sauvegardée", department_id="13")
    ml.director = "Camille Exemple"
    ml.save()  # history, sealed at once (autocommit)
    upload = Path(settings.MEDIA_ROOT) / "conventions" / "2026" / "signée.pdf"
    upload.parent.mkdir(parents=True)
    upload.write_bytes(b"%PDF-1.7 convention signee\n")
    return upload


def _all_rows(cursor, tables) -> dict:
    rows = {}
    for table in tables:
        cursor.execute(f'SELECT * FROM "{table}"')
        rows[table] = sorted(cursor.fetchall(), key=repr)
    return rows


def _source_rows(tables) -> dict:
    """Every row of the test database, read as the target is (on PostgreSQL, by a plain psycopg connection:
    Django's own returns JSON columns as text)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            return _all_rows(cursor, tables)
    import psycopg

    db = connection.settings_dict
    params = {"host": db["HOST"], "port": db["PORT"], "user": db["USER"], "password": db["PASSWORD"]}
    with psycopg.connect(dbname=db["NAME"], **{key: value for key, value in params.items() if value}) as source:
        return _all_rows(source.cursor(), tables)


def _empty_target(tmp_path):
    """An empty database of the same engine: (its DATABASE_URL, a function reading all its rows, cleanup)."""
    if connection.vendor == "sqlite":
        path = tmp_path / "restored.sqlite3"

        def read(tables):
            target = sqlite3.connect(path, detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES)
            try:
                return _all_rows(target.cursor(), tables)
            finally:
                target.close()

        return f"sqlite:///{path}", read, lambda: None
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restore"
    params = server_params()
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')

    def read(tables):
        with psycopg.connect(dbname=name, **params) as target:
            return _all_rows(target.cursor(), tables)

    def drop():
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')

    return database_url(name, params), read, drop


def test_backup_then_restore_into_an_empty_database_gives_the_same_data(data, tmp_path):
    backup = tmp_path / "sauvegarde"
    call_command("backup", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert manifest["files"]["media/conventions/2026/signée.pdf"]["size"] == len(data.read_bytes())
    assert manifest["tables"]["reference_missionlocale"] >= 1
    assert manifest["audit_head"]["seq"] >= 2 and len(manifest["audit_head"]["digest"]) == 64

    url, read_target, drop = _empty_target(tmp_path)
    try:
        env = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "media-restaure")}
        result = subprocess.run(
            [sys.executable, "-m", "pilotage.manage", "restore", str(backup)],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            cwd=PROJECT_DIR,
        )
        assert result.returncode == 0, result.stderr
        assert "Restauration vérifiée" in result.stdout

        with connection.cursor() as cursor:
            tables = sorted(connection.introspection.table_names(cursor))
        assert read_target(tables) == _source_rows(tables)
    finally:
        drop()
    assert (tmp_path / "media-restaure" / "conventions" / "2026" / "signée.pdf").read_bytes() == data.read_bytes()


def test_an_altered_backup_is_refused_naming_the_file(data, tmp_path):
    backup = tmp_path / "sauvegarde"
    call_command("backup", str(backup))
    altered = backup / "media" / "conventions" / "2026" / "signée.pdf"
    altered.write_bytes(b"%PDF-1.7 convention modifiee\n")
    with pytest.raises(BackupError, match=r"signée\.pdf : somme de contrôle SHA-256 différente"):
        manifest_check(backup)
    altered.unlink()
    with pytest.raises(BackupError, match=r"signée\.pdf : fichier manquant"):
        manifest_check(backup)


def test_restore_refuses_a_database_that_is_not_empty(data, tmp_path):
    backup = tmp_path / "sauvegarde"
    call_command("backup", str(backup))
    with pytest.raises(BackupError, match="La base cible n'est pas vide"):
        restore(backup)


def test_backup_refuses_a_directory_that_is_not_empty(data, tmp_path):
    (tmp_path / "plein").mkdir()
    (tmp_path / "plein" / "autre.txt").write_text("x")
    with pytest.raises(BackupError, match="n'est pas vide"):
        from pilotage.audit.backup import backup_write

        backup_write(tmp_path / "plein")
