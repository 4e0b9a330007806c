"""The database before and after a refused write: every table of the project's apps, history tables included.

The fixtures of the write matrices are small (tests/network.py), so reading every row is cheap and nothing can
change unnoticed — a row, a history record, a many-to-many link.
"""

from django.apps import apps

#: tables a refused request may still touch: login bookkeeping (django-axes lives outside the project's apps)
IGNORED = {"accounts.User": ("last_login",)}
#: tables a refused request may add to: the background job that ran a refused import and holds its report
IGNORED_TABLES = {"core.Job"}


def database_snapshot(*app_labels: str) -> dict[str, list[tuple]]:
    """Every row of the tables of `app_labels` (default: all the project's apps), history tables included."""
    snapshot = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("pilotage.") or (app_labels and config.label not in app_labels):
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.label in IGNORED_TABLES:
                continue
            ignored = IGNORED.get(model._meta.label, ())
            fields = [f.attname for f in model._meta.concrete_fields if f.attname not in ignored]
            snapshot[model._meta.label] = list(model._base_manager.order_by("pk").values_list(*fields))
    return snapshot


def changed_tables(before: dict[str, list[tuple]]) -> list[str]:
    """The tables of `before` whose rows differ now."""
    app_labels = {label.split(".")[0] for label in before}
    after = database_snapshot(*app_labels)
    return sorted(label for label in before if before[label] != after.get(label))


def assert_unchanged(before: dict[str, list[tuple]], context=None) -> None:
    changed = changed_tables(before)
    assert not changed, (context, "tables changed by a refused write:", changed)
