"""The survey's workflow, declared on the engine of `core/workflow.py`: draft → open → closed, by the survey's
managers (`surveys.manage_survey`). Opening needs a target and a deadline to come, and sends the invitations."""

from pilotage.core.workflow import Messages, Transition, Workflow
from pilotage.surveys.links import target_issue_link
from pilotage.surveys.models import Survey, SurveyTransition
from pilotage.surveys.models import SurveyStatus as S


def without_target(survey) -> str | None:
    return None if survey.targets.exists() else "Ajoutez au moins un destinataire avant d'ouvrir l'enquête."


def past_deadline(survey) -> str | None:
    if survey.is_past_deadline:
        return "La date limite est passée : reportez-la avant d'ouvrir l'enquête."
    return None


def send_invitations(move) -> dict:
    """A personal link for each target, e-mailed to it: {target: link} (shown once to the manager)."""
    targets = move.obj.targets.select_related("mission_locale", "funder")
    base_url = move.params.get("base_url", "")
    return {target: target_issue_link(target=target, base_url=base_url, acting_user=move.user) for target in targets}


def status_or_reason(transition, reason: str) -> str:
    return reason or f"Statut : {transition.state_label}"


WORKFLOW = Workflow(
    model=Survey, states=S, log_model=SurveyTransition, log_object_field="survey", audit_reason=status_or_reason,
    messages=Messages(
        unknown="Changement d'état inconnu.",
        source="Une enquête « {state} » ne peut pas passer à « {target} ».",
        forbidden="Vous ne gérez pas cette enquête.",
    ),
    transitions=[
        Transition("open", "Ouvrir et envoyer les invitations", S.DRAFT, S.OPEN, "surveys.manage_survey",
                   guards=(without_target, past_deadline), effect=send_invitations),
        Transition("close", "Clore l'enquête", S.OPEN, S.CLOSED, "surveys.manage_survey"),
    ],
)  # fmt: skip
