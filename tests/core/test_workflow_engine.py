"""The workflow engine of `core/workflow.py`, each rule on its own, on a workflow declared here (over the survey's
model and log, which are only a place to store a state): source, permission, reason, guard, update, effect,
audit, the lock against a concurrent transition, the queries of the pages, the declaration's checks.

Every refusal leaves the database as it was (state, log, history, and what an effect wrote)."""

import threading

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pilotage.core.roles import Role
from pilotage.core.workflow import (
    SYSTEM,
    Messages,
    Transition,
    TransitionError,
    TransitionForbidden,
    Workflow,
    transition_apply,
)
from pilotage.surveys.models import Survey, SurveyTransition
from pilotage.surveys.models import SurveyStatus as S
from tests.factories import user_for_role
from tests.surveys.factories import make_survey


def is_admin(user, survey) -> bool:
    return user.role == Role.NATIONAL_ADMIN


def year_missing(survey) -> str | None:
    return None if survey.funding_year else "Indiquez l'année de financement analysée."


def title_too_long(survey) -> str | None:
    return "Le titre est trop long." if len(survey.title) > 30 else None


def stamp_year(move):
    move.obj.funding_year = move.obj.funding_year or 2024


def rename_then_fail(move):
    Survey.objects.filter(pk=move.obj.pk).update(title="Écrit par l'effet")
    raise RuntimeError("panne du serveur de courriel")


def refuse_in_effect(move):
    Survey.objects.filter(pk=move.obj.pk).update(title="Écrit par l'effet")
    raise ValidationError("Le destinataire n'a pas d'adresse.")


def count_targets(move):
    return {"by": move.user, "reason": move.reason, "from": move.source, "param": move.params.get("x")}


MESSAGES = Messages(
    unknown="Action inconnue.",
    source="« {action} » impossible : l'enquête est « {state} » (vers « {target} »).",
    forbidden="Ce n'est pas à vous.",
    reason="Un motif, s'il vous plaît.",
)
ENGINE = Workflow(
    model=Survey, states=S, log_model=SurveyTransition, log_object_field="survey", messages=MESSAGES,
    transitions=[
        Transition("open", "Ouvrir", S.DRAFT, S.OPEN, is_admin, guards=(year_missing, title_too_long),
                   effect=count_targets),
        Transition("close", "Clore", {S.DRAFT, S.OPEN}, S.CLOSED, "surveys.manage_survey", needs_reason=True),
        Transition("stamp", "Estampiller", S.OPEN, None, is_admin, guards=year_missing, hidden_while_guarded=True),
        Transition("open_stamped", "Ouvrir en datant", S.DRAFT, S.OPEN, is_admin, update=stamp_year),
        Transition("crash", "Planter", S.DRAFT, S.OPEN, is_admin, effect=rename_then_fail),
        Transition("refuse", "Refuser", S.DRAFT, S.OPEN, is_admin, effect=refuse_in_effect),
        Transition("auto", "Ouvrir automatiquement", S.DRAFT, S.OPEN, SYSTEM),
    ],
)  # fmt: skip


def snapshot(survey):
    """Everything a transition may write: the row, its log, its history."""
    row = Survey.objects.values("status", "title", "funding_year").get(pk=survey.pk)
    log = list(SurveyTransition.objects.filter(survey=survey).values_list("name", "from_status", "to_status"))
    return row, log, survey.history.count()


@pytest.fixture
def admin(db):
    return user_for_role(Role.NATIONAL_ADMIN)


@pytest.fixture
def survey(admin):
    return make_survey(admin, status=S.DRAFT, funding_year=2024, title="Enquête")


def refused(survey, name, user, code, reason="", **params):
    before = snapshot(survey)
    with pytest.raises(TransitionError) as error:
        transition_apply(obj=survey, transition=ENGINE.get(name), user=user, reason=reason, params=params)
    assert error.value.code == code
    assert snapshot(survey) == before
    return error.value


