"""Indicator results loaded into the platform, by year, each load a new version (the history is kept)."""

from decimal import Decimal

from django.db import models

from pilotage.core.history import HistoricalRecords
from pilotage.reference.models import MissionLocale


class IndicatorDatasetQuerySet(models.QuerySet):
    def in_force(self, years):
        """The version in force (`is_current`) of each of `years` that has one."""
        return self.filter(year__in=list(years), is_current=True)


class IndicatorDataset(models.Model):
    """One load of results for a year; the latest of a year is the current one, earlier ones stay."""

    year = models.PositiveSmallIntegerField("année")
    source = models.CharField("fichier", max_length=255)
    loaded_at = models.DateTimeField("chargé le", auto_now_add=True)
    loaded_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="par"
    )
    is_current = models.BooleanField("version en vigueur", default=True)
    changed_entities = models.PositiveIntegerField("entités modifiées", default=0)
    #: False for a staged copy (a submission's results before publication, seen by the State services only)
    is_published = models.BooleanField("publié", default=True)
    #: a staged copy still waiting for its publication (cleared when published, rejected or replaced)
    is_staged = models.BooleanField("en attente de publication", default=False)
    #: the region whose submission this version carries (staged copies and versions published from a submission)
    region = models.ForeignKey(
        "reference.Region", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="région"
    )
    data_date = models.DateField("données au", null=True, blank=True)
    published_at = models.DateTimeField("publié le", null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="publié par"
    )
    #: n-th published version of the year (None for a staged copy)
    version = models.PositiveIntegerField("version", null=True, blank=True)

    objects = IndicatorDatasetQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-loaded_at"]
        verbose_name = "jeu d'indicateurs"
        verbose_name_plural = "jeux d'indicateurs"
        constraints = [
            models.UniqueConstraint(
                fields=["year"], condition=models.Q(is_current=True), name="one_current_indicator_dataset_per_year"
            )
        ]

    def __str__(self):
        return f"Indicateurs {self.year} — {self.source} ({self.loaded_at:%d/%m/%Y %H:%M})"


#: the precision `IndicatorValue.value` keeps (decimal_places=10): loaded and recomputed values are rounded to it
STORED_PLACES = Decimal("1e-10")


class IndicatorValue(models.Model):
    dataset = models.ForeignKey(IndicatorDataset, on_delete=models.CASCADE, related_name="values")
    level = models.CharField("niveau", max_length=12)
    code = models.CharField("code", max_length=20)
    indicator = models.CharField("indicateur", max_length=30)
    breakdown = models.CharField("ventilation", max_length=12)
    value = models.DecimalField("valeur", max_digits=24, decimal_places=10, null=True, blank=True)

    class Meta:
        verbose_name = "valeur d'indicateur"
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "level", "code", "indicator", "breakdown"], name="unique_indicator_value"
            )
        ]
        # One entity's values: the unique constraint's prefix (dataset, level, code). One indicator across many
        # entities (the distribution over the Missions Locales, the matrix): this index (ADR 0024).
        indexes = [
            models.Index(fields=["dataset", "level", "indicator", "breakdown"], name="indicator_value_by_indicator")
        ]

    def __str__(self):
        return f"{self.level} {self.code} {self.indicator} {self.breakdown} = {self.value}"


class TargetQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(mission_locale__in=MissionLocale.objects.visible_to(user))

    def of(self, mission_locale, year: int):
        """The targets negotiated with a Mission Locale for `year`, one per ratio."""
        return self.filter(mission_locale=mission_locale, year=year)

    def by_ratio(self, mission_locale, year: int) -> dict:
        """{ratio: target} of a Mission Locale for `year`."""
        return dict(self.of(mission_locale, year).values_list("ratio", "value"))

    def negotiated(self, mission_locale_ids, years) -> set[tuple[int, int]]:
        """The (Mission Locale id, year) among these that have at least one target (the dialogue's follow-up)."""
        rows = self.filter(mission_locale__in=list(mission_locale_ids), year__in=list(years))
        return set(rows.values_list("mission_locale_id", "year"))


class Target(models.Model):
    """A negotiated objective on a ratio for a Mission Locale and a year (management dialogue, fiche 1)."""

    mission_locale = models.ForeignKey(
        "reference.MissionLocale", on_delete=models.CASCADE, related_name="targets", verbose_name="Mission Locale"
    )
    year = models.PositiveSmallIntegerField("année")
    ratio = models.CharField("ratio", max_length=5)
    value = models.DecimalField("objectif", max_digits=12, decimal_places=4)

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["mission_locale", "year", "ratio"]
        verbose_name = "objectif négocié"
        verbose_name_plural = "objectifs négociés"
        constraints = [models.UniqueConstraint(fields=["mission_locale", "year", "ratio"], name="one_target_per_ratio")]

    def __str__(self):
        return f"{self.mission_locale} {self.year} {self.ratio} = {self.value}"
