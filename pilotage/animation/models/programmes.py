"""The regional animation programme of an ARML for a year (seed 001): its actions, their funding, milestones,
the activity report of the next year, comments and the transition log of the workflow."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from pilotage.animation.models.catalogue import ActionType, Objective
from pilotage.animation.rules import operator_refusal
from pilotage.core import formatting
from pilotage.core.history import HistoricalRecords
from pilotage.core.scope import scope_of
from pilotage.core.workflow import TransitionLog
from pilotage.reference.models import Funder, FunderType, RegionalAssociation

AMOUNT = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}


class ProgrammeStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    SUBMITTED = "submitted", "Soumis à la DREETS"
    CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
    APPROVED = "approved", "Approuvé"
    REPORTED = "reported", "Rapport d'activité remis"
    CLOSED = "closed", "Clos"


EDITABLE_STATUSES = frozenset({ProgrammeStatus.DRAFT, ProgrammeStatus.CHANGES_REQUESTED})


def takes_part_in_animation(user) -> bool:
    """Whoever sees programmes at all (the menu entry): national and regional users, not departments,
    municipalities or Missions Locales (a regional matter)."""
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    return bool(scope.everything or scope.region_codes)


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """DGEFP and UNML: every region; DREETS, regional council and ARML: the programmes of their region.
        Department-level users, municipalities and Missions Locales: none (a regional matter)."""
        scope = scope_of(user)
        if scope.everything:
            return self
        return self.filter(regional_association__region_id__in=scope.region_codes)


class Programme(models.Model):
    regional_association = models.ForeignKey(
        RegionalAssociation,
        on_delete=models.PROTECT,
        related_name="animation_programmes",
        verbose_name="opérateur (ARML)",
    )
    year = models.PositiveSmallIntegerField("année", validators=[MinValueValidator(2008), MaxValueValidator(2100)])
    status = models.CharField("statut", max_length=20, choices=ProgrammeStatus.choices, default=ProgrammeStatus.DRAFT)
    convention = models.ForeignKey(
        "funding.Convention",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="animation_programmes",
        verbose_name="convention tripartite",
    )
    approved_at = models.DateTimeField("approuvé par la DREETS le", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    council_approved_at = models.DateTimeField("approuvé par le conseil régional le", null=True, blank=True)
    council_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProgrammeQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "regional_association__region__name"]
        verbose_name = "programme régional d'animation"
        verbose_name_plural = "programmes régionaux d'animation"
        constraints = [
            models.UniqueConstraint(fields=["regional_association", "year"], name="one_animation_programme_per_year"),
        ]

    def __str__(self):
        return f"Programme régional d'animation {self.year} — {self.regional_association}"

    @property
    def region(self):
        return self.regional_association.region

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    def clean(self):
        if self.regional_association_id:
            reason = operator_refusal(self.regional_association)
            if reason:
                raise ValidationError({"regional_association": reason})


class ProgrammeAction(models.Model):
    """One action of the programme: from the catalogue (`action_type`) or local, always under an objective."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="actions")
    position = models.PositiveSmallIntegerField("n°")
    action_type = models.ForeignKey(
        ActionType,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="programme_actions",
        verbose_name="action du catalogue",
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="programme_actions", verbose_name="objectif"
    )
    title = models.CharField("quoi : intitulé de l'action", max_length=300)
    why = models.TextField("pourquoi : les objectifs de l'action", help_text="Un objectif par ligne.")
    how = models.TextField("comment : les actions", help_text="Une action par ligne.")
    method = models.TextField("qui fait quoi : la méthode et l'organisation")
    forecast_cost = models.DecimalField("coût prévisionnel (€)", **AMOUNT)
    state_amount = models.DecimalField("montant de l'État (€)", **AMOUNT)
    # The activity report of the next year
    done = models.TextField("ce qui a été fait", blank=True)
    cost_spent = models.DecimalField("coût réalisé (€)", null=True, blank=True, **AMOUNT)
    report_comment = models.TextField("commentaire du rapport", blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["programme", "position"]
        verbose_name = "action du programme"
        verbose_name_plural = "actions du programme"
        constraints = [
            models.UniqueConstraint(fields=["programme", "position"], name="one_position_per_programme_action"),
            models.CheckConstraint(name="programme_action_state_not_negative", condition=Q(state_amount__gte=0)),
            models.CheckConstraint(name="programme_action_cost_not_negative", condition=Q(forecast_cost__gte=0)),
        ]

    def __str__(self):
        return f"{self.position}. {self.title}"

    @property
    def mission(self):
        return self.objective.mission

    @property
    def why_items(self) -> list[str]:
        return [line.strip() for line in self.why.splitlines() if line.strip()]

    @property
    def how_items(self) -> list[str]:
        return [line.strip() for line in self.how.splitlines() if line.strip()]

    def clean(self):
        if not self.objective_id:
            raise ValidationError({"objective": "Une action se rattache à l'un des six objectifs du programme."})
        if self.action_type_id and self.action_type.objective_id != self.objective_id:
            raise ValidationError(
                {"objective": f"L'action du catalogue « {self.action_type.title} » relève de "
                              f"l'objectif {self.action_type.objective.number}."}
            )  # fmt: skip


class ActionFunding(models.Model):
    """A co-funder's amount for an action (the State's amount is on the action itself)."""

    action = models.ForeignKey(ProgrammeAction, on_delete=models.CASCADE, related_name="fundings")
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="+", verbose_name="cofinanceur")
    amount = models.DecimalField("montant (€)", **AMOUNT)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "funder__type", "funder__name"]
        verbose_name = "cofinancement"
        constraints = [
            models.UniqueConstraint(fields=["action", "funder"], name="one_amount_per_cofunder_and_action"),
            models.CheckConstraint(name="action_funding_not_negative", condition=Q(amount__gte=0)),
        ]

    def __str__(self):
        return f"{self.funder} : {formatting.amount(self.amount, cents=True)}"

    def clean(self):
        if self.funder_id and self.funder.type == FunderType.ETAT:
            raise ValidationError({"funder": "Le montant de l'État se saisit à part, pas comme cofinancement."})


