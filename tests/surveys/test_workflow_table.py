"""The survey's declared workflow against its table: open and close × the 10 roles × the 13, the 83 (region 93)
and the 69 (region 84), for a survey of region 93, a national survey of the State and one of the UNML. The DGEFP
manages every survey, the UNML the national ones it launched, a DREETS its region's
(`surveys.perms.manages_survey`)."""

import pytest

from pilotage.core.roles import Role
from pilotage.core.workflow import TransitionError
from pilotage.surveys.models import SurveyStatus
from pilotage.surveys.services import survey_transition
from pilotage.surveys.workflow import WORKFLOW
from tests.factories import user_for_role
from tests.surveys.factories import make_survey, target_with_token
from tests.workflow_table import EVERYWHERE, REGION_93, check_transition, users_by_place

pytestmark = pytest.mark.django_db

EXPECTED = {
    "regional": {Role.NATIONAL_ADMIN: EVERYWHERE, Role.REGIONAL_STATE: REGION_93},
    "national": {Role.NATIONAL_ADMIN: EVERYWHERE},
    "unml": {Role.NATIONAL_ADMIN: EVERYWHERE, Role.NATIONAL_OBSERVER: EVERYWHERE},
}
SOURCE = {"open": SurveyStatus.DRAFT, "close": SurveyStatus.OPEN}


def test_the_table_names_every_transition():
    assert set(SOURCE) == set(WORKFLOW.transitions)


@pytest.mark.parametrize("kind", list(EXPECTED))
@pytest.mark.parametrize("name", list(SOURCE))
def test_who_may_make_each_transition(network, kind, name):
    author = user_for_role(Role.NATIONAL_OBSERVER if kind == "unml" else Role.NATIONAL_ADMIN)
    region = network["region93"] if kind == "regional" else None
    survey = make_survey(author, status=SOURCE[name], region=region)
    target_with_token(survey, mission_locale=network["ml13"])  # opening needs a target
    check_transition(WORKFLOW, name, survey, users_by_place(network), EXPECTED[kind])


def test_no_transition_leads_back_to_draft(network):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin, status=SurveyStatus.OPEN)
    with pytest.raises(TransitionError, match="Une enquête « Ouverte » ne peut pas passer à « En préparation ».$"):
        survey_transition(survey=survey, to=SurveyStatus.DRAFT, acting_user=admin)
    with pytest.raises(TransitionError, match="Une enquête « Ouverte » ne peut pas passer à « Ouverte ».$"):
        survey_transition(survey=survey, to=SurveyStatus.OPEN, acting_user=admin)
    assert not survey.transitions.exists()
