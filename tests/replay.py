"""Fixtures whose rows are built once per process, then written back for each test that asks for them.

`@replayed` on a fixture that only writes rows (factories, services): its first call runs the build inside a
savepoint, reads what the build inserted or changed in every table (history rows included), and rolls it back.
From then on, each call writes these rows back (one bulk insert per table, no signal: the history records are
handed to the audit chain as simple-history's signal does) and returns what the build returned, its model
instances replaced by fresh ones, never shared between tests (one test's in-memory changes cannot leak into the
next). Each test still runs in its own transaction, rolled back at its end; a transactional test gets the rows
committed, and flushed with the rest; each xdist worker captures its own copy.

The rows keep their primary keys: the sequences have passed them already (a rolled-back insert does not give
its number back on PostgreSQL; SQLite moves its counter past an explicit key). Timestamps written by the build
(`history_date`, `auto_now` fields…) are moved to the moment of the replay, one microsecond apart in their
order: after what the test wrote before, before what it writes after. If a row cannot be written back (a test
created a conflicting row before asking for the fixture), the fixture is built for real in that test, as it
would be without replay.

A replayed build may ask only for `db` and other replayed fixtures, must give the same rows whatever the test
(no random, no lookup of rows other fixtures may have written), and returns model instances, plain values, and
lists, tuples or dicts of them; it may insert and update rows, never delete them.
"""

import copy
import functools
import inspect
from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from pilotage.audit import chain as audit_chain


def _tables() -> list[type[models.Model]]:
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def _state(tables) -> dict:
    """Every row of every table: {model: {pk: {attname: value}}} (the test database is small)."""
    return {
        model: {row[model._meta.pk.attname]: row for row in model._base_manager.values(*_attnames(model))}
        for model in tables
    }


@functools.cache
def _attnames(model) -> tuple[str, ...]:
    return tuple(field.attname for field in model._meta.concrete_fields)


@functools.cache
def _datetime_fields(model) -> tuple[str, ...]:
    return tuple(f.attname for f in model._meta.concrete_fields if isinstance(f, models.DateTimeField))


@dataclass(frozen=True)
class _Ref:
    model: type[models.Model]
    pk: object


@dataclass
class _Capture:
    inserted: dict  # model → [row]
    updated: dict  # model → [row]
    template: object  # what the build returned, model instances as _Ref
    ranks: dict  # each instant the build wrote (history_date, auto_now…) → its rank among them


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


def _capture(build, name) -> _Capture:
    tables = _tables()
    with transaction.atomic():
        before = _state(tables)
        started = timezone.now()
        result = build()
        ended = timezone.now()
        after = _state(tables)
        transaction.set_rollback(True)
    inserted, updated = {}, {}
    for model in tables:
        old, new = before[model], after[model]
        if old.keys() - new.keys():
            raise RuntimeError(f"{name} deletes rows of {model._meta.db_table}: it cannot be replayed")
        if rows := [row for pk, row in new.items() if pk not in old]:
            inserted[model] = rows
        if rows := [row for pk, row in new.items() if pk in old and row != old[pk]]:
            updated[model] = rows
    written = {
        row[name]
        for model, rows in [*inserted.items(), *updated.items()]
        for row in rows
        for name in _datetime_fields(model)
        if row[name] is not None and started <= row[name] <= ended
    }
    return _Capture(inserted, updated, _freeze(result), {value: rank for rank, value in enumerate(sorted(written))})


def _moved(capture, model, row, start) -> dict:
    """The row, the instants the build wrote replaced by `start` plus their rank in microseconds: in the same order,
    before anything the test writes afterwards, after anything written before."""
    row = dict(row)
    for name in _datetime_fields(model):
        if (rank := capture.ranks.get(row[name])) is not None:
            row[name] = start + timedelta(microseconds=rank)
    return row


def _replay(capture):
    start = timezone.now()
    instances = {}
    with transaction.atomic():
        for model, rows in capture.inserted.items():
            objects = [model(**_moved(capture, model, row, start)) for row in rows]
            model._base_manager.bulk_create(objects)
            instances.update({_Ref(model, obj.pk): obj for obj in objects})
            if model._meta.db_table in audit_chain.sealed_models():  # as simple-history's signal does
                audit_chain.register(model._meta.db_table, [obj.pk for obj in objects])
        for model, rows in capture.updated.items():
            for row in rows:
                row = _moved(capture, model, row, start)
                model._base_manager.filter(pk=row[model._meta.pk.attname]).update(**row)
        read = {}  # what the build returned without inserting it (territories, rows it updated): as it is now
        for ref in _refs(capture.template) - instances.keys():
            read.setdefault(ref.model, set()).add(ref.pk)
        for model, pks in read.items():
            found = model._base_manager.in_bulk(pks)
            if len(found) != len(pks):
                raise model.DoesNotExist(f"{model.__name__} {sorted(pks - found.keys())}")
            instances.update({_Ref(model, pk): obj for pk, obj in found.items()})
    return _thaw(capture.template, instances)


_captures: dict[str, _Capture] = {}
#: the fixtures a replayed build may ask for: their rows are the same in every test
_REPLAYED = {"db"}


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
        if name not in _captures:
            _captures[name] = _capture(lambda: build(**kwargs), name)
        try:
            return _replay(_captures[name])
        except (IntegrityError, models.ObjectDoesNotExist):
            return build(**kwargs)

    fixture.__name__, fixture.__qualname__, fixture.__doc__ = build.__name__, build.__qualname__, build.__doc__
    fixture.__module__ = build.__module__
    return fixture
