"""The database before and after a refused write: every table of the project's apps, history tables included.

The fixtures of the write matrices are small (tests/network.py), so reading every row is cheap and nothing can
change unnoticed — a row, a history record, a many-to-many link.
"""

from django.apps import apps

#: tables a refused request may still touch: login bookkeeping (django-axes lives outside the project's apps)
IGNORED = {"accounts.User": ("last_login",)}
#: tables a refused request may add to: the background job that ran a refused import and holds its report
IGNORED_TABLES = {"core.Job"}


def database_snapshot() -> dict[str, list[tuple]]:
    snapshot = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("pilotage."):
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.label in IGNORED_TABLES:
                continue
            ignored = IGNORED.get(model._meta.label, ())
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ignored]
            snapshot[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return snapshot


def assert_unchanged(before: dict[str, list[tuple]], context=None) -> None:
    after = database_snapshot()
    changed = sorted(label for label in before if before[label] != after.get(label))
    assert not changed, (context, "tables changed by a refused write:", changed)


def changed_tables(before: dict[str, list[tuple]]) -> list[str]:
    after = database_snapshot()
    return sorted(label for label in before if before[label] != after.get(label))
