"""The states of a management dialogue file and who may move it (a declared state machine).

preparation → in progress → concluded → avenant signed; concluded → in progress again only by reopening with a
reason. Every move is logged (DialogueTransition) and audited (history of the file)."""

from collections.abc import Callable
from dataclasses import dataclass

from pilotage.dialogue import perms
from pilotage.dialogue.models import DialogueStatus as S


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    source: str
    target: str
    allowed: Callable
    needs_reason: bool = False


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("start", "Transmettre la préparation et ouvrir l'échange", S.PREPARATION, S.IN_PROGRESS,
                   lambda user, d: perms.is_the_director(user, d) or perms.leads_dialogue(user, d)),
        Transition("conclude", "Conclure le dialogue", S.IN_PROGRESS, S.CONCLUDED, perms.leads_dialogue),
        Transition("reopen", "Rouvrir le dialogue", S.CONCLUDED, S.IN_PROGRESS, perms.reopens_dialogue,
                   needs_reason=True),
        Transition("sign_avenant", "Enregistrer la signature de l'avenant", S.CONCLUDED, S.AVENANT_SIGNED,
                   perms.leads_dialogue),
    )
}  # fmt: skip


def available_transitions(user, dialogue) -> list[Transition]:
    return [t for t in TRANSITIONS.values() if t.source == dialogue.status and t.allowed(user, dialogue)]
