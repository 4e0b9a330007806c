"""The tamper-evident audit chain (ADR 0015).

Every history record written by django-simple-history (business models and their many-to-many tables) and
every export log entry is sealed: an `AuditSeal` row gives it a rank `seq` and a digest
HMAC-SHA-256(key, previous digest | table | record id | the record's content as stored). The key is
`AUDIT_CHAIN_KEY` (by default the `SECRET_KEY`): someone who can write to the database but does not hold the key
cannot forge seals for a changed, added or removed record.

Sealing happens after the business transaction commits (`transaction.on_commit`), in its own short transaction
that locks the chain's head: no lock is held during a request or an import, so the chain adds no contention or
deadlock to the writes themselves. Records created in a transaction are collected per connection, from
simple-history's signals and from its bulk creation (which sends none: wrapped here), and sealed together by
the first on-commit callback.
A record whose seal never came (a process killed between the commit and the seal) is reported by
`verify_audit`, and sealed by `verify_audit --seal` once its content has been checked.
"""

import hashlib
import hmac
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache, partial
from uuid import UUID

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connections, transaction
from django.db.models.signals import post_save
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalChanges
from simple_history.signals import post_create_historical_m2m_records, post_create_historical_record

from pilotage.audit.models import AuditHead, AuditSeal, ExportLog

CHUNK = 500


def _key() -> bytes:
    return (getattr(settings, "AUDIT_CHAIN_KEY", "") or settings.SECRET_KEY).encode()


