"""Conventions (CPO and others), the State's yearly avenants, their budget lines and payments."""

from datetime import date
from decimal import ROUND_DOWN, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q, Sum

from pilotage.core import formatting
from pilotage.core.history import HistoricalRecords
from pilotage.core.scope import scope_of
from pilotage.core.validators import validate_iban
from pilotage.reference.models import Funder, FunderType, MissionLocale, RegionalAssociation

CPO_YEARS = 4
ADVANCE_SHARE = Decimal("0.5")
GUARDRAIL_SHARE = Decimal("0.10")


class ConventionKind(models.TextChoices):
    CPO = "cpo", "CPO — convention pluriannuelle d'objectifs (État)"
    ANNUAL = "annual", "Convention annuelle"
    MULTI_YEAR = "multi_year", "Convention pluriannuelle"


class ConventionStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    SIGNED = "signed", "Signée"
    ENDED = "ended", "Terminée"


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """State services, ARML, observers: conventions of the Missions Locales they see (and the ARML's of
        their region); a council or municipality: the conventions it signs; a Mission Locale: its own (not its
        region's ARML's)."""
        scope = scope_of(user)
        if scope.everything:
            return self
        funder_id = getattr(user, "funder_id", None)
        if funder_id:
            return self.filter(Q(funder_id=funder_id) | Q(co_funders=funder_id)).distinct()
        visible = Q(mission_locale__in=MissionLocale.objects.visible_to(user))
        if scope.department_codes:  # a territory seen whole, not only Missions Locales one by one
            armls = RegionalAssociation.objects.visible_to(user)
            visible |= Q(regional_association__in=armls, mission_locale__isnull=True)
        return self.filter(visible)

    def ending_between(self, start: date, end: date):
        return self.filter(end_date__gte=start, end_date__lte=end)

    def cpo_covering(self, mission_locale, year: int):
        """The CPOs of a Mission Locale in force during `year` (one, when the data is sound)."""
        return self.filter(
            mission_locale=mission_locale, kind=ConventionKind.CPO, start_date__year__lte=year, end_date__year__gte=year
        )

    def cpo_years(self) -> range | None:
        """From the first year of the earliest CPO to the last year of the latest; None without any CPO."""
        bounds = self.filter(kind=ConventionKind.CPO).aggregate(
            first=models.Min("start_date"), last=models.Max("end_date")
        )
        return range(bounds["first"].year, bounds["last"].year + 1) if bounds["first"] else None

    def with_amendments(self):
        """Each convention with its avenants and their budget lines loaded: what `Convention.guardrail` reads."""
        return self.prefetch_related("amendments__budget_lines")


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Convention(models.Model):
    kind = models.CharField("type", max_length=20, choices=ConventionKind.choices)
    reference = models.CharField("numéro", max_length=50, blank=True)
    title = models.CharField("intitulé", max_length=200)
    theme = models.CharField(
        "thème", max_length=50, blank=True, help_text="Vide pour une convention générale ; sinon faj, ase, mna, brsa…"
    )
    funder = models.ForeignKey(Funder, on_delete=models.PROTECT, related_name="conventions", verbose_name="financeur")
    co_funders = models.ManyToManyField(
        Funder,
        blank=True,
        related_name="co_funded_conventions",
        verbose_name="autres financeurs signataires",
        help_text="Pour une convention tripartite.",
    )
    mission_locale = models.ForeignKey(
        MissionLocale,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="Mission Locale",
    )
    regional_association = models.ForeignKey(
        RegionalAssociation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="ARML (opérateur)",
    )
    start_date = models.DateField("début")
    end_date = models.DateField("fin")
    signed_on = models.DateField("signée le", null=True, blank=True)
    status = models.CharField("statut", max_length=20, choices=ConventionStatus.choices, default=ConventionStatus.DRAFT)
    planned_annual_amount = models.DecimalField(
        "subvention annuelle prévue à la signature (€)",
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text="CPO : la subvention de l'État prévue chaque année ; base du plafond d'ajustement de ±10 %.",
    )

    objects = ConventionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[co_funders])

    class Meta:
        ordering = ["-start_date", "title"]
        verbose_name = "convention"
        constraints = [
            models.CheckConstraint(
                name="convention_has_one_beneficiary",
                condition=Q(mission_locale__isnull=False, regional_association__isnull=True)
                | Q(mission_locale__isnull=True, regional_association__isnull=False),
            ),
            models.CheckConstraint(name="convention_dates_in_order", condition=Q(end_date__gte=models.F("start_date"))),
        ]

    def __str__(self):
        return self.title

    @property
    def beneficiary(self):
        return self.mission_locale or self.regional_association

    @property
    def is_tripartite(self) -> bool:
        return self.pk is not None and self.co_funders.exists()

    @property
    def years(self) -> list[int]:
        """The budget years: a CPO's four (its yearly avenants), otherwise every calendar year it touches."""
        if self.kind == ConventionKind.CPO:
            return list(range(self.start_date.year, self.start_date.year + CPO_YEARS))
        return list(range(self.start_date.year, self.end_date.year + 1))

    def clean(self):
        errors = {}
        if bool(self.mission_locale_id) == bool(self.regional_association_id):
            errors["mission_locale"] = "Une convention a un bénéficiaire : une Mission Locale ou une ARML."
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "La fin précède le début."
        if self.kind == ConventionKind.CPO:
            if self.funder_id and self.funder.type != FunderType.ETAT:
                errors["funder"] = "Une CPO est signée par l'État."
            if self.start_date and self.end_date and self.end_date != add_years(self.start_date, CPO_YEARS) - _ONE_DAY:
                errors["end_date"] = "Une CPO dure quatre ans (reconduction tacite chaque année)."
            if self.planned_annual_amount is None:
                errors["planned_annual_amount"] = "Indiquez la subvention annuelle prévue à la signature."
        annual = self.kind == ConventionKind.ANNUAL and self.start_date and self.end_date
        if annual and self.end_date >= add_years(self.start_date, 1):
            errors["end_date"] = "Une convention annuelle dure un an au plus."
        if self.status == ConventionStatus.SIGNED and not self.signed_on:
            errors["signed_on"] = "Indiquez la date de signature."
        if errors:
            raise ValidationError(errors)

    # The ±10 % guardrail of seed 004, annex 2 §2b (docs/adr/0005-cpo-guardrail.md).
    def planned_total(self) -> Decimal | None:
        if self.planned_annual_amount is None:
            return None
        return self.planned_annual_amount * len(self.years)

    def cumulated_total(self, replacing: dict[int, Decimal] | None = None) -> Decimal:
        """State subsidy over the whole CPO: each avenant's total, or the planned amount for a year without one.

        `replacing` {year: total} simulates a change before it is saved."""
        totals = {a.year: a.total for a in self.amendments.all()}
        totals.update(replacing or {})
        return sum((totals.get(year, self.planned_annual_amount) for year in self.years), Decimal("0"))

    def guardrail(self, replacing: dict[int, Decimal] | None = None) -> dict | None:
        planned = self.planned_total()
        if planned is None:
            return None
        cumulated = self.cumulated_total(replacing)
        low, high = planned * (1 - GUARDRAIL_SHARE), planned * (1 + GUARDRAIL_SHARE)
        return {
            "planned": planned,
            "cumulated": cumulated,
            "adjustment": cumulated - planned,
            "adjustment_pct": (cumulated - planned) / planned * 100 if planned else Decimal("0"),
            "floor": low,
            "ceiling": high,
            "room_up": high - cumulated,
            "room_down": cumulated - low,
            "within": low <= cumulated <= high,
        }


