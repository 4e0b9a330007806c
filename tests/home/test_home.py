"""The front door: the public landing page, and each person's tasks drawn from the domains' workflows."""

import pytest
from django.urls import reverse

from pilotage.animation.workflow import WORKFLOW as PROGRAMMES
from pilotage.core.roles import Role
from pilotage.core.workflow import transition_apply
from pilotage.dialogue.workflow import WORKFLOW as DIALOGUES
from pilotage.home.todos import todos_for
from pilotage.surveys.models import Response, ResponseStatus
from tests.animation.factories import arml_user, programme_for
from tests.dialogue.conftest import campaigns  # noqa: F401 (fixture)
from tests.factories import user_for_role
from tests.network import network  # noqa: F401 (fixture)
from tests.surveys.factories import make_survey, target_with_token

pytestmark = pytest.mark.django_db


def tasks(user) -> dict[str, int]:
    return {todo.label: todo.count for todo in todos_for(user)}


def test_a_visitor_sees_what_the_platform_is_and_how_to_get_an_account(client, settings):
    settings.CONTACT_EMAIL = "contact@exemple.gouv.fr"
    page = client.get(reverse("home:home"))
    text = page.content.decode()
    assert page.status_code == 200
    for expected in ("Pilotage Missions Locales", "Pour qui", "Obtenir un compte", "mailto:contact@exemple.gouv.fr",
                     reverse("accounts:login"), reverse("core:accessibility"), "ProConnect"):  # fmt: skip
        assert expected in text, expected
    assert "Bonjour" not in text and "À faire" not in text
    statement = client.get(reverse("core:accessibility")).content.decode()
    assert "mailto:contact@exemple.gouv.fr" in statement and "Défenseur des droits" in statement


def test_dialogue_tasks_follow_who_may_move_each_file(campaigns, network):  # noqa: F811
    d13 = campaigns["d13"]
    ddets13 = user_for_role(Role.DEPARTMENTAL_STATE, department_code="13")
    director13 = user_for_role(Role.ML_DIRECTOR, mission_locale=network["ml13"])
    staff13 = user_for_role(Role.ML_STAFF, mission_locale=network["ml13"])
    dreets93 = user_for_role(Role.REGIONAL_STATE, department_code="13")
    council13 = user_for_role(Role.DEPARTMENTAL_COUNCIL, department_code="13")
    to_transmit = "Dossiers en préparation à transmettre"

    assert tasks(campaigns["dgefp"])[to_transmit] == 3  # every region's files
    assert tasks(dreets93)[to_transmit] == 2  # the 13's and the 83's
    assert tasks(ddets13)[to_transmit] == 1 and tasks(director13)[to_transmit] == 1
    assert to_transmit not in tasks(staff13)  # the team prepares, the director transmits
    assert tasks(council13) == {}  # the dialogue is between the State and the Mission Locale

    (todo,) = [t for t in todos_for(director13) if t.label == to_transmit]
    assert todo.url == reverse("dialogue:dialogue", args=[d13.pk]) and todo.examples == (str(d13),)
    (todo,) = [t for t in todos_for(campaigns["dgefp"]) if t.label == to_transmit]
    assert todo.url == reverse("dialogue:followup")

    transition_apply(obj=d13, transition=DIALOGUES.get("start"), user=director13)
    assert to_transmit not in tasks(director13) and "Dialogues à conclure" not in tasks(director13)
    assert tasks(ddets13)["Dialogues à conclure"] == 1  # a guard refusing (nothing written) keeps the task
    assert tasks(ddets13)["Dossiers en retard sur le calendrier"] == 1  # the 2024 campaign's dates are past


def test_programme_tasks_move_from_the_arml_to_the_state_and_the_council(network):  # noqa: F811
    arml = arml_user("93")
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    council = user_for_role(Role.REGIONAL_COUNCIL, department_code="13")
    other_dreets = user_for_role(Role.REGIONAL_STATE, department_code="69")
    programme = programme_for(arml)
    assert tasks(arml) == {"Programmes à soumettre à la DREETS": 1}
    assert tasks(dreets) == {} and tasks(council) == {}

    transition_apply(obj=programme, transition=PROGRAMMES.get("submit"), user=arml)
    assert tasks(arml) == {}
    assert tasks(dreets) == {"Programmes à examiner": 1}
    assert tasks(council) == {"Programmes à approuver au nom du conseil régional": 1}
    assert tasks(other_dreets) == {}  # another region's programme is nobody's task there

    transition_apply(obj=programme, transition=PROGRAMMES.get("council_approve"), user=council)
    assert tasks(council) == {}  # recorded: the task is gone although the state did not change
    transition_apply(obj=programme, transition=PROGRAMMES.get("approve"), user=dreets)
    assert tasks(dreets) == {} and tasks(arml) == {"Rapports d'activité à remettre": 1}


def test_a_survey_to_answer_is_a_task_until_the_response_is_sent(network):  # noqa: F811
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    director = user_for_role(Role.ML_DIRECTOR, mission_locale=network["ml13"])
    council = user_for_role(Role.DEPARTMENTAL_COUNCIL, department_code="13")
    survey = make_survey(dgefp, title="Relations 2026")
    target, _ = target_with_token(survey, mission_locale=network["ml13"])
    assert tasks(director) == {"Enquêtes auxquelles répondre": 1} and tasks(council) == {}
    Response.objects.create(target=target, answers={}, status=ResponseStatus.DRAFT)
    assert tasks(director) == {"Enquêtes auxquelles répondre": 1}  # a draft is not an answer
    Response.objects.filter(target=target).update(status=ResponseStatus.SUBMITTED)
    assert tasks(director) == {}


def test_the_home_page_lists_the_tasks_and_only_the_doors_the_role_has(client, campaigns, network):  # noqa: F811
    director = user_for_role(Role.ML_DIRECTOR, mission_locale=network["ml13"])
    client.force_login(director)
    page = client.get(reverse("home:home")).content.decode()
    assert "À faire" in page and "Dossiers en préparation à transmittre" not in page
    assert "Dossiers en préparation à transmettre" in page
    assert reverse("dialogue:dialogue", args=[campaigns["d13"].pk]) in page
    assert "Ma Mission Locale" in page and "0 région" not in page  # its own place, not an empty territory
    assert reverse("animation:home") not in page  # neither tile nor menu entry: programmes are regional

    observer = user_for_role(Role.NATIONAL_OBSERVER)
    client.force_login(observer)
    page = client.get(reverse("home:home")).content.decode()
    assert "Rien ne vous attend pour le moment" in page and reverse("animation:home") in page
