"""The migrations lead to the models' schema, on PostgreSQL.

Both runs of the suite build their test database from the models (`--nomigrations`, tests/conftest.py: seconds
instead of every migration in each parallel worker). This test applies every migration from zero, once, on an
empty PostgreSQL database, and compares what they built with the database the suite runs on: the same tables,
columns (type, size, nullability), constraints and indexes (compared by what they cover, not by name), the same
migrations recorded, and what the data migrations load (territories, the animation catalogue). `make lint`
already checks that the models need no new migration (`makemigrations --check`); on SQLite, `pilotage serve`
applies every migration to an empty file in tests/core/test_production.py."""

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.postgres import database_url, server_params

PROJECT_DIR = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL : la base de production (make test-postgres)"
)

#: what the data migrations load: table → rows
LOADED = (
    "reference_region",
    "reference_department",
    "animation_mission",
    "animation_objective",
    "animation_actiontype",
)


def schema(conn) -> dict:
    """Tables → columns, constraints and indexes as comparable values (names left out), the migrations recorded and
    the row counts of what the data migrations load."""
    described = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            columns = [
                [column.name, column.type_code, column.internal_size, column.precision, column.scale, column.null_ok]
                for column in conn.introspection.get_table_description(cursor, table)
            ]
            constraints = sorted(
                json.dumps(
                    {
                        "columns": info["columns"],
                        "primary_key": info["primary_key"],
                        "unique": info["unique"],
                        "foreign_key": info["foreign_key"],
                        "check": info["check"],
                        "index": info["index"],
                        "type": info.get("type"),
                    },
                    sort_keys=True,
                    default=list,
                )
                for info in conn.introspection.get_constraints(cursor, table).values()
            )
            described[table] = {"columns": sorted(columns), "constraints": constraints}
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        migrations = [list(row) for row in cursor.fetchall()]
        loaded = {}
        for table in LOADED:
            cursor.execute(f"SELECT count(*) FROM {conn.ops.quote_name(table)}")  # noqa: S608  (a fixed name)
            loaded[table] = cursor.fetchone()[0]
    return {"tables": described, "migrations": migrations, "loaded": loaded}


#: run in the child process: `migrate` as on the command line (system checks included), its report on stderr, then
#: the schema of the database it built, as JSON on stdout (one process: Django starts once)
CHILD = """
import json, sys, django
django.setup()
from django.core.management import call_command
from django.db import connection
from tests.test_migrations import schema
call_command("migrate", interactive=False, skip_checks=False, stdout=sys.stderr)
print(json.dumps(schema(connection)))
"""


@pytest.fixture
def empty_database():
    server = server_params()
    name = f"test_pilotage_migrations_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name, server)
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The PostgreSQL run's longest test (10 s on a quiet machine, 32 s under load): marked slow, it runs among the first
# (tests/conftest.py, the run order), instead of near the end where one worker would finish it alone.
@pytest.mark.slow
def test_the_migrations_build_the_schema_the_suite_runs_on(db, empty_database):
    environment = {key: value for key, value in os.environ.items() if key not in {"PILOTAGE_ENV", "DATABASE_URL"}}
    environment.update(DATABASE_URL=empty_database, DJANGO_SETTINGS_MODULE="pilotage.settings")
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT_DIR,
    )
    try:
        built = json.loads(json.dumps(schema(connection)))  # while the child migrates
        stdout, stderr = child.communicate(timeout=300)
    finally:
        child.kill()
        child.wait()
    assert child.returncode == 0, stderr
    migrated = json.loads(stdout.splitlines()[-1])  # the last line: what a data migration may print comes before

    assert migrated["loaded"] == built["loaded"]
    assert migrated["loaded"]["reference_department"] == 101
    assert migrated["loaded"]["animation_actiontype"] > 0
    assert migrated["migrations"] == built["migrations"]
    assert sorted(migrated["tables"]) == sorted(built["tables"])
    # Django's own: the auth migrations leave the id of the group-permission table a bigint, the model (auth's
    # default_auto_field) builds an integer. Not the platform's table, and either holds its few rows.
    for described in (migrated, built):
        for column in described["tables"]["auth_group_permissions"]["columns"]:
            if column[0] == "id":
                column[1:3] = ["an integer id", None]
    differing = {
        table: {"migrated": described, "built": built["tables"][table]}
        for table, described in migrated["tables"].items()
        if described != built["tables"][table]
    }
    assert differing == {}
