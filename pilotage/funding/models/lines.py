"""Funding lines: one funder's amount for one Mission Locale, year, category (and theme)."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Sum

from pilotage.core import formatting
from pilotage.core.history import HistoricalRecords
from pilotage.core.scope import scope_of
from pilotage.funding.vocabulary import FundingCategory
from pilotage.reference.models import Funder, FunderType, MissionLocale


class FundingLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """State services, ARML and observers: the lines of the Missions Locales they see; a council, a
        municipality: its own lines only; a Mission Locale: all of its own funding."""
        scope = scope_of(user)
        if scope.everything:
            return self
        if getattr(user, "funder_id", None):
            return self.filter(funder_id=user.funder_id)
        return self.filter(mission_locale__in=MissionLocale.objects.visible_to(user))

    def for_year_range(self, first: int, last: int):
        return self.filter(year__gte=first, year__lte=last)

    def of_mission_locales(self, mission_locales):
        """The lines of these Missions Locales (instances or ids)."""
        return self.filter(mission_locale__in=list(mission_locales))

    def of_funder_type(self, funder_type: str):
        """The lines of one type of funder (`FunderType`: the State, the regions, …)."""
        return self.filter(funder_type=funder_type)

    def in_regions(self, region_codes):
        """The lines of the Missions Locales whose seat is in one of these regions."""
        return self.filter(mission_locale__department__region_id__in=list(region_codes))

    def totals_by(self, *fields) -> list[tuple]:
        """The sums of the amounts grouped by `fields` (names or lookups): [(value, …, total)], unordered. Other
        domains read funding through this (the dialogue's contributions, the animation's State budget, the
        surveys' departmental funding), not with their own aggregates."""
        return list(self.values_list(*fields).annotate(total=Sum("amount")).order_by())


class FundingLine(models.Model):
    mission_locale = models.ForeignKey(
        MissionLocale, on_delete=models.PROTECT, related_name="funding_lines", verbose_name="Mission Locale"
    )
    year = models.PositiveSmallIntegerField("année")
    funder_type = models.CharField("type de financeur", max_length=20, choices=FunderType.choices)
    funder_code = models.CharField("code du financeur", max_length=14, blank=True)
    funder = models.ForeignKey(
        Funder, null=True, blank=True, on_delete=models.PROTECT, related_name="funding_lines", verbose_name="financeur"
    )
    category = models.CharField("catégorie", max_length=30, choices=FundingCategory.choices)
    theme = models.CharField("thème", max_length=50, blank=True)
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    source = models.CharField("origine", max_length=200, blank=True)

    objects = FundingLineQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "mission_locale_id", "funder_type", "category", "theme"]
        verbose_name = "ligne de financement"
        verbose_name_plural = "lignes de financement"
        constraints = [
            models.UniqueConstraint(
                fields=["mission_locale", "year", "funder_type", "funder_code", "category", "theme"],
                name="unique_funding_line",
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="funding_line_amount_not_negative"),
        ]
        indexes = [models.Index(fields=["funder_type", "year"])]

    def __str__(self):
        amount = formatting.amount(self.amount, cents=True)
        return f"{self.mission_locale} — {self.year} — {self.get_funder_type_display()} — {amount}"
