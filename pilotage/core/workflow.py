"""The one workflow engine of the platform (ADR 0012): declared transitions over a model's state field, one
abstract transition log, and one `transition_apply` that locks, checks, changes, logs, runs the effect and
audits, atomically.

A domain declares its workflow once (`<domain>/workflow.py`)::

    WORKFLOW = Workflow(
        model=Programme, states=ProgrammeStatus, log_model=ProgrammeTransition, log_object_field="programme",
        transitions=[Transition("approve", "Approuver le programme", sources=S.SUBMITTED, target=S.APPROVED,
                                allowed="animation.review_programme", update=stamp_approval), ...],
        messages=Messages(source="« {action} » n'est pas possible quand le programme est « {state} ».", ...),
    )

and its service is one line: ``transition_apply(obj=programme, transition=WORKFLOW.get(name), user=user)``.
The pages ask ``WORKFLOW.available(user, obj)`` for their buttons and ``WORKFLOW.refusal(user, obj, t)`` for
why one is missing. Every refusal is a `TransitionError`: a French message the views show as is.

The checks, in this order, on the row locked and read again: the transition exists; the object is in one of its
sources; the user may (a `rules` predicate or a permission name, evaluated on (user, object)); the reason is
given when required; each guard (a function of the object returning a French reason, or None) passes.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from pilotage.core.audit import save_audited

#: `allowed=SYSTEM`: a transition the platform makes itself (a background job), with no user; never a button
SYSTEM = "system"


class TransitionError(ValidationError):
    """The one error of the engine: a French message for the user. `code` says which rule refused: "unknown",
    "source", "permission", "reason", "guard", "effect"."""

    def __init__(self, message: str, code: str):
        super().__init__(message, code=code)

    def __str__(self):
        return " ".join(self.messages)


class TransitionForbidden(TransitionError, PermissionDenied):
    """The user may not make this transition (code "permission"): also a PermissionDenied, as every other
    refused write of the platform."""

    def __init__(self, message: str):
        super().__init__(message, code="permission")


Guard = Callable[[Any], "str | None"]


@dataclass(frozen=True)
class Transition:
    """One declared move of a workflow."""

    name: str
    #: the French label of the action (the button, the change reason)
    label: str
    #: the state(s) it starts from
    sources: frozenset | str | Iterable[str]
    #: the state it leads to; None: the state does not change (a decision recorded, e.g. a co-signatory's approval)
    target: str | None
    #: who may: a permission name (`user.has_perm(name, obj)`), a predicate (user, obj) → bool, or SYSTEM
    allowed: str | Callable
    #: each returns a French reason when the transition is not possible now, else None
    guards: tuple[Guard, ...] = ()
    #: True: the button is hidden while a guard refuses (the decision is already recorded, say); False (default):
    #: the button is shown and a click explains what is missing
    hidden_while_guarded: bool = False
    #: fields of the object that change with the state (stamps, dates), saved in the same audited write:
    #: called with the `Move` before the state is set
    update: Callable[["Move"], None] | None = None
    #: what else happens, in the transaction, after the state is saved and logged (other rows, mails): called
    #: with the `Move`, its result is `Move.outcome`; an exception rolls everything back
    effect: Callable[["Move"], Any] | None = None
    needs_reason: bool = False
    #: the French label of the resulting state (default: the state's own label)
    state_label: str = ""
    #: presentation hint for the pages' buttons (a DSFR class)
    button_class: str = ""
    #: when set, an object waiting for this transition is a task of whoever may make it, listed on their home
    #: page under this French heading (plural, e.g. "Dialogues à conclure"); see `Workflow.pending`
    todo: str = ""
    workflow: "Workflow | None" = field(default=None, compare=False, repr=False)

    def __post_init__(self):
        sources = self.sources
        if isinstance(sources, str):
            sources = (sources,)
        object.__setattr__(self, "sources", frozenset(sources))
        if isinstance(self.guards, Callable):
            object.__setattr__(self, "guards", (self.guards,))
        else:
            object.__setattr__(self, "guards", tuple(self.guards))

    def is_permitted(self, user, obj) -> bool:
        """Who may, on (user, object), whatever the state."""
        if self.allowed == SYSTEM or user is None:
            return self.allowed == SYSTEM and user is None
        if not (getattr(user, "is_authenticated", False) and user.is_active):
            return False
        if isinstance(self.allowed, str):
            return user.has_perm(self.allowed, obj)
        return bool(self.allowed(user, obj))

    def guard_refusal(self, obj) -> str | None:
        for guard in self.guards:
            reason = guard(obj)
            if reason:
                return reason
        return None


@dataclass(frozen=True)
class Messages:
    """The French messages of one workflow's refusals. `source` may use {state} (the current state's label),
    {action} (the transition's label) and {target} (the resulting state's label)."""

    unknown: str = "Changement d'état inconnu."
    source: str = "« {action} » n'est pas possible : l'état est « {state} »."
    forbidden: str = "Vous ne pouvez pas faire ce changement d'état."
    reason: str = "Indiquez le motif."


def reason_or_label(transition: Transition, reason: str) -> str:
    """The history's change reason: the user's reason, else the action's label."""
    return reason or transition.label


