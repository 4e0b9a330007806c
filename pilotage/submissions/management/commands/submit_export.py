import time
from datetime import date
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from pilotage.accounts.models import User
from pilotage.core.jobs import job_execute
from pilotage.core.models import JobStatus
from pilotage.reference.models import Region
from pilotage.submissions.models import SubmissionKind, SubmissionStatus
from pilotage.submissions.services import submission_create

#: how long the command waits for a worker that took the job before it
WAIT_SECONDS = 2 * 3600


class Command(BaseCommand):
    help = (
        "Dépose un export de l'entrepôt (.zip) ou des résultats au format long pour une région et une année, au nom "
        "d'un compte : vérification, calcul et mise en attente de publication, comme depuis la plateforme. Affiche "
        "le numéro du dépôt et son état ; code de sortie 0 seulement si les données sont mises en attente."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--region", required=True,
                            help="code INSEE de la région (ex. 93), ou « national » : un export de toutes les régions "
                            "(DGEFP), réparti par région")  # fmt: skip
        parser.add_argument("--by", required=True, help="adresse électronique du compte qui dépose")
        parser.add_argument("--data-date", default=None, help="données au (AAAA-MM-JJ), aujourd'hui par défaut")

    def handle(self, *args, file, year, region, by, data_date, **options):
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        user = User.objects.filter(email__iexact=by, is_active=True).first()
        if user is None:
            raise CommandError(f"Aucun compte actif pour {by}.")
        national = region.lower() in {"national", "fr"}
        region_obj = None if national else Region.objects.filter(code=region).first()
        if region_obj is None and not national:
            raise CommandError(f"Région inconnue : {region} (un code de région, ou « national »).")
        try:
            when = date.fromisoformat(data_date) if data_date else None
        except ValueError as exc:
            raise CommandError(f"Date « données au » illisible : {data_date} (AAAA-MM-JJ).") from exc
        kind = SubmissionKind.WAREHOUSE if file.suffix.lower() == ".zip" else SubmissionKind.RESULTS
        with file.open("rb") as handle:
            try:
                submission = submission_create(user=user, region=region_obj, year=year, kind=kind,
                                               upload=File(handle, name=file.name), data_date=when)  # fmt: skip
            except (ValidationError, PermissionDenied) as exc:
                raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        job = submission.job
        if job is not None:  # run it here rather than wait for the worker; if a worker took it first, wait for it
            job = job_execute(job)
            waited = 0
            while job.status in {JobStatus.QUEUED, JobStatus.RUNNING} and waited < WAIT_SECONDS:
                time.sleep(1)
                waited += 1
                job.refresh_from_db()
        submission.refresh_from_db()
        self.stdout.write(f"Dépôt n° {submission.pk} : {submission.get_status_display()}")
        for child in submission.children.select_related("region").order_by("region__name"):
            self.stdout.write(f"  Dépôt n° {child.pk} : {child.region.name}, {child.get_status_display()}")
        if submission.status not in {SubmissionStatus.VALIDATED, SubmissionStatus.SPLIT}:
            result = (submission.job.result or {}) if submission.job else {}
            for issue in result.get("issues", []):
                line = f", ligne {issue['line']}" if issue.get("line") else ""
                column = f", colonne {issue['column']}" if issue.get("column") else ""
                self.stderr.write(f"{issue['file']}{line}{column} : {issue['reason']}")
            raise CommandError(f"Dépôt n° {submission.pk} non mis en attente : {submission.get_status_display()}.")
