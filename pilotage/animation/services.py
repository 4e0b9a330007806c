"""Writes on the regional animation programmes. Keyword-only, atomic; each records who acted."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max

from pilotage.animation.models import (
    ActionFunding,
    ActionType,
    Comment,
    Milestone,
    Objective,
    Programme,
    ProgrammeAction,
    ProgrammeStatus,
    ResultIndicator,
)
from pilotage.animation.rules import funding_refusal, operator_refusal
from pilotage.animation.workflow import WORKFLOW
from pilotage.core.audit import save_audited
from pilotage.core.workflow import transition_apply
from pilotage.funding.models import ConventionKind, ConventionStatus
from pilotage.funding.services import convention_save
from pilotage.reference.models import Funder, FunderType, RegionalAssociation


@transaction.atomic
def programme_create(*, regional_association: RegionalAssociation, year: int, acting_user) -> Programme:
    """Start a programme; the operator must not be a Mission Locale, one programme per ARML and year."""
    if not acting_user.has_perm("animation.add_programme"):
        raise PermissionDenied("Vous ne pouvez pas préparer de programme d'animation.")
    if acting_user.role == "arml" and acting_user.regional_association_id != regional_association.pk:
        raise PermissionDenied("Une ARML prépare le programme de sa région.")
    reason = operator_refusal(regional_association)
    if reason:
        raise ValidationError(reason)
    if Programme.objects.filter(regional_association=regional_association, year=year).exists():
        raise ValidationError(f"Le programme {year} de {regional_association} existe déjà.")
    programme = Programme(regional_association=regional_association, year=year)
    programme.full_clean()
    return save_audited(programme, acting_user)


@dataclass
class ActionData:
    """What the ARML writes for an action (the drafting form's cleaned data)."""

    objective: Objective | None
    title: str
    why: str
    how: str
    method: str
    forecast_cost: Decimal
    state_amount: Decimal
    action_type: ActionType | None = None
    cofundings: dict | None = None  # {Funder: Decimal}
    milestones: list | None = None  # [(label, date)]


def _check_drafting(programme, acting_user):
    if not programme.is_editable:
        raise ValidationError(
            "Le programme n'est plus modifiable : il est soumis ou approuvé (la DREETS peut le rouvrir)."
        )
    if not acting_user.has_perm("animation.draft_programme", programme):
        raise PermissionDenied("Vous ne pouvez pas modifier ce programme.")


@transaction.atomic
def action_save(*, programme: Programme, data: ActionData, acting_user, action: ProgrammeAction | None = None):
    """Add or change an action: under one of the six objectives (the catalogue action's own, if one is
    chosen), State + co-funders not beyond the forecast cost, co-funders other than the State."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    _check_drafting(programme, acting_user)
    cofundings = {funder: amount for funder, amount in (data.cofundings or {}).items() if amount}
    if data.action_type and data.objective is None:
        data.objective = data.action_type.objective
    if any(funder.type == FunderType.ETAT for funder in cofundings):
        raise ValidationError("Le montant de l'État se saisit à part, pas comme cofinancement.")
    refusal = funding_refusal(data.forecast_cost, data.state_amount, cofundings.values())
    if refusal:
        raise ValidationError(refusal)
    if action is None:
        last = programme.actions.aggregate(last=Max("position"))["last"] or 0
        action = ProgrammeAction(programme=programme, position=last + 1)
    elif action.programme_id != programme.pk:
        raise PermissionDenied("Cette action n'est pas de ce programme.")
    for name in ("objective", "action_type", "title", "why", "how", "method", "forecast_cost", "state_amount"):
        setattr(action, name, getattr(data, name))
    if action.objective is None:
        raise ValidationError("Une action se rattache à l'un des six objectifs du programme.")
    action.full_clean(exclude=["programme"])
    save_audited(action, acting_user)
    existing = {f.funder_id: f for f in action.fundings.all()}
    for funder, amount in cofundings.items():
        funding = existing.pop(funder.pk, None) or ActionFunding(action=action, funder=funder)
        if funding.pk is None or funding.amount != amount:
            funding.amount = amount
            save_audited(funding, acting_user)
    for funding in existing.values():
        funding._history_user = acting_user
        funding.delete()
    if data.milestones is not None:
        kept = {(m.label, m.due_on): m for m in action.milestones.all()}
        for label, due_on in data.milestones:
            if kept.pop((label, due_on), None) is None:
                save_audited(Milestone(action=action, label=label, due_on=due_on), acting_user)
        for milestone in kept.values():
            milestone._history_user = acting_user
            milestone.delete()
    return action


@transaction.atomic
def action_delete(*, action: ProgrammeAction, acting_user) -> None:
    _check_drafting(Programme.objects.select_for_update().get(pk=action.programme_id), acting_user)
    action._history_user = acting_user
    action.delete()


def programme_transition(*, programme: Programme, name: str, acting_user, reason: str = "") -> Programme:
    """Make the transition `name` of the declared workflow (`workflow.py`), logged with who, when, from, to and
    why, in one `transition_apply`. Returns the programme as saved."""
    return transition_apply(obj=programme, transition=WORKFLOW.get(name), user=acting_user, reason=reason).obj


@transaction.atomic
def comment_add(*, programme: Programme, text: str, acting_user, action: ProgrammeAction | None = None) -> Comment:
    if not acting_user.has_perm("animation.comment_programme", programme):
        raise PermissionDenied("Vous ne pouvez pas commenter ce programme.")
    text = text.strip()
    if not text:
        raise ValidationError("Le commentaire est vide.")
    if action is not None and action.programme_id != programme.pk:
        raise PermissionDenied("Cette action n'est pas de ce programme.")
    return save_audited(Comment(programme=programme, action=action, author=acting_user, text=text), acting_user)


@transaction.atomic
def programme_record_convention(
    *, programme: Programme, acting_user, reference: str = "", signed_on: date | None = None
):
    """Record the tripartite convention State / regional council / operator of an approved programme, through
    the funding app's `convention_save`: an annual convention of the State with the ARML, the
    regional council as co-signatory."""
    programme = Programme.objects.select_for_update().get(pk=programme.pk)
    if not acting_user.has_perm("animation.review_programme", programme):
        raise PermissionDenied("Seules la DREETS de la région ou la DGEFP enregistrent la convention.")
    if not acting_user.has_perm("funding.add_convention"):
        raise PermissionDenied("Vous ne pouvez pas créer de convention.")
    if programme.status not in {ProgrammeStatus.APPROVED, ProgrammeStatus.REPORTED, ProgrammeStatus.CLOSED}:
        raise ValidationError("La convention se signe sur un programme approuvé.")
    if programme.convention_id:
        raise ValidationError("La convention de ce programme est déjà enregistrée.")
    state = Funder.objects.filter(type=FunderType.ETAT).order_by("pk").first()
    council = Funder.objects.filter(type=FunderType.REGION, region_id=programme.regional_association.region_id).first()
    if state is None:
        raise ValidationError("L'État n'est pas dans le référentiel des financeurs.")
    data = {
        "kind": ConventionKind.ANNUAL,
        "reference": reference,
        "title": f"Programme régional d'animation {programme.year} — {programme.regional_association}",
        "funder": state,
        "co_funders": [council] if council else [],
        "regional_association": programme.regional_association,
        "start_date": date(programme.year, 1, 1),
        "end_date": date(programme.year, 12, 31),
        "status": ConventionStatus.SIGNED if signed_on else ConventionStatus.DRAFT,
        "signed_on": signed_on,
    }
    convention = convention_save(data=data, acting_user=acting_user)
    programme.convention = convention
    save_audited(programme, acting_user, reason="Convention tripartite enregistrée")
    return convention


@dataclass
class ReportData:
    done: str
    cost_spent: Decimal | None
    report_comment: str
    achievements: dict  # {milestone pk: (achievement, achieved_on)}
    indicators: list  # [(label, target, achieved)]


@transaction.atomic
def action_report_save(*, action: ProgrammeAction, data: ReportData, acting_user) -> ProgrammeAction:
    """The activity report of one action: what was done, cost actually spent, milestones met, indicators."""
    action.programme = Programme.objects.select_for_update().get(pk=action.programme_id)
    if not acting_user.has_perm("animation.report_programme", action.programme):
        raise PermissionDenied("Le rapport d'activité s'écrit sur un programme approuvé, par son ARML.")
    action.done, action.cost_spent, action.report_comment = data.done, data.cost_spent, data.report_comment
    action.full_clean(exclude=["programme"])
    save_audited(action, acting_user, reason="Rapport d'activité")
    for milestone in action.milestones.all():
        if milestone.pk not in data.achievements:
            continue
        achievement, achieved_on = data.achievements[milestone.pk]
        if achievement == "met" and achieved_on is None:
            raise ValidationError(f"Indiquez la date à laquelle le jalon « {milestone.label} » a été atteint.")
        if (milestone.achievement, milestone.achieved_on) != (achievement, achieved_on):
            milestone.achievement, milestone.achieved_on = achievement, achieved_on
            save_audited(milestone, acting_user)
    existing = list(action.indicators.all())
    for index, (label, target, achieved) in enumerate(data.indicators):
        indicator = existing[index] if index < len(existing) else ResultIndicator(action=action)
        if indicator.pk is None or (indicator.label, indicator.target, indicator.achieved) != (label, target, achieved):
            indicator.label, indicator.target, indicator.achieved = label, target, achieved
            save_audited(indicator, acting_user)
    for indicator in existing[len(data.indicators) :]:
        indicator._history_user = acting_user
        indicator.delete()
    return action
