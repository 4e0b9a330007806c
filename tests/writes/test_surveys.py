"""Write matrix of running a survey: every role × changing the deadline, adding targets, closing × the DGEFP's
national survey, the UNML's, a regional survey of its region (93) and of another (84).

The rule (`surveys.perms.manages_survey`): the DGEFP any survey, the UNML the national surveys it launched, a
DREETS its region's. Refused: 404 (the survey unseen or not run by the user), the database unchanged.
"""

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.surveys.models import SurveyStatus
from tests.factories import user_for_role
from tests.network import user_of
from tests.replay import replayed
from tests.surveys.factories import make_survey
from tests.writes.snapshot import assert_unchanged, database_snapshot

MANAGES = {
    Role.NATIONAL_ADMIN: {"national", "unml", "regional93", "regional84"},
    Role.NATIONAL_OBSERVER: {"unml"},
    Role.REGIONAL_STATE: {"regional93"},
}


@pytest.fixture
@replayed
def surveys(network):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    return {
        "national": make_survey(admin, title="Nationale"),
        "unml": make_survey(user_for_role(Role.NATIONAL_OBSERVER), title="Nationale UNML"),
        "regional93": make_survey(admin, title="Régionale PACA", region=network["region93"]),
        "regional84": make_survey(admin, title="Régionale ARA", region=network["region84"]),
    }


@pytest.mark.parametrize("role", list(Role))
def test_deadline_targets_and_closing(client, network, surveys, role):
    user = user_of(role, network)
    client.force_login(user)
    for key, survey in surveys.items():
        before = database_snapshot("surveys")
        ml = network["ml69"] if key == "regional84" else network["ml13"]
        responses = [
            client.post(reverse("surveys:deadline", args=[survey.pk]), {"deadline": "2099-12-31T12:00"}),
            client.post(reverse("surveys:targets", args=[survey.pk]), {"kind": "liste", "codes": ml.code}),
            client.post(reverse("surveys:action", args=[survey.pk, "clore"])),
        ]
        statuses = [r.status_code for r in responses]
        survey.refresh_from_db()
        if key in MANAGES.get(role, ()):
            assert statuses == [302] * 3, (role, key, statuses)
            assert survey.deadline.year == 2099 and survey.status == SurveyStatus.CLOSED
            assert survey.targets.get().history.first().history_user == user
        else:
            assert statuses == [404] * 3, (role, key, statuses)
            assert_unchanged(before, (role, key))
