"""The states of a management dialogue file and who may move it, declared on the engine of `core/workflow.py`.

preparation → in progress → concluded → avenant signed; concluded → in progress again only by reopening with a
reason. Every move is logged (DialogueTransition) and audited (history of the file)."""

from django.utils import timezone

from pilotage.core.workflow import Messages, Transition, Workflow
from pilotage.dialogue import perms
from pilotage.dialogue.models import DialogueStatus as S
from pilotage.dialogue.models import DialogueTransition, ManagementDialogue
from pilotage.funding.models import Amendment


def amendment_for(dialogue, *, signed: bool = False):
    """The avenant of the Mission Locale's CPO for the year the dialogue prepares (the signed one if asked)."""
    amendments = Amendment.objects.of_cpo(dialogue.mission_locale, dialogue.campaign.target_year)
    return (amendments.signed() if signed else amendments).first()


def conclusion_missing(dialogue) -> str | None:
    missing = []
    if dialogue.proposed_subsidy is None:
        missing.append("la subvention proposée (étape conclusive)")
    if not any(row.is_filled for row in dialogue.synthesis.all()):
        missing.append("le tableau de synthèse")
    if not dialogue.actions.exists():
        missing.append("au moins une action du plan d'action")
    return "Pour conclure, complétez : " + ", ".join(missing) + "." if missing else None


def avenant_missing(dialogue) -> str | None:
    if amendment_for(dialogue, signed=True) is None:
        year = dialogue.campaign.target_year
        return f"Aucun avenant {year} signé n'est enregistré sur la CPO de cette Mission Locale."
    return None


def stamp_conclusion(move):
    move.obj.concluded_on = timezone.localdate(move.at)


def clear_conclusion(move):
    move.obj.concluded_on = None


WORKFLOW = Workflow(
    model=ManagementDialogue, states=S, log_model=DialogueTransition, log_object_field="dialogue",
    messages=Messages(
        unknown="Changement d'état inconnu.",
        source="Le dossier est « {state} » : « {action} » n'est pas possible.",
        forbidden="Vous ne pouvez pas faire ce changement d'état.",
        reason="Indiquez le motif de la réouverture.",
    ),
    transitions=[
        Transition("start", "Transmettre la préparation et ouvrir l'échange", S.PREPARATION, S.IN_PROGRESS,
                   perms.transmits_preparation, todo="Dossiers en préparation à transmettre"),
        Transition("conclude", "Conclure le dialogue", S.IN_PROGRESS, S.CONCLUDED, perms.leads_dialogue,
                   guards=conclusion_missing, update=stamp_conclusion, todo="Dialogues à conclure"),
        Transition("reopen", "Rouvrir le dialogue", S.CONCLUDED, S.IN_PROGRESS, perms.reopens_dialogue,
                   needs_reason=True, update=clear_conclusion, button_class="fr-btn--secondary"),
        Transition("sign_avenant", "Enregistrer la signature de l'avenant", S.CONCLUDED, S.AVENANT_SIGNED,
                   perms.leads_dialogue, guards=avenant_missing, todo="Avenants à signer après le dialogue"),
    ],
)  # fmt: skip
