"""Recording the audit trail: django-simple-history's `HistoricalRecords`, without two costs it pays on every
record it writes (reading the trail: `core/audit.py`; sealing it: `audit/chain.py`).

- `instance.history` builds a new manager class at each access (`Manager.from_queryset`, about a millisecond),
  and writing a record reads it once: the class is built once per tracked model here.
- For a model with tracked many-to-many fields, each record rebuilds the instance from the record only to name
  the through model (one more query when the model has excluded fields, as `MissionLocale`), and reads the
  through rows even for a creation, when none can exist yet (they are added after the row, and their
  `m2m_changed` writes the `~` record that carries them).

What is recorded is unchanged.
"""

from functools import cache

from django.db.models import ForeignKey
from simple_history import models as history_models
from simple_history.manager import HistoryDescriptor
from simple_history.signals import post_create_historical_m2m_records, pre_create_historical_m2m_records
from simple_history.utils import get_m2m_field_name


@cache
def _manager_class(manager_class, queryset_class):
    return manager_class.from_queryset(queryset_class)


class _HistoryDescriptor(HistoryDescriptor):
    def __get__(self, instance, owner):
        return _manager_class(self.manager_class, self.queryset_class)(self.model, instance)


class HistoricalRecords(history_models.HistoricalRecords):
    def finalize(self, sender, **kwargs):
        super().finalize(sender, **kwargs)
        descriptor = sender.__dict__.get(getattr(self, "manager_name", ""))
        if sender is not self.cls or type(descriptor) is not HistoryDescriptor:
            return
        setattr(
            sender,
            self.manager_name,
            _HistoryDescriptor(descriptor.model, manager=descriptor.manager_class, queryset=descriptor.queryset_class),
        )
        for field, m2m_model in self.m2m_models.items():
            setattr(descriptor.model, field.name, _HistoryDescriptor(m2m_model))

    def create_historical_record_m2ms(self, history_instance, instance):
        """simple-history's own, but the through model is the field's, and a creation has no rows to copy."""
        if history_instance.history_type == "+":
            return
        for field in history_instance._history_m2m_fields:
            m2m_history_model = self.m2m_models[field]
            through_model = field.remote_field.through
            through_model_field_names = [f.name for f in through_model._meta.fields]
            through_model_fk_field_names = [f.name for f in through_model._meta.fields if isinstance(f, ForeignKey)]
            rows = through_model.objects.filter(**{get_m2m_field_name(field): instance})
            insert_rows = [
                m2m_history_model(
                    history=history_instance, **{name: getattr(row, name) for name in through_model_field_names}
                )
                for row in rows.select_related(*through_model_fk_field_names)
            ]
            pre_create_historical_m2m_records.send(
                sender=m2m_history_model,
                rows=insert_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
            created_rows = m2m_history_model.objects.bulk_create(insert_rows)
            post_create_historical_m2m_records.send(
                sender=m2m_history_model,
                created_rows=created_rows,
                history_instance=history_instance,
                instance=instance,
                field=field,
            )
