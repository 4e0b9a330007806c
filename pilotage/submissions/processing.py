"""The job of a submission (`core/jobs.py`): take the submission (the workflow's `start`, on the locked row: a
submission is processed once, whichever worker or command picks it first), extract the zip (already checked),
validate it with the engine (`indicators/engine/export.py`), check that it covers the submission's region (or,
for a national export, known departments) and year, compute (`engine/compute.py`), and stage the results as a
non-published version per region (`indicators/services.py`) with its quality report (`selectors.quality_store`).
A national export is split into one regional submission per region, each staged and reviewed on its own. A
failure lists every problem (file, line, column, value, reason) on the job's page and as a CSV; nothing is
staged. The submitter gets an e-mail when the job ends."""

import logging
import tempfile
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse

from pilotage.core.import_screen import report_result
from pilotage.core.jobs import job_progress, register_job
from pilotage.core.tabular import ImportIssue, ImportReport
from pilotage.core.uploads import check_zip_upload, extract_zip_members
from pilotage.core.workflow import TransitionError, transition_apply
from pilotage.indicators.engine import compute
from pilotage.indicators.engine.export import load_export
from pilotage.indicators.models import STORED_PLACES
from pilotage.indicators.services import read_results, results_stage
from pilotage.reference.models import Department, MissionLocale, Region
from pilotage.submissions.models import Submission, SubmissionKind, SubmissionStatus, locked_submission
from pilotage.submissions.selectors import quality_refresh, quality_store
from pilotage.submissions.services import EXPORT_MEMBERS
from pilotage.submissions.workflow import WORKFLOW

logger = logging.getLogger("pilotage.submissions")


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value)).quantize(STORED_PLACES)


def _region_departments(region_code: str | None) -> set[str]:
    """The departments of the region, or every department for a national export."""
    departments = Department.objects.all() if region_code is None else Department.objects.filter(region_id=region_code)
    return set(departments.values_list("code", flat=True))


def _outside(submission) -> str:
    if submission.is_national:
        return "département inconnu du Code officiel géographique."
    return f"département hors de la région {submission.region.name} du dépôt."


def _warehouse_values(submission, folder: Path, report: ImportReport) -> dict:
    """Validate and compute a warehouse export with the engine's public functions; {} when refused."""
    job_progress(0, 4, stage="Contrôle de l'archive", force=True)
    with default_storage.open(submission.file.name, "rb") as handle:
        try:
            members = check_zip_upload(handle, allowed_names=set(EXPORT_MEMBERS),
                                       max_total=settings.SUBMISSION_MAX_UNCOMPRESSED,
                                       max_ratio=settings.SUBMISSION_MAX_RATIO, name="L'archive")  # fmt: skip
        except ValidationError as exc:
            report.add(None, None, None, " ".join(exc.messages))
            return {}
        extract_zip_members(handle, members, folder)
    job_progress(1, 4, stage="Validation des fichiers", force=True)
    export = load_export(folder)
    if not export.ok:
        report.issues.extend(export.issues)
        report.omitted_errors += max(0, export.issue_count - len(export.issues))
        return {}
    connection = export.connection
    departments = _region_departments(submission.region_id)
    known = set(MissionLocale.objects.values_list("code", flat=True))
    for index, (code, department) in enumerate(
        connection.execute("SELECT code_ml, departement FROM stg_structures").fetchall(), start=2
    ):
        if department not in departments:
            report.issues.append(_issue("structures", index, "departement", department, _outside(submission)))
        elif code not in known:
            report.issues.append(_issue("structures", index, "code_ml", code,
                                        "Mission Locale inconnue du référentiel (code i-milo)."))  # fmt: skip
    year = submission.year
    events = connection.execute(
        f"SELECT count(*) FROM stg_evenements WHERE date BETWEEN DATE '{year}-01-01' AND DATE '{year}-12-31'"
    ).fetchone()[0]
    if not events:
        reason = f"aucun événement daté de {year} : l'export ne correspond pas à l'année du dépôt."
        report.issues.append(_issue("evenements", None, "date", None, reason))
    if not report.ok:
        return {}
    job_progress(2, 4, stage="Calcul des indicateurs", force=True)
    compute.compute(connection, year)
    values = {
        (level, code, indicator, breakdown): _decimal(value)
        for level, code, _, indicator, breakdown, value in compute.results(connection, year)
        if level != "national"  # the nation is recomputed from every region's parts when published
    }
    connection.close()
    return values


def _issue(table, line, column, value, reason):
    return ImportIssue(f"{table}.csv", line, column, value, reason)