def test_a_transition_changes_the_state_logs_and_audits(survey, admin):
    move = transition_apply(obj=survey, transition=ENGINE.get("open"), user=admin, reason="  Lancement  ",
                            params={"x": 1})  # fmt: skip
    assert move.obj.status == S.OPEN == Survey.objects.get(pk=survey.pk).status
    log = SurveyTransition.objects.get(survey=survey)
    assert (log.name, log.from_status, log.to_status, log.by) == ("open", "draft", "open", admin)
    assert log.reason == "Lancement"
    assert log.at == move.at and move.log == log
    record = survey.history.first()
    assert (record.history_user, record.history_change_reason, record.status) == (admin, "Lancement", "open")
    assert move.outcome == {"by": admin, "reason": "Lancement", "from": "draft", "param": 1}


def test_without_a_reason_the_history_says_the_action(survey, admin):
    transition_apply(obj=survey, transition=ENGINE.get("open"), user=admin)
    assert survey.history.first().history_change_reason == "Ouvrir"


def test_source_mismatch(survey, admin):
    survey.status = S.CLOSED
    survey.save()
    error = refused(survey, "open", admin, "source")
    assert str(error) == "« Ouvrir » impossible : l'enquête est « Close » (vers « Ouverte »)."
    assert not isinstance(error, PermissionDenied)


def test_the_state_is_read_again_under_the_lock_not_taken_from_the_callers_copy(survey, admin):
    stale = Survey.objects.get(pk=survey.pk)
    transition_apply(obj=survey, transition=ENGINE.get("open"), user=admin)
    assert stale.status == S.DRAFT  # the caller's copy still says draft
    refused(stale, "open", admin, "source")
    assert SurveyTransition.objects.filter(survey=survey).count() == 1


def test_permission_denied_for_a_predicate_and_for_a_permission_name(survey, admin):
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="69")
    error = refused(survey, "open", dreets, "permission")
    assert isinstance(error, TransitionForbidden) and isinstance(error, PermissionDenied)
    assert str(error) == "Ce n'est pas à vous."
    # "surveys.manage_survey": a DREETS manages its region's surveys only (the survey is national)
    refused(survey, "close", dreets, "permission", reason="Fin")
    inactive = user_for_role(Role.NATIONAL_ADMIN)
    inactive.is_active = False
    refused(survey, "open", inactive, "permission")
    refused(survey, "open", None, "permission")


def test_permission_is_checked_before_the_reason_and_the_guards(survey):
    survey.funding_year = None
    survey.save()
    observer_of_nothing = user_for_role(Role.ML_STAFF)
    refused(survey, "open", observer_of_nothing, "permission")
    refused(survey, "close", observer_of_nothing, "permission")  # no reason either: permission first


def test_guard_refusal_gives_the_guards_reason_in_order(survey, admin):
    survey.funding_year = None
    survey.title = "Un titre beaucoup trop long pour ce test"
    survey.save()
    assert str(refused(survey, "open", admin, "guard")) == "Indiquez l'année de financement analysée."
    survey.funding_year = 2024
    survey.save()
    assert str(refused(survey, "open", admin, "guard")) == "Le titre est trop long."


def test_reason_required(survey, admin):
    assert str(refused(survey, "close", admin, "reason")) == "Un motif, s'il vous plaît."
    refused(survey, "close", admin, "reason", reason="   \n ")
    move = transition_apply(obj=survey, transition=ENGINE.get("close"), user=admin, reason=" Annulée ")
    assert move.log.reason == "Annulée" and move.obj.status == S.CLOSED


def test_unknown_transition():
    with pytest.raises(TransitionError, match="Action inconnue.") as error:
        ENGINE.get("publish")
    assert error.value.code == "unknown"


def test_update_is_saved_with_the_state_in_one_audited_write(survey, admin):
    survey.funding_year = None
    survey.save()
    records = survey.history.count()
    move = transition_apply(obj=survey, transition=ENGINE.get("open_stamped"), user=admin)
    assert (move.obj.status, move.obj.funding_year) == (S.OPEN, 2024)
    assert survey.history.count() == records + 1
    assert (survey.history.first().status, survey.history.first().funding_year) == ("open", 2024)


