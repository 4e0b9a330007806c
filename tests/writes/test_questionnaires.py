"""Write matrix of the questionnaires: every role × adding a section to a questionnaire copy made by the DREETS
of Provence-Alpes-Côte d'Azur (93), by a DREETS of another region (84), by the UNML, and to one a national survey
of the DGEFP uses.

The rule (`surveys.perms.edits_questionnaire`): a template never changes; a copy is written by the DGEFP or by
the service that made it, while every survey using it is one the user manages. Before, any DREETS could change
another region's questionnaire, or the one of a national survey in preparation. Refused: a French message on the
page, a 404 for those who run no survey, and the database unchanged.
"""

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.surveys.models import SurveyStatus
from pilotage.surveys.services import questionnaire_copy
from tests.factories import user_for_role
from tests.network import user_of
from tests.replay import replayed
from tests.surveys.factories import make_survey, questionnaire
from tests.writes.snapshot import assert_unchanged, database_snapshot

EDITS = {
    Role.NATIONAL_ADMIN: {"dreets93", "dreets84", "unml", "national_survey"},
    Role.REGIONAL_STATE: {"dreets93"},  # the user is a colleague of the DREETS 93 that made the copy
    Role.NATIONAL_OBSERVER: {"unml"},
}
RUNS_SURVEYS = set(EDITS)


@pytest.fixture
@replayed
def copies(network):
    template = questionnaire()
    dreets93 = user_for_role(Role.REGIONAL_STATE, department_code="13")
    dreets84 = user_for_role(Role.REGIONAL_STATE, department_code="69")
    unml = user_for_role(Role.NATIONAL_OBSERVER)
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    national = questionnaire_copy(questionnaire=template, acting_user=dreets93)
    survey = make_survey(dgefp, status=SurveyStatus.DRAFT, title="Enquête nationale")
    survey.questionnaire = national  # the DGEFP's national draft uses a copy the DREETS 93 made
    survey.save()
    return {
        "dreets93": questionnaire_copy(questionnaire=template, acting_user=dreets93),
        "dreets84": questionnaire_copy(questionnaire=template, acting_user=dreets84),
        "unml": questionnaire_copy(questionnaire=template, acting_user=unml),
        "national_survey": national,
        "template": template,
    }


@pytest.mark.parametrize("role", list(Role))
def test_adding_a_section(client, network, copies, role):
    user = user_of(role, network)
    client.force_login(user)
    for key in ("dreets93", "dreets84", "unml", "national_survey", "template"):
        copy = copies[key]
        before = database_snapshot("surveys")
        response = client.post(reverse("surveys:questionnaire_detail", args=[copy.pk]),
                               {"section-title": "Section ajoutée", "add_section": "1"}, follow=True)  # fmt: skip
        added = copy.sections.filter(title="Section ajoutée")
        if key in EDITS.get(role, ()):
            assert added.get().history.get().history_user == user, (role, key)
            continue
        if role in RUNS_SURVEYS:
            page = response.content.decode()
            assert response.status_code == 200, (role, key)
            assert "copiez-le" in page, (role, key)
        else:
            assert response.status_code == 404, (role, key)
        assert_unchanged(before, (role, key))
