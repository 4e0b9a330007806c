"""Demo submission (issue 15): the ARML of Provence-Alpes-Côte d'Azur sends corrected 2024 results of its
Missions Locales (long format), staged and waiting for the DREETS's review — one Mission Locale declares more
support staff than staff (R12 above 1), which the quality review flags."""

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from pilotage.accounts.models import User
from pilotage.core.exports import csv_text
from pilotage.core.jobs import job_execute
from pilotage.core.models import JobStatus
from pilotage.indicators.models import IndicatorDataset
from pilotage.reference.models import MissionLocale, Region
from pilotage.submissions.models import Submission
from pilotage.submissions.services import submission_create

REGION, YEAR = "93", 2024


def demo_submission_load():
    """Idempotent: nothing when the region already has a submission for the year."""
    if Submission.objects.filter(region_id=REGION, year=YEAR).exists():
        return None
    current = IndicatorDataset.objects.filter(year=YEAR, is_current=True).first()
    arml = User.objects.filter(email="arml@demo.pilotage.fr").first()
    if current is None or arml is None:
        return None
    codes = set(MissionLocale.objects.active().for_region(REGION).values_list("code", flat=True))
    rows = current.values.filter(level="ml", code__in=codes).order_by("code", "indicator", "breakdown")
    first = min(codes)
    lines = []
    for value in rows:
        number = value.value
        if value.code == first and value.indicator == "9.1" and number is not None:
            number = (number * Decimal("1.06")).quantize(Decimal("0.1")) + 20  # beyond the total staff
        if value.indicator == "1" and number is not None:
            number = (number * Decimal("1.05")).quantize(Decimal(1))
        lines.append(["ml", value.code, YEAR, value.indicator, value.breakdown, "" if number is None else str(number)])
    text = csv_text(rows=lines, header=["niveau", "code", "annee", "indicateur", "ventilation", "valeur"])
    upload = SimpleUploadedFile("resultats_paca_2024.csv", text.encode("utf-8"), "application/octet-stream")
    submission = submission_create(user=arml, region=Region.objects.get(code=REGION), year=YEAR, kind="results",
                                   upload=upload)  # fmt: skip
    if submission.job is not None and submission.job.status == JobStatus.QUEUED:
        job_execute(submission.job)
    submission.refresh_from_db()
    return submission