def test_a_failing_effect_rolls_everything_back(survey, admin):
    before = snapshot(survey)
    with pytest.raises(RuntimeError, match="panne"):
        transition_apply(obj=survey, transition=ENGINE.get("crash"), user=admin)
    assert snapshot(survey) == before  # state, log, history and the effect's own write: all undone


def test_an_effect_that_refuses_is_a_transition_error(survey, admin):
    assert str(refused(survey, "refuse", admin, "effect")) == "Le destinataire n'a pas d'adresse."


def test_a_decision_without_a_change_of_state(survey, admin):
    survey.status = S.OPEN
    survey.save()
    move = transition_apply(obj=survey, transition=ENGINE.get("stamp"), user=admin)
    assert move.obj.status == S.OPEN
    assert (move.log.from_status, move.log.to_status) == ("open", "open")


def test_system_transitions_are_the_platforms_only(survey, admin):
    refused(survey, "auto", admin, "permission")
    assert "auto" not in [t.name for t in ENGINE.available(admin, survey)]
    move = transition_apply(obj=survey, transition=ENGINE.get("auto"), user=None)
    assert move.obj.status == S.OPEN and move.log.by is None
    assert survey.history.first().history_user is None


def test_available_and_refusal_for_the_pages(survey, admin):
    dreets = user_for_role(Role.REGIONAL_STATE)
    assert [t.name for t in ENGINE.available(admin, survey)] == ["open", "close", "open_stamped", "crash", "refuse"]
    assert ENGINE.available(dreets, survey) == []
    # a guarded transition stays offered (the click explains) unless declared hidden while guarded
    survey.funding_year = None
    assert "open" in [t.name for t in ENGINE.available(admin, survey)]
    assert str(ENGINE.refusal(admin, survey, ENGINE.get("open"))) == "Indiquez l'année de financement analysée."
    survey.status = S.OPEN
    assert [t.name for t in ENGINE.available(admin, survey)] == ["close"]
    survey.funding_year = 2024
    assert [t.name for t in ENGINE.available(admin, survey)] == ["close", "stamp"]
    # the question asked before the user writes a reason does not ask for one; the application does
    assert ENGINE.refusal(admin, survey, ENGINE.get("close")) is None
    assert ENGINE.refusal(admin, survey, ENGINE.get("close"), reason="").code == "reason"
    assert ENGINE.refusal(dreets, survey, ENGINE.get("close")).code == "permission"


def test_the_declaration_is_checked():
    def declare(*transitions):
        return Workflow(model=Survey, states=S, log_model=SurveyTransition, log_object_field="survey",
                        transitions=transitions)  # fmt: skip

    with pytest.raises(ImproperlyConfigured, match="deux fois"):
        declare(Transition("a", "A", S.DRAFT, S.OPEN, is_admin), Transition("a", "A", S.OPEN, S.CLOSED, is_admin))
    with pytest.raises(ImproperlyConfigured, match="états inconnus"):
        declare(Transition("a", "A", "brouillon", S.OPEN, is_admin))
    with pytest.raises(ImproperlyConfigured, match="états inconnus"):
        declare(Transition("a", "A", S.DRAFT, "publiée", is_admin))
    with pytest.raises(ImproperlyConfigured):
        transition_apply(obj=None, transition=Transition("a", "A", S.DRAFT, S.OPEN, is_admin), user=None)
    workflow = declare(Transition("a", "A", (S.DRAFT, S.OPEN), S.CLOSED, is_admin))
    assert workflow.get("a").sources == {S.DRAFT, S.OPEN} and workflow.get("a").state_label == "Close"


# An oracle: random sequences of attempts against a plain model of the same declaration, written from the rules.

