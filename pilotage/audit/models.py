"""The audit chain's seals (ADR 0015) and the log of exports."""

from django.conf import settings
from django.db import models


class AuditSeal(models.Model):
    """One history record (or export log entry) sealed into the chain: its place `seq` and its digest,
    HMAC-SHA-256(key, previous digest | table | record id | acting account | the record's content)."""

    seq = models.BigIntegerField("rang", unique=True)
    table = models.CharField("table", max_length=100)
    record_id = models.CharField("enregistrement", max_length=64)
    # The acting account of a history record when sealed (the record's own column becomes null if the account
    # is deleted); no foreign key: it must outlive the account.
    user_id = models.BigIntegerField("compte", null=True, blank=True)
    digest = models.CharField("empreinte", max_length=64)
    sealed_at = models.DateTimeField("scellé le", auto_now_add=True)

    class Meta:
        verbose_name = "sceau d'audit"
        verbose_name_plural = "sceaux d'audit"
        constraints = [models.UniqueConstraint(fields=["table", "record_id"], name="audit_seal_once")]

    def __str__(self):
        return f"n° {self.seq} : {self.table} #{self.record_id}"


class AuditHead(models.Model):
    """The chain's last link (a single row, locked while sealing): its rank and digest."""

    seq = models.BigIntegerField(default=0)
    digest = models.CharField(max_length=64, default="")

    class Meta:
        verbose_name = "tête de la chaîne d'audit"

    def __str__(self):
        return f"tête n° {self.seq}"


class ExportLog(models.Model):
    """Who downloaded what, when: every file the platform sends as an attachment (exports of lists, indicators,
    survey answers, documents, signed conventions), logged in one place (audit.middleware)."""

    at = models.DateTimeField("date", auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="compte", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    user_email = models.CharField("adresse du compte", max_length=254, blank=True)
    path = models.CharField("adresse demandée", max_length=2000)
    filename = models.CharField("fichier", max_length=300, blank=True)
    status = models.PositiveSmallIntegerField("statut HTTP")

    class Meta:
        verbose_name = "export journalisé"
        verbose_name_plural = "exports journalisés"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_email or 'anonyme'} {self.path}"
