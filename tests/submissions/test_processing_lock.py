"""A submission is processed once (issue 15): two task workers holding the same queued job, the command and a
worker, or the same submission's job run twice — one of them stages it, the other stops with a French summary.
The job is claimed atomically (`core/jobs.py::job_execute`) and the job takes the submission through the
workflow's `start` on its locked row (`core/workflow.py::transition_apply`)."""

import threading

import pytest
from django.core.management import call_command
from django.db import connection, connections

from pilotage.core.jobs import job_execute, run_job
from pilotage.core.models import Job, JobStatus
from pilotage.indicators.models import IndicatorDataset
from pilotage.reference.models import Region
from pilotage.submissions.models import Submission, SubmissionStatus
from pilotage.submissions.processing import run_submission_job
from pilotage.submissions.services import submission_create
from tests.submissions.conftest import YEAR, export_files, upload, zip_bytes


@pytest.fixture
def queued(settings):
    """Jobs stay queued (no worker runs them at once)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}


def _submit(users, tmp_path):
    return submission_create(user=users["arml"], region=Region.objects.get(code="93"), year=YEAR, kind="warehouse",
                             upload=upload(zip_bytes(export_files(tmp_path))))  # fmt: skip


def _processed_once(submission):
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.VALIDATED
    assert list(submission.transitions.values_list("name", flat=True)) == ["start", "validate"]
    assert IndicatorDataset.objects.filter(is_staged=True).count() == 1


@pytest.mark.django_db
def test_two_workers_holding_the_same_queued_job_run_it_once(queued, users, tmp_path):
    submission = _submit(users, tmp_path)
    first, second = Job.objects.get(pk=submission.job_id), Job.objects.get(pk=submission.job_id)
    assert first.status == second.status == JobStatus.QUEUED
    assert job_execute(first).status == JobStatus.DONE
    assert job_execute(second).status == JobStatus.DONE  # read as queued, found taken: not run again
    _processed_once(submission)


@pytest.mark.django_db
def test_the_same_submission_processed_twice_stops_at_the_locked_row(queued, users, tmp_path):
    submission = _submit(users, tmp_path)
    job = Job.objects.get(pk=submission.job_id)
    assert run_submission_job(job)["saved"] is True
    again = run_submission_job(job)
    assert again["ok"] is False and "n'est pas traité une seconde fois" in again["summary"]
    assert "validé, non publié" in again["summary"]
    _processed_once(submission)


@pytest.mark.django_db
def test_the_command_and_the_worker(queued, users, tmp_path, capsys):
    path = tmp_path / "export.zip"
    path.write_bytes(zip_bytes(export_files(tmp_path)))
    call_command("submit_export", str(path), "--year", str(YEAR), "--region", "93", "--by", users["arml"].email)
    submission = Submission.objects.get()
    assert f"Dépôt n° {submission.pk} : validé, non publié" in capsys.readouterr().out
    run_job.call(str(submission.job_id))  # the worker picks the task the command queued: nothing more happens
    _processed_once(submission)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL (SQLite has one writer)")
def test_two_workers_at_the_same_moment_on_postgresql(queued, users, tmp_path):
    submission = _submit(users, tmp_path)
    barrier, results, errors = threading.Barrier(2), [], []

    def worker(run):
        try:
            barrier.wait(timeout=10)
            results.append(run())
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    # the job claimed by two workers at once, then the submission's processing entered twice at once
    threads = [threading.Thread(target=worker, args=(lambda: job_execute(Job.objects.get(pk=submission.job_id)),))
               for _ in range(2)]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    _processed_once(submission)
    second = submission_create(user=users["dgefp"], region=Region.objects.get(code="93"), year=YEAR,
                               kind="warehouse", upload=upload(zip_bytes(export_files(tmp_path))))  # fmt: skip
    job = Job.objects.get(pk=second.job_id)
    results.clear()
    threads = [threading.Thread(target=worker, args=(lambda: run_submission_job(job),)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(r["ok"] for r in results) == [False, True]
    second.refresh_from_db()
    assert list(second.transitions.values_list("name", flat=True)) == ["start", "validate"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL (SQLite has one writer)")
def test_two_regions_published_at_the_same_moment_keep_both(network):
    """Each publication merges its region onto the version in force: the second waits for the first."""
    from pilotage.accounts.models import Role
    from pilotage.submissions.services import submission_move
    from tests.factories import user_for_role
    from tests.submissions.factories import ml_values, staged_submission

    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    approved = []
    for region, counts in (("93", {"ML13S00": 120, "ML83S00": 80}), ("84", {"ML69S00": 33})):
        submission = staged_submission(region_code=region, year=YEAR, values=ml_values(counts), by=dgefp)
        approved.append(submission_move(submission=submission, name="approve", user=dgefp).obj)
    barrier, errors = threading.Barrier(2), []

    def publish(submission):
        try:
            barrier.wait(timeout=10)
            submission_move(submission=submission, name="publish", user=dgefp)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=publish, args=(s,)) for s in approved]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    current = IndicatorDataset.objects.get(is_current=True)
    assert current.version == 2
    values = dict(current.values.filter(indicator="1", breakdown="total", level__in=["ml", "national"])
                  .values_list("code", "value"))  # fmt: skip
    assert values == {"ML13S00": 120, "ML83S00": 80, "ML69S00": 33, "FR": 233}