@dataclass
class Move:
    """One application of a transition, given to `update` and `effect` and returned by `transition_apply`."""

    obj: Any
    transition: Transition
    user: Any
    reason: str
    source: str
    at: datetime
    params: Mapping = field(default_factory=dict)
    log: Any = None
    outcome: Any = None


class Workflow:
    """The transitions of one model's state field, their log model and their messages."""

    def __init__(
        self,
        *,
        model: type[models.Model],
        states: type[models.TextChoices],
        log_model: type["TransitionLog"],
        log_object_field: str,
        transitions: Iterable[Transition],
        state_field: str = "status",
        messages: Messages = Messages(),
        audit_reason: Callable[[Transition, str], str] = reason_or_label,
    ):
        self.model, self.states, self.state_field = model, states, state_field
        self.log_model, self.log_object_field = log_model, log_object_field
        self.messages, self.audit_reason = messages, audit_reason
        self.transitions: dict[str, Transition] = {}
        valid = set(states.values)
        for declared in transitions:
            if declared.name in self.transitions:
                raise ImproperlyConfigured(f"{model.__name__}: transition « {declared.name} » déclarée deux fois.")
            unknown = (declared.sources | {declared.target} - {None}) - valid
            if unknown or not declared.sources:
                raise ImproperlyConfigured(f"{model.__name__}.{declared.name}: états inconnus {sorted(unknown)}.")
            label = declared.state_label or (states(declared.target).label if declared.target else "")
            self.transitions[declared.name] = replace(declared, workflow=self, state_label=label)

    def __iter__(self):
        return iter(self.transitions.values())

    def get(self, name: str) -> Transition:
        """The transition `name`, or the workflow's "unknown" refusal."""
        try:
            return self.transitions[name]
        except KeyError:
            raise TransitionError(self.messages.unknown, code="unknown") from None

    def state_of(self, obj) -> str:
        return getattr(obj, self.state_field)

    def state_label(self, value: str) -> str:
        return self.states(value).label

    def transitions_to(self, target: str) -> list[Transition]:
        return [t for t in self if t.target == target]

    def refusal(self, user, obj, transition: Transition, *, reason: str | None = None) -> TransitionError | None:
        """Why `user` cannot make `transition` on `obj` now (the first rule that refuses), or None. The reason is
        checked only when given (`reason=None`: the question is asked before the user writes one)."""
        state = self.state_of(obj)
        if state not in transition.sources:
            message = self.messages.source.format(
                state=self.state_label(state), action=transition.label, target=transition.state_label
            )
            return TransitionError(message, code="source")
        if not transition.is_permitted(user, obj):
            return TransitionForbidden(self.messages.forbidden)
        if reason is not None and transition.needs_reason and not reason.strip():
            return TransitionError(self.messages.reason, code="reason")
        guarded = transition.guard_refusal(obj)
        if guarded:
            return TransitionError(guarded, code="guard")
        return None

    def available(self, user, obj) -> list[Transition]:
        """The transitions `user` may make on `obj` now, in their declared order (the page's buttons): from the
        object's state, permitted; a transition whose guard refuses stays offered (its click explains what is
        missing) unless it is declared `hidden_while_guarded`."""
        state = self.state_of(obj)
        return [
            t
            for t in self
            if t.allowed != SYSTEM
            and state in t.sources
            and t.is_permitted(user, obj)
            and not (t.hidden_while_guarded and t.guard_refusal(obj))
        ]

    def pending(self, user, objects) -> list[tuple[Transition, list]]:
        """The tasks of `user` among `objects` (already restricted to what the user sees): for each transition
        declared with a `todo` heading, in declared order, the objects in one of its sources that the user may
        move. A guard that refuses does not remove a task (the task is to complete what is missing), except for a
        transition `hidden_while_guarded` (its decision is already recorded)."""
        tasks = [t for t in self if t.todo and t.allowed != SYSTEM]
        found: dict[str, list] = {t.name: [] for t in tasks}
        for obj in objects:
            state = self.state_of(obj)
            for t in tasks:
                if (
                    state in t.sources
                    and t.is_permitted(user, obj)
                    and not (t.hidden_while_guarded and t.guard_refusal(obj))
                ):
                    found[t.name].append(obj)
        return [(t, found[t.name]) for t in tasks if found[t.name]]

    def todo_sources(self) -> set[str]:
        """The states in which an object may be someone's task (to narrow the query before `pending`)."""
        return {state for t in self if t.todo for state in t.sources}


