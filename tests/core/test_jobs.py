"""The background job mechanism on the real task backend (django-tasks' database backend and its worker)."""

import pytest
from django.core.management import call_command

from pilotage.core.jobs import job_progress, job_start, register_job
from pilotage.core.models import Job, JobStatus
from tests.factories import user_for_role


def _count_to_three(job):
    for done in range(1, 4):
        job_progress(done, 3, stage="Comptage", force=True)
    return {"counted": 3, "by": job.created_by.email}


register_job("test_count", _count_to_three)


@pytest.mark.django_db(transaction=True)
def test_a_job_waits_for_the_worker_then_runs_with_its_progress_and_result(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user = user_for_role("national_admin")
    job = job_start(kind="test_count", label="Compter", user=user, params={})
    assert job.status == JobStatus.QUEUED and job.percent is None
    call_command("db_worker", "--batch", "--interval", "0", "--no-startup-delay")
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.result == {"counted": 3, "by": user.email}
    assert (job.stage, job.progress_done, job.progress_total, job.percent) == ("Comptage", 3, 3, 100)
    assert job.started_at and job.finished_at


@pytest.mark.django_db
def test_progress_outside_a_job_does_nothing_and_unknown_kinds_are_refused():
    job_progress(1, 2)
    with pytest.raises(LookupError):
        job_start(kind="inconnu", label="x", user=None, params={})
    assert not Job.objects.exists()
