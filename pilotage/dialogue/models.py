"""The yearly management dialogue (seed 004, annex 2 §1 and fiche 1): a campaign per region and year, one file
per Mission Locale from context to action plan. The workflow is declared in `workflow.py`."""

from datetime import date

from django.db import models
from django.utils import timezone

from pilotage.core.history import HistoricalRecords
from pilotage.core.roles import MISSION_LOCALE_ROLES, STATE_ROLES
from pilotage.core.scope import scope_of
from pilotage.core.workflow import TransitionLog
from pilotage.dialogue.guide import STEPS, SYNTHESIS_THEMES
from pilotage.reference.models import MissionLocale


class DialogueStatus(models.TextChoices):
    PREPARATION = "preparation", "En préparation"
    IN_PROGRESS = "in_progress", "En cours"
    CONCLUDED = "concluded", "Conclu"
    AVENANT_SIGNED = "avenant_signed", "Avenant signé"


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The campaigns of the user's region, for the parties of the dialogue (State services, Missions
        Locales); which files each one lists is `ManagementDialogue.objects.visible_to`."""
        if not is_dialogue_party(user):
            return self.none()
        scope = scope_of(user)
        if scope.everything:
            return self
        return self.filter(region__in=scope.region_codes | scope.related_region_codes)


def is_dialogue_party(user) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.role in STATE_ROLES | MISSION_LOCALE_ROLES


class DialogueCampaign(models.Model):
    """The year Y of a campaign is the year whose activity is examined (indicators Y beside Y-1); the dialogue
    sets the targets and proposes the State subsidy of Y+1, then the avenant of Y+1."""

    region = models.ForeignKey("reference.Region", on_delete=models.PROTECT, related_name="+", verbose_name="région")
    year = models.PositiveSmallIntegerField("année examinée")
    opens_on = models.DateField("ouverture")
    preparation_due = models.DateField("préparation des Missions Locales attendue le")
    conclusion_due = models.DateField("dialogues conclus au plus tard le")
    activity_report_closing = models.DateField("clôture du compte rendu d'activité (activité et RH)")
    finance_report_closing = models.DateField("clôture du compte rendu d'activité (finances)")
    opened_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "region"]
        verbose_name = "campagne de dialogue de gestion"
        verbose_name_plural = "campagnes de dialogue de gestion"
        constraints = [models.UniqueConstraint(fields=["region", "year"], name="one_campaign_per_region_and_year")]

    def __str__(self):
        return f"Dialogue de gestion {self.year} — {self.region.name}"

    @property
    def target_year(self) -> int:
        return self.year + 1


class DialogueQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The State services and the Mission Locale itself; the dialogue is theirs (councils, municipalities,
        ARML and observers do not see the files)."""
        if not is_dialogue_party(user):
            return self.none()
        return self.filter(mission_locale__in=MissionLocale.objects.visible_to(user))

    def late(self, today: date | None = None):
        today = today or timezone.localdate()
        open_statuses = [DialogueStatus.PREPARATION, DialogueStatus.IN_PROGRESS]
        return self.filter(
            models.Q(status=DialogueStatus.PREPARATION, campaign__preparation_due__lt=today)
            | models.Q(status__in=open_statuses, campaign__conclusion_due__lt=today)
        )


class ManagementDialogue(models.Model):
    campaign = models.ForeignKey(DialogueCampaign, on_delete=models.CASCADE, related_name="dialogues")
    mission_locale = models.ForeignKey(
        "reference.MissionLocale", on_delete=models.PROTECT, related_name="dialogues", verbose_name="Mission Locale"
    )
    status = models.CharField("état", max_length=20, choices=DialogueStatus.choices, default=DialogueStatus.PREPARATION)
    proposed_subsidy = models.DecimalField(
        "subvention de l'État proposée pour l'année suivante (€)", max_digits=14, decimal_places=2, null=True,
        blank=True,
    )  # fmt: skip
    subsidy_justification = models.TextField("justification de la proposition", blank=True)
    concluded_on = models.DateField("conclu le", null=True, blank=True)

    objects = DialogueQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["campaign", "mission_locale__name"]
        verbose_name = "dialogue de gestion"
        verbose_name_plural = "dialogues de gestion"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "mission_locale"], name="one_dialogue_per_ml_and_campaign")
        ]

    def __str__(self):
        return f"Dialogue de gestion {self.campaign.year} — {self.mission_locale}"

    @property
    def is_open(self) -> bool:
        return self.status in (DialogueStatus.PREPARATION, DialogueStatus.IN_PROGRESS)


class ThemeAnswer(models.Model):
    """The text written for one theme of a step: the Mission Locale prepares, the State completes."""

    dialogue = models.ForeignKey(ManagementDialogue, on_delete=models.CASCADE, related_name="answers")
    theme = models.CharField("thème", max_length=40)
    text = models.TextField("réponse", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "réponse à un thème"
        constraints = [models.UniqueConstraint(fields=["dialogue", "theme"], name="one_answer_per_theme")]

    def __str__(self):
        return f"{self.dialogue} — {self.theme}"


class StepComment(models.Model):
    dialogue = models.ForeignKey(ManagementDialogue, on_delete=models.CASCADE, related_name="comments")
    step = models.CharField("étape", max_length=20, choices=[(s.key, s.title) for s in STEPS])
    author = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField("commentaire")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at"]
        verbose_name = "commentaire"

    def __str__(self):
        return f"{self.author} — {self.get_step_display()}"


class SynthesisRow(models.Model):
    dialogue = models.ForeignKey(ManagementDialogue, on_delete=models.CASCADE, related_name="synthesis")
    theme = models.CharField("thème", max_length=20, choices=SYNTHESIS_THEMES)
    strengths = models.TextField("forces", blank=True)
    areas_for_progress = models.TextField("axes de progrès", blank=True)
    priority_actions = models.TextField("actions prioritaires", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "ligne du tableau de synthèse"
        constraints = [models.UniqueConstraint(fields=["dialogue", "theme"], name="one_synthesis_row_per_theme")]

    def __str__(self):
        return f"{self.dialogue} — {self.get_theme_display()}"

    @property
    def is_filled(self) -> bool:
        return bool(self.strengths.strip() or self.areas_for_progress.strip() or self.priority_actions.strip())


class ActionStatus(models.TextChoices):
    PLANNED = "planned", "Prévue"
    IN_PROGRESS = "in_progress", "En cours"
    DONE = "done", "Réalisée"
    ABANDONED = "abandoned", "Abandonnée"


class ActionPlanItem(models.Model):
    dialogue = models.ForeignKey(ManagementDialogue, on_delete=models.CASCADE, related_name="actions")
    theme = models.CharField("thème", max_length=20, choices=SYNTHESIS_THEMES)
    title = models.CharField("action", max_length=300)
    owner = models.CharField("pilote", max_length=200)
    due_on = models.DateField("échéance")
    status = models.CharField("état", max_length=20, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    follow_up = models.TextField("suivi", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = "action du plan d'action"
        verbose_name_plural = "actions du plan d'action"

    def __str__(self):
        return self.title

    @property
    def is_late(self) -> bool:
        return self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS) and self.due_on < timezone.localdate()


class DialogueTransition(TransitionLog):
    """The log of the workflow: who moved the file, when, from which state to which, and why."""

    dialogue = models.ForeignKey(ManagementDialogue, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=30, choices=DialogueStatus.choices)
    to_status = models.CharField("vers", max_length=30, choices=DialogueStatus.choices)

    class Meta(TransitionLog.Meta):
        verbose_name = "changement d'état"

    def __str__(self):
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
