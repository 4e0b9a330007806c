"""Questionnaires (sections, questions, conditions), surveys sent to targets, their responses.

A survey is a state machine (draft → open → closed, declared in `workflow.py`) whose every move is logged in
`SurveyTransition`. A target answers through a personal link: only the SHA-256 of its token is stored.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from pilotage.core.history import HistoricalRecords
from pilotage.core.roles import Role
from pilotage.core.scope import scope_of
from pilotage.core.workflow import TransitionLog
from pilotage.reference.models import Funder, MissionLocale, Region


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", "Oui / non"
    SINGLE = "single", "Choix unique"
    MULTIPLE = "multiple", "Choix multiple"
    FREQUENCY = "frequency", "Fréquence (jamais … chaque semaine)"
    NUMBER = "number", "Nombre"
    AMOUNT = "amount", "Montant (€)"
    TEXT = "text", "Texte libre"


#: the frequency scale, from never to weekly (a question may restrict it through its own options)
FREQUENCY_OPTIONS = [
    {"value": "jamais", "label": "Jamais"},
    {"value": "annuelle", "label": "Une fois par an"},
    {"value": "semestrielle", "label": "Deux fois par an"},
    {"value": "trimestrielle", "label": "Chaque trimestre"},
    {"value": "mensuelle", "label": "Chaque mois"},
    {"value": "hebdomadaire", "label": "Chaque semaine"},
]
YES_NO_OPTIONS = [{"value": "oui", "label": "Oui"}, {"value": "non", "label": "Non"}]
CHOICE_KINDS = {QuestionKind.YES_NO, QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.FREQUENCY}


class Audience(models.TextChoices):
    MISSIONS_LOCALES = "missions_locales", "Missions Locales"
    FUNDERS = "funders", "Financeurs (régions, départements, communes et EPCI)"


class Questionnaire(models.Model):
    """A reusable questionnaire. Templates (`is_template`) ship as data (`data/questionnaires.json`)."""

    slug = models.SlugField("identifiant", max_length=80, unique=True)
    title = models.CharField("titre", max_length=200)
    description = models.TextField("présentation", blank=True)
    source = models.CharField("source", max_length=300, blank=True)
    audience = models.CharField("public", max_length=20, choices=Audience.choices)
    is_template = models.BooleanField("modèle", default=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]
        verbose_name = "questionnaire"

    def __str__(self):
        return self.title

    def questions(self):
        return Question.objects.filter(section__questionnaire=self).select_related("section", "condition_question")


class Section(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField("ordre")
    title = models.CharField("titre", max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["questionnaire", "order"]
        constraints = [models.UniqueConstraint(fields=["questionnaire", "order"], name="unique_section_order")]

    def __str__(self):
        return self.title


class Question(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField("ordre")
    code = models.SlugField("code", max_length=60)
    text = models.CharField("question", max_length=400)
    help_text = models.CharField("aide", max_length=400, blank=True)
    kind = models.CharField("type", max_length=20, choices=QuestionKind.choices)
    #: [{"value": …, "label": …}] for choices; empty means the kind's default (yes/no, frequency scale)
    options = models.JSONField("options", default=list, blank=True)
    #: [{"label": …, "values": [...]}]: published groupings, e.g. « bien ou plutôt bien formés »
    groups = models.JSONField("regroupements", default=list, blank=True)
    required = models.BooleanField("obligatoire", default=True)
    condition_question = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="dependents",
        verbose_name="affichée si la question",
    )  # fmt: skip
    condition_values = models.JSONField("a l'une des réponses", default=list, blank=True)
    seed_reference = models.CharField("chiffre publié", max_length=400, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["section", "order"], name="unique_question_order")]

    def __str__(self):
        return self.text

    def choices(self) -> list[dict]:
        if self.options:
            return self.options
        if self.kind == QuestionKind.YES_NO:
            return YES_NO_OPTIONS
        if self.kind == QuestionKind.FREQUENCY:
            return FREQUENCY_OPTIONS
        return []


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    OPEN = "open", "Ouverte"
    CLOSED = "closed", "Close"


class SurveyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The DGEFP and the UNML (national observer): every survey; a DREETS: the surveys of its region;
        everyone else: the surveys whose results are published to the network (their figures masked)."""
        scope = scope_of(user)
        if scope.is_empty:
            return self.none()
        if user.is_superuser or user.role in {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER}:
            return self
        published = Q(results_published=True)
        if user.role == Role.REGIONAL_STATE:
            return self.filter(published | Q(region_id=user.state_service.region_id))
        return self.filter(published)


