"""Fixtures whose rows are built once per process, then written back for each test that asks for them.

`@replayed` on a fixture that only writes rows (factories, services): its first call runs the build inside a
savepoint, reads what the build inserted or changed in every table (history rows included), and rolls it back.
From then on, each call writes these rows back (one prepared INSERT per table, no signal: the history records
are handed to the audit chain as simple-history's signal does) and returns what the build returned, its model
instances replaced by fresh ones, never shared between tests (one test's in-memory changes cannot leak into the
next). Each test still runs in its own transaction, rolled back at its end; a transactional test gets the rows
committed, and flushed with the rest; each xdist worker captures its own copy.

The rows keep their primary keys: the sequences have passed them already (a rolled-back insert does not give
its number back on PostgreSQL; SQLite moves its counter past an explicit key). Timestamps written by the build
(`history_date`, `auto_now` fields…) are moved to the moment of the replay, one microsecond apart in their
order: after what the test wrote before, before what it writes after. If a row cannot be written back (a test
created a conflicting row before asking for the fixture), the fixture is built for real in that test, as it
would be without replay.

A replayed build may ask only for `db` and other replayed fixtures, and returns model instances, plain values,
and lists, tuples or dicts of them. It may insert and update rows; the capture refuses a build that deletes
rows, writes files, sends mail or leaves work for the commit. It must give the same rows whatever the test: a
build whose rows point to rows it found rather than wrote (a lookup, a get_or_create that found what another
fixture of that test wrote) is not captured there; it is captured in a test where no other replayed fixture
came first, and built for real until then (and for good after three such tries).
"""

import copy
import functools
import inspect
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.apps import apps
from django.core import mail
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from pilotage.audit import chain as audit_chain

#: what every test finds in the database, committed: what the data migrations load (tests/conftest.py)
BASELINE = {"reference.Region", "reference.Department", "animation.Mission", "animation.Objective",
            "animation.ActionType", "contenttypes.ContentType", "auth.Permission"}  # fmt: skip
#: captures tried without success (the build found rows another fixture wrote) before building for real for good
ATTEMPTS = 3


def _tables() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


