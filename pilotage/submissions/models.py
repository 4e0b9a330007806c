"""Submissions of indicator data (issue 15, ADR 0020): a warehouse export (zip) or a long results file for a
region and a year, checked and computed in a background job, staged as a non-published indicator version, then
approved and published through the workflow of `workflow.py`."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from pilotage.core.history import HistoricalRecords
from pilotage.core.roles import Role
from pilotage.core.scope import scope_of
from pilotage.core.workflow import TransitionLog


class SubmissionKind(models.TextChoices):
    WAREHOUSE = "warehouse", "Export de l'entrepôt (zip de fichiers CSV ou Parquet)"
    RESULTS = "results", "Résultats au format long (CSV ou XLSX)"


class SubmissionStatus(models.TextChoices):
    SUBMITTED = "submitted", "déposé, en attente de traitement"
    PROCESSING = "processing", "en cours de traitement"
    INVALID = "invalid", "refusé à la validation"
    VALIDATED = "validated", "validé, non publié"
    APPROVED = "approved", "approuvé"
    PUBLISHED = "published", "publié"
    WITHDRAWN = "withdrawn", "approbation retirée"
    REJECTED = "rejected", "écarté"
    SUPERSEDED = "superseded", "remplacé par un dépôt plus récent"
    SPLIT = "split", "réparti en dépôts régionaux"


#: the states in which the region and year are locked: a new submission needs the approval withdrawn first
LOCKED_STATES = frozenset({SubmissionStatus.APPROVED, SubmissionStatus.PUBLISHED})
#: the states of a submission not yet through its job (the page follows the job's progress)
WAITING_STATES = frozenset({SubmissionStatus.SUBMITTED, SubmissionStatus.PROCESSING})
#: the states of a submission still under review (its staged copy is what the State services see)
PENDING_STATES = frozenset({SubmissionStatus.VALIDATED, SubmissionStatus.APPROVED, SubmissionStatus.WITHDRAWN})


class SubmissionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The DGEFP every submission; the DREETS and the ARML their region's; a DDETS its region's (it
        pre-approves its department); a Mission Locale its own. Councils, municipalities and the UNML see
        published figures only, never submissions."""
        scope = scope_of(user)
        if scope.is_empty:
            return self.none()
        if user.is_superuser or user.role == Role.NATIONAL_ADMIN:
            return self
        if user.role in {Role.REGIONAL_STATE, Role.ARML}:
            return self.filter(region_id__in=scope.region_codes)
        if user.role == Role.DEPARTMENTAL_STATE:
            return self.filter(region_id__in=scope.related_region_codes)
        if user.role in {Role.ML_DIRECTOR, Role.ML_STAFF} and user.mission_locale_id:
            return self.filter(mission_locale_id=user.mission_locale_id)
        return self.none()


