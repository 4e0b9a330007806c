from django import forms

from pilotage.core.forms import AmountField, DsfrForm, DsfrModelForm
from pilotage.core.roles import Role
from pilotage.core.uploads import validate_pdf
from pilotage.funding.models import Amendment, BudgetLineKind, Convention
from pilotage.funding.models.conventions import chorus_validator
from pilotage.reference.models import Department, Funder, FunderType, MissionLocale, RegionalAssociation
from pilotage.reference.perms import is_national_admin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def funders_for(user):
    """The funders in whose name `user` may sign a convention."""
    if is_national_admin(user):
        return Funder.objects.all()
    if user.role in {Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE}:
        return Funder.objects.filter(type=FunderType.ETAT)
    return Funder.objects.filter(pk=user.funder_id)


class ConventionForm(DsfrModelForm):
    class Meta:
        model = Convention
        fields = [
            "kind", "reference", "title", "theme", "funder", "co_funders", "mission_locale", "regional_association",
            "start_date", "end_date", "status", "signed_on", "planned_annual_amount",
        ]  # fmt: skip
        widgets = {"start_date": DATE, "end_date": DATE, "signed_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = funders_for(user)
        self.fields["co_funders"].queryset = Funder.objects.visible_to(user)
        self.fields["mission_locale"].queryset = MissionLocale.objects.visible_to(user).active()
        # an ARML's convention is written by those who see its region whole (funding.perms.beneficiary_in_territory)
        armls = RegionalAssociation.objects.visible_to(user)
        if not user.scope.everything:
            armls = armls.filter(region_id__in=user.scope.region_codes)
        self.fields["regional_association"].queryset = armls


class AmendmentForm(DsfrModelForm):
    """The avenant and, for each budget line of fiche 4, its amount and its Chorus commitment number."""

    guardrail_justification = forms.CharField(
        label="Justification d'un ajustement au-delà de ±10 %",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seulement si l'ajustement cumulé sur la CPO sort de ±10 % (DGEFP ou DREETS).",
    )

    class Meta:
        model = Amendment
        fields = ["number", "year", "accounts_checked_on", "programme", "action", "sub_action", "functional_domain",
                  "iban", "bic", "bank_name"]  # fmt: skip
        widgets = {"accounts_checked_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = {line.kind: line for line in self.instance.budget_lines.all()} if self.instance.pk else {}
        for kind, label in BudgetLineKind.choices:
            line = current.get(kind)
            self.fields[f"amount_{kind}"] = AmountField(
                label=f"{label} — montant (€)", required=False, initial=line.amount if line else None
            )
            self.fields[f"chorus_{kind}"] = forms.CharField(
                label=f"{label} — engagement juridique Chorus", required=False, max_length=10,
                validators=[chorus_validator], initial=line.chorus_commitment if line else "",
            )  # fmt: skip
        if self.instance.pk:
            self.fields["guardrail_justification"].initial = self.instance.guardrail_justification
        self.order_fields([*self._meta.fields, *[f for f in self.fields if f.startswith(("amount_", "chorus_"))]])

    def amounts(self):
        data = self.cleaned_data
        return {
            kind: (data[f"amount_{kind}"], data[f"chorus_{kind}"])
            for kind in BudgetLineKind.values
            if data.get(f"amount_{kind}")
        }


class DocumentForm(DsfrForm):
    label = forms.CharField(label="Libellé", max_length=200)
    file = forms.FileField(label="Fichier signé (PDF)", help_text="PDF, 20 Mo au plus", validators=[validate_pdf])


class PaymentForm(DsfrForm):
    paid_on = forms.DateField(label="Versé le", widget=DATE)


class SignForm(DsfrForm):
    signed_on = forms.DateField(label="Signé le", widget=DATE)


class AnalysisForm(DsfrForm):
    financeur_type = forms.ChoiceField(label="Type de financeur", choices=FunderType.choices, initial="departement")
    debut = forms.IntegerField(label="Première année", min_value=2000, max_value=2100)
    fin = forms.IntegerField(label="Dernière année", min_value=2000, max_value=2100)

    def clean(self):
        data = super().clean()
        if data.get("debut") and data.get("fin") and data["debut"] > data["fin"]:
            self.add_error("fin", "La dernière année doit suivre la première.")
        if data.get("debut") and data.get("fin") and data["fin"] - data["debut"] > 20:
            self.add_error("fin", "Vingt ans au plus.")
        return data


class LineFilterForm(DsfrForm):
    annee = forms.IntegerField(label="Année", required=False)
    financeur_type = forms.ChoiceField(
        label="Type de financeur",
        required=False,
        choices=[("", "Tous"), *FunderType.choices],
    )
    departement = forms.ModelChoiceField(label="Département", queryset=Department.objects.none(), required=False,
                                         empty_label="Tous", to_field_name="code")  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["departement"].queryset = Department.objects.visible_to(user)
