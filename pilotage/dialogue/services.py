"""Writes of the management dialogue: keyword-only, atomic, recording the acting user (history + log)."""

import calendar
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from pilotage.core.audit import save_audited
from pilotage.core.workflow import transition_apply
from pilotage.dialogue import perms
from pilotage.dialogue.guide import SYNTHESIS_THEMES, THEME_KEYS
from pilotage.dialogue.models import (
    ActionPlanItem,
    DialogueCampaign,
    ManagementDialogue,
    StepComment,
    SynthesisRow,
    ThemeAnswer,
)
from pilotage.dialogue.workflow import WORKFLOW
from pilotage.reference.models import MissionLocale


def default_calendar(year: int) -> dict[str, date]:
    """The usual calendar of the dialogue on year Y: the activity report closes in February of Y+1 (activity
    and HR) and in June (finance) (seed 004); preparation by mid-March, dialogues concluded by the end of May."""
    following = year + 1
    return {
        "opens_on": date(following, 1, 15),
        "preparation_due": date(following, 3, 15),
        "conclusion_due": date(following, 5, 31),
        "activity_report_closing": date(following, 2, calendar.monthrange(following, 2)[1]),
        "finance_report_closing": date(following, 6, 30),
    }


@transaction.atomic
def campaign_open(*, region, year: int, acting_user, **calendar_dates) -> DialogueCampaign:
    """Open the campaign of `region` for year `year`: one file for each active Mission Locale of the region."""
    if not perms.opens_campaign(acting_user, region):
        raise PermissionDenied("Vous ne pouvez pas ouvrir de campagne pour cette région.")
    if DialogueCampaign.objects.filter(region=region, year=year).exists():
        raise ValidationError(f"La campagne {year} de la région {region.name} est déjà ouverte.")
    dates = {**default_calendar(year), **{k: v for k, v in calendar_dates.items() if v}}
    if dates["preparation_due"] > dates["conclusion_due"]:
        raise ValidationError("La préparation doit être attendue avant la date de conclusion des dialogues.")
    campaign = DialogueCampaign(region=region, year=year, opened_by=acting_user, **dates)
    save_audited(campaign, acting_user, "Ouverture de la campagne")
    for ml in MissionLocale.objects.active().for_region(region.code).order_by("pk"):
        dialogue = ManagementDialogue(campaign=campaign, mission_locale=ml)
        save_audited(dialogue, acting_user, "Ouverture de la campagne")
        for theme, _ in SYNTHESIS_THEMES:
            save_audited(SynthesisRow(dialogue=dialogue, theme=theme), acting_user)
    return campaign


def _check(allowed: bool, message: str):
    if not allowed:
        raise PermissionDenied(message)


@transaction.atomic
def answers_save(*, dialogue: ManagementDialogue, answers: dict[str, str], acting_user) -> int:
    """Record the texts of some themes {theme key: text}; returns how many changed."""
    _check(perms.writes_answers(acting_user, dialogue), "Ce dossier n'est pas modifiable par vous en cet état.")
    changed = 0
    for theme, text in answers.items():
        if theme not in THEME_KEYS:
            raise ValidationError(f"Thème inconnu : {theme}")
        answer = ThemeAnswer.objects.filter(dialogue=dialogue, theme=theme).first()
        text = (text or "").strip()
        if (answer.text if answer else "") == text:
            continue
        answer = answer or ThemeAnswer(dialogue=dialogue, theme=theme)
        answer.text = text
        save_audited(answer, acting_user)
        changed += 1
    return changed


@transaction.atomic
def comment_add(*, dialogue: ManagementDialogue, step: str, text: str, acting_user) -> StepComment:
    _check(perms.writes_answers(acting_user, dialogue), "Vous ne pouvez pas commenter ce dossier en cet état.")
    if not text.strip():
        raise ValidationError("Le commentaire est vide.")
    return save_audited(StepComment(dialogue=dialogue, step=step, text=text.strip(), author=acting_user), acting_user)


@transaction.atomic
def synthesis_save(*, dialogue: ManagementDialogue, rows: dict[str, dict[str, str]], acting_user) -> int:
    """rows: {theme: {"strengths": …, "areas_for_progress": …, "priority_actions": …}}."""
    _check(perms.writes_synthesis(acting_user, dialogue), "Le tableau de synthèse n'est pas modifiable par vous.")
    changed = 0
    for theme, fields in rows.items():
        row, _ = SynthesisRow.objects.get_or_create(dialogue=dialogue, theme=theme)
        new = {k: (fields.get(k) or "").strip() for k in ("strengths", "areas_for_progress", "priority_actions")}
        if all(getattr(row, k) == v for k, v in new.items()):
            continue
        for key, value in new.items():
            setattr(row, key, value)
        save_audited(row, acting_user)
        changed += 1
    return changed


@transaction.atomic
def action_save(*, dialogue: ManagementDialogue, acting_user, action: ActionPlanItem | None = None,
                **fields) -> ActionPlanItem:  # fmt: skip
    """Create or change an action of the plan. After the conclusion only its state and follow-up change."""
    if action is not None and action.dialogue_id != dialogue.pk:
        raise PermissionDenied("Cette action n'est pas de ce dossier.")
    if dialogue.is_open:
        _check(perms.writes_synthesis(acting_user, dialogue), "Le plan d'action n'est pas modifiable par vous.")
    else:
        _check(action is not None and perms.follows_action_plan(acting_user, dialogue),
               "Le dossier est conclu : seul le suivi des actions peut changer.")  # fmt: skip
        fields = {k: v for k, v in fields.items() if k in ("status", "follow_up")}
    action = action or ActionPlanItem(dialogue=dialogue)
    for key, value in fields.items():
        setattr(action, key, value)
    action.full_clean()
    return save_audited(action, acting_user)


@transaction.atomic
def subsidy_propose(*, dialogue: ManagementDialogue, amount: Decimal | None, justification: str,
                    acting_user) -> ManagementDialogue:  # fmt: skip
    _check(perms.proposes_subsidy(acting_user, dialogue), "La proposition de subvention revient à l'État.")
    if amount is not None and amount < 0:
        raise ValidationError("Le montant proposé ne peut pas être négatif.")
    dialogue.proposed_subsidy = amount
    dialogue.subsidy_justification = justification.strip()
    return save_audited(dialogue, acting_user, "Proposition de subvention")


def dialogue_transition(*, dialogue: ManagementDialogue, name: str, acting_user, reason: str = ""):
    """Move the file along its declared workflow (`workflow.py`): checks, state, log and history in one
    `transition_apply`. Returns the file as saved."""
    return transition_apply(obj=dialogue, transition=WORKFLOW.get(name), user=acting_user, reason=reason).obj
