"""Create-or-update that writes (and so audits) only what changed: re-running a load changes nothing."""

from collections import defaultdict

from django.db import models
from django.utils import timezone

BATCH_SIZE = 500


def upsert(model: type[models.Model], *, lookup: dict, values: dict, history_user=None, reason: str = ""):
    """Return (object, created, changed). Only a new object or a changed value causes a save."""
    obj = model._default_manager.filter(**lookup).first()
    created = obj is None
    if created:
        obj = model(**lookup)
    changed = created or any(getattr(obj, name) != value for name, value in values.items())
    if changed:
        for name, value in values.items():
            setattr(obj, name, value)
        obj._history_user = history_user
        obj._change_reason = reason
        obj.save()
    return obj, created, changed


def record_history(model: type[models.Model], instances: list, *, update: bool, acting_user, reason: str) -> None:
    """One history row per object just written in bulk (`bulk_create`, `bulk_update`: no signal), with its
    many-to-many relations as they are now, as simple-history records a `save()`; the audit chain seals them."""
    if not instances:
        return
    history_rows = model.history.bulk_history_create(
        instances, batch_size=BATCH_SIZE, update=update, default_user=acting_user, default_change_reason=reason
    )
    history_model = model.history.model
    for m2m_field in history_model._history_m2m_fields:
        snapshot_model = getattr(history_model, m2m_field.name).model
        through = m2m_field.remote_field.through
        owner = f"{m2m_field.m2m_field_name()}_id"
        attnames = [f.attname for f in through._meta.fields]
        links = defaultdict(list)
        for link in through.objects.filter(**{f"{owner}__in": [instance.pk for instance in instances]}):
            links[getattr(link, owner)].append(link)
        snapshot_model.objects.bulk_create(
            [
                snapshot_model(history=row, **{name: getattr(link, name) for name in attnames})
                for row in history_rows or []
                for link in links[row.id]
            ],
            batch_size=BATCH_SIZE,
        )


def bulk_update_touched(model: type[models.Model], instances: list, fields) -> None:
    """`bulk_update` of `fields`, and of the `auto_now` dates that `save()` would have set (bulk_update does not)."""
    if not instances:
        return
    auto_now = {f.name for f in model._meta.fields if getattr(f, "auto_now", False)}
    now = timezone.now()
    for instance in instances:
        for name in auto_now:
            setattr(instance, name, now)
    model._default_manager.bulk_update(instances, fields=sorted(set(fields) | auto_now), batch_size=BATCH_SIZE)
