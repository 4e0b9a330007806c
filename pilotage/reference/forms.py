from django import forms

from pilotage.core.forms import DsfrForm, DsfrModelForm
from pilotage.core.validators import validate_phone, validate_postcode
from pilotage.reference.models import Department, MissionLocale, Region
from pilotage.reference.perms import departments_outside_territory

MISSION_LOCALE_FIELDS = [
    "name",
    "usual_name",
    "siret",
    "legal_form",
    "department",
    "departments_covered",
    "address",
    "postcode",
    "city",
    "email",
    "phone",
    "president",
    "director",
    "is_active",
]


class MissionLocaleForm(DsfrModelForm):
    class Meta:
        model = MissionLocale
        fields = MISSION_LOCALE_FIELDS

    def __init__(self, *args, editable_fields=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if editable_fields is not None:
            for name in list(self.fields):
                if name not in editable_fields:
                    del self.fields[name]

    def clean_postcode(self):
        value = self.cleaned_data.get("postcode", "")
        return validate_postcode(value) if value else value

    def clean_phone(self):
        value = self.cleaned_data.get("phone", "")
        return validate_phone(value) if value else value

    def clean(self):
        data = super().clean()
        if self.user is not None and "department" in self.fields and data.get("department"):
            covered = data.get("departments_covered", self.instance.departments_covered.all())
            outside = departments_outside_territory(self.user, self.instance, data["department"], covered)
            if outside:
                raise forms.ValidationError(
                    f"Département(s) hors de votre territoire : {', '.join(outside)}. Seule la DGEFP peut y "
                    "rattacher cette Mission Locale ou l'en détacher."
                )
        return data


class MissionLocaleFilterForm(DsfrForm):
    q = forms.CharField(label="Rechercher", required=False, help_text="Nom, code structure, SIRET ou commune")
    region = forms.ModelChoiceField(
        label="Région",
        queryset=Region.objects.none(),
        required=False,
        empty_label="Toutes",
        to_field_name="code",
    )
    departement = forms.ModelChoiceField(
        label="Département",
        queryset=Department.objects.none(),
        required=False,
        empty_label="Tous",
        to_field_name="code",
    )
    actif = forms.ChoiceField(
        label="Statut",
        required=False,
        choices=[("", "Toutes"), ("1", "En activité"), ("0", "Fermées ou temporaires")],
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = Region.objects.visible_to(user)
        self.fields["departement"].queryset = Department.objects.visible_to(user)
