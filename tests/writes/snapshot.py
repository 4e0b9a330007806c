"""The database before and after a refused write: every table of the project's apps, history tables included.

The fixtures of the write matrices are small (tests/network.py), so reading every row is cheap and nothing can
change unnoticed — a row, a history record, a many-to-many link.
"""

import functools

from django.apps import apps
from django.db import connection

#: tables a refused request may still touch: login bookkeeping (django-axes lives outside the project's apps)
IGNORED = {"accounts.User": ("last_login",)}
#: tables a refused request may add to: the background job that ran a refused import and holds its report
IGNORED_TABLES = {"core.Job"}


@functools.cache
def _statements(app_labels: tuple[str, ...], vendor: str) -> tuple[tuple[str, str], ...]:
    """(label, SELECT of every row ordered by key) for each table of `app_labels`: written once, run as is (the
    ORM would compile a hundred queries at each snapshot, the most of its cost)."""
    quote = connection.ops.quote_name
    statements = []
    for config in apps.get_app_configs():
        if not config.name.startswith("pilotage.") or (app_labels and config.label not in app_labels):
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.label in IGNORED_TABLES:
                continue
            ignored = IGNORED.get(model._meta.label, ())
            columns = ", ".join(quote(f.column) for f in model._meta.concrete_fields if f.attname not in ignored)
            table, key = quote(model._meta.db_table), quote(model._meta.pk.column)
            statements.append((model._meta.label, f"SELECT {columns} FROM {table} ORDER BY {key}"))
    return tuple(statements)


def database_snapshot(*app_labels: str) -> dict[str, list[tuple]]:
    """Every row of the tables of `app_labels` (default: all the project's apps), history tables included, as
    the database stores them."""
    snapshot = {}
    with connection.cursor() as cursor:
        for label, statement in _statements(app_labels, connection.vendor):
            cursor.execute(statement)
            snapshot[label] = cursor.fetchall()
    return snapshot


def changed_tables(before: dict[str, list[tuple]]) -> list[str]:
    """The tables of `before` whose rows differ now."""
    app_labels = {label.split(".")[0] for label in before}
    after = database_snapshot(*app_labels)
    return sorted(label for label in before if before[label] != after.get(label))


def assert_unchanged(before: dict[str, list[tuple]], context=None) -> None:
    changed = changed_tables(before)
    assert not changed, (context, "tables changed by a refused write:", changed)
