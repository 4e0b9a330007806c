"""The State's catalogue of seed 001 (circular DGEFP 2008-15, annex): 4 missions, 6 objectives, 16 action types.

Loaded by a data migration from `animation/data/catalogue.json`; the DGEFP may add local action types, always
under one of the 6 objectives (a non-null foreign key: the database refuses an action without objective).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from pilotage.core.history import HistoricalRecords


class Mission(models.Model):
    number = models.PositiveSmallIntegerField("numéro", unique=True)
    roman = models.CharField("numéro romain", max_length=5)
    label = models.CharField("intitulé", max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = "mission"

    def __str__(self):
        return f"{self.roman} — {self.label}"


class Objective(models.Model):
    number = models.PositiveSmallIntegerField("numéro", unique=True)
    mission = models.ForeignKey(Mission, on_delete=models.PROTECT, related_name="objectives")
    label = models.CharField("intitulé", max_length=200)

    history = HistoricalRecords()

    class Meta:
        ordering = ["number"]
        verbose_name = "objectif"

    def __str__(self):
        return f"Objectif {self.number} — {self.label}"


class ActionType(models.Model):
    """A type of action of the catalogue (numbered 1–16 in the seed) or a local one added by the DGEFP."""

    number = models.PositiveSmallIntegerField(
        "numéro dans l'annexe-type", unique=True, null=True, blank=True, help_text="Vide pour une action locale."
    )
    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="action_types", verbose_name="objectif"
    )
    title = models.CharField("quoi : intitulé de l'action", max_length=300)
    why = models.JSONField("pourquoi : les objectifs de l'action", default=list, blank=True)
    how = models.JSONField("comment : les actions", default=list, blank=True)
    is_local = models.BooleanField("action locale", default=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["objective__number", "number", "title"]
        verbose_name = "type d'action"
        verbose_name_plural = "types d'actions"
        constraints = [
            models.CheckConstraint(
                name="catalogue_action_is_numbered",
                condition=Q(is_local=True) | Q(number__isnull=False),
            )
        ]

    def __str__(self):
        prefix = f"{self.number}. " if self.number else "Action locale : "
        return f"{prefix}{self.title}"

    def clean(self):
        if not self.objective_id:
            raise ValidationError({"objective": "Une action se rattache à l'un des six objectifs du programme."})
        for name in ("why", "how"):
            value = getattr(self, name)
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                raise ValidationError({name: "Une liste de puces (textes)."})
