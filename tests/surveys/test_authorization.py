"""Who sees which survey and its results (pages and exports) and who runs it: each role × each kind of survey.
Out of reach → 404."""

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.surveys.models import Survey, SurveyStatus
from tests.factories import user_for_role
from tests.network import user_of
from tests.replay import replayed
from tests.surveys.factories import make_survey, questionnaire, target_with_token

SURVEYS = ("national", "published", "regional93", "regional84", "unml")
ALL = set(SURVEYS)
#: role of a user in the 13 → (surveys seen, surveys managed)
EXPECTED = {
    Role.NATIONAL_ADMIN: (ALL, ALL),
    # the UNML runs the national surveys it launched, not the State's (it cannot withdraw their publication)
    Role.NATIONAL_OBSERVER: (ALL, {"unml"}),
    Role.REGIONAL_STATE: ({"published", "regional93"}, {"regional93"}),
    Role.DEPARTMENTAL_STATE: ({"published"}, set()),
    Role.REGIONAL_COUNCIL: ({"published"}, set()),
    Role.DEPARTMENTAL_COUNCIL: ({"published"}, set()),
    Role.MUNICIPALITY: ({"published"}, set()),
    Role.ML_DIRECTOR: ({"published"}, set()),
    Role.ML_STAFF: ({"published"}, set()),
    Role.ARML: ({"published"}, set()),
}


@pytest.fixture
@replayed
def surveys(network):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    return {
        "national": make_survey(admin, title="Nationale en cours"),
        "published": make_survey(admin, title="Nationale publiée", status=SurveyStatus.CLOSED, results_published=True),
        "regional93": make_survey(admin, title="Régionale PACA", region=network["region93"]),
        "regional84": make_survey(admin, title="Régionale ARA", region=network["region84"]),
        "unml": make_survey(user_for_role(Role.NATIONAL_OBSERVER), title="Nationale UNML"),
    }


def test_every_role_is_in_the_matrix():
    assert set(EXPECTED) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_survey_pages_and_exports_by_role(client, network, surveys, role):
    seen, managed = EXPECTED[role]
    client.force_login(user_of(role, network))
    listing = client.get(reverse("surveys:home")).content.decode()
    for key, survey in surveys.items():
        expected = 200 if key in seen else 404
        assert (survey.title in listing) == (key in seen), (role, key)
        assert client.get(reverse("surveys:detail", args=[survey.pk])).status_code == expected, (role, key)
        assert client.get(reverse("surveys:results", args=[survey.pk])).status_code == expected, (role, key)
        export = client.get(reverse("surveys:results_export", args=[survey.pk, "csv"]))
        assert export.status_code == expected, (role, key)
        situations = client.get(reverse("surveys:situations", args=[survey.pk]))
        assert situations.status_code == (200 if key in managed else 404), (role, key)
        action = client.post(reverse("surveys:action", args=[survey.pk, "relancer"]))
        assert action.status_code == (302 if key in managed else 404), (role, key)
        detail = client.get(reverse("surveys:detail", args=[survey.pk]))
        if detail.status_code == 200:
            assert ("Suivi des réponses" in detail.content.decode()) == (key in managed), (role, key)


@pytest.mark.parametrize("role", list(Role))
def test_who_creates_surveys_and_edits_questionnaires(client, network, role):
    client.force_login(user_of(role, network))
    creates = role in {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER, Role.REGIONAL_STATE}
    assert client.get(reverse("surveys:create")).status_code == (200 if creates else 404)
    assert client.get(reverse("surveys:questionnaire_list")).status_code == (200 if creates else 404)


def test_a_dreets_survey_is_regional_and_targets_its_region_only(client, network):
    dreets = user_of(Role.REGIONAL_STATE, network)
    client.force_login(dreets)
    response = client.post(reverse("surveys:create"), {
        "questionnaire": questionnaire().pk, "title": "Relations en PACA", "deadline": "2099-06-15T12:00",
    })  # fmt: skip
    assert response.status_code == 302
    survey = Survey.objects.get(title="Relations en PACA")
    assert survey.region_id == "93"
    client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "missions_locales"})
    assert {t.mission_locale.code for t in survey.targets.all()} == {"ML13S00", "ML83S00"}
    page = client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "liste", "codes": "ML69S00"}, follow=True)
    assert "pas dans la région" in page.content.decode()
    assert survey.targets.count() == 2


def test_a_member_of_a_target_organisation_answers_signed_in_others_get_404(client, network):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin)
    target_with_token(survey, mission_locale=network["ml13"])
    client.force_login(user_of(Role.ML_DIRECTOR, network))
    assert client.get(reverse("surveys:answer_signed_in", args=[survey.pk])).status_code == 200
    client.force_login(user_for_role(Role.ML_DIRECTOR, mission_locale=network["ml83"]))
    assert client.get(reverse("surveys:answer_signed_in", args=[survey.pk])).status_code == 404