@functools.cache
def _attnames(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


def _state(tables) -> dict:
    """Every row of every table: {model: {pk: {attname: value}}} (the test database is small)."""
    return {
        model: {row[model._meta.pk.attname]: row for row in model._base_manager.values(*_attnames(model))}
        for model in tables
    }


@functools.cache
def _writes_counted(connection) -> bool:
    """PostgreSQL counts each table's writes unless the server's `track_counts` is off."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SHOW track_counts")
        return cursor.fetchone()[0] == "on"


def _writes(cursor) -> dict[str, tuple[int, int, int]]:
    """PostgreSQL: the rows this transaction has inserted, updated and deleted so far, by table (its subtransactions
    included, rolled back or not)."""
    cursor.execute("SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables")
    return {row[0]: row[1:] for row in cursor.fetchall()}


@dataclass(frozen=True)
class _Ref:
    model: type[models.Model]
    pk: object


@dataclass
class _Insert:
    """The rows a build inserted in one table, and the statement and parameters that write them back (one statement
    for all of them on PostgreSQL, one per row elsewhere)."""

    model: type[models.Model]
    rows: dict  # pk → {attname: value}, as read after the build
    statement: str
    params: list[tuple]  # prepared for the database, the instants the build wrote left to each replay
    instants: list[tuple[int, int, int]]  # (row, column, rank) of each instant the build wrote
    together: bool  # the statement writes every row at once (PostgreSQL), else once per row


@dataclass
class _Capture:
    inserts: list[_Insert]
    updated: dict  # model → [row]: rows the build changed among those its dependencies wrote
    template: object  # what the build returned, its model instances as _Ref
    baseline: dict  # _Ref → row, for what it returned among the baseline's rows
    ranks: dict  # each instant the build wrote (history_date, auto_now…) → its rank among them
    written: dict  # model → keys of the rows it inserted, and of those its dependencies inserted


def _freeze(value):
    if isinstance(value, models.Model):
        return _Ref(type(value), value.pk)
    if isinstance(value, dict):
        return {key: _freeze(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_freeze(item) for item in value)
    return value


def _thaw(template, instances):
    if isinstance(template, _Ref):
        return instances[template]
    if isinstance(template, dict):
        return {key: _thaw(item, instances) for key, item in template.items()}
    if isinstance(template, list | tuple):
        return type(template)(_thaw(item, instances) for item in template)
    return copy.deepcopy(template)


def _refs(template) -> set[_Ref]:
    if isinstance(template, _Ref):
        return {template}
    items = template.values() if isinstance(template, dict) else template if isinstance(template, list | tuple) else ()
    return set().union(*(_refs(item) for item in items))


def _seals(func) -> bool:
    """The audit chain's on-commit sealing (the replay hands the history records to the chain itself)."""
    return isinstance(func, functools.partial) and func.func is audit_chain._seal_pending


def _capture(build, name, dependencies) -> _Capture | None:
    """The capture of `build`, or None when its rows point to rows it found rather than wrote, or it changed rows
    it found (see `_foreign`)."""
    tables = _tables()
    connection, mails = transaction.get_connection(), len(getattr(mail, "outbox", ()))
    # PostgreSQL counts what a transaction writes, table by table: only the tables the build wrote are read, after
    # it and again once it is rolled back (as they were before it). Elsewhere every table, before and after.
    counted = _writes_counted(connection)
    with transaction.atomic():
        if counted:
            with connection.cursor() as cursor:
                counts = _writes(cursor)
        else:
            before = _state(tables)
        callbacks = len(connection.run_on_commit)
        started = timezone.now()
        result = build()
        ended = timezone.now()
        if counted:
            with connection.cursor() as cursor:
                written = {table for table, now in _writes(cursor).items() if now != counts.get(table, (0, 0, 0))}
            tables = [model for model in tables if model._meta.db_table in written]
        after = _state(tables)
        # what it returned among the baseline's rows, in tables it did not write (PostgreSQL)
        returned = [ref for ref in _refs(_freeze(result)) if ref.model not in after]
        found = {
            ref: ref.model._base_manager.values(*_attnames(ref.model)).get(pk=ref.pk)
            for ref in returned
            if ref.model._meta.label in BASELINE
        }
        later = [func for _, func, _ in connection.run_on_commit[callbacks:] if not _seals(func)]
        transaction.set_rollback(True)
    if counted:
        before = _state(tables)
    if later or len(getattr(mail, "outbox", ())) != mails:
        raise RuntimeError(f"{name} sends mail or leaves work for the commit: it cannot be replayed")
    inserted, updated = {}, {}
    for model in tables:
        old, new = before[model], after[model]
        if old.keys() - new.keys():
            raise RuntimeError(f"{name} deletes rows of {model._meta.db_table}: it cannot be replayed")
        if rows := {pk: row for pk, row in new.items() if pk not in old}:
            inserted[model] = rows
            files = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
            if any(row[attname] for attname in files for row in rows.values()):
                raise RuntimeError(f"{name} writes files ({model._meta.db_table}): it cannot be replayed")
        if rows := [row for pk, row in new.items() if pk in old and row != old[pk]]:
            updated[model] = rows
    own = {model: set(rows) for model, rows in inserted.items()}
    for capture in dependencies:
        for model, keys in capture.written.items():
            own[model] = own.get(model, set()) | keys
    template = _freeze(result)
    if _foreign([*((m, rows.values()) for m, rows in inserted.items()), *updated.items()], updated, template, own):
        return None
    instants = {
        row[field.attname]
        for model, rows in [*((m, rows.values()) for m, rows in inserted.items()), *updated.items()]
        for row in rows
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateTimeField) and row[field.attname] is not None
        if started <= row[field.attname] <= ended
    }
    ranks = {value: rank for rank, value in enumerate(sorted(instants))}
    baseline = {
        ref: found[ref] if ref in found else after[ref.model][ref.pk]
        for ref in _refs(template)
        if ref.model._meta.label in BASELINE
    }
    inserts = [_insert(model, rows, ranks, connection) for model, rows in inserted.items()]
    return _Capture(inserts, updated, template, baseline, ranks, own)


def _foreign(rows_by_model, updated, template, own) -> bool:
    """Whether the build's rows, or what it returns, point to a row that neither it nor the replayed fixtures it
    asks for wrote, outside the baseline — a row another fixture of that test wrote, which the build found (a
    lookup, a get_or_create) and which another test may not have; or whether it changed such a row."""

    def outside(model, key) -> bool:
        return model._meta.label not in BASELINE and key not in own.get(model, ())

    for model, rows in rows_by_model:
        for field in model._meta.concrete_fields:
            if field.many_to_one or field.one_to_one:
                target = field.related_model._meta.concrete_model
                by_key = field.target_field == target._meta.pk
                for row in rows:
                    value = row[field.attname]
                    if value is not None and (not by_key or outside(target, value)):
                        return True
    changed = (outside(model, row[model._meta.pk.attname]) for model, rows in updated.items() for row in rows)
    return any(changed) or any(outside(ref.model, ref.pk) for ref in _refs(template))