def _results_values(submission, report: ImportReport) -> dict:
    """A long results file: read with the loader's rules, then only the submission's region (or Mission Locale)."""
    job_progress(1, 4, stage="Validation du fichier", force=True)
    with default_storage.open(submission.file.name, "rb") as handle:
        values = read_results(handle, submission.filename, submission.year, report)
    if not report.ok:
        return {}
    departments = _region_departments(submission.region_id)
    ml_department = dict(MissionLocale.objects.values_list("code", "department_id"))
    for level, code, indicator, breakdown in values:
        reason = None
        if submission.mission_locale_id:
            if level != "ml" or code != submission.mission_locale.code:
                own = submission.mission_locale.code
                reason = f"une Mission Locale ne dépose que ses propres lignes (niveau ml, code {own})."
        elif level == "national":
            reason = "le niveau national est recalculé par la plateforme à partir des régions."
        elif submission.is_national:
            reason = None  # read_results checked the codes: any region of the reference
        elif level == "region" and code != submission.region_id:
            reason = f"région hors du dépôt ({submission.region.name})."
        elif level == "departement" and code not in departments:
            reason = f"département hors de la région {submission.region.name} du dépôt."
        elif level == "ml" and ml_department.get(code) not in departments:
            reason = f"Mission Locale hors de la région {submission.region.name} du dépôt."
        if reason:
            report.add(None, "code", code, f"{level} {code} ({indicator}, {breakdown}) : {reason}")
    return values if report.ok else {}


def notify(submission) -> None:
    """The e-mail to the submitter when the job ends."""
    user = submission.submitted_by
    if user is None or not user.email:
        return
    ok = submission.status in {SubmissionStatus.VALIDATED, SubmissionStatus.SPLIT}
    subject = f"Dépôt n° {submission.pk} : {'données validées' if ok else 'dépôt refusé'}"
    url = settings.SITE_URL.rstrip("/") + reverse("submissions:detail", args=[submission.pk])
    split = (f" Elles sont réparties en {submission.children.count()} dépôts régionaux, revus chacun par la DREETS "
             "de sa région." if submission.status == SubmissionStatus.SPLIT else "")  # fmt: skip
    outcome = (
        "Les données sont validées et calculées. Elles sont en attente de revue et d'approbation par les services "
        f"de l'État ; elles ne sont pas encore publiées.{split}"
        if ok
        else f"Le dépôt est refusé : {submission.issue_count} problème(s) trouvé(s). Rien n'a été enregistré ; "
        "la liste complète est sur la page du dépôt (et en CSV)."
    )
    body = (
        f"Bonjour,\n\nVotre dépôt « {submission.filename} » ({submission.place_label}, année {submission.year}) "
        f"a été traité.\n\n{outcome}\n\nPage du dépôt : {url}\n\nPlateforme de pilotage des Missions Locales"
    )
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])


def _refuse(submission, issue_count: int) -> None:
    Submission.objects.filter(pk=submission.pk).update(issue_count=issue_count)
    submission.refresh_from_db()
    transition_apply(obj=submission, transition=WORKFLOW.get("refuse"), user=None)


def run_submission_job(job) -> dict:
    submission = Submission.objects.select_related("region", "mission_locale").get(pk=job.params["submission"])
    try:  # the row locked and its state read again: a second worker (or the command) stops here
        submission = transition_apply(obj=submission, transition=WORKFLOW.get("start"), user=None).obj
    except TransitionError:
        submission.refresh_from_db()
        return {"ok": False, "submission": submission.pk, "next_url": submission.get_absolute_url(),
                "next_label": "Voir le dépôt",
                "summary": f"Ce dépôt est déjà « {submission.get_status_display()} » : il n'est pas traité une "
                           "seconde fois."}  # fmt: skip
    try:
        return _process(job, submission)
    except Exception:
        submission.refresh_from_db()
        if submission.status == SubmissionStatus.PROCESSING:  # an unexpected error: refused, nothing staged
            _refuse(submission, 1)
            submission.refresh_from_db()
            _notify_safely(submission)
        raise


def _notify_safely(submission) -> None:
    try:
        notify(submission)
    except Exception:  # a mail server down must not undo the staging
        logger.exception("Submission %s: the e-mail could not be sent", submission.pk)


def _by_region(values: dict) -> dict[str, dict]:
    """A national export's values by region (its Missions Locales, departments and the region itself)."""
    region_of = dict(Department.objects.values_list("code", "region_id"))
    ml_department = dict(MissionLocale.objects.values_list("code", "department_id"))
    found: dict[str, dict] = {}
    for key, value in values.items():
        level, code = key[:2]
        region = {"ml": region_of.get(ml_department.get(code)), "departement": region_of.get(code),
                  "region": code}.get(level)  # fmt: skip
        if region is not None:
            found.setdefault(region, {})[key] = value
    return found


