"""Backup and restore (ADR 0016): the database, the uploaded files and a manifest with their checksums.

A backup directory holds `database.pgdump` (PostgreSQL: `pg_dump`, custom format, one consistent snapshot) or
`database.sqlite3` (SQLite: the online backup API, consistent too), `media/` (a copy of MEDIA_ROOT) and
`manifest.json`: the engine, the applied migrations, the row count of every table, the audit chain's head, and
the SHA-256 and size of every file. A restore checks every checksum first, refuses a non-empty database or media
directory, restores, then compares the row counts and the migrations with the manifest and verifies the audit
chain.
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from pilotage.audit import chain
from pilotage.audit.models import AuditHead

MANIFEST = "manifest.json"
FORMAT = 1


class BackupError(Exception):
    """A backup or restore refused or failed; the message is French and names the file or the reason."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _pg_args() -> tuple[list[str], dict]:
    db = settings.DATABASES["default"]
    args = [f"--dbname={db['NAME']}"]
    if db.get("HOST"):
        args.append(f"--host={db['HOST']}")
    if db.get("PORT"):
        args.append(f"--port={db['PORT']}")
    if db.get("USER"):
        args.append(f"--username={db['USER']}")
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict, what: str) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True)
    except FileNotFoundError as exc:
        raise BackupError(f"{what} : la commande {command[0]} est introuvable (paquet postgresql-client).") from exc
    if result.returncode != 0:
        raise BackupError(f"{what} a échoué (code {result.returncode}) : {result.stderr.strip()[:2000]}")


def table_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _migrations() -> list[list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return [list(row) for row in cursor.fetchall()]


def _audit_head() -> dict:
    head = AuditHead.objects.filter(pk=1).first()
    return {"seq": head.seq if head else 0, "digest": head.digest if head else ""}


def backup_write(directory: Path) -> dict:
    """Write a backup into `directory` (absent or empty); returns the manifest."""
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise BackupError(f"Le dossier {directory} n'est pas vide : la sauvegarde va dans un dossier neuf.")
    directory.mkdir(parents=True, exist_ok=True)
    vendor = connection.vendor
    if vendor == "postgresql":
        database_file = "database.pgdump"
        args, env = _pg_args()
        _run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                f"--file={directory / database_file}",
                *args,
            ],
            env,
            "La sauvegarde de la base (pg_dump)",
        )
    elif vendor == "sqlite":
        database_file = "database.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(directory / database_file)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        raise BackupError(f"Base {vendor} : seules PostgreSQL et SQLite sont prises en charge.")
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir():
        shutil.copytree(media_root, directory / "media")
    else:
        (directory / "media").mkdir()
    files = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        files[path.relative_to(directory).as_posix()] = {"sha256": _sha256(path), "size": path.stat().st_size}
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "engine": vendor,
        "database_file": database_file,
        "migrations": _migrations(),
        "tables": table_counts(),
        "audit_head": _audit_head(),
        "files": files,
    }
    (directory / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return manifest


def manifest_check(directory: Path) -> dict:
    """The manifest, once every file it lists has its size and checksum; BackupError naming the first that
    does not."""
    directory = Path(directory)
    path = directory / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path} : manifeste introuvable, ce dossier n'est pas une sauvegarde.") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} : manifeste illisible ({exc}).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{path} : format de sauvegarde {manifest.get('format')!r} inconnu.")
    for name, expected in manifest["files"].items():
        file = directory / name
        if not file.is_file():
            raise BackupError(f"{file} : fichier manquant dans la sauvegarde.")
        if file.stat().st_size != expected["size"] or _sha256(file) != expected["sha256"]:
            raise BackupError(f"{file} : somme de contrôle SHA-256 différente du manifeste (fichier altéré).")
    return manifest


@dataclass
class RestoreReport:
    tables: int = 0
    rows: int = 0
    files: int = 0
    audit: str = ""
    differences: list[str] = field(default_factory=list)


def restore(directory: Path) -> RestoreReport:
    """Restore the backup in `directory` into the (empty) database and MEDIA_ROOT, then compare."""
    directory = Path(directory)
    manifest = manifest_check(directory)
    vendor = connection.vendor
    if manifest["engine"] != vendor:
        raise BackupError(
            f"Sauvegarde d'une base {manifest['engine']}, base cible {vendor} : restaurez dans le même moteur."
        )
    with connection.cursor() as cursor:
        existing = connection.introspection.table_names(cursor)
    if existing:
        raise BackupError(
            f"La base cible n'est pas vide ({len(existing)} tables) : la restauration se fait dans une base vide."
        )
    media_root = Path(settings.MEDIA_ROOT)
    if media_root.is_dir() and any(media_root.iterdir()):
        raise BackupError(f"Le dossier des fichiers déposés {media_root} n'est pas vide.")

    database_file = directory / manifest["database_file"]
    if vendor == "postgresql":
        args, env = _pg_args()
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--single-transaction",
                *args,
                str(database_file),
            ],
            env,
            "La restauration de la base (pg_restore)",
        )
    else:
        source = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
        connection.ensure_connection()
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    connection.close()  # the restored schema, read afresh

    media_files = [name for name in manifest["files"] if name.startswith("media/")]
    media_root.mkdir(parents=True, exist_ok=True)
    for name in media_files:
        target = media_root / name.removeprefix("media/")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(directory / name, target)

    report = RestoreReport(files=len(media_files))
    counts = table_counts()
    for table, expected in manifest["tables"].items():
        if counts.get(table) != expected:
            report.differences.append(f"table {table} : {counts.get(table)} lignes, {expected} dans la sauvegarde")
    report.tables, report.rows = len(counts), sum(counts.values())
    if _migrations() != manifest["migrations"]:
        report.differences.append("les migrations appliquées diffèrent de celles de la sauvegarde")

    verification = chain.verify()
    if verification.broken:
        report.differences.append(f"chaîne d'audit rompue au {verification.broken}")
    elif verification.last_digest != manifest["audit_head"]["digest"]:
        report.differences.append("la dernière empreinte de la chaîne d'audit diffère de celle de la sauvegarde")
    report.audit = f"{verification.checked} enregistrement(s) scellé(s), intacts"
    return report