_ONE_DAY = date(2000, 1, 2) - date(2000, 1, 1)


def convention_document_path(instance, filename):
    return f"conventions/{instance.convention_id}/{filename}"


class ConventionDocument(models.Model):
    convention = models.ForeignKey(Convention, on_delete=models.CASCADE, related_name="documents")
    label = models.CharField("libellé", max_length=200)
    file = models.FileField("fichier", upload_to=convention_document_path)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL, related_name="+")

    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = "document signé"

    def __str__(self):
        return self.label


class AmendmentStatus(models.TextChoices):
    DRAFT = "draft", "En préparation"
    SIGNED = "signed", "Signé"


class AmendmentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The avenants of the conventions the user sees."""
        return self.filter(convention__in=Convention.objects.visible_to(user).values("pk"))

    def of_cpo(self, mission_locale, year: int):
        """The avenants for `year` of the CPOs of a Mission Locale, the latest (highest number) first, each with
        its convention (one, when the data is sound)."""
        return (
            self.filter(convention__mission_locale=mission_locale, convention__kind=ConventionKind.CPO, year=year)
            .select_related("convention")
            .order_by("-number")
        )

    def signed(self):
        return self.filter(status=AmendmentStatus.SIGNED)


chorus_validator = RegexValidator(r"^\d{10}$", "Un numéro d'engagement juridique Chorus a 10 chiffres.")


class Amendment(models.Model):
    """The State's yearly avenant to a CPO (seed 004, annex 2, fiche 4)."""

    convention = models.ForeignKey(Convention, on_delete=models.PROTECT, related_name="amendments")
    number = models.PositiveSmallIntegerField("numéro d'avenant")
    year = models.PositiveSmallIntegerField("année")
    status = models.CharField("statut", max_length=20, choices=AmendmentStatus.choices, default=AmendmentStatus.DRAFT)
    signed_on = models.DateField("signé le", null=True, blank=True)
    accounts_checked_on = models.DateField(
        "comptes examinés le", null=True, blank=True, help_text="Le solde est versé après examen des bilans."
    )
    programme = models.CharField("programme", max_length=10, default="102")
    action = models.CharField("action", max_length=10, default="02")
    sub_action = models.CharField("sous-action", max_length=10, default="02")
    functional_domain = models.CharField("domaine fonctionnel", max_length=20, default="0102-02-02")
    iban = models.CharField("IBAN", max_length=34, blank=True)
    bic = models.CharField("BIC", max_length=11, blank=True)
    bank_name = models.CharField("banque", max_length=200, blank=True)
    guardrail_justification = models.TextField(
        "justification d'un dépassement de ±10 %",
        blank=True,
        help_text="Obligatoire quand l'ajustement cumulé sort de ±10 % de la subvention prévue.",
    )

    objects = AmendmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["convention", "year"]
        verbose_name = "avenant"
        constraints = [
            models.UniqueConstraint(fields=["convention", "year"], name="one_amendment_per_cpo_year"),
        ]

    def __str__(self):
        return f"Avenant n° {self.number} ({self.year}) — {self.convention}"

    @property
    def total(self) -> Decimal:
        if self.pk is None:
            return Decimal("0")
        return self.budget_lines.aggregate(total=Sum("amount"))["total"] or Decimal("0")

    def max_advance(self) -> Decimal:
        """At most 50 % of the year's contribution, rounded down to the cent."""
        return (self.total * ADVANCE_SHARE).quantize(Decimal("0.01"), rounding=ROUND_DOWN)

    def clean(self):
        errors = {}
        if self.convention_id and self.convention.kind != ConventionKind.CPO:
            errors["convention"] = "Un avenant annuel de l'État porte sur une CPO."
        elif self.convention_id and self.year and self.year not in self.convention.years:
            errors["year"] = "Cette année n'est pas couverte par la CPO."
        if self.iban:
            try:
                self.iban = validate_iban(self.iban)
            except ValidationError as exc:
                errors["iban"] = exc.messages
        if self.status == AmendmentStatus.SIGNED and not self.signed_on:
            errors["signed_on"] = "Indiquez la date de signature."
        if errors:
            raise ValidationError(errors)


