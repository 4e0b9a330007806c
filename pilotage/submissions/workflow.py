"""The approval of submitted data per region × year, on the engine of `core/workflow.py` (ADR 0012, 0020):

    submitted ─(job takes it)→ processing ─(valid)→ validated ─→ approved (DREETS) ─→ published
                                          ├(invalid)→ invalid   ↑  │ withdraw (reason)  │ withdraw (reason)
                                          │        validated/withdrawn ←───────────────┘
                                          └(a national export, valid)→ split: one validated submission per region
The job takes a submission with `start` on its locked row: a second worker, or the command and a worker, find it
« processing » and stop.
A DDETS pre-approves its department (a decision logged, no change of state); a reviewer may reject a validated
submission (reason); a newer valid submission of the same region and year replaces the older pending ones.
Approved or published data locks the region and year: a new submission needs the approval withdrawn first."""

from django.db import transaction
from django.db.models import Q

from pilotage.core.jobs import job_start
from pilotage.core.workflow import SYSTEM, Messages, Transition, Workflow, transition_apply
from pilotage.indicators.services import results_publish, results_restage, results_unstage
from pilotage.submissions.models import PENDING_STATES, Submission, SubmissionTransition
from pilotage.submissions.models import SubmissionStatus as S
from pilotage.submissions.perms import approves, pre_approves


def pre_approved_departments(submission) -> set[str]:
    """The departments whose DDETS pre-approved this submission (from the log)."""
    logs = submission.transitions.filter(name="pre_approve").select_related("by__state_service")
    return {log.by.state_service.department_id for log in logs if log.by and log.by.state_service}


def pre_approves_not_yet(user, submission) -> bool:
    return pre_approves(user, submission) and user.state_service.department_id not in pre_approved_departments(
        submission
    )


def replace_older(move) -> int:
    """The older pending submissions of the same region and year are replaced by this one."""
    older = Submission.objects.filter(
        ~Q(pk=move.obj.pk), region_id=move.obj.region_id, year=move.obj.year,
        status__in=PENDING_STATES - {S.APPROVED},
    )  # fmt: skip
    count = 0
    for submission in older:
        transition_apply(obj=submission, transition=WORKFLOW.get("supersede"), user=None)
        count += 1
    return count


def unstage(move) -> None:
    if move.obj.staged_dataset_id:
        results_unstage(dataset_id=move.obj.staged_dataset_id)


def publish(move):
    """A new current version of the year: the region's values from the staged copy, the nation recomputed."""
    if move.obj.staged_dataset is None:
        raise ValueError("no staged dataset")
    dataset = results_publish(staged=move.obj.staged_dataset, acting_user=move.user)
    Submission.objects.filter(pk=move.obj.pk).update(published_dataset=dataset)
    move.obj.published_dataset = dataset
    # the other submissions under review of this year (their peers, the published values) and of the next (their
    # N-1) are compared with what is published now: their stored quality reports are computed again, in the
    # background, once the publication is committed (the page computes a stale one itself if it comes first)
    year, user = move.obj.year, move.user
    transaction.on_commit(
        lambda: job_start(
            kind="submission_quality",
            user=user,
            params={"year": year},
            label=f"Revues de qualité {year} et {year + 1} après la publication",
        )
    )
    return dataset


def restage(move) -> None:
    """A withdrawn approval puts the staged copy back under review (the published version stays until the next
    publication)."""
    if move.obj.staged_dataset_id:
        results_restage(dataset_id=move.obj.staged_dataset_id)


def status_or_reason(transition, reason: str) -> str:
    return reason or f"Statut : {transition.state_label or transition.label}"


WORKFLOW = Workflow(
    model=Submission, states=S, log_model=SubmissionTransition, log_object_field="submission",
    audit_reason=status_or_reason,
    messages=Messages(
        unknown="Changement d'état inconnu.",
        source="« {action} » n'est pas possible : le dépôt est « {state} ».",
        forbidden="Vous ne pouvez pas faire ce changement sur ce dépôt.",
        reason="Indiquez le motif : il est conservé dans l'historique du dépôt.",
    ),
    transitions=[
        Transition("start", "Traitement commencé", S.SUBMITTED, S.PROCESSING, SYSTEM),
        Transition("validate", "Validation réussie", S.PROCESSING, S.VALIDATED, SYSTEM, effect=replace_older),
        Transition("refuse", "Validation échouée", S.PROCESSING, S.INVALID, SYSTEM),
        Transition("split", "Réparti en dépôts régionaux", S.PROCESSING, S.SPLIT, SYSTEM),
        Transition("supersede", "Remplacé par un dépôt plus récent", PENDING_STATES - {S.APPROVED}, S.SUPERSEDED,
                   SYSTEM, effect=unstage),
        Transition("pre_approve", "Pré-approuver mon département", S.VALIDATED, None, pre_approves_not_yet,
                   state_label="pré-approuvé"),
        Transition("approve", "Approuver", (S.VALIDATED, S.WITHDRAWN), S.APPROVED, approves,
                   todo="Données à approuver"),
        Transition("publish", "Publier", S.APPROVED, S.PUBLISHED, approves, effect=publish,
                   todo="Données à publier"),
        Transition("withdraw", "Retirer l'approbation", (S.APPROVED, S.PUBLISHED), S.WITHDRAWN, approves,
                   needs_reason=True, effect=restage, button_class="fr-btn--secondary"),
        Transition("reject", "Écarter ce dépôt", (S.VALIDATED, S.WITHDRAWN), S.REJECTED, approves,
                   needs_reason=True, effect=unstage, button_class="fr-btn--tertiary"),
    ],
)  # fmt: skip