def _canonical(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return value


def record_content(row: dict) -> str:
    """A stored record (`.values()` of its table) as canonical JSON: sorted keys, typed values as text."""
    return json.dumps({key: _canonical(value) for key, value in row.items()}, sort_keys=True, default=str)


#: the acting account of a history record: set to null by simple-history when the account is deleted. The seal
#: keeps it (`AuditSeal.user_id`, in the digest); the row must show it, or null once the account is gone.
USER_FIELD = "history_user_id"


def digest_of(previous: str, table: str, record_id: str, row: dict, user_id=None) -> str:
    row = {key: value for key, value in row.items() if key != USER_FIELD}
    user = "" if user_id is None else str(user_id)
    message = "|".join([previous, table, record_id, user, record_content(row)]).encode()
    return hmac.new(_key(), message, hashlib.sha256).hexdigest()


@cache
def sealed_models() -> dict:
    """db_table → model, for every table the chain covers: the historical tables and the export log."""
    models = {m._meta.db_table: m for m in apps.get_models() if issubclass(m, HistoricalChanges)}
    models[ExportLog._meta.db_table] = ExportLog
    return dict(sorted(models.items()))


# --- collecting what a transaction created --------------------------------------------------------------


def _seal_pending(using: str) -> None:
    """The on-commit callback: seal every record collected on this connection (the first callback of a
    transaction does the work, the others find nothing; entries of a rolled-back transaction are skipped)."""
    pending = getattr(connections[using], "_audit_pending", None)
    if pending:
        entries = dict(pending)
        pending.clear()
        seal_records(entries, using=using)


def register(table: str, record_ids, using: str = "default") -> None:
    """Seal these records once the current transaction commits (at once outside a transaction)."""
    record_ids = [str(pk) for pk in record_ids if pk is not None]
    if not record_ids:
        return
    connection = connections[using]
    if not hasattr(connection, "_audit_pending"):
        connection._audit_pending = defaultdict(list)
    connection._audit_pending[table].extend(record_ids)
    transaction.on_commit(partial(_seal_pending, using), using=using)


def _on_history_record(sender, history_instance, using=None, **kwargs):
    register(history_instance._meta.db_table, [history_instance.pk], using=using or "default")


def _on_m2m_history_records(sender, created_rows, **kwargs):
    if created_rows:
        register(created_rows[0]._meta.db_table, [row.pk for row in created_rows])


def _on_export_logged(sender, instance, created, using=None, **kwargs):
    if created:
        register(instance._meta.db_table, [instance.pk], using=using or "default")


def connect() -> None:
    post_create_historical_record.connect(_on_history_record, dispatch_uid="audit_chain_record")
    post_create_historical_m2m_records.connect(_on_m2m_history_records, dispatch_uid="audit_chain_m2m")
    post_save.connect(_on_export_logged, sender=ExportLog, dispatch_uid="audit_chain_export")

    # simple-history's bulk creation (imports, bulk_create_with_history) sends no signal: its created rows are
    # registered here.
    if not getattr(HistoryManager.bulk_history_create, "_audit_chain", False):
        original = HistoryManager.bulk_history_create

        def bulk_history_create(self, *args, **kwargs):
            rows = original(self, *args, **kwargs)
            if rows:
                register(self.model._meta.db_table, [row.pk for row in rows], using=self.db)
            return rows

        bulk_history_create._audit_chain = True
        HistoryManager.bulk_history_create = bulk_history_create


# --- sealing --------------------------------------------------------------------------------------------


def _rows(model, record_ids, using) -> dict[str, dict]:
    rows = {}
    for start in range(0, len(record_ids), CHUNK):
        for row in model._base_manager.using(using).filter(pk__in=record_ids[start : start + CHUNK]).values():
            rows[str(row[model._meta.pk.attname])] = row
    return rows


def _head(using):
    head = AuditHead.objects.using(using).select_for_update().filter(pk=1).first()
    return head or AuditHead.objects.using(using).create(pk=1)


def seal_records(entries: dict[str, list[str]], using: str = "default") -> int:
    """Append these records to the chain (those already sealed, or gone with a rolled-back savepoint, are
    skipped); returns how many were sealed."""
    models = sealed_models()
    with transaction.atomic(using=using):
        head = _head(using)
        previous, seq, seals = head.digest, head.seq, []
        for table, record_ids in entries.items():
            model = models[table]
            ids = list(dict.fromkeys(record_ids))
            already = set()
            for start in range(0, len(ids), CHUNK):
                already.update(
                    AuditSeal.objects.using(using)
                    .filter(table=table, record_id__in=ids[start : start + CHUNK])
                    .values_list("record_id", flat=True)
                )
            rows = _rows(model, [pk for pk in ids if pk not in already], using)
            for record_id in sorted(rows, key=lambda pk: (len(pk), pk)):
                seq += 1
                user_id = rows[record_id].get(USER_FIELD)
                previous = digest_of(previous, table, record_id, rows[record_id], user_id)
                seals.append(AuditSeal(seq=seq, table=table, record_id=record_id, user_id=user_id, digest=previous))
        if seals:
            AuditSeal.objects.using(using).bulk_create(seals, batch_size=CHUNK)
            head.seq, head.digest = seq, previous
            head.save(update_fields=["seq", "digest"])
    return len(seals)


def unsealed(using: str = "default") -> dict[str, list[str]]:
    """Records of the covered tables that have no seal, by table."""
    missing = {}
    for table, model in sealed_models().items():
        sealed = set(AuditSeal.objects.using(using).filter(table=table).values_list("record_id", flat=True))
        ids = [str(pk) for pk in model._base_manager.using(using).values_list("pk", flat=True).order_by("pk")]
        absent = [pk for pk in ids if pk not in sealed]
        if absent:
            missing[table] = absent
    return missing


def seal_unsealed(using: str = "default") -> int:
    return seal_records(unsealed(using), using=using)


# --- verifying ------------------------------------------------------------------------------------------


@dataclass
class Verification:
    checked: int = 0
    last_digest: str = ""
    broken: str = ""  # the first break, in French
    unsealed: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.broken and not self.unsealed


def verify(using: str = "default") -> Verification:
    """Recompute the chain from its first seal: the first record whose content, seal or place changed."""
    models = sealed_models()
    result = Verification()
    users = set(get_user_model()._base_manager.using(using).values_list("pk", flat=True))
    previous, expected, last_seq = "", 1, 0
    while True:
        chunk = list(AuditSeal.objects.using(using).filter(seq__gt=last_seq).order_by("seq")[:2000])
        if not chunk:
            break
        by_table = defaultdict(list)
        for seal in chunk:
            by_table[seal.table].append(seal.record_id)
        rows = {table: _rows(models[table], ids, using) for table, ids in by_table.items() if table in models}
        for seal in chunk:
            where = f"sceau n° {seal.seq} : table {seal.table}, enregistrement {seal.record_id}"
            if seal.seq != expected:
                result.broken = f"{where} — le sceau n° {expected} manque (supprimé)."
                return result
            row = rows.get(seal.table, {}).get(seal.record_id)
            if row is None:
                result.broken = f"{where} — l'enregistrement a été supprimé."
                return result
            digest = digest_of(previous, seal.table, seal.record_id, row, seal.user_id)
            if not hmac.compare_digest(digest, seal.digest):
                result.broken = f"{where} — l'enregistrement ou son sceau a été modifié."
                return result
            author_changed = USER_FIELD in row and row[USER_FIELD] != seal.user_id
            if author_changed and (row[USER_FIELD] is not None or seal.user_id in users):
                result.broken = f"{where} — l'auteur de la modification a été changé."
                return result
            previous, expected = seal.digest, expected + 1
            result.checked += 1
        last_seq = chunk[-1].seq
    head = AuditHead.objects.using(using).filter(pk=1).first()
    if head is not None and (head.seq, head.digest) != (result.checked, previous):
        result.broken = (
            f"fin de la chaîne : {result.checked} sceau(x) trouvé(s), la tête en annonce {head.seq} "
            "(sceaux supprimés à la fin, ou tête modifiée)."
        )
        return result
    result.last_digest = previous
    result.unsealed = unsealed(using)
    return result
