"""The programme's workflow, declared on the engine of `core/workflow.py`: draft → submitted → (changes
requested → submitted) → approved by the DREETS (the regional council's approval recorded too) → activity report
of the next year → closed.

An approved programme is read-only unless the DREETS or the DGEFP reopen it, with a reason (logged)."""

from pilotage.animation.models import Programme, ProgrammeTransition
from pilotage.animation.models import ProgrammeStatus as S
from pilotage.core.workflow import Messages, Transition, Workflow


def without_action(programme) -> str | None:
    if not programme.actions.exists():
        return "Un programme sans action ne se soumet pas : ajoutez au moins une action."
    return None


def council_already_approved(programme) -> str | None:
    return "Le conseil régional a déjà approuvé ce programme." if programme.council_approved_at else None


def costs_missing(programme) -> str | None:
    missing = [str(a) for a in programme.actions.filter(cost_spent__isnull=True)]
    if missing:
        return "Indiquez le coût réalisé de chaque action avant de remettre le rapport : " + ", ".join(missing) + "."
    return None


def clear_council_approval(move):
    move.obj.council_approved_at = move.obj.council_approved_by = None


def stamp_approval(move):
    move.obj.approved_at, move.obj.approved_by = move.at, move.user


def stamp_council_approval(move):
    move.obj.council_approved_at, move.obj.council_approved_by = move.at, move.user


def clear_approvals(move):
    move.obj.approved_at = move.obj.approved_by = None
    clear_council_approval(move)


def label_and_reason(transition, reason: str) -> str:
    return f"{transition.label}{' : ' + reason if reason else ''}"


WORKFLOW = Workflow(
    model=Programme, states=S, log_model=ProgrammeTransition, log_object_field="programme",
    audit_reason=label_and_reason,
    messages=Messages(
        unknown="Transition inconnue.",
        source="« {action} » n'est pas possible quand le programme est « {state} ».",
        forbidden="Vous ne pouvez pas faire cette action sur ce programme.",
        reason="Indiquez le motif.",
    ),
    transitions=[
        Transition("submit", "Soumettre le programme à la DREETS", {S.DRAFT, S.CHANGES_REQUESTED}, S.SUBMITTED,
                   "animation.draft_programme", guards=without_action, update=clear_council_approval,
                   todo="Programmes à soumettre à la DREETS"),
        Transition("request_changes", "Demander des modifications", S.SUBMITTED, S.CHANGES_REQUESTED,
                   "animation.review_programme", needs_reason=True, button_class="fr-btn--secondary"),
        Transition("approve", "Approuver le programme", S.SUBMITTED, S.APPROVED, "animation.review_programme",
                   update=stamp_approval, todo="Programmes à examiner"),
        Transition("council_approve", "Approuver au nom du conseil régional", {S.SUBMITTED, S.APPROVED}, None,
                   "animation.council_approve_programme", guards=council_already_approved,
                   hidden_while_guarded=True, update=stamp_council_approval,
                   todo="Programmes à approuver au nom du conseil régional"),
        Transition("reopen", "Rouvrir le programme", S.APPROVED, S.DRAFT, "animation.review_programme",
                   needs_reason=True, update=clear_approvals, button_class="fr-btn--tertiary"),
        Transition("submit_report", "Remettre le rapport d'activité", S.APPROVED, S.REPORTED,
                   "animation.report_programme", guards=costs_missing, todo="Rapports d'activité à remettre"),
        Transition("close", "Clore le programme", S.REPORTED, S.CLOSED, "animation.review_programme",
                   todo="Programmes à clore"),
    ],
)  # fmt: skip
