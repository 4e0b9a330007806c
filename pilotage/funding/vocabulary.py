"""The funding words that every part of the app reads (the form, the reader, the analysis, the API): one copy."""

from django.db import models


class FundingCategory(models.TextChoices):
    """The category of a funding line (../shared/funding-format.md)."""

    FONCTIONNEMENT = "fonctionnement", "Fonctionnement"
    CONVENTION_NATIONALE = "convention_nationale", "Convention nationale"
    THEMATIQUE = "thematique", "Thématique"
    AUTRE = "autre", "Autre"
