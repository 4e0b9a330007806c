"""What every domain shares in the database: background jobs (`Job`, see `core/jobs.py`)."""

import uuid

from django.conf import settings
from django.db import models


class JobStatus(models.TextChoices):
    QUEUED = "queued", "en attente"
    RUNNING = "running", "en cours"
    DONE = "done", "terminé"
    FAILED = "failed", "échoué"


class Job(models.Model):
    """A piece of work that runs outside the request (a large import…), followed on its page by the person who
    started it. `kind` names the function that runs it (`core.jobs.register_job`); `params` are its arguments,
    `result` what it returned (JSON); `issues_csv` a downloadable list of problems, if any."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField("type", max_length=50)
    label = models.CharField("libellé", max_length=300)
    status = models.CharField("état", max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="lancé par"
    )
    params = models.JSONField("paramètres", default=dict)
    stage = models.CharField("étape", max_length=100, blank=True)
    progress_done = models.PositiveIntegerField("avancement", default=0)
    progress_total = models.PositiveIntegerField("total", null=True, blank=True)
    result = models.JSONField("résultat", null=True, blank=True)
    message = models.TextField("message", blank=True)
    issues_csv = models.TextField("problèmes (CSV)", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    started_at = models.DateTimeField("commencé le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "tâche de fond"
        verbose_name_plural = "tâches de fond"

    def __str__(self):
        return f"{self.label} ({self.get_status_display()})"

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}

    @property
    def percent(self) -> int | None:
        if self.status == JobStatus.DONE:
            return 100
        if not self.progress_total:
            return None
        return min(99, self.progress_done * 100 // self.progress_total)
