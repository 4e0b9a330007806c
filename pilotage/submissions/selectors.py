"""What the pages read of submissions: the quality report of a staged submission, the explanations of its flagged
values, and the lineage of a dashboard's values (which submission, version and publication they come from)."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pilotage.core import formatting
from pilotage.core.todos import todo_of
from pilotage.indicators.catalogue import INDICATORS
from pilotage.indicators.models import IndicatorDataset
from pilotage.indicators.services import entity_values, region_entities
from pilotage.reference.models import MissionLocale
from pilotage.submissions import quality
from pilotage.submissions.models import Submission, SubmissionStatus
from pilotage.submissions.perms import submits
from pilotage.submissions.workflow import WORKFLOW


@dataclass
class QualityReport:
    submission: Submission
    threshold: object
    completeness: quality.Completeness
    violations: list
    outliers: list
    changes: list
    explanations: dict
    ml: object = None  # the Mission Locale the page is restricted to, if any

    @property
    def flagged(self) -> set:
        return {v.key for v in self.violations} | {o.key for o in self.outliers}


def _total_by_ml(values: dict) -> dict[str, dict]:
    result: dict[str, dict] = {}
    for (level, code, indicator, breakdown), value in values.items():
        if level == "ml" and breakdown == "total":
            result.setdefault(code, {})[indicator] = value
    return result


def _ml_totals(dataset) -> dict[str, dict]:
    if dataset is None:
        return {}
    rows = dataset.values.filter(level="ml", breakdown="total").values_list("code", "indicator", "value")
    result: dict[str, dict] = {}
    for code, indicator, value in rows:
        result.setdefault(code, {})[indicator] = value
    return result


def quality_report(submission: Submission, *, threshold=None, ml_code: str | None = None) -> QualityReport:
    """The review of a staged submission, for its region (or one of its Missions Locales, `ml_code`)."""
    threshold = quality.threshold_setting() if threshold is None else threshold
    staged = submission.staged_dataset
    region = submission.region_id
    entities = region_entities(region)
    file_codes = set(submission.ml_codes)
    if submission.mission_locale_id:
        entities = {("ml", submission.mission_locale.code)}
    ml = None
    if ml_code is not None:
        ml = MissionLocale.objects.filter(code=ml_code, department__region_id=region).first()
        entities = {("ml", ml_code)} if ml else set()
    mine = entity_values(staged, entities)
    published = IndicatorDataset.objects.filter(year=submission.year, is_current=True).first()
    published_values = entity_values(published, entities)
    region_mls = {m.code: m for m in MissionLocale.objects.active().for_region(region)}
    if ml is not None:
        region_mls = {ml.code: ml} if ml.code in region_mls else {}
        file_codes &= {ml.code}
    report_completeness = quality.completeness(
        region_mls=region_mls, file_codes=file_codes, values=mine, year=submission.year,
        submitted_on=timezone.localtime(submission.submitted_at).date(),
        own_ml=submission.mission_locale.code if submission.mission_locale_id else None,
    )  # fmt: skip
    now = _ml_totals(staged)  # every peer of the nation that year
    previous = IndicatorDataset.objects.filter(year=submission.year - 1, is_current=True).first()
    before = _ml_totals(previous)
    codes = {code for level, code in entities if level == "ml"} & (file_codes or set(now))
    explanations = {
        (e.level, e.code, e.indicator, e.breakdown): e for e in submission.explanations.select_related("by")
    }
    return QualityReport(
        submission=submission, threshold=threshold, completeness=report_completeness,
        violations=quality.rule_violations(mine, entities), outliers=quality.outliers(now, before, codes, threshold),
        changes=quality.changes(mine, published_values, entities), explanations=explanations, ml=ml,
    )  # fmt: skip


@dataclass(frozen=True)
class Lineage:
    """What the dashboard says of the values it shows."""

    staged: bool
    data_date: date | None
    submitter: str
    submitted_at: object
    version: int | None
    published_at: object
    published_by: object
    submission: Submission | None
    source: str
    #: the submission's page, when the user may open it
    url: str = ""


def _region_submission(dataset, region_code: str | None):
    """The submission whose values of `region_code` the version `dataset` carries."""
    if dataset.is_staged or not dataset.is_published:
        return Submission.objects.filter(staged_dataset=dataset).select_related("submitted_by").first()
    if region_code is None:
        return Submission.objects.filter(published_dataset=dataset).select_related("submitted_by").first()
    return (
        Submission.objects.filter(region_id=region_code, year=dataset.year, published_dataset__isnull=False,
                                  published_dataset__published_at__lte=dataset.published_at or timezone.now())
        .select_related("submitted_by", "published_dataset__published_by")
        .order_by("-published_dataset__published_at").first()
    )  # fmt: skip


def lineage(dataset, region_code: str | None = None, user=None) -> Lineage | None:
    """Where the values of `dataset` (for an entity of `region_code`, or the nation) come from."""
    if dataset is None:
        return None
    submission = _region_submission(dataset, region_code)
    url = ""
    if (
        submission is not None
        and user is not None
        and Submission.objects.visible_to(user).filter(pk=submission.pk).exists()
    ):
        url = submission.get_absolute_url()
    publication = submission.published_dataset if submission and not dataset.is_staged else dataset
    return Lineage(
        staged=dataset.is_staged and not dataset.is_published,
        data_date=submission.data_date if submission else dataset.data_date,
        submitter=submission.submitter_label if submission else "",
        submitted_at=submission.submitted_at if submission else dataset.loaded_at,
        version=dataset.version, published_at=publication.published_at if publication else None,
        published_by=publication.published_by if publication else None, submission=submission, source=dataset.source,
        url=url,
    )  # fmt: skip


def explanations_for(dataset, level: str, code: str, region_code: str | None) -> dict[tuple[str, str], str]:
    """{(indicator, breakdown): comment} of the values of one entity the version `dataset` shows."""
    if dataset is None or level == "national":
        return {}
    submission = _region_submission(dataset, region_code)
    if submission is None:
        return {}
    rows = submission.explanations.filter(level=level, code=code).values_list("indicator", "breakdown", "comment")
    return {(indicator, breakdown): comment for indicator, breakdown, comment in rows}


def reviewable(user):
    """The submissions `user` may review (pages, API)."""
    return Submission.objects.visible_to(user).filter(
        Q(status__in=[SubmissionStatus.VALIDATED, SubmissionStatus.APPROVED, SubmissionStatus.WITHDRAWN,
                      SubmissionStatus.PUBLISHED])
    )  # fmt: skip


def submission_todos(user) -> list:
    """The submissions waiting for the user: to approve, to publish (the DREETS of the region, the DGEFP)."""
    candidates = Submission.objects.visible_to(user).filter(status__in=WORKFLOW.todo_sources()).select_related("region")
    return [
        todo_of(
            "Dépôts de données",
            transition.todo,
            submissions,
            list_url=reverse("submissions:list"),
            url_of=lambda s: reverse("submissions:detail", args=[s.pk]),
        )  # fmt: skip
        for transition, submissions in WORKFLOW.pending(user, candidates)
    ]


def data_links(user) -> list[tuple[str, str]]:
    """The link to the submissions' list, on the dashboard's home page, for who submits or sees submissions."""
    if submits(user) or Submission.objects.visible_to(user).exists():
        return [("Dépôts de données", reverse("submissions:list"))]
    return []


ENTITY_LABELS = {"ml": "Mission Locale", "departement": "Département", "region": "Région", "national": "France"}


def quality_rows(report, changes_shown: int = 200, outliers_shown: int = 200) -> dict[str, list[dict]]:
    """The report's lines as the page (and the API) show them: labels, units, explanations."""

    def base(level, code, indicator, breakdown):
        key = (level, code, indicator, breakdown)
        explanation = report.explanations.get(key)
        return {"level": level, "code": code, "entity": f"{ENTITY_LABELS[level]} {code}", "indicator": indicator,
                "label": INDICATORS[indicator].label, "breakdown": breakdown, "unit": INDICATORS[indicator].unit,
                "explanation": explanation.comment if explanation else "",
                "explained_by": str(explanation.by) if explanation else ""}  # fmt: skip

    violations = [
        {**base(*v.key), "value": v.value, "other": v.other, "rule": v.rule.text, "rule_label": v.rule.label,
         "severity": "erreur" if v.rule.severity == "error" else "avertissement"}
        for v in report.violations
    ]  # fmt: skip
    outliers = [
        {**base(*o.key), "value": o.value, "reference": o.reference, "score": o.score,
         "against": "médiane des Missions Locales" if o.against == "peers" else "valeur publiée N-1"}
        for o in report.outliers[:outliers_shown]
    ]  # fmt: skip
    changes = [
        {**base(c.level, c.code, c.indicator, c.breakdown), "before": c.before, "after": c.after,
         "change": formatting.evolution(c.after, c.before, INDICATORS[c.indicator].unit)}
        for c in report.changes[:changes_shown]
    ]  # fmt: skip
    return {"violations": violations, "outliers": outliers, "changes": changes,
            "more_changes": max(0, len(report.changes) - changes_shown),
            "more_outliers": max(0, len(report.outliers) - outliers_shown)}  # fmt: skip