ATTEMPTS = st.lists(
    st.tuples(st.sampled_from(["open", "close", "stamp", "open_stamped", "auto"]),
              st.sampled_from(["admin", "dreets", "system"]), st.sampled_from(["", "Motif"]),
              st.sampled_from([None, 2023])),
    max_size=6,
)  # fmt: skip
#: name → (sources, target or None, who, reason required, needs a funding year)
PLAIN = {
    "open": ({"draft"}, "open", "admin", False, True),
    "close": ({"draft", "open"}, "closed", "admin", True, False),
    "stamp": ({"open"}, None, "admin", False, True),
    "open_stamped": ({"draft"}, "open", "admin", False, False),
    "auto": ({"draft"}, "open", "system", False, False),
}


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(attempts=ATTEMPTS)
def test_random_sequences_follow_the_plain_rules(db, attempts):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    users = {"admin": admin, "dreets": user_for_role(Role.REGIONAL_STATE), "system": None}
    survey = make_survey(admin, status=S.DRAFT, funding_year=2024)
    state, year, expected_log = "draft", 2024, []
    for name, who, reason, new_year in attempts:
        if new_year != year:  # the guard's input changes between attempts
            Survey.objects.filter(pk=survey.pk).update(funding_year=new_year)
            year = new_year
        sources, target, allowed, needs_reason, needs_year = PLAIN[name]
        accepted = state in sources and who == allowed and (reason or not needs_reason) and (year or not needs_year)
        try:
            transition_apply(obj=survey, transition=ENGINE.get(name), user=users[who], reason=reason)
        except TransitionError:
            assert not accepted, (name, who, reason, state, year)
        else:
            assert accepted, (name, who, reason, state, year)
            if name == "open_stamped":
                year = year or 2024
            expected_log.append((name, state, target or state))
            state = target or state
    assert Survey.objects.get(pk=survey.pk).status == state
    log = list(SurveyTransition.objects.filter(survey=survey).values_list("name", "from_status", "to_status"))
    assert log == expected_log
    Survey.objects.filter(pk=survey.pk).delete()


# Two transitions on the same object at once: the row lock makes the second wait, read the new state and fail.


def _slow_effect(locked: threading.Event):
    def effect(move):
        locked.set()
        threading.Event().wait(0.5)  # hold the lock while the other request arrives

    return effect


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL (production, CI)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_transitions_only_one_wins():
    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin, status=S.DRAFT, funding_year=2024, days=30)
    locked = threading.Event()
    racing = Workflow(
        model=Survey, states=S, log_model=SurveyTransition, log_object_field="survey",
        transitions=[
            Transition("open", "Ouvrir", S.DRAFT, S.OPEN, is_admin, effect=_slow_effect(locked)),
            Transition("cancel", "Annuler", S.DRAFT, S.CLOSED, is_admin),
        ],
    )  # fmt: skip
    outcomes = {}

    def attempt(name, wait_for=None):
        try:
            if wait_for is not None:
                wait_for.wait(5)
            transition_apply(obj=survey, transition=racing.get(name), user=admin)
            outcomes[name] = "won"
        except TransitionError as error:
            outcomes[name] = error.code
        finally:
            connection.close()

    first = threading.Thread(target=attempt, args=("open",))
    second = threading.Thread(target=attempt, args=("cancel", locked))
    first.start()
    second.start()
    first.join(20)
    second.join(20)
    assert outcomes == {"open": "won", "cancel": "source"}
    assert Survey.objects.get(pk=survey.pk).status == S.OPEN
    assert list(SurveyTransition.objects.filter(survey=survey).values_list("name", flat=True)) == ["open"]


def test_the_engine_runs_in_one_transaction(survey, admin):
    """Called inside a caller's transaction (a request, ATOMIC_REQUESTS), a refusal rolls back only its own work."""
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            transition_apply(obj=survey, transition=ENGINE.get("crash"), user=admin)
        move = transition_apply(obj=survey, transition=ENGINE.get("open"), user=admin)
    assert move.obj.status == Survey.objects.get(pk=survey.pk).status == S.OPEN
