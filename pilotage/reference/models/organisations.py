"""The organisations of the network: Missions Locales, ARML, State services, funders, national bodies."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from pilotage.core.history import HistoricalRecords
from pilotage.core.scope import scope_of
from pilotage.core.validators import validate_siren, validate_siret
from pilotage.reference.models.territories import Department, Region


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", "Association"
    GIP = "gip", "Groupement d'intérêt public (GIP)"


class MissionLocaleQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self
        matching = MissionLocale.objects.filter(
            Q(department__code__in=scope.department_codes)
            | Q(departments_covered__code__in=scope.department_codes)
            | Q(pk__in=scope.mission_locale_ids)
        )
        return self.filter(pk__in=matching.values("pk"))

    def for_department(self, code: str):
        matching = MissionLocale.objects.filter(Q(department__code=code) | Q(departments_covered__code=code))
        return self.filter(pk__in=matching.values("pk"))

    def for_region(self, code: str):
        matching = MissionLocale.objects.filter(
            Q(department__region__code=code) | Q(departments_covered__region__code=code)
        )
        return self.filter(pk__in=matching.values("pk"))

    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str):
        """Name, usual name, town (contains), structure code or SIRET (exact, spaces ignored)."""
        text = text.strip()
        return self.filter(
            Q(name__icontains=text)
            | Q(usual_name__icontains=text)
            | Q(city__icontains=text)
            | Q(code__iexact=text)
            | Q(siret=text.replace(" ", ""))
        )


class ContactFieldsMixin(models.Model):
    address = models.CharField("adresse du siège", max_length=255, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("commune", max_length=100, blank=True)
    email = models.EmailField("courriel", blank=True)
    phone = models.CharField("téléphone", max_length=20, blank=True)

    class Meta:
        abstract = True


class MissionLocale(ContactFieldsMixin):
    code = models.CharField(
        "code structure",
        max_length=20,
        unique=True,
        help_text="Code de la structure dans i-milo (ex. 13201S00).",
    )
    name = models.CharField("raison sociale", max_length=200)
    usual_name = models.CharField("nom d'usage", max_length=200, blank=True)
    siret = models.CharField("SIRET", max_length=14, unique=True, null=True, blank=True, validators=[validate_siret])
    legal_form = models.CharField("forme juridique", max_length=20, choices=LegalForm.choices, blank=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="missions_locales",
        verbose_name="département du siège",
    )
    departments_covered = models.ManyToManyField(
        Department,
        blank=True,
        related_name="missions_locales_covering",
        verbose_name="autres départements couverts",
    )
    president = models.CharField("président(e)", max_length=200, blank=True)
    director = models.CharField("directeur ou directrice", max_length=200, blank=True)
    is_active = models.BooleanField(
        "en activité", default=True, help_text="Décocher pour une structure fermée, fusionnée ou temporaire."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MissionLocaleQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[departments_covered], excluded_fields=["updated_at"])

    class Meta:
        ordering = ["department_id", "name"]
        verbose_name = "Mission Locale"
        verbose_name_plural = "Missions Locales"

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.usual_name or self.name

    @property
    def region(self) -> Region:
        return self.department.region


class RegionalAssociationQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self
        return self.filter(region__code__in=scope.region_codes | scope.related_region_codes)


class RegionalAssociation(ContactFieldsMixin):
    """The ARML: one per region, the operator of the regional animation; never itself a Mission Locale."""

    name = models.CharField("nom", max_length=200)
    acronym = models.CharField("sigle", max_length=100, blank=True)
    siret = models.CharField("SIRET", max_length=14, unique=True, null=True, blank=True, validators=[validate_siret])
    legal_form = models.CharField(
        "forme juridique", max_length=20, choices=LegalForm.choices, default=LegalForm.ASSOCIATION
    )
    region = models.OneToOneField(
        Region, on_delete=models.PROTECT, related_name="regional_association", verbose_name="région"
    )
    president = models.CharField("président(e)", max_length=200, blank=True)
    director = models.CharField("directeur ou directrice", max_length=200, blank=True)

    objects = RegionalAssociationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["region__name"]
        verbose_name = "association régionale (ARML)"
        verbose_name_plural = "associations régionales (ARML)"

    def __str__(self):
        return self.acronym or self.name

    def clean(self):
        if self.siret and MissionLocale.objects.filter(siret=self.siret).exists():
            raise ValidationError(
                {"siret": "Ce SIRET est celui d'une Mission Locale : l'ARML ne peut pas être une Mission Locale."}
            )


class StateServiceLevel(models.TextChoices):
    NATIONAL = "national", "National (DGEFP)"
    REGIONAL = "regional", "Régional (DREETS)"
    DEPARTMENTAL = "departmental", "Départemental (DDETS)"


class TerritorialQuerySet(models.QuerySet):
    """Visibility of an organisation attached to a region or a department (or national: seen by all)."""

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self
        regions = scope.region_codes | scope.related_region_codes
        return self.filter(
            Q(region__isnull=True, department__isnull=True)
            | Q(department__isnull=True, region__code__in=regions)
            | Q(department__code__in=scope.department_codes)
        )


class StateService(models.Model):
    level = models.CharField("niveau", max_length=20, choices=StateServiceLevel.choices)
    name = models.CharField("nom", max_length=200)
    region = models.OneToOneField(
        Region,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="state_service",
        verbose_name="région",
    )
    department = models.OneToOneField(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="state_service",
        verbose_name="département",
    )
    email = models.EmailField("courriel", blank=True)

    objects = TerritorialQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["level", "name"]
        verbose_name = "service de l'État"
        verbose_name_plural = "services de l'État"
        constraints = [
            models.CheckConstraint(
                name="state_service_territory_matches_level",
                condition=(
                    Q(level="national", region__isnull=True, department__isnull=True)
                    | Q(level="regional", region__isnull=False, department__isnull=True)
                    | Q(level="departmental", region__isnull=True, department__isnull=False)
                ),
            ),
            models.UniqueConstraint(fields=["level"], condition=Q(level="national"), name="one_national_state_service"),
        ]

    def __str__(self):
        return self.name


class FunderQuerySet(TerritorialQuerySet):
    def visible_to(self, user):
        scope = scope_of(user)
        if scope.everything:
            return self
        return super().visible_to(user) | self.filter(pk__in=scope.funder_ids)


class FunderType(models.TextChoices):
    ETAT = "etat", "État"
    REGION = "region", "Conseil régional"
    DEPARTEMENT = "departement", "Conseil départemental"
    COMMUNE_EPCI = "commune_epci", "Commune ou EPCI"
    FSE = "fse", "Fonds européens (FSE, IEJ)"
    FRANCE_TRAVAIL = "france_travail", "France Travail"
    AUTRE = "autre", "Autre financeur"


class Funder(models.Model):
    """Any organisation that funds a Mission Locale.

    `code` is the INSEE code of the region or department, the SIREN of a municipality or EPCI, empty for
    national funders — the `financeur_code` of the funding lines format.
    """

    type = models.CharField("type", max_length=20, choices=FunderType.choices)
    code = models.CharField("code", max_length=14, blank=True)
    name = models.CharField("nom", max_length=200)
    siren = models.CharField("SIREN", max_length=9, blank=True, validators=[validate_siren])
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="funders", verbose_name="région"
    )
    department = models.ForeignKey(
        Department,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funders",
        verbose_name="département",
    )
    state_service = models.OneToOneField(
        StateService,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="funder",
        verbose_name="service de l'État",
    )
    missions_locales = models.ManyToManyField(
        MissionLocale,
        blank=True,
        related_name="partner_funders",
        verbose_name="Missions Locales de son territoire",
        help_text="Pour une commune ou un EPCI : les Missions Locales qui couvrent son territoire.",
    )

    objects = FunderQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[missions_locales])

    class Meta:
        ordering = ["type", "name"]
        verbose_name = "financeur"
        constraints = [
            models.UniqueConstraint(fields=["type", "code", "name"], name="unique_funder_type_code_name"),
            models.CheckConstraint(
                name="funder_territory_matches_type",
                condition=(
                    ~Q(type__in=["region", "departement", "commune_epci"])
                    | Q(type="region", region__isnull=False, department__isnull=True)
                    | Q(type="departement", department__isnull=False)
                    | Q(type="commune_epci", department__isnull=False)
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.type == FunderType.COMMUNE_EPCI and not self.siren:
            raise ValidationError({"siren": "Une commune ou un EPCI est identifié par son SIREN."})
        if self.type == FunderType.COMMUNE_EPCI:
            self.code = self.siren
        elif self.type == FunderType.REGION and self.region_id:
            self.code = self.region_id
        elif self.type == FunderType.DEPARTEMENT and self.department_id:
            self.code = self.department_id
            self.region_id = self.department.region_id


class NationalBody(models.Model):
    """A national body of the network that observes it (UNML, CNML…)."""

    acronym = models.CharField("sigle", max_length=20, unique=True)
    name = models.CharField("nom", max_length=200)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisme national"
        verbose_name_plural = "organismes nationaux"

    def __str__(self):
        return self.acronym
