from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator

from pilotage.api.models import TokenScope
from pilotage.core.forms import DsfrForm


class ApiTokenForm(DsfrForm):
    name = forms.CharField(
        label="Nom du jeton",
        max_length=100,
        help_text="À quoi ou à qui il sert, pour le reconnaître dans la liste (ex. « Entrepôt régional »).",
    )
    scope = forms.ChoiceField(
        label="Droits",
        choices=TokenScope.choices,
        initial=TokenScope.READ,
        widget=forms.RadioSelect,
        help_text="« Lecture » suffit à un outil de tableaux de bord ; « lecture et écriture » permet aussi les "
        "modifications que votre compte peut faire.",
    )
    days = forms.IntegerField(
        label="Durée de validité (jours)",
        min_value=1,
        help_text="Le jeton cesse de fonctionner ensuite ; créez-en un autre avant.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        days = self.fields["days"]
        days.initial = settings.API_TOKEN_DAYS
        days.max_value = settings.API_TOKEN_MAX_DAYS
        days.validators.append(MaxValueValidator(settings.API_TOKEN_MAX_DAYS))
        days.widget.attrs["max"] = settings.API_TOKEN_MAX_DAYS
