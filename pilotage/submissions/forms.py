from django import forms
from django.utils import timezone

from pilotage.core.forms import DsfrForm
from pilotage.reference.models import Region
from pilotage.submissions.models import SubmissionKind


class SubmissionForm(DsfrForm):
    region = forms.ModelChoiceField(label="Région", queryset=Region.objects.none(), to_field_name="code")
    year = forms.IntegerField(label="Année des données", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="Type de fichier", choices=SubmissionKind.choices)
    data_date = forms.DateField(label="Données au", help_text="Date d'extraction de l'entrepôt (JJ/MM/AAAA)",
                                input_formats=["%d/%m/%Y", "%Y-%m-%d"])  # fmt: skip
    file = forms.FileField(
        label="Fichier", help_text="Archive .zip des fichiers de l'export, ou CSV/XLSX au format long"
    )

    def __init__(self, *args, regions, own_mission_locale=None, national=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = regions
        if national:  # the DGEFP: a national export, split by region by its job
            self.fields["region"].required = False
            self.fields["region"].empty_label = "Toutes les régions (export national, réparti par région)"
        self.fields["year"].initial = timezone.localdate().year - 1
        self.fields["data_date"].initial = timezone.localdate().strftime("%d/%m/%Y")
        if own_mission_locale is not None:  # a Mission Locale: its region, its aggregates in the long format
            del self.fields["region"]
            self.fields["kind"].choices = [(SubmissionKind.RESULTS, SubmissionKind.RESULTS.label)]
