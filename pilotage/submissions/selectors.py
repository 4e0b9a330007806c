"""What the pages read of submissions: the quality report of a staged submission, the explanations of its flagged
values, and the lineage of a dashboard's values (which submission, version and publication they come from)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from pilotage.core import formatting
from pilotage.core.todos import todo_of
from pilotage.indicators.catalogue import INDICATORS
from pilotage.indicators.models import IndicatorDataset
from pilotage.indicators.services import entity_values, region_entities
from pilotage.reference.models import MissionLocale
from pilotage.submissions import quality
from pilotage.submissions.models import PENDING_STATES, Submission, SubmissionQuality
from pilotage.submissions.perms import submits
from pilotage.submissions.workflow import WORKFLOW


@dataclass
class QualityReport:
    """The review of a staged submission as the page reads it: the stored report (`SubmissionQuality`) for the
    threshold and the perimeter chosen, with the explanations read beside it."""

    submission: Submission
    threshold: object
    completeness: quality.Completeness
    violations: list
    outliers: list
    changes: Sequence
    explanations: dict
    ml: object = None  # the Mission Locale the page is restricted to, if any
    computed_at: object = None

    @property
    def flagged(self) -> set:
        return {v.key for v in self.violations} | {o.key for o in self.outliers}


class _LazyRows(Sequence):
    """Stored rows made into objects only when read: the page shows the first 200 changes of thousands."""

    def __init__(self, rows: list, make):
        self.rows, self.make = rows, make

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.make(row) for row in self.rows[index]]
        return self.make(self.rows[index])


def _number(value) -> str | None:
    return None if value is None else str(value)


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _ml_totals(dataset, codes=None) -> dict[str, dict]:
    """Mission Locale code → {indicator: value} (breakdown total) of `dataset` (only `codes` when given)."""
    if dataset is None:
        return {}
    rows = dataset.values.filter(level="ml", breakdown="total")
    if codes is not None:
        rows = rows.filter(code__in=sorted(codes))
    result: dict[str, dict] = {}
    for code, indicator, value in rows.values_list("code", "indicator", "value"):
        result.setdefault(code, {})[indicator] = value
    return result


def _published(year: int) -> dict[int, IndicatorDataset]:
    """The versions in force of `year` and `year - 1`, by year."""
    return {d.year: d for d in IndicatorDataset.objects.in_force([year, year - 1])}


def quality_basis(submission, published: dict | None = None) -> dict:
    """What the stored report of `submission` depends on besides its own staged values: the published versions
    of its year and of the year before, the rules (a new publication or new rules make it stale)."""
    published = _published(submission.year) if published is None else published
    current, previous = published.get(submission.year), published.get(submission.year - 1)
    return {"published": current.pk if current else None, "previous": previous.pk if previous else None,
            "rules": quality.rules_digest()}  # fmt: skip


def _review_entities(submission) -> set[tuple[str, str]]:
    if submission.mission_locale_id:
        return {("ml", submission.mission_locale.code)}
    return region_entities(submission.region_id)


def quality_compute(submission, *, cache: dict | None = None) -> tuple[dict, dict]:
    """(basis, report) of a staged submission, for its region (or its Mission Locale): the staged values of its
    own entities only; the peers of the other regions and the changes from the published versions — never
    another region's staged copy. `cache` (dataset pk → Missions Locales' totals) is shared by the reports
    computed together (a national export split by region, a refresh after a publication)."""
    cache = {} if cache is None else cache
    staged, year = submission.staged_dataset, submission.year
    published = _published(year)
    current, previous = published.get(year), published.get(year - 1)
    entities = _review_entities(submission)
    own_codes = {code for level, code in entities if level == "ml"}
    mine = entity_values(staged, entities)
    file_codes = set(submission.ml_codes)
    if submission.mission_locale_id:
        region_mls = own_codes
    else:
        region_mls = set(MissionLocale.objects.active().for_region(submission.region_id).values_list("code", flat=True))
    found = quality.completeness(
        region_mls={code: code for code in region_mls}, file_codes=file_codes, values=mine, year=year,
        submitted_on=timezone.localtime(submission.submitted_at).date(),
        own_ml=submission.mission_locale.code if submission.mission_locale_id else None,
    )  # fmt: skip

    def totals(dataset):
        if dataset is None:
            return {}
        if dataset.pk not in cache:
            cache[dataset.pk] = _ml_totals(dataset)
        return cache[dataset.pk]

    # every peer of the nation that year: the published values, this submission's own Missions Locales staged
    now = {code: values for code, values in totals(current).items() if code not in own_codes}
    now.update(_ml_totals(staged, own_codes))
    codes = own_codes & (file_codes or set(now))
    violations = quality.rule_violations(mine, entities)
    rules = {v.rule.text: v.rule for v in violations}
    rule_index = {text: index for index, text in enumerate(rules)}
    outliers = quality.outliers(now, totals(previous), codes, quality.lowest_threshold())
    changes = quality.changes(mine, entity_values(current, entities), entities)
    report = {
        "absent": [c.code if hasattr(c, "code") else c for c in found.absent],
        "without_resources": found.without_resources, "without_context": found.without_context,
        "rules": [rule.declared for rule in rules.values()],
        "violations": [[*v.key, _number(v.value), _number(v.other), rule_index[v.rule.text]] for v in violations],
        "outliers": [[o.code, o.indicator, o.against, _number(o.value), _number(o.reference), _number(o.score)]
                     for o in outliers],
        "changes": [[c.level, c.code, c.indicator, c.breakdown, _number(c.before), _number(c.after)]
                    for c in changes],
    }  # fmt: skip
    return quality_basis(submission, published), report


def quality_store(submission, *, cache: dict | None = None) -> SubmissionQuality:
    """Compute the report of a staged submission and store it (when staged, and when it is stale)."""
    basis, report = quality_compute(submission, cache=cache)
    stored, _ = SubmissionQuality.objects.update_or_create(submission=submission,
                                                            defaults={"basis": basis, "report": report})  # fmt: skip
    return stored


def stored_quality(submission) -> SubmissionQuality:
    """The stored report, computed again first if it is missing or stale (a publication since, new rules)."""
    stored = SubmissionQuality.objects.filter(submission=submission).first()
    if stored is None or stored.basis != quality_basis(submission):
        stored = quality_store(submission)
    return stored


def quality_refresh(year: int) -> int:
    """After a publication of `year`: store again the stale reports of the submissions under review of `year`
    (their peers, the published values) and of `year + 1` (their N-1). Returns how many were computed."""
    pending = (
        Submission.objects.filter(year__in=[year, year + 1], status__in=PENDING_STATES, staged_dataset__isnull=False)
        .select_related("staged_dataset", "mission_locale", "quality").order_by("year", "pk")
    )  # fmt: skip
    cache: dict = {}
    count = 0
    for submission in pending:
        stored = getattr(submission, "quality", None)
        if stored is None or stored.basis != quality_basis(submission):
            quality_store(submission, cache=cache)
            count += 1
    return count


def quality_report(submission: Submission, *, threshold=None, ml_code: str | None = None) -> QualityReport:
    """The review of a staged submission, for its region (or one of its Missions Locales, `ml_code`), read from
    its stored report: the outliers beyond `threshold` (the setting's by default)."""
    threshold = quality.threshold_setting() if threshold is None else Decimal(threshold)
    stored = stored_quality(submission)
    data = stored.report
    ml = None
    if ml_code is not None:
        ml = MissionLocale.objects.filter(code=ml_code, department__region_id=submission.region_id).first()

    def kept(level: str, code: str) -> bool:
        return ml_code is None or (ml is not None and level == "ml" and code == ml_code)

    rules = [quality.rule_of(r) for r in data["rules"]]
    violations = [
        quality.Violation(rules[rule], level, code, indicator, breakdown, _decimal(value), _decimal(other))
        for level, code, indicator, breakdown, value, other, rule in data["violations"]
        if kept(level, code)
    ]  # fmt: skip
    outliers = [
        quality.Outlier(code, indicator, against, _decimal(value), _decimal(reference), Decimal(score))
        for code, indicator, against, value, reference, score in data["outliers"]
        if kept("ml", code) and abs(Decimal(score)) > threshold
    ]  # fmt: skip
    changes = _LazyRows(
        [row for row in data["changes"] if kept(row[0], row[1])],
        lambda row: quality.Change(*row[:4], _decimal(row[4]), _decimal(row[5])),
    )
    absent_codes = [code for code in data["absent"] if kept("ml", code)]
    absent = list(MissionLocale.objects.filter(code__in=absent_codes).order_by("code")) if absent_codes else []
    completeness = quality.Completeness(
        absent=absent, without_resources=[c for c in data["without_resources"] if kept("ml", c)],
        without_context=[c for c in data["without_context"] if kept("ml", c)],
        timeliness=quality.timeliness(timezone.localtime(submission.submitted_at).date(), submission.year),
    )  # fmt: skip
    explanations = {
        (e.level, e.code, e.indicator, e.breakdown): e for e in submission.explanations.select_related("by")
    }
    return QualityReport(
        submission=submission, threshold=threshold, completeness=completeness, violations=violations,
        outliers=outliers, changes=changes, explanations=explanations, ml=ml, computed_at=stored.computed_at,
    )  # fmt: skip


def quality_flagged(submission) -> set:
    """Every value the review may flag (a rule broken, an outlier at the lowest threshold offered): the values a
    reviewer may explain."""
    return quality_report(submission, threshold=quality.lowest_threshold()).flagged


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
