"""Writes of the management dialogue: keyword-only, atomic, recording the acting user (history + log)."""

import calendar
import logging
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
    DialogueStatus,
    DialogueTransition,
    ManagementDialogue,
    StepComment,
    SynthesisRow,
    ThemeAnswer,
)
from pilotage.dialogue.workflow import WORKFLOW
from pilotage.funding.models import Convention
from pilotage.reference.models import MissionLocale

audit_log = logging.getLogger("pilotage.audit")


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


#: with no CPO recorded yet, a campaign may examine one of these last years (the CPOs last four years)
YEARS_WITHOUT_CPO = 4
#: the dates of the calendar that must come in this order, each with its French name
CALENDAR_ORDER = [
    ("opens_on", "l'ouverture"),
    ("preparation_due", "la préparation des Missions Locales"),
    ("conclusion_due", "la conclusion des dialogues"),
]


def campaign_years(today: date | None = None) -> range:
    """The years a campaign may examine: those of the CPOs known to the platform (from the first year of the
    earliest to the last year of the latest), never after the current year (its activity must have begun);
    without any CPO, the current year and the three before."""
    current = (today or date.today()).year
    years = Convention.objects.cpo_years()
    if years is None:
        return range(current - YEARS_WITHOUT_CPO + 1, current + 1)
    return range(years.start, min(years.stop - 1, current) + 1)


def campaign_errors(year: int | None, dates: dict[str, date | None]) -> dict[str, str]:
    """Field → French message: the year outside `campaign_years`, the calendar's dates out of order or outside
    the year examined and the next. Dates left empty take the usual calendar's."""
    years = campaign_years()
    if year is not None and year not in years:
        span = f"de {years[0]} à {years[-1]}" if len(years) > 1 else str(years[0])
        example = years[-2] if len(years) > 1 else years[-1]  # usually last year's activity is examined
        return {
            "year": f"Saisissez une année des CPO connues de la plateforme ({span}) : l'année dont l'activité est "
            f"examinée, par exemple {example}."
        }
    filled = {**(default_calendar(year) if year else {}), **{k: v for k, v in dates.items() if v}}
    errors = {}
    for (before, label), (after, _) in zip(CALENDAR_ORDER, CALENDAR_ORDER[1:], strict=False):
        if filled.get(before) and filled.get(after) and filled[after] <= filled[before]:
            errors[after] = f"Choisissez une date postérieure à {label} ({filled[before]:%d/%m/%Y})."
    closing, finance = filled.get("activity_report_closing"), filled.get("finance_report_closing")
    if closing and finance and finance < closing:
        errors["finance_report_closing"] = (
            f"Choisissez une date qui ne précède pas la clôture du compte rendu d'activité ({closing:%d/%m/%Y})."
        )
    for name, value in filled.items() if year else ():
        if value and not year <= value.year <= year + 1:
            errors.setdefault(name, f"Choisissez une date de {year} ou de {year + 1}, par exemple le 15/01/{year + 1}.")
    return errors


@transaction.atomic
def campaign_open(*, region, year: int, acting_user, **calendar_dates) -> DialogueCampaign:
    """Open the campaign of `region` for year `year`: one file for each active Mission Locale of the region."""
    if not perms.opens_campaign(acting_user, region):
        raise PermissionDenied("Vous ne pouvez pas ouvrir de campagne pour cette région.")
    if DialogueCampaign.objects.filter(region=region, year=year).exists():
        raise ValidationError({"year": f"La campagne {year} de la région {region.name} est déjà ouverte."})
    errors = campaign_errors(year, calendar_dates)
    if errors:
        raise ValidationError(errors)
    dates = {**default_calendar(year), **{k: v for k, v in calendar_dates.items() if v}}
    campaign = DialogueCampaign(region=region, year=year, opened_by=acting_user, **dates)
    save_audited(campaign, acting_user, "Ouverture de la campagne")
    for ml in MissionLocale.objects.active().for_region(region.code).order_by("pk"):
        dialogue = ManagementDialogue(campaign=campaign, mission_locale=ml)
        save_audited(dialogue, acting_user, "Ouverture de la campagne")
        for theme, _ in SYNTHESIS_THEMES:
            save_audited(SynthesisRow(dialogue=dialogue, theme=theme), acting_user)
    return campaign


def campaign_untouched_refusal(campaign: DialogueCampaign) -> str | None:
    """A campaign may be cancelled while none of its files has moved: all in preparation, nothing written."""
    dialogues = ManagementDialogue.objects.filter(campaign=campaign)
    moved = []
    if (
        dialogues.exclude(status=DialogueStatus.PREPARATION).exists()
        or DialogueTransition.objects.filter(dialogue__campaign=campaign).exists()
    ):
        moved.append("un dossier a changé d'état")
    if ThemeAnswer.objects.filter(dialogue__campaign=campaign).exclude(text="").exists():
        moved.append("des thèmes sont renseignés")
    if StepComment.objects.filter(dialogue__campaign=campaign).exists():
        moved.append("des commentaires sont écrits")
    if dialogues.filter(proposed_subsidy__isnull=False).exists():
        moved.append("une subvention est proposée")
    if ActionPlanItem.objects.filter(dialogue__campaign=campaign).exists():
        moved.append("un plan d'action est commencé")
    if any(row.is_filled for row in SynthesisRow.objects.filter(dialogue__campaign=campaign)):
        moved.append("un tableau de synthèse est commencé")
    if moved:
        return "La campagne ne peut plus être annulée : " + ", ".join(moved) + "."
    return None


@transaction.atomic
def campaign_cancel(*, campaign: DialogueCampaign, reason: str, acting_user) -> None:
    """Cancel a campaign opened by mistake (a wrong year, wrong dates) while none of its files has moved: the
    campaign and its empty files are deleted, and the deletion is kept in the campaign's history with who, when
    and why (listed on the dialogue's home page), and in the `pilotage.audit` log."""
    if not perms.opens_campaign(acting_user, campaign.region):
        raise PermissionDenied("Vous ne pouvez pas annuler cette campagne.")
    campaign = DialogueCampaign.objects.select_for_update().get(pk=campaign.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Indiquez pourquoi la campagne est annulée, par exemple « année erronée »."})
    refusal = campaign_untouched_refusal(campaign)
    if refusal:
        raise ValidationError(refusal)
    label, files = str(campaign), campaign.dialogues.count()
    campaign._history_user = acting_user
    campaign._change_reason = f"Annulation de la campagne : {reason}"
    campaign.delete()
    audit_log.info("Campagne annulée : %s (%d dossiers) par %s — %s", label, files, acting_user.email, reason)


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
