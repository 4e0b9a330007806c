from django import forms

from pilotage.core.forms import AmountField, DsfrForm, DsfrModelForm
from pilotage.dialogue.models import ActionPlanItem, DialogueCampaign
from pilotage.dialogue.services import campaign_errors
from pilotage.reference.models import Region

DATE_FIELDS = ("opens_on", "preparation_due", "conclusion_due", "activity_report_closing", "finance_report_closing")


class CampaignForm(DsfrModelForm):
    class Meta:
        model = DialogueCampaign
        fields = ["region", "year", "opens_on", "preparation_due", "conclusion_due", "activity_report_closing",
                  "finance_report_closing"]  # fmt: skip
        widgets = {
            name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
            for name in ("opens_on", "preparation_due", "conclusion_due", "activity_report_closing",
                         "finance_report_closing")
        }  # fmt: skip

    def __init__(self, *args, regions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        self.fields[
            "year"
        ].help_text = (
            "Année dont l'activité est examinée ; le dialogue fixe les objectifs et la subvention de l'année suivante."
        )
        for name in ("opens_on", "preparation_due", "conclusion_due", "activity_report_closing",
                     "finance_report_closing"):  # fmt: skip
            self.fields[name].required = False
            self.fields[
                name
            ].help_text = "Laissé vide : calendrier habituel (CRA activité en février, finances en juin)."

    def validate_unique(self):
        """The service says it in French, with the region's name."""

    def clean(self):
        cleaned = super().clean()
        if "year" in cleaned:  # a year that is not a number already has its error
            dates = {name: cleaned.get(name) for name in DATE_FIELDS}
            for name, message in campaign_errors(cleaned["year"], dates).items():
                if name not in self.errors:
                    self.add_error(name, message)
        return cleaned


class CampaignCancelForm(DsfrForm):
    reason = forms.CharField(
        label="Motif de l'annulation", max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Par exemple : année erronée, ouverte pour la mauvaise région.",
        error_messages={"required": "Indiquez pourquoi la campagne est annulée, par exemple « année erronée »."},
    )  # fmt: skip


class SubsidyForm(DsfrForm):
    amount = AmountField(label="Subvention de l'État proposée (€)", required=False)
    justification = forms.CharField(label="Justification", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CommentForm(DsfrForm):
    text = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(DsfrModelForm):
    class Meta:
        model = ActionPlanItem
        fields = ["theme", "title", "owner", "due_on", "status", "follow_up"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, follow_up_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        if follow_up_only:
            for name in ("theme", "title", "owner", "due_on"):
                self.fields[name].disabled = True


class TransitionForm(DsfrForm):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    confirmed = forms.BooleanField(required=False)


def region_choices(user):
    return Region.objects.visible_to(user).order_by("name")