class BudgetLineKind(models.TextChoices):
    SOCLE = "socle", "Missions Locales (socle)"
    PARRAINAGE = "parrainage", "Actions de parrainage"
    FIPJ_DIRECT = "fipj_direct", "FIPJ — aides directes aux jeunes"
    FIPJ_INDIRECT = "fipj_indirect", "FIPJ — aides indirectes"


#: Chorus activity codes of fiche 4
ACTIVITY_CODES = {
    BudgetLineKind.SOCLE: "010200001706",
    BudgetLineKind.PARRAINAGE: "010200001702",
    BudgetLineKind.FIPJ_DIRECT: "010200001705",
    BudgetLineKind.FIPJ_INDIRECT: "010200001705",
}


class BudgetLine(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="budget_lines")
    kind = models.CharField("ligne budgétaire", max_length=20, choices=BudgetLineKind.choices)
    activity_code = models.CharField("code activité", max_length=12)
    chorus_commitment = models.CharField(
        "engagement juridique Chorus", max_length=10, blank=True, validators=[chorus_validator]
    )
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["amendment", "kind"]
        verbose_name = "ligne budgétaire"
        constraints = [models.UniqueConstraint(fields=["amendment", "kind"], name="one_budget_line_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} : {formatting.amount(self.amount, cents=True)}"

    def save(self, *args, **kwargs):
        self.activity_code = self.activity_code or ACTIVITY_CODES[self.kind]
        super().save(*args, **kwargs)


class PaymentKind(models.TextChoices):
    ADVANCE = "advance", "Avance"
    BALANCE = "balance", "Solde"


class PaymentStatus(models.TextChoices):
    PLANNED = "planned", "Prévu"
    PAID = "paid", "Versé"


class Payment(models.Model):
    amendment = models.ForeignKey(Amendment, on_delete=models.CASCADE, related_name="payments")
    kind = models.CharField("versement", max_length=20, choices=PaymentKind.choices)
    amount = models.DecimalField("montant (€)", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    status = models.CharField("statut", max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PLANNED)
    paid_on = models.DateField("versé le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["amendment", "kind"]
        verbose_name = "versement"
        constraints = [models.UniqueConstraint(fields=["amendment", "kind"], name="one_payment_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} {formatting.amount(self.amount, cents=True)}"
