"""Write matrix of the management dialogue's pages: every role × writing a step's answers, the synthesis table
and a new action of the plan × the files of Missions Locales in its department (13), in its region only (83),
in another region (69). Its transitions have their own table (tests/dialogue/test_workflow_table.py).

The rule (`dialogue.perms`): the Mission Locale (director and team) writes its answers, its director the
synthesis and the action plan; the State that leads the dialogue — the DGEFP, the DREETS of the region, the DDETS
of the department — writes all of it; nobody else. A file outside the territory is a 404; a file seen but not
writable a 403; the database unchanged.
"""

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.dialogue.guide import SYNTHESIS_THEMES
from pilotage.dialogue.models import ManagementDialogue
from pilotage.dialogue.services import campaign_open
from tests.factories import user_for_role
from tests.network import user_of
from tests.replay import replayed
from tests.writes.snapshot import assert_unchanged, database_snapshot

LEADS = {
    Role.NATIONAL_ADMIN: {"ml13", "ml83", "ml69"},
    Role.REGIONAL_STATE: {"ml13", "ml83"},
    Role.DEPARTMENTAL_STATE: {"ml13"},
}
SEES = {**LEADS, Role.ML_DIRECTOR: {"ml13"}, Role.ML_STAFF: {"ml13"}}
ANSWERS = {**LEADS, Role.ML_DIRECTOR: {"ml13"}, Role.ML_STAFF: {"ml13"}}
SYNTHESIS = {**LEADS, Role.ML_DIRECTOR: {"ml13"}}
MISSIONS_LOCALES = ("ml13", "ml83", "ml69")


@pytest.fixture
@replayed
def dialogues(network):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    for region in ("93", "84"):
        campaign_open(region=network[f"region{region}"], year=2026, acting_user=admin)
    return {key: ManagementDialogue.objects.get(mission_locale=network[key]) for key in MISSIONS_LOCALES}


def expected(table, role, key):
    if key in table.get(role, ()):
        return 302
    return 403 if key in SEES.get(role, ()) else 404


@pytest.mark.parametrize("role", list(Role))
def test_answers_synthesis_and_action_plan(client, network, dialogues, role):
    user = user_of(role, network)
    client.force_login(user)
    for key in MISSIONS_LOCALES:
        dialogue = dialogues[key]
        before = database_snapshot("dialogue", "indicators")
        answers = client.post(reverse("dialogue:step", args=[dialogue.pk, "context"]),
                              {"context.diagnostic": "Diagnostic partagé."})  # fmt: skip
        theme = SYNTHESIS_THEMES[0][0]
        synthesis = client.post(reverse("dialogue:synthesis", args=[dialogue.pk]),
                                {f"{theme}-strengths": "Un réseau d'employeurs solide."})  # fmt: skip
        action = client.post(reverse("dialogue:action_create", args=[dialogue.pk]), {
            "theme": theme, "title": "Forum de l'emploi", "owner": "Direction", "due_on": "2026-10-01",
            "status": "planned", "follow_up": "",
        })  # fmt: skip
        statuses = (answers.status_code, synthesis.status_code, action.status_code)
        wanted = (expected(ANSWERS, role, key), expected(SYNTHESIS, role, key), expected(SYNTHESIS, role, key))
        assert statuses == wanted, (role, key, statuses)
        if wanted[0] == 302:
            assert dialogue.answers.get(theme="context.diagnostic").history.first().history_user == user
        if wanted[1] == 302:
            assert dialogue.synthesis.get(theme=theme).strengths == "Un réseau d'employeurs solide."
            assert dialogue.actions.get().history.get().history_user == user
        if wanted == (302, 302, 302):
            continue
        if 302 not in wanted:
            assert_unchanged(before, (role, key))
