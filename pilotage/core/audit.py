"""Reading the audit trail kept by django-simple-history: who, when, before, after."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from simple_history.utils import get_history_manager_for_model, get_m2m_reverse_field_name

ACTIONS = {"+": "Création", "~": "Modification", "-": "Suppression"}


@dataclass
class Change:
    field: str
    old: object
    new: object


@dataclass
class HistoryEntry:
    date: datetime
    user: object
    action: str
    reason: str
    changes: list[Change] = field(default_factory=list)


def _display_m2m(model_field, rows) -> str:
    """simple-history gives m2m values as through-table rows ({source: id, target: id}): name the targets."""
    target = model_field.related_model
    source_key = model_field.model._meta.model_name
    ids = [value for row in rows or [] for key, value in row.items() if key != source_key]
    return ", ".join(str(obj) for obj in target._default_manager.filter(pk__in=ids)) or "aucun"


def _display(record, field_name):
    # the tracked model's class, not `record.instance` (which builds an instance and reads its untracked fields)
    model_field = record.instance_type._meta.get_field(field_name)
    value = getattr(record, field_name, None)
    if model_field.choices:
        return dict(model_field.flatchoices).get(value, value)
    if model_field.is_relation and value is not None:
        try:
            return str(getattr(record, model_field.name))
        except model_field.related_model.DoesNotExist:  # deleted since: its id
            return f"{model_field.related_model._meta.verbose_name} n° {getattr(record, model_field.attname)}"
    return value


def history_entries(obj, limit: int = 50) -> list[HistoryEntry]:
    """The newest `limit` changes of `obj`, each with the fields that changed and their before/after."""
    return _entries(obj.history.all(), obj, limit)


def deleted_object_entries(model, pk, limit: int = 200) -> list[HistoryEntry]:
    """The same for an object that may no longer exist: read from its model's history table alone."""
    return _entries(get_history_manager_for_model(model).filter(**{model._meta.pk.attname: pk}), model, limit)


#: the columns of a historical many-to-many row that `diff_against` leaves out
M2M_BOOKKEEPING = ("id", "m2m_history_id", "history")


def _m2m_rows(records) -> dict[str, dict[int, list[dict]]]:
    """field → historical record's id → its many-to-many rows, as `diff_against` compares them; read in one query
    per field for all the records (`diff_against` reads them twice per record)."""
    result: dict[str, dict[int, list[dict]]] = {}
    for model_field in records[0]._history_m2m_fields if records else []:
        through = getattr(records[0], model_field.name).model
        names = [f.name for f in through._meta.fields if f.editable and f.name not in M2M_BOOKKEEPING]
        rows = through._default_manager.filter(history__in=[r.pk for r in records])
        by_record = result[model_field.name] = defaultdict(list)
        for row in rows.order_by(get_m2m_reverse_field_name(model_field)).values("history", *names):
            by_record[row.pop("history")].append(row)
    return result


def _entries(history, obj, limit: int) -> list[HistoryEntry]:
    records = list(history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1])
    m2m = _m2m_rows(records)
    entries = []
    for index, record in enumerate(records[:limit]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous, excluded_fields=set(m2m))
            changed = [(change.field, change.old, change.new) for change in delta.changes]
            changed += [(name, rows.get(previous.pk, []), rows.get(record.pk, [])) for name, rows in m2m.items()]
            for name, old_rows, new_rows in sorted(changed, key=lambda change: change[0]):
                model_field = obj._meta.get_field(name)
                if model_field.many_to_many:
                    if old_rows == new_rows:
                        continue
                    old, new = _display_m2m(model_field, old_rows), _display_m2m(model_field, new_rows)
                else:
                    old, new = _display(previous, name), _display(record, name)
                changes.append(Change(str(model_field.verbose_name), old, new))
        entries.append(
            HistoryEntry(
                date=record.history_date,
                user=record.history_user,
                action=ACTIONS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def save_audited(obj, user, reason: str = ""):
    """Save `obj` with the acting user (and a reason) in its history: the services' one way to write."""
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save()
    return obj
