"""Submissions (issue 15) with national results loaded (after `indicators.run_pages`): the DGEFP's national warehouse
zip (BENCH_YOUNG_PEOPLE young people in every Mission Locale of the network) from upload to staged results per
region through the job, the quality review page of a region (read from its stored report), then approving and
publishing a region (the nation recomputed from parts) and the stored reports the publication made stale computed
again. Targets: upload → staged under 2 minutes and 4 GB, review page under 500 ms, publication under 5 s.

The export is generated in a child process, so that the peak memory printed is the upload's and the job's."""

import os
import resource
import statistics
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from pilotage.indicators.engine.synthetic import generate_export

YOUNG_PEOPLE = int(os.environ.get("BENCH_SUBMISSION_YOUNG_PEOPLE", os.environ.get("BENCH_YOUNG_PEOPLE", "1200000")))
REGION = "93"
#: requests of the review page measured (after one warm-up)
REVIEW_REQUESTS = int(os.environ.get("BENCH_REVIEW_REQUESTS", "20"))


def _zip_export(folder, archive, young_people, structures):
    """In a child process: generate the export and zip it (its memory is not the job's)."""
    generate_export(folder, young_people=young_people, structures=structures, seed=0.24)
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.iterdir()):
            out.write(path, path.name)


def _review_times(client, url: str) -> str:
    from benchmarks.reference import page_timings  # (Django's models: not in the zip's spawned process)

    times = page_timings(client, url, REVIEW_REQUESTS)
    verdict = "tenu" if max(times) < 500 else ("médiane tenue" if statistics.median(times) < 500 else "NON TENU")
    return (f"médiane {statistics.median(times):6.1f} ms, pire {max(times):6.1f} ms sur {REVIEW_REQUESTS} requêtes "
            f"(objectif 500 ms : {verdict})")  # fmt: skip


def run(measure, workdir):
    from django.core.files import File
    from django.test import Client

    from pilotage.accounts.models import User
    from pilotage.core.jobs import job_execute
    from pilotage.reference.models import MissionLocale
    from pilotage.submissions.models import Submission, SubmissionQuality
    from pilotage.submissions.selectors import quality_refresh, quality_store
    from pilotage.submissions.services import submission_create, submission_move

    dgefp = User.objects.get(email="dgefp@demo.pilotage.fr")
    structures = list(MissionLocale.objects.active().values_list("code", "department_id"))
    folder, archive = workdir / "export_national", workdir / "export_national.zip"
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        pool.submit(_zip_export, folder, archive, YOUNG_PEOPLE, structures).result()
    size = archive.stat().st_size / 2**20
    label = (f"Zip national ({YOUNG_PEOPLE:,} jeunes, {len(structures)} Missions Locales, {size:.0f} Mo) → données "
             "en attente par région").replace(",", " ")  # fmt: skip
    started = time.perf_counter()
    with archive.open("rb") as handle:
        national = submission_create(user=dgefp, region=None, year=2024, kind="warehouse",
                                     upload=File(handle, name=archive.name))  # fmt: skip
    if national.job and national.job.status == "queued":
        job_execute(national.job)
    national.refresh_from_db()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = list(national.children.select_related("region", "staged_dataset").order_by("region_id"))
    verdict = "tenu" if elapsed < 120 and peak < 4096 else "NON TENU"
    print(f"{label}\n  {elapsed:>9.1f} s de bout en bout par la tâche, pic mémoire du processus {peak:6.0f} Mio — "
          f"« {national.get_status_display()} » en {len(children)} dépôts régionaux ; objectifs : moins de 2 min et "
          f"de 4 096 Mio ({verdict})")  # fmt: skip
    if not children:
        print(f"  Dépôt refusé : {(national.job.result or {}).get('summary') if national.job else ''}")
        return
    submission = next(child for child in children if child.region_id == REGION)
    started = time.perf_counter()
    quality_store(submission)
    print(f"  Rapport de qualité d'une région, calculé et enregistré une fois (au dépôt) : "
          f"{(time.perf_counter() - started) * 1000:.0f} ms")  # fmt: skip

    client = Client()
    client.force_login(dgefp)
    url = f"/donnees/depots/{submission.pk}/qualite/"
    print(f"  Revue de qualité de la région {REGION} {url:<28} {_review_times(client, url)}")
    ml = sorted(submission.ml_codes)[0]
    print(f"  Revue de qualité d'une Mission Locale {f'{url}?ml={ml}':<40} {_review_times(client, f'{url}?ml={ml}')}")

    submission = submission_move(submission=submission, name="approve", user=dgefp).obj
    with measure("Publication de la région et recalcul national (objectif : < 5 s)"):
        submission_move(submission=submission, name="publish", user=dgefp)
    pending = Submission.objects.filter(parent=national).exclude(pk=submission.pk).count()
    with measure(f"Revues de qualité rendues périmées par la publication, recalculées ({pending} régions)"):
        count = quality_refresh(2024)
    assert count == pending == SubmissionQuality.objects.filter(submission__parent=national).count() - 1, count
    other = next(child for child in children if child.region_id != REGION)
    url = f"/donnees/depots/{other.pk}/qualite/"
    print(f"  Revue de qualité de la région {other.region_id} après la publication {url:<28} "
          f"{_review_times(client, url)}")  # fmt: skip
