"""Writes of submissions: receiving a file (checked, streamed to storage, hashed) and starting its job;
the workflow's moves (`transition_apply` over `workflow.WORKFLOW`)."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from pilotage.core.jobs import job_start
from pilotage.core.uploads import check_zip_upload
from pilotage.core.workflow import transition_apply
from pilotage.indicators.engine.export import TABLES
from pilotage.submissions.models import Submission, SubmissionKind, ValueExplanation, locked_submission
from pilotage.submissions.perms import submission_regions, submits_own_results
from pilotage.submissions.selectors import quality_flagged
from pilotage.submissions.workflow import WORKFLOW

#: the members a warehouse zip may hold (cpo-indicators.md « Input »)
EXPORT_MEMBERS = frozenset(f"{table}.{ext}" for table in TABLES for ext in ("csv", "parquet"))
FIRST_YEAR = 2015


def max_upload_bytes() -> int:
    return settings.SUBMISSION_MAX_UPLOAD_BYTES


def file_size_label(size: int) -> str:
    return f"{size // 1024} Ko" if size < 2**20 else f"{size / 2**20:.0f} Mo"


def check_submission(*, user, region, mission_locale, year: int, kind: str, upload, data_date) -> None:
    """Every refusal of a submission before it is stored, in French (ValidationError; PermissionDenied when the
    user may not submit for this region or Mission Locale)."""
    if mission_locale is not None:
        if not (submits_own_results(user) and user.mission_locale_id == mission_locale.pk):
            raise PermissionDenied("Vous ne pouvez déposer que les résultats de votre Mission Locale.")
        if kind != SubmissionKind.RESULTS:
            raise ValidationError("Une Mission Locale dépose ses résultats au format long (CSV ou XLSX).")
    else:
        regions = submission_regions(user)
        if region is None and regions is not None:
            raise PermissionDenied("Seule la DGEFP dépose un export national (toutes les régions).")
        if region is not None and regions is not None and region.code not in regions:
            raise PermissionDenied(f"Vous ne pouvez pas déposer de données pour la région {region.name}.")
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year:
        raise ValidationError(f"Année {year} impossible : indiquez une année entre {FIRST_YEAR} et {this_year}.")
    if data_date is not None and (data_date > timezone.localdate() or data_date.year < year):
        raise ValidationError("La date « données au » doit être passée et postérieure au début de l'année des "
                              "données.")  # fmt: skip
    locked = locked_submission(region.code, year) if region is not None else None  # national: the job checks
    if locked is not None:
        raise ValidationError(
            f"Les données {year} de la région {region.name} sont {locked.get_status_display()}s (dépôt n° "
            f"{locked.pk}) : un nouveau dépôt demande d'abord le retrait de l'approbation, avec son motif."
        )
    size = upload.size
    if size is not None and size > max_upload_bytes():
        raise ValidationError(f"Le fichier fait {file_size_label(size)}, au-delà de la limite de "
                              f"{file_size_label(max_upload_bytes())} : découpez-le ou compressez-le.")  # fmt: skip
    name = Path(upload.name or "").name.lower()
    if kind == SubmissionKind.WAREHOUSE:
        if not name.endswith(".zip"):
            raise ValidationError("Un export de l'entrepôt se dépose en archive .zip.")
        check_zip_upload(upload, allowed_names=set(EXPORT_MEMBERS), max_total=settings.SUBMISSION_MAX_UNCOMPRESSED,
                         max_ratio=settings.SUBMISSION_MAX_RATIO, name="L'archive")  # fmt: skip
    elif not name.endswith((".csv", ".txt", ".xlsx")):
        raise ValidationError("Les résultats au format long se déposent en CSV ou XLSX.")


def _store(upload) -> tuple[str, str, int]:
    """Stream the upload to the default storage, hashing it on the way: (stored name, sha256, size)."""
    digest, size = hashlib.sha256(), 0
    for chunk in upload.chunks():
        digest.update(chunk)
        size += len(chunk)
    upload.seek(0)
    suffix = Path(upload.name).suffix.lower()
    stored = default_storage.save(f"submissions/{timezone.now():%Y/%m}/{digest.hexdigest()[:16]}{suffix}", upload)
    return stored, digest.hexdigest(), size


def submission_create(
    *, user, region, year: int, kind: str, upload, data_date=None, mission_locale=None, reason: str = ""
):
    """Check, store and queue a submission; its job validates, computes and stages it (`processing.py`). `reason`
    is the history's change reason (the API names the token)."""
    data_date = data_date or timezone.localdate()
    check_submission(user=user, region=region, mission_locale=mission_locale, year=year, kind=kind, upload=upload,
                     data_date=data_date)  # fmt: skip
    stored, sha256, size = _store(upload)
    try:
        with transaction.atomic():
            submission = Submission(
                region=region, mission_locale=mission_locale, year=year, kind=kind,
                filename=Path(upload.name).name[:255], size=size, sha256=sha256, data_date=data_date, submitted_by=user,
            )  # fmt: skip
            submission.file.name = stored
            submission._history_user = user
            if reason:
                submission._change_reason = reason[:100]
            submission.save()
            job = job_start(kind="submission", label=f"Dépôt n° {submission.pk} : {submission.filename} ({year})",
                            user=user, params={"submission": submission.pk})  # fmt: skip
            Submission.objects.filter(pk=submission.pk).update(job=job)
    except Exception:
        default_storage.delete(stored)
        raise
    submission.refresh_from_db()
    return submission


def submission_move(*, submission, name: str, user, reason: str = ""):
    return transition_apply(obj=submission, transition=WORKFLOW.get(name), user=user, reason=reason)


def value_explain(*, submission, user, level: str, code: str, indicator: str, breakdown: str, comment: str):
    """Mark a flagged value « expliqué » with a comment (the reviewers: DGEFP, the region's DREETS, its DDETS);
    a new comment replaces the previous one. Only a value the quality report flags can be explained."""
    if not user.has_perm("submissions.review_submission", submission):
        raise PermissionDenied("Vous ne revoyez pas les données de cette région.")
    if submission.staged_dataset_id is None:
        raise ValidationError("Ce dépôt n'a pas de données en attente à revoir.")
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError("Écrivez l'explication : elle s'affiche à côté de la valeur sur le tableau de bord.")
    if len(comment) > 2000:
        raise ValidationError("L'explication dépasse 2 000 caractères.")
    if any(ord(c) < 32 and c not in "\n\r\t" for c in comment):
        raise ValidationError("L'explication contient des caractères de contrôle.")
    key = (level, code, indicator, breakdown)
    if key not in quality_flagged(submission):
        raise ValidationError("Cette valeur n'est pas signalée par la revue de qualité.")
    explanation = ValueExplanation.objects.filter(submission=submission, level=level, code=code, indicator=indicator,
                                                  breakdown=breakdown).first()  # fmt: skip
    explanation = explanation or ValueExplanation(submission=submission, level=level, code=code, indicator=indicator,
                                                  breakdown=breakdown)  # fmt: skip
    explanation.comment, explanation.by = comment, user
    explanation._history_user = user
    explanation.save()
    return explanation