class Achievement(models.TextChoices):
    MET = "met", "Oui"
    PARTIAL = "partial", "Partiellement"
    MISSED = "missed", "Non"


class Milestone(models.Model):
    action = models.ForeignKey(ProgrammeAction, on_delete=models.CASCADE, related_name="milestones")
    label = models.CharField("jalon", max_length=200)
    due_on = models.DateField("échéance")
    achievement = models.CharField("atteint", max_length=10, choices=Achievement.choices, blank=True)
    achieved_on = models.DateField("atteint le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "due_on", "pk"]
        verbose_name = "jalon"

    def __str__(self):
        return f"{self.label} ({self.due_on:%d/%m/%Y})"


class ResultIndicator(models.Model):
    action = models.ForeignKey(ProgrammeAction, on_delete=models.CASCADE, related_name="indicators")
    label = models.CharField("indicateur de résultat", max_length=200)
    target = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)
    achieved = models.DecimalField("réalisé", max_digits=12, decimal_places=2, null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "pk"]
        verbose_name = "indicateur de résultat"

    def __str__(self):
        return self.label


class Comment(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="comments")
    action = models.ForeignKey(
        ProgrammeAction, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField("commentaire")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = "commentaire"

    def __str__(self):
        return self.text[:50]


class ProgrammeTransition(TransitionLog):
    """The transition log of the workflow: who, when, from, to, why."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField("de", max_length=30, choices=ProgrammeStatus.choices)
    to_status = models.CharField("vers", max_length=30, choices=ProgrammeStatus.choices)

    history = HistoricalRecords()

    class Meta(TransitionLog.Meta):
        verbose_name = "transition du programme"