def transition_apply(*, obj, transition: Transition, user, reason: str = "", params: Mapping | None = None) -> Move:
    """Make `transition` on `obj` for `user`: lock the row, read its state again, check source, permission,
    reason and guards, run `update`, change the state, save it with its history (acting user, change reason),
    record the log, run the effect; all or nothing. Returns the `Move` (the locked object, its log, the effect's
    outcome). Raises `TransitionError` (a `TransitionForbidden` when the user may not)."""
    workflow = transition.workflow
    if workflow is None:
        raise ImproperlyConfigured(f"La transition « {transition.name} » n'appartient à aucun workflow.")
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = workflow.model._default_manager.select_for_update().get(pk=obj.pk)
        refused = workflow.refusal(user, locked, transition, reason=reason)
        if refused is not None:
            raise refused
        move = Move(obj=locked, transition=transition, user=user, reason=reason, source=workflow.state_of(locked),
                    at=timezone.now(), params=params or {})  # fmt: skip
        if transition.update is not None:
            transition.update(move)
        if transition.target is not None:
            setattr(locked, workflow.state_field, transition.target)
        save_audited(locked, user, workflow.audit_reason(transition, reason))
        log = workflow.log_model(
            **{workflow.log_object_field: locked},
            name=transition.name, from_status=move.source, to_status=workflow.state_of(locked), by=user,
            at=move.at, reason=reason,
        )  # fmt: skip
        move.log = save_audited(log, user)
        if transition.effect is not None:
            try:
                move.outcome = transition.effect(move)
            except TransitionError:
                raise
            except ValidationError as exc:
                raise TransitionError(" ".join(exc.messages), code="effect") from exc
    return move


class TransitionLog(models.Model):
    """The log of a workflow: who made which transition, when, from which state to which, and why. Each domain's
    concrete log adds the foreign key to its object (named as `Workflow.log_object_field`, related_name
    "transitions") and redeclares `from_status`/`to_status` with its states' choices."""

    name = models.CharField("transition", max_length=30)
    from_status = models.CharField("de", max_length=30)
    to_status = models.CharField("vers", max_length=30)
    #: empty for a transition the platform made itself (SYSTEM)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="par"
    )
    at = models.DateTimeField("le", default=timezone.now)
    reason = models.TextField("motif", blank=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.name} : {self.from_status} → {self.to_status}"