class Survey(models.Model):
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="surveys")
    title = models.CharField("titre", max_length=200)
    #: empty for a national survey; a DREETS's surveys are regional
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, verbose_name="région")
    status = models.CharField("statut", max_length=10, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    deadline = models.DateTimeField("date limite de réponse")
    #: the last year of the departmental funding read for the four situations (three years up to it)
    funding_year = models.PositiveSmallIntegerField("dernière année de financement analysée", null=True, blank=True)
    results_published = models.BooleanField("résultats publiés au réseau", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="créée par"
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    objects = SurveyQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-deadline"]
        verbose_name = "enquête"

    def __str__(self):
        return self.title

    @property
    def is_past_deadline(self) -> bool:
        return timezone.now() >= self.deadline

    @property
    def accepts_answers(self) -> bool:
        return self.status == SurveyStatus.OPEN and not self.is_past_deadline


class SurveyTransition(TransitionLog):
    """The log of the survey's workflow (`workflow.py`): who, when, from, to, why."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=30, choices=SurveyStatus.choices)
    to_status = models.CharField("vers", max_length=30, choices=SurveyStatus.choices)

    class Meta(TransitionLog.Meta):
        pass

    def __str__(self):
        return f"{self.survey} : {self.from_status} → {self.to_status}"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Target(models.Model):
    """One organisation asked to answer: a Mission Locale or a funder (regional or departmental council,
    municipality or EPCI)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="targets")
    mission_locale = models.ForeignKey(MissionLocale, null=True, blank=True, on_delete=models.PROTECT)
    funder = models.ForeignKey(Funder, null=True, blank=True, on_delete=models.PROTECT)
    email = models.EmailField("adresse électronique", blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_at = models.DateTimeField("invitée le", null=True, blank=True)
    reminded_at = models.DateTimeField("dernière relance", null=True, blank=True)
    reminders = models.PositiveSmallIntegerField("relances", default=0)

    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["survey", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(mission_locale__isnull=False, funder__isnull=True)
                | Q(mission_locale__isnull=True, funder__isnull=False),
                name="target_is_one_organisation",
            ),
            models.UniqueConstraint(fields=["survey", "mission_locale"], name="unique_target_ml"),
            models.UniqueConstraint(fields=["survey", "funder"], name="unique_target_funder"),
        ]

    def __str__(self):
        return str(self.organisation)

    @property
    def organisation(self):
        return self.mission_locale or self.funder

    @property
    def region_id(self):
        if self.mission_locale_id:
            return self.mission_locale.department.region_id
        return self.funder.region_id or (self.funder.department.region_id if self.funder.department_id else None)


class ResponseStatus(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Envoyée"


class Response(models.Model):
    """A target's answers, {question code: value}; read-only once submitted."""

    target = models.OneToOneField(Target, on_delete=models.CASCADE, related_name="response")
    status = models.CharField("statut", max_length=10, choices=ResponseStatus.choices, default=ResponseStatus.DRAFT)
    answers = models.JSONField("réponses", default=dict)
    updated_at = models.DateTimeField("enregistrée le", auto_now=True)
    submitted_at = models.DateTimeField("envoyée le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "réponse"

    def __str__(self):
        return f"{self.target} — {self.get_status_display()}"