def _insert(model, rows, ranks, connection) -> _Insert:
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    placeholders = "({})".format(", ".join(["%s"] * len(fields)))
    # PostgreSQL: every row in one statement, one round trip (psycopg's executemany goes through its pipeline mode,
    # whose bookkeeping costs more than the few rows); SQLite: executemany, in process
    together = connection.vendor == "postgresql"
    statement = "INSERT INTO {} ({}) VALUES {}".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join([placeholders] * len(rows)) if together else placeholders,
    )
    params, instants = [], []
    for i, row in enumerate(rows.values()):
        values = []
        for j, field in enumerate(fields):
            value = row[field.attname]
            if isinstance(field, models.DateTimeField) and value in ranks:
                instants.append((i, j, ranks[value]))
                values.append(None)
            else:
                values.append(field.get_db_prep_save(value, connection))
        params.append(tuple(values))
    return _Insert(model, rows, statement, params, instants, together)


def _moved(row, model, ranks, start) -> dict:
    """The row, the instants the build wrote replaced by `start` plus their rank in microseconds: in the same order,
    after anything written before the replay, before anything the test writes afterwards."""
    row = dict(row)
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateTimeField) and (rank := ranks.get(row[field.attname])) is not None:
            row[field.attname] = start + timedelta(microseconds=rank)
    return row


def _replay(capture):
    start = timezone.now()
    connection = transaction.get_connection()
    moments = [
        connection.ops.adapt_datetimefield_value(start + timedelta(microseconds=r)) for r in capture.ranks.values()
    ]
    wanted = _refs(capture.template)
    instances = {}
    with transaction.atomic(), connection.cursor() as cursor:
        for insert in capture.inserts:
            params = insert.params
            if insert.instants:
                params = [list(values) for values in params]
                for i, j, rank in insert.instants:
                    params[i][j] = moments[rank]
            if insert.together:
                cursor.execute(insert.statement, [value for values in params for value in values])
            else:
                cursor.executemany(insert.statement, params)
            model, table = insert.model, insert.model._meta.db_table
            if table in audit_chain.sealed_models():  # as simple-history's signal does
                audit_chain.register(table, list(insert.rows))
            for pk, row in insert.rows.items():
                if (ref := _Ref(model, pk)) in wanted:
                    row = _moved(row, model, capture.ranks, start)
                    instances[ref] = model.from_db(connection.alias, _attnames(model), list(row.values()))
        for model, rows in capture.updated.items():
            for row in rows:
                row = _moved(row, model, capture.ranks, start)
                model._base_manager.filter(pk=row[model._meta.pk.attname]).update(**row)
        for ref, row in capture.baseline.items():
            instances[ref] = ref.model.from_db(connection.alias, _attnames(ref.model), list(row.values()))
        read = {}  # what the build returned among the rows of its dependencies: as they are now
        for ref in wanted - instances.keys():
            read.setdefault(ref.model, set()).add(ref.pk)
        for model, pks in read.items():
            found = model._base_manager.in_bulk(pks)
            if len(found) != len(pks):
                raise model.DoesNotExist(f"{model.__name__} {sorted(pks - found.keys())}")
            instances.update({_Ref(model, pk): obj for pk, obj in found.items()})
    return _thaw(capture.template, instances)


_captures: dict[str, _Capture | None] = {}
_attempts: dict[str, int] = {}
#: the fixtures a replayed build may ask for: their rows are the same in every test
_REPLAYED = {"db"}
#: in a test's stash: the fixtures replayed in it (pytest name → capture), whose rows a dependent capture may use
_HERE = pytest.StashKey[dict]()


def replayed(build):
    """Decorate the build of a fixture (under `@pytest.fixture`). Its arguments may only be `db` and other
    replayed fixtures."""
    arguments = list(inspect.signature(build).parameters)
    if unknown := set(arguments) - _REPLAYED:
        raise TypeError(f"{build.__name__} asks for {sorted(unknown)}: a replayed build may only ask for {_REPLAYED}")
    _REPLAYED.add(build.__name__)
    name = f"{build.__module__}.{build.__qualname__}"

    def fixture(request, db):
        kwargs = {argument: request.getfixturevalue(argument) for argument in arguments}
        replayed_here = request.node.stash.setdefault(_HERE, {})
        if _captures.get(name) is None and _attempts.get(name, 0) < ATTEMPTS:
            dependencies = [replayed_here.get(argument) for argument in arguments if argument != "db"]
            # captured where no other replayed fixture wrote rows the build could find, and only once the rows of
            # its dependencies are known (they were replayed, not built for real)
            if None not in dependencies and replayed_here.keys() <= set(arguments):
                _attempts[name] = _attempts.get(name, 0) + 1
                _captures[name] = _capture(lambda: build(**kwargs), name, dependencies)
        if (capture := _captures.get(name)) is not None:
            try:
                value = _replay(capture)
            except (IntegrityError, models.ObjectDoesNotExist):
                pass
            else:
                replayed_here[build.__name__] = capture
                return value
        return build(**kwargs)

    fixture.__name__, fixture.__qualname__, fixture.__doc__ = build.__name__, build.__qualname__, build.__doc__
    fixture.__module__ = build.__module__
    return fixture
