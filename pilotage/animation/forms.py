from django import forms
from django.db.models import Q

from pilotage.animation.models import Achievement, ActionType, Objective, ProgrammeAction
from pilotage.animation.services import ActionData, ReportData
from pilotage.core.forms import AmountField, DsfrForm
from pilotage.reference.models import Funder, FunderType, RegionalAssociation
from pilotage.reference.perms import is_national_admin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXTAREA = forms.Textarea(attrs={"rows": 4})
MILESTONE_ROWS = 4
INDICATOR_ROWS = 3
OTHER_FUNDER_ROWS = 2


class ProgrammeCreateForm(DsfrForm):
    year = forms.IntegerField(label="Année du programme", min_value=2008, max_value=2100)
    regional_association = forms.ModelChoiceField(
        label="Opérateur (ARML)", queryset=RegionalAssociation.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if is_national_admin(user):
            self.fields["regional_association"].queryset = RegionalAssociation.objects.select_related("region")
            self.fields["regional_association"].required = True
        else:
            del self.fields["regional_association"]

    def operator(self):
        return self.cleaned_data.get("regional_association") or self.user.regional_association


class ActionForm(DsfrForm):
    """An action of the programme: a catalogue action (its objective, what, why and how proposed) or a local
    one under one of the six objectives; the funding and the schedule."""

    action_type = forms.ModelChoiceField(
        label="Action du catalogue de l'État",
        queryset=ActionType.objects.select_related("objective"),
        required=False,
        empty_label="— Action locale (hors catalogue) —",
        help_text="Laissez « action locale » pour une action propre à la région.",
    )
    objective = forms.ModelChoiceField(
        label="Objectif", queryset=Objective.objects.select_related("mission"), required=False,
        help_text="Obligatoire pour une action locale ; pour une action du catalogue, son objectif.",
    )  # fmt: skip
    title = forms.CharField(label="Quoi : intitulé de l'action", max_length=300, required=False,
                            help_text="Par défaut, l'intitulé du catalogue.")  # fmt: skip
    why = forms.CharField(label="Pourquoi : les objectifs de l'action", widget=TEXTAREA, required=False,
                          help_text="Un objectif par ligne ; par défaut ceux du catalogue.")  # fmt: skip
    how = forms.CharField(label="Comment : les actions", widget=TEXTAREA, required=False,
                          help_text="Une action par ligne ; par défaut celles du catalogue.")  # fmt: skip
    method = forms.CharField(label="Qui fait quoi : la méthode et l'organisation", widget=TEXTAREA)
    forecast_cost = AmountField(label="Coût prévisionnel de l'action (€)")
    state_amount = AmountField(label="Montant alloué par l'État (€)")

    def __init__(self, *args, programme, action: ProgrammeAction | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        region_id = programme.regional_association.region_id
        self.council = Funder.objects.filter(type=FunderType.REGION, region_id=region_id).first()
        current = {f.funder_id: f.amount for f in action.fundings.all()} if action else {}
        if self.council:
            self.fields["council_amount"] = AmountField(
                label=f"Montant du {self.council} (€)", required=False, initial=current.pop(self.council.pk, None)
            )
        others = Funder.objects.exclude(type=FunderType.ETAT).filter(
            Q(region_id=region_id)
            | Q(department__region_id=region_id)
            | Q(region__isnull=True, department__isnull=True)
        )
        if self.council:
            others = others.exclude(pk=self.council.pk)
        current_others = list(current.items())
        for index in range(max(OTHER_FUNDER_ROWS, len(current_others))):
            funder_id, amount = current_others[index] if index < len(current_others) else (None, None)
            self.fields[f"other_funder_{index}"] = forms.ModelChoiceField(
                label=f"Autre cofinanceur {index + 1}", queryset=others, required=False, initial=funder_id
            )
            self.fields[f"other_amount_{index}"] = AmountField(
                label=f"Montant de l'autre cofinanceur {index + 1} (€)", required=False, initial=amount
            )
        milestones = list(action.milestones.all()) if action else []
        for index in range(max(MILESTONE_ROWS, len(milestones) + 1)):
            milestone = milestones[index] if index < len(milestones) else None
            self.fields[f"milestone_label_{index}"] = forms.CharField(
                label=f"Jalon {index + 1}", max_length=200, required=False, initial=milestone.label if milestone else ""
            )
            self.fields[f"milestone_date_{index}"] = forms.DateField(
                label=f"Échéance du jalon {index + 1}", required=False, widget=DATE,
                initial=milestone.due_on if milestone else None,
            )  # fmt: skip
        if action and not self.is_bound:
            for name in ("action_type", "objective", "title", "why", "how", "method", "forecast_cost", "state_amount"):
                self.initial[name] = getattr(action, f"{name}_id" if name in {"action_type", "objective"} else name)

    def funding_fields(self):
        return [self[name] for name in self.fields if name == "council_amount" or name.startswith("other_")]

    def milestone_fields(self):
        return [self[name] for name in self.fields if name.startswith("milestone_")]

    def main_fields(self):
        prefixes = ("council_amount", "other_", "milestone_")
        return [self[name] for name in self.fields if not name.startswith(prefixes)]

    def clean(self):
        data = super().clean()
        action_type, objective = data.get("action_type"), data.get("objective")
        if action_type:
            if objective and objective != action_type.objective:
                self.add_error(
                    "objective",
                    f"L'action du catalogue « {action_type.title} » relève de l'objectif "
                    f"{action_type.objective.number}.",
                )
            data["objective"] = action_type.objective
            data["title"] = data.get("title") or action_type.title
            data["why"] = data.get("why") or "\n".join(action_type.why)
            data["how"] = data.get("how") or "\n".join(action_type.how)
        else:
            if not objective:
                self.add_error("objective", "Une action locale se rattache à l'un des six objectifs.")
            for name, label in (("title", "l'intitulé"), ("why", "les objectifs"), ("how", "les actions")):
                if not data.get(name):
                    self.add_error(name, f"Pour une action locale, écrivez {label}.")
        for index in range(MILESTONE_ROWS * 10):
            if f"milestone_label_{index}" not in self.fields:
                break
            label, due_on = data.get(f"milestone_label_{index}"), data.get(f"milestone_date_{index}")
            if label and not due_on:
                self.add_error(f"milestone_date_{index}", "Indiquez l'échéance de ce jalon.")
            if due_on and not label:
                self.add_error(f"milestone_label_{index}", "Nommez ce jalon.")
        index = 0
        while f"other_funder_{index}" in self.fields:
            funder, amount = data.get(f"other_funder_{index}"), data.get(f"other_amount_{index}")
            if amount and not funder:
                self.add_error(f"other_funder_{index}", "Choisissez le cofinanceur de ce montant.")
            index += 1
        return data

    def to_data(self) -> ActionData:
        data = self.cleaned_data
        cofundings = {}
        if self.council and data.get("council_amount"):
            cofundings[self.council] = data["council_amount"]
        index = 0
        while f"other_funder_{index}" in self.fields:
            funder, amount = data.get(f"other_funder_{index}"), data.get(f"other_amount_{index}")
            if funder and amount:
                cofundings[funder] = cofundings.get(funder, 0) + amount
            index += 1
        milestones = []
        index = 0
        while f"milestone_label_{index}" in self.fields:
            if data.get(f"milestone_label_{index}"):
                milestones.append((data[f"milestone_label_{index}"], data[f"milestone_date_{index}"]))
            index += 1
        return ActionData(
            objective=data["objective"], action_type=data.get("action_type"), title=data["title"], why=data["why"],
            how=data["how"], method=data["method"], forecast_cost=data["forecast_cost"],
            state_amount=data["state_amount"], cofundings=cofundings, milestones=milestones,
        )  # fmt: skip


class ActionReportForm(DsfrForm):
    done = forms.CharField(label="Ce qui a été fait", widget=TEXTAREA, required=False)
    cost_spent = AmountField(label="Coût réellement dépensé (€)")
    report_comment = forms.CharField(label="Commentaire (écarts, explications)", widget=TEXTAREA, required=False)

    def __init__(self, *args, action: ProgrammeAction, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        self.milestones = list(action.milestones.all())
        for milestone in self.milestones:
            self.fields[f"achievement_{milestone.pk}"] = forms.ChoiceField(
                label=f"Jalon « {milestone.label} » (échéance {milestone.due_on:%d/%m/%Y}) atteint ?",
                choices=[("", "— Non renseigné —"), *Achievement.choices], required=False,
                initial=milestone.achievement,
            )  # fmt: skip
            self.fields[f"achieved_on_{milestone.pk}"] = forms.DateField(
                label=f"Jalon « {milestone.label} » atteint le", required=False, widget=DATE,
                initial=milestone.achieved_on,
            )  # fmt: skip
        indicators = list(action.indicators.all())
        for index in range(max(INDICATOR_ROWS, len(indicators) + 1)):
            indicator = indicators[index] if index < len(indicators) else None
            self.fields[f"indicator_label_{index}"] = forms.CharField(
                label=f"Indicateur de résultat {index + 1}", max_length=200, required=False,
                initial=indicator.label if indicator else "",
            )  # fmt: skip
            self.fields[f"indicator_target_{index}"] = forms.DecimalField(
                label=f"Cible de l'indicateur {index + 1}", required=False, max_digits=12, decimal_places=2,
                initial=indicator.target if indicator else None,
            )  # fmt: skip
            self.fields[f"indicator_achieved_{index}"] = forms.DecimalField(
                label=f"Réalisé pour l'indicateur {index + 1}", required=False, max_digits=12, decimal_places=2,
                initial=indicator.achieved if indicator else None,
            )  # fmt: skip
        if not self.is_bound:
            for name in ("done", "cost_spent", "report_comment"):
                self.initial[name] = getattr(action, name)

    def milestone_section(self):
        return [self[name] for name in self.fields if name.startswith(("achievement_", "achieved_on_"))]

    def indicator_section(self):
        return [self[name] for name in self.fields if name.startswith("indicator_")]

    def clean(self):
        data = super().clean()
        for milestone in self.milestones:
            if data.get(f"achievement_{milestone.pk}") == "met" and not data.get(f"achieved_on_{milestone.pk}"):
                self.add_error(f"achieved_on_{milestone.pk}", "Indiquez la date à laquelle le jalon a été atteint.")
        index = 0
        while f"indicator_label_{index}" in self.fields:
            has_values = (
                data.get(f"indicator_target_{index}") is not None or data.get(f"indicator_achieved_{index}") is not None
            )
            if has_values and not data.get(f"indicator_label_{index}"):
                self.add_error(f"indicator_label_{index}", "Nommez cet indicateur.")
            index += 1
        return data

    def to_data(self) -> ReportData:
        data = self.cleaned_data
        indicators = []
        index = 0
        while f"indicator_label_{index}" in self.fields:
            if data.get(f"indicator_label_{index}"):
                indicators.append(
                    (data[f"indicator_label_{index}"], data.get(f"indicator_target_{index}"),
                     data.get(f"indicator_achieved_{index}"))
                )  # fmt: skip
            index += 1
        return ReportData(
            done=data["done"], cost_spent=data["cost_spent"], report_comment=data["report_comment"],
            achievements={m.pk: (data.get(f"achievement_{m.pk}", ""), data.get(f"achieved_on_{m.pk}"))
                          for m in self.milestones},
            indicators=indicators,
        )  # fmt: skip


class ReasonForm(DsfrForm):
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class CommentForm(DsfrForm):
    action = forms.ModelChoiceField(
        label="Action commentée", queryset=ProgrammeAction.objects.none(), required=False,
        empty_label="— Le programme dans son ensemble —",
    )  # fmt: skip
    text = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].queryset = programme.actions.all()


class ConventionRecordForm(DsfrForm):
    reference = forms.CharField(label="Numéro de la convention", max_length=50, required=False)
    signed_on = forms.DateField(label="Signée le", required=False, widget=DATE,
                                help_text="Laissez vide si la convention est en préparation.")  # fmt: skip