def _stage(submission, values: dict, cache: dict):
    """Stage a region's values for `submission` (validated, its older pending ones replaced, its quality report
    stored)."""
    dataset = results_stage(year=submission.year, values=values, source=submission.filename, region=submission.region,
                            data_date=submission.data_date, acting_user=submission.submitted_by)  # fmt: skip
    ml_codes = sorted({code for level, code, _, _ in values if level == "ml"})
    Submission.objects.filter(pk=submission.pk).update(staged_dataset=dataset, ml_codes=ml_codes)
    submission.refresh_from_db()
    submission = transition_apply(obj=submission, transition=WORKFLOW.get("validate"), user=None).obj
    quality_store(submission, cache=cache)
    return dataset


def _split(job, national, by_region: dict[str, dict], cache: dict) -> list[Submission]:
    """One regional submission per region of a national export, each staged on its own copy of the published
    version (no region reads another's staged values)."""
    regions = Region.objects.in_bulk(list(by_region))
    children = []
    for index, code in enumerate(sorted(by_region)):
        job_progress(3 + index / len(by_region), 4, stage=f"Mise en attente de publication : {regions[code].name}")
        child = Submission(region=regions[code], parent=national, year=national.year, kind=national.kind,
                           filename=national.filename, size=national.size, sha256=national.sha256,
                           data_date=national.data_date, submitted_by=national.submitted_by,
                           status=SubmissionStatus.PROCESSING, job=job)  # fmt: skip
        child.file.name = national.file.name
        child._history_user = national.submitted_by
        child._change_reason = f"Réparti depuis l'export national n° {national.pk}"
        child.save()
        _stage(child, by_region[code], cache)
        children.append(child)
    transition_apply(obj=national, transition=WORKFLOW.get("split"), user=None)
    return children


def _process(job, submission) -> dict:
    report = ImportReport(filename=submission.filename)
    with tempfile.TemporaryDirectory(prefix="depot-") as folder:
        if submission.kind == SubmissionKind.WAREHOUSE:
            values = _warehouse_values(submission, Path(folder), report)
        else:
            values = _results_values(submission, report)
    by_region = _by_region(values) if submission.is_national else {submission.region_id: values}
    for region_code in sorted(by_region) if report.ok else ():
        locked = locked_submission(region_code, submission.year)
        if locked is not None:
            report.add(None, None, None, f"les données {submission.year} de la région {locked.region.name} ont "
                       f"été approuvées (dépôt n° {locked.pk}) : retirez l'approbation avant de déposer à "
                       "nouveau.")  # fmt: skip
    if report.ok and not values:
        report.add(None, None, None, "le fichier ne contient aucune valeur.")
    if report.ok:
        job_progress(3, 4, stage="Mise en attente de publication", force=True)
        cache: dict = {}
        with transaction.atomic():  # staged and validated together, every region or none
            if submission.is_national:
                children = _split(job, submission, by_region, cache)
                changed = sum(child.staged_dataset.changed_entities for child in children)
                summary = (f"{submission.filename} : données validées et calculées, réparties en {len(children)} "
                           f"dépôts régionaux ({changed} entité(s) modifiée(s)), en attente d'approbation ; non "
                           "publiées.")  # fmt: skip
            else:
                dataset = _stage(submission, values, cache)
                summary = (f"{submission.filename} : données validées et calculées ({dataset.changed_entities} "
                           "entité(s) modifiée(s)), en attente d'approbation ; non publiées.")  # fmt: skip
    else:
        _refuse(submission, report.error_count)
        job.issues_csv = report.issues_csv()
        summary = f"{submission.filename} : dépôt refusé, {report.error_count} problème(s) ; rien n'a été enregistré."
    job_progress(4, 4, stage="Terminé", force=True)
    submission.refresh_from_db()
    _notify_safely(submission)
    return {**report_result(report), "summary": summary, "submission": submission.pk, "saved": report.ok,
            "next_url": reverse("submissions:detail", args=[submission.pk]), "next_label": "Voir le dépôt"}  # fmt: skip


def run_quality_refresh_job(job) -> dict:
    """After a publication: the stored quality reports that it made stale, computed again."""
    count = quality_refresh(job.params["year"])
    return {"ok": True, "summary": f"{count} rapport(s) de qualité mis à jour après la publication.", "saved": True}


register_job("submission", run_submission_job)
register_job("submission_quality", run_quality_refresh_job)
