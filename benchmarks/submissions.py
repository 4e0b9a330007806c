"""Submissions (issue 15) with national results loaded (after `indicators.run_pages`): a region's warehouse zip
from upload to staged results through the job, then approving and publishing it (the nation recomputed from
parts), and the quality review page. Targets: upload → staged under 2 minutes and 4 GB at national scale
(BENCH_YOUNG_PEOPLE young people, all in the region's Missions Locales), publication under 5 s, review page
under 500 ms."""

import os
import resource
import time
import zipfile

from pilotage.indicators.engine.synthetic import generate_export

YOUNG_PEOPLE = int(os.environ.get("BENCH_SUBMISSION_YOUNG_PEOPLE", os.environ.get("BENCH_YOUNG_PEOPLE", "1200000")))
REGION = "93"


def run(measure, workdir):
    from django.core.files import File
    from django.test import Client

    from benchmarks.reference import _page_times
    from pilotage.accounts.models import User
    from pilotage.core.jobs import job_execute
    from pilotage.reference.models import MissionLocale, Region
    from pilotage.submissions.services import submission_create, submission_move

    dgefp = User.objects.get(email="dgefp@demo.pilotage.fr")
    structures = list(MissionLocale.objects.active().for_region(REGION).values_list("code", "department_id"))
    folder = workdir / "export_region"
    generate_export(folder, young_people=YOUNG_PEOPLE, structures=structures, seed=0.24)
    archive = workdir / "export_region.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.iterdir()):
            out.write(path, path.name)
    size = archive.stat().st_size / 2**20
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    label = f"Dépôt d'un zip régional ({YOUNG_PEOPLE:,} jeunes, {size:.0f} Mo) → données en attente".replace(",", " ")
    started = time.perf_counter()
    with archive.open("rb") as handle:
        submission = submission_create(user=dgefp, region=Region.objects.get(code=REGION), year=2024,
                                       kind="warehouse", upload=File(handle, name=archive.name))  # fmt: skip
    if submission.job and submission.job.status == "queued":
        job_execute(submission.job)
    submission.refresh_from_db()
    elapsed = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, before) / 1024
    print(f"{label:<62} {elapsed * 1000:>9.1f} ms  pic mémoire du processus {peak:6.0f} Mio — état "
          f"« {submission.get_status_display()} » ; objectifs : moins de 2 min et de 4 096 Mio")  # fmt: skip
    client = Client()
    client.force_login(dgefp)
    url = f"/donnees/depots/{submission.pk}/qualite/"
    print(f"  Revue de qualité de la région {REGION} (objectif : moins de 500 ms) {url:<30} "
          f"{_page_times(client, url, repeat=5)}")  # fmt: skip
    submission = submission_move(submission=submission, name="approve", user=dgefp).obj
    with measure("Publication de la région et recalcul national (objectif : < 5 s)"):
        submission_move(submission=submission, name="publish", user=dgefp)
