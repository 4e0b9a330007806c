from django import forms
from django.utils import timezone

from pilotage.core.forms import DsfrForm, DsfrModelForm
from pilotage.reference.models import Funder, MissionLocale
from pilotage.surveys.models import QuestionKind, Questionnaire, Survey


class SurveyForm(DsfrModelForm):
    deadline = forms.DateTimeField(
        label="Date limite de réponse",
        help_text="Format : AAAA-MM-JJ HH:MM. Après cette date, les liens personnels ne s'ouvrent plus.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    class Meta:
        model = Survey
        fields = ["questionnaire", "title", "deadline", "funding_year"]
        help_texts = {"funding_year": "Pour les quatre situations : les trois années de financement départemental "
                                      "jusqu'à celle-ci (par défaut l'année précédant la date limite)."}  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questionnaire"].queryset = Questionnaire.objects.all()

    def clean_deadline(self):
        deadline = self.cleaned_data["deadline"]
        if deadline <= timezone.now():
            raise forms.ValidationError("La date limite doit être dans le futur.")
        return deadline


class DeadlineForm(DsfrForm):
    deadline = forms.DateTimeField(
        label="Nouvelle date limite", widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )


TARGET_LISTS = [
    ("missions_locales", "Toutes les Missions Locales (de la région pour une enquête régionale)"),
    ("regions", "Les conseils régionaux"),
    ("departements", "Les conseils départementaux"),
    ("liste", "Une liste choisie"),
]


class TargetsForm(DsfrForm):
    kind = forms.ChoiceField(label="Destinataires à ajouter", choices=TARGET_LISTS, widget=forms.RadioSelect)
    codes = forms.CharField(
        label="Liste choisie",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Un par ligne : code de Mission Locale (i-milo) ou SIRET, ou « financeur:<numéro> » pour un "
        "financeur (conseil, commune ou EPCI).",
    )

    def clean(self):
        data = super().clean()
        data["mission_locales"], data["funders"] = [], []
        if data.get("kind") != "liste":
            return data
        unknown = []
        for line in (data.get("codes") or "").splitlines():
            code = line.strip().replace(" ", "")
            if not code:
                continue
            if code.startswith("financeur:"):
                funder = Funder.objects.filter(pk=int(code[10:]) if code[10:].isdigit() else 0).first()
                (data["funders"].append(funder) if funder else unknown.append(line.strip()))
                continue
            ml = MissionLocale.objects.filter(code=code).first() or MissionLocale.objects.filter(siret=code).first()
            (data["mission_locales"].append(ml) if ml else unknown.append(line.strip()))
        if unknown:
            raise forms.ValidationError(f"Organisations inconnues : {', '.join(unknown)}.")
        if not data["mission_locales"] and not data["funders"]:
            raise forms.ValidationError("La liste choisie est vide.")
        return data


class SectionForm(DsfrForm):
    title = forms.CharField(label="Titre de la section", max_length=200)


class QuestionForm(DsfrForm):
    section = forms.ModelChoiceField(label="Section", queryset=None)
    code = forms.SlugField(label="Code", max_length=60, help_text="Lettres, chiffres, tirets : unique.")
    text = forms.CharField(label="Question", max_length=400)
    kind = forms.ChoiceField(label="Type", choices=QuestionKind.choices)
    options = forms.CharField(
        label="Options (choix unique ou multiple)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Une par ligne : « valeur | libellé ». Laissez vide pour oui/non et l'échelle de fréquence.",
    )
    required = forms.BooleanField(label="Réponse obligatoire", required=False, initial=True)
    condition_question = forms.ModelChoiceField(label="Posée seulement si la question", queryset=None,
                                                required=False)  # fmt: skip
    condition_values = forms.CharField(label="a pour réponse (valeurs séparées par des virgules)", required=False)

    def __init__(self, *args, questionnaire, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = questionnaire.sections.all()
        self.fields["condition_question"].queryset = questionnaire.questions()

    def clean(self):
        data = super().clean()
        options = []
        for line in (data.get("options") or "").splitlines():
            if line.strip():
                value, _, label = line.partition("|")
                options.append({"value": value.strip(), "label": (label or value).strip()})
        if data.get("kind") in (QuestionKind.SINGLE, QuestionKind.MULTIPLE) and len(options) < 2:
            raise forms.ValidationError("Un choix unique ou multiple demande au moins deux options.")
        data["options"] = options
        values = [v.strip() for v in (data.get("condition_values") or "").split(",") if v.strip()]
        if data.get("condition_question") and not values:
            raise forms.ValidationError("Indiquez la ou les réponses qui font apparaître la question.")
        data["condition_values"] = values
        return data


class CrossForm(DsfrForm):
    question = forms.ChoiceField(label="Question", required=False)
    by = forms.ChoiceField(label="Croiser par", required=False)

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        choice_questions = [q for q in questions if q.choices()]
        self.fields["question"].choices = [("", "—")] + [(q.code, q.text[:90]) for q in choice_questions]
        single = [q for q in choice_questions if q.kind != QuestionKind.MULTIPLE]
        self.fields["by"].choices = [("region", "Région")] + [(q.code, f"Réponse à : {q.text[:80]}") for q in single]
