"""Create-or-update that writes (and so audits) only what changed: re-running a load changes nothing."""

from django.db import models


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
