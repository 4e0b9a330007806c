"""Submissions in a given state without running a job: a staged copy made by the indicators' service."""

from datetime import date
from decimal import Decimal

from pilotage.indicators.services import results_stage
from pilotage.reference.models import Region
from pilotage.submissions.models import Submission, SubmissionKind, SubmissionStatus
from pilotage.submissions.services import submission_move


def ml_values(counts: dict[str, int], indicator="1") -> dict:
    """Mission Locale rows {(ml, code, indicator, total): count}."""
    return {("ml", code, indicator, "total"): Decimal(count) for code, count in counts.items()}


def staged_submission(*, region_code: str, year: int, values: dict, by, data_date=date(2025, 1, 31),
                      status=SubmissionStatus.VALIDATED, approver=None) -> Submission:  # fmt: skip
    region = Region.objects.get(code=region_code)
    dataset = results_stage(year=year, values=values, source="export.zip", region=region, data_date=data_date,
                            acting_user=by)  # fmt: skip
    submission = Submission(region=region, year=year, kind=SubmissionKind.WAREHOUSE, filename="export.zip", size=1,
                            sha256="0" * 64, data_date=data_date, submitted_by=by, status=SubmissionStatus.VALIDATED,
                            staged_dataset=dataset,
                            ml_codes=sorted({code for level, code, _, _ in values if level == "ml"}))  # fmt: skip
    submission.file.name = "submissions/test/export.zip"
    submission.save()
    path = {SubmissionStatus.APPROVED: ["approve"], SubmissionStatus.PUBLISHED: ["approve", "publish"]}
    for name in path.get(status, []):
        submission = submission_move(submission=submission, name=name, user=approver).obj
    return submission
