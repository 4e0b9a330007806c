"""The management dialogue's rules: campaigns, the workflow (each state × each role), read-only after the
conclusion, reopening with a reason, audit."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pilotage.core.roles import Role
from pilotage.dialogue.models import DialogueCampaign, DialogueStatus, DialogueTransition, ManagementDialogue
from pilotage.dialogue.services import (
    action_save,
    answers_save,
    campaign_open,
    default_calendar,
    dialogue_transition,
    subsidy_propose,
    synthesis_save,
)
from pilotage.dialogue.workflow import WORKFLOW
from tests.dialogue.conftest import complete
from tests.factories import MissionLocaleFactory, cpo_for, user_for_role

pytestmark = pytest.mark.django_db
ROLES = list(Role)


def move(dialogue, status, user):
    """Bring `dialogue` to `status` the regular way."""
    path = {DialogueStatus.IN_PROGRESS: ["start"], DialogueStatus.CONCLUDED: ["start", "conclude"]}[status]
    if "conclude" in path:
        complete(dialogue, user)
    for name in path:
        dialogue = dialogue_transition(dialogue=dialogue, name=name, acting_user=user)
    return dialogue


def test_a_campaign_opens_one_file_per_active_mission_locale_of_the_region(campaigns, network):
    MissionLocaleFactory(department_id="13", is_active=False)
    assert set(campaigns["c93"].dialogues.values_list("mission_locale__code", flat=True)) == {"ML13S00", "ML83S00"}
    assert all(d.status == DialogueStatus.PREPARATION for d in ManagementDialogue.objects.all())
    assert campaigns["c93"].dialogues.first().synthesis.count() == 5
    assert campaigns["c93"].history.first().history_user == campaigns["dgefp"]


def test_default_calendar_follows_the_activity_report_closing_dates():
    calendar = default_calendar(2023)
    assert calendar["activity_report_closing"] == date(2024, 2, 29)  # February of a leap year
    assert calendar["finance_report_closing"] == date(2024, 6, 30)
    assert default_calendar(2024)["activity_report_closing"] == date(2025, 2, 28)


@pytest.mark.parametrize(
    ("role", "department", "allowed"),
    [(Role.NATIONAL_ADMIN, "13", True), (Role.REGIONAL_STATE, "13", True), (Role.REGIONAL_STATE, "69", False),
     (Role.DEPARTMENTAL_STATE, "13", False), (Role.ML_DIRECTOR, "13", False), (Role.REGIONAL_COUNCIL, "13", False),
     (Role.ARML, "13", False), (Role.NATIONAL_OBSERVER, "13", False)],
)  # fmt: skip
def test_who_opens_a_campaign(network, role, department, allowed):
    user = user_for_role(role, department_code=department)
    if allowed:
        assert campaign_open(region=network["region93"], year=2025, acting_user=user).dialogues.count() == 2
    else:
        with pytest.raises(PermissionDenied):
            campaign_open(region=network["region93"], year=2025, acting_user=user)
        assert not DialogueCampaign.objects.exists()


def test_a_campaign_is_opened_once_per_region_and_year(campaigns, network):
    with pytest.raises(ValidationError, match="déjà ouverte"):
        campaign_open(region=network["region93"], year=2024, acting_user=campaigns["dgefp"])


#: (role, user in the 13 or the 83) → the transitions it may make on the 13's file in each state
EXPECTED = {
    DialogueStatus.PREPARATION: {Role.NATIONAL_ADMIN: ["start"], Role.REGIONAL_STATE: ["start"],
                                 Role.DEPARTMENTAL_STATE: ["start"], Role.ML_DIRECTOR: ["start"]},
    DialogueStatus.IN_PROGRESS: {Role.NATIONAL_ADMIN: ["conclude"], Role.REGIONAL_STATE: ["conclude"],
                                 Role.DEPARTMENTAL_STATE: ["conclude"]},
    DialogueStatus.CONCLUDED: {Role.NATIONAL_ADMIN: ["reopen", "sign_avenant"],
                               Role.REGIONAL_STATE: ["reopen", "sign_avenant"],
                               Role.DEPARTMENTAL_STATE: ["sign_avenant"]},
}  # fmt: skip


@pytest.mark.parametrize("status", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_transitions_each_state_by_each_role(campaigns, network, status, role):
    d13 = campaigns["d13"]
    if status != DialogueStatus.PREPARATION:
        d13 = move(d13, status, campaigns["dgefp"])
    user = user_for_role(role, department_code="13", mission_locale=network["ml13"])
    assert [t.name for t in WORKFLOW.available(user, d13)] == EXPECTED[status].get(role, [])
    # the DDETS of another department, and the other region's DREETS, may do nothing on the 13's file
    for outsider in (user_for_role(Role.DEPARTMENTAL_STATE, department_code="83"),
                     user_for_role(Role.REGIONAL_STATE, department_code="69")):  # fmt: skip
        assert WORKFLOW.available(outsider, d13) == []
    # the staff of the Mission Locale prepares but does not transmit
    if status == DialogueStatus.PREPARATION and role == Role.ML_STAFF:
        with pytest.raises(PermissionDenied):
            dialogue_transition(dialogue=d13, name="start", acting_user=user)


def test_the_whole_path_is_logged_with_who_and_why(campaigns, network):
    director = user_for_role(Role.ML_DIRECTOR, mission_locale=network["ml13"])
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    d13 = dialogue_transition(dialogue=campaigns["d13"], name="start", acting_user=director)
    complete(d13, dreets)
    d13 = dialogue_transition(dialogue=d13, name="conclude", acting_user=dreets)
    assert d13.status == DialogueStatus.CONCLUDED and d13.concluded_on is not None
    with pytest.raises(ValidationError, match="motif"):
        dialogue_transition(dialogue=d13, name="reopen", acting_user=dreets)
    d13 = dialogue_transition(dialogue=d13, name="reopen", acting_user=dreets, reason="Erreur sur la subvention")
    log = list(DialogueTransition.objects.filter(dialogue=d13).values_list("from_status", "to_status", "by", "reason"))
    assert log == [
        ("preparation", "in_progress", director.pk, ""),
        ("in_progress", "concluded", dreets.pk, ""),
        ("concluded", "in_progress", dreets.pk, "Erreur sur la subvention"),
    ]
    reopened = d13.history.first()
    assert reopened.history_user == dreets and reopened.history_change_reason == "Erreur sur la subvention"
    assert d13.concluded_on is None


def test_conclusion_needs_synthesis_action_plan_and_subsidy(campaigns):
    dgefp = campaigns["dgefp"]
    d13 = dialogue_transition(dialogue=campaigns["d13"], name="start", acting_user=dgefp)
    with pytest.raises(ValidationError) as error:
        dialogue_transition(dialogue=d13, name="conclude", acting_user=dgefp)
    message = error.value.messages[0]
    assert "subvention proposée" in message and "tableau de synthèse" in message and "plan d'action" in message
    assert ManagementDialogue.objects.get(pk=d13.pk).status == DialogueStatus.IN_PROGRESS


def test_a_concluded_file_is_read_only_but_its_action_plan_is_followed(campaigns, network):
    director = user_for_role(Role.ML_DIRECTOR, mission_locale=network["ml13"])
    d13 = move(campaigns["d13"], DialogueStatus.CONCLUDED, campaigns["dgefp"])
    for write in (
        lambda: answers_save(dialogue=d13, answers={"context.diagnostic": "x"}, acting_user=director),
        lambda: synthesis_save(dialogue=d13, rows={"context": {"strengths": "x"}}, acting_user=director),
        lambda: subsidy_propose(dialogue=d13, amount=Decimal(1), justification="", acting_user=campaigns["dgefp"]),
        lambda: action_save(dialogue=d13, acting_user=director, theme="pathway", title="Nouvelle", owner="x",
                            due_on=date(2025, 1, 1)),
    ):  # fmt: skip
        with pytest.raises(PermissionDenied):
            write()
    action = d13.actions.get()
    action_save(dialogue=d13, action=action, acting_user=director, status="done", follow_up="Fait en mars",
                title="Titre changé")  # fmt: skip
    action.refresh_from_db()
    assert (action.status, action.follow_up, action.title) == ("done", "Fait en mars", "Renforcer le diagnostic")
    assert action.history.first().history_user == director


def test_the_mission_locale_prepares_its_part_and_every_change_is_audited(campaigns, network):
    staff = user_for_role(Role.ML_STAFF, mission_locale=network["ml13"])
    assert answers_save(dialogue=campaigns["d13"], answers={"context.diagnostic": "Territoire rural"},
                        acting_user=staff) == 1  # fmt: skip
    assert answers_save(dialogue=campaigns["d13"], answers={"context.diagnostic": "Territoire rural"},
                        acting_user=staff) == 0  # fmt: skip
    answer = campaigns["d13"].answers.get()
    assert answer.history.first().history_user == staff
    # another Mission Locale's team, or a council, cannot write
    other = user_for_role(Role.ML_STAFF, mission_locale=network["ml83"])
    with pytest.raises(PermissionDenied):
        answers_save(dialogue=campaigns["d13"], answers={"context.diagnostic": "x"}, acting_user=other)
    with pytest.raises(ValidationError):
        answers_save(dialogue=campaigns["d13"], answers={"inconnu": "x"}, acting_user=staff)


def test_the_avenant_state_needs_the_signed_avenant_of_the_year_to_come(campaigns, network):
    from pilotage.funding.models import Amendment

    dgefp = campaigns["dgefp"]
    d13 = move(campaigns["d13"], DialogueStatus.CONCLUDED, dgefp)
    with pytest.raises(ValidationError, match="Aucun avenant 2025 signé"):
        dialogue_transition(dialogue=d13, name="sign_avenant", acting_user=dgefp)
    cpo = cpo_for(network["ml13"], start="2024-01-01")
    Amendment.objects.create(convention=cpo, number=2, year=2025, status="signed", signed_on=date(2025, 3, 1))
    d13 = dialogue_transition(dialogue=d13, name="sign_avenant", acting_user=dgefp)
    assert d13.status == DialogueStatus.AVENANT_SIGNED
    assert WORKFLOW.available(dgefp, d13) == []


def test_late_files(campaigns):
    c93 = campaigns["c93"]
    assert not ManagementDialogue.objects.late(today=c93.preparation_due).exists()
    after_preparation = date.fromordinal(c93.preparation_due.toordinal() + 1)
    assert ManagementDialogue.objects.late(today=after_preparation).count() == 3
    d13 = dialogue_transition(dialogue=campaigns["d13"], name="start", acting_user=campaigns["dgefp"])
    assert d13 not in ManagementDialogue.objects.late(today=after_preparation)
    after_conclusion = date.fromordinal(c93.conclusion_due.toordinal() + 1)
    assert d13 in ManagementDialogue.objects.late(today=after_conclusion)