class Submission(models.Model):
    #: empty for a national export (the DGEFP's): its job splits it into one submission per region (`children`)
    region = models.ForeignKey("reference.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                               verbose_name="région")  # fmt: skip
    #: the national export this regional submission was split from
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children",
                               verbose_name="dépôt national")  # fmt: skip
    #: set when a Mission Locale sends its own aggregates
    mission_locale = models.ForeignKey(
        "reference.MissionLocale", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="Mission Locale",
    )  # fmt: skip
    year = models.PositiveSmallIntegerField("année")
    kind = models.CharField("type", max_length=10, choices=SubmissionKind.choices)
    file = models.FileField("fichier", upload_to="submissions/%Y/%m/", max_length=300)
    filename = models.CharField("nom du fichier", max_length=255)
    size = models.BigIntegerField("taille (octets)")
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    data_date = models.DateField("données au")
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name="déposé par"
    )
    submitted_at = models.DateTimeField("déposé le", auto_now_add=True)
    status = models.CharField(
        "état", max_length=12, choices=SubmissionStatus.choices, default=SubmissionStatus.SUBMITTED
    )
    job = models.ForeignKey("core.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            verbose_name="traitement")  # fmt: skip
    issue_count = models.PositiveIntegerField("problèmes", default=0)
    staged_dataset = models.OneToOneField(
        "indicators.IndicatorDataset", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="staged_submission", verbose_name="version en attente",
    )  # fmt: skip
    #: the Missions Locales the file carries (completeness, publication)
    ml_codes = models.JSONField("Missions Locales du fichier", default=list, blank=True)
    published_dataset = models.OneToOneField(
        "indicators.IndicatorDataset", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="published_submission", verbose_name="version publiée",
    )  # fmt: skip

    objects = SubmissionQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["file"])

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = "dépôt de données"
        verbose_name_plural = "dépôts de données"
        indexes = [models.Index(fields=["region", "year", "status"])]

    def __str__(self):
        return f"Dépôt n° {self.pk} — {self.region_id or 'national'} {self.year} ({self.get_status_display()})"

    def get_absolute_url(self):
        return reverse("submissions:detail", args=[self.pk])

    @property
    def is_national(self) -> bool:
        return self.region_id is None and self.mission_locale_id is None

    @property
    def place_label(self) -> str:
        """« Provence-Alpes-Côte d'Azur », or « toutes les régions » for a national export."""
        return self.region.name if self.region_id else "toutes les régions (export national)"

    @property
    def submitter_label(self) -> str:
        """« l'ARML », « la DGEFP », « la Mission Locale » (the lineage stamp)."""
        role = getattr(self.submitted_by, "role", None)
        return {Role.ARML: "de l'ARML", Role.NATIONAL_ADMIN: "de la DGEFP", Role.ML_DIRECTOR: "de la Mission Locale",
                Role.ML_STAFF: "de la Mission Locale"}.get(role, "de l'entrepôt")  # fmt: skip


def locked_submission(region_code: str, year: int):
    """The approved or published submission that locks (region, year), or None."""
    return Submission.objects.filter(region_id=region_code, year=year, status__in=LOCKED_STATES).first()


class SubmissionTransition(TransitionLog):
    """The log of the approval workflow (`workflow.py`): who, when, from, to, why."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=30, choices=SubmissionStatus.choices)
    to_status = models.CharField("vers", max_length=30, choices=SubmissionStatus.choices)

    class Meta(TransitionLog.Meta):
        pass

    def __str__(self):
        return f"{self.submission} : {self.from_status} → {self.to_status}"


class ValueExplanation(models.Model):
    """A flagged value of a submission (a rule broken, an outlier) that a reviewer explained: the comment stays
    attached to the value and appears beside it on the dashboard."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="explanations")
    level = models.CharField("niveau", max_length=12)
    code = models.CharField("code", max_length=20)
    indicator = models.CharField("indicateur", max_length=30)
    breakdown = models.CharField("ventilation", max_length=12)
    comment = models.TextField("explication")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par")
    at = models.DateTimeField("le", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "code", "indicator", "breakdown"]
        verbose_name = "valeur expliquée"
        verbose_name_plural = "valeurs expliquées"
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "level", "code", "indicator", "breakdown"], name="one_explanation_per_value"
            )  # fmt: skip
        ]

    def __str__(self):
        return f"{self.level} {self.code} {self.indicator} {self.breakdown} : {self.comment[:50]}"


class SubmissionQuality(models.Model):
    """The quality report of a staged submission (`selectors.quality_store`), computed once when the submission is
    staged and again only when what it depends on changes — a publication of its year (the published values it is
    compared with, the peers of the other regions) or of the year before (N-1), or the rules declared as data —;
    the review page and the API read it instead of recomputing it (ADR 0020). The reviewers' explanations are not
    in it: they are read beside it, so an explanation shows at once."""

    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="quality")
    computed_at = models.DateTimeField("calculé le", auto_now=True)
    #: what the report was computed against: {"published": pk, "previous": pk, "rules": digest}
    basis = models.JSONField("base du calcul", default=dict)
    #: completeness, violations, outliers (every score beyond the lowest threshold offered), changes
    report = models.JSONField("rapport", default=dict)

    class Meta:
        verbose_name = "rapport de qualité"
        verbose_name_plural = "rapports de qualité"

    def __str__(self):
        return f"Rapport de qualité du dépôt n° {self.submission_id}"
