"""Background jobs (ADR 0013): work that may take longer than a request runs in the task worker (django-tasks
with its database backend: `pilotage db_worker`), and its person follows it on a page that survives a reload.

    register_job("import", run_import)          # once, at import time: kind → function(job) → JSON result
    job = job_start(kind="import", label="Import de lignes.csv", user=request.user, params={...})
    return redirect(job)                        # the job's page: state, progress, result, issues

Inside the function, `job_progress(done, total, stage=...)` updates the page (at most once a second), from any
depth (a contextvar holds the running job). An exception marks the job failed with a French message and is
logged; the function's own transactions decide what was saved (imports save all or nothing).
"""

import contextvars
import logging
import time
from collections.abc import Callable

from django.utils import timezone
from django_tasks import task

from pilotage.core.models import Job, JobStatus

logger = logging.getLogger("pilotage.jobs")

_RUNNERS: dict[str, Callable[[Job], dict | None]] = {}
_CURRENT: contextvars.ContextVar[tuple[Job, list[float]] | None] = contextvars.ContextVar("job", default=None)
PROGRESS_EVERY_SECONDS = 1.0
FAILED_MESSAGE = "La tâche n'a pas abouti à cause d'une erreur inattendue ; rien n'a été enregistré. Réessayez ou "
FAILED_MESSAGE += "signalez-le à l'équipe de la plateforme."


def register_job(kind: str, function: Callable[[Job], dict | None]) -> None:
    _RUNNERS[kind] = function


def job_start(*, kind: str, label: str, user, params: dict) -> Job:
    """Create the job and hand it to the task worker. Inside a request's transaction, the worker sees it when
    the request commits (the database backend stores the task in the same transaction)."""
    if kind not in _RUNNERS:
        raise LookupError(f"Unknown job kind {kind!r}")
    job = Job.objects.create(kind=kind, label=label[:300], created_by=user, params=params)
    run_job.enqueue(str(job.pk))
    job.refresh_from_db()
    return job


def job_progress(done: int, total: int | None = None, *, stage: str | None = None, force: bool = False) -> None:
    """Record the running job's progress (no-op outside a job)."""
    current = _CURRENT.get()
    if current is None:
        return
    job, last = current
    now = time.monotonic()
    if not force and now - last[0] < PROGRESS_EVERY_SECONDS:
        return
    last[0] = now
    fields = {"progress_done": done}
    if total is not None:
        fields["progress_total"] = total
    if stage is not None:
        fields["stage"] = stage
    Job.objects.filter(pk=job.pk).update(**fields)


def job_execute(job: Job) -> Job:
    """Run a job now, in this process (the task worker calls this), unless another process has taken it."""
    # taken atomically: of two workers (or a command and a worker) holding the same queued job, one runs it
    claimed = Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING,
                                                                            started_at=timezone.now())  # fmt: skip
    if not claimed:
        job.refresh_from_db()
        return job
    token = _CURRENT.set((job, [0.0]))
    try:
        result = _RUNNERS[job.kind](job)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message=FAILED_MESSAGE,
                                             finished_at=timezone.now())  # fmt: skip
    else:
        Job.objects.filter(pk=job.pk).update(status=JobStatus.DONE, result=result, finished_at=timezone.now(),
                                             issues_csv=job.issues_csv)  # fmt: skip
    finally:
        _CURRENT.reset(token)
    job.refresh_from_db()
    return job


@task()
def run_job(job_id: str) -> None:
    job = Job.objects.filter(pk=job_id).first()
    if job is not None:
        job_execute(job)
