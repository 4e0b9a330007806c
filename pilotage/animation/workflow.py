"""The programme's workflow, declared: draft → submitted → (changes requested → submitted) → approved by the
DREETS (the regional council's approval recorded too) → activity report of the next year → closed.

An approved programme is read-only unless the DREETS or the DGEFP reopen it, with a reason (logged)."""

from dataclasses import dataclass

from pilotage.animation.models import ProgrammeStatus as S


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str | None  # None: the status does not change (an approval recorded)
    permission: str
    needs_reason: bool = False
    button_class: str = ""


TRANSITIONS = {
    t.name: t
    for t in (
        Transition("submit", "Soumettre le programme à la DREETS", frozenset({S.DRAFT, S.CHANGES_REQUESTED}),
                   S.SUBMITTED, "animation.draft_programme"),
        Transition("request_changes", "Demander des modifications", frozenset({S.SUBMITTED}), S.CHANGES_REQUESTED,
                   "animation.review_programme", needs_reason=True, button_class="fr-btn--secondary"),
        Transition("approve", "Approuver le programme", frozenset({S.SUBMITTED}), S.APPROVED,
                   "animation.review_programme"),
        Transition("council_approve", "Approuver au nom du conseil régional", frozenset({S.SUBMITTED, S.APPROVED}),
                   None, "animation.council_approve_programme"),
        Transition("reopen", "Rouvrir le programme", frozenset({S.APPROVED}), S.DRAFT, "animation.review_programme",
                   needs_reason=True, button_class="fr-btn--tertiary"),
        Transition("submit_report", "Remettre le rapport d'activité", frozenset({S.APPROVED}), S.REPORTED,
                   "animation.report_programme"),
        Transition("close", "Clore le programme", frozenset({S.REPORTED}), S.CLOSED, "animation.review_programme"),
    )
}  # fmt: skip


def available_transitions(programme, user) -> list[Transition]:
    """The transitions `user` may make now (the buttons of the programme's page)."""
    return [
        t
        for t in TRANSITIONS.values()
        if programme.status in t.sources
        and user.has_perm(t.permission, programme)
        and not (t.name == "council_approve" and programme.council_approved_at)
    ]
