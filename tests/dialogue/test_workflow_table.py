"""The dialogue's declared workflow against its table: each transition × the 10 roles × the 13 (the file's
department), the 83 (same region) and the 69 (another region). ADR 0010: the State of the territory leads; the
director transmits its preparation; reopening is the DGEFP's or the DREETS's."""

from datetime import date

import pytest

from pilotage.core.roles import Role
from pilotage.dialogue.services import dialogue_transition
from pilotage.dialogue.workflow import WORKFLOW
from tests.dialogue.conftest import complete
from tests.factories import cpo_for
from tests.workflow_table import DEPARTMENT_13, EVERYWHERE, REGION_93, check_transition, users_by_place

pytestmark = pytest.mark.django_db

STATE = {Role.NATIONAL_ADMIN: EVERYWHERE, Role.REGIONAL_STATE: REGION_93, Role.DEPARTMENTAL_STATE: DEPARTMENT_13}
EXPECTED = {
    "start": {**STATE, Role.ML_DIRECTOR: DEPARTMENT_13},  # the 13's director is the file's Mission Locale's
    "conclude": STATE,
    "reopen": {Role.NATIONAL_ADMIN: EVERYWHERE, Role.REGIONAL_STATE: REGION_93},
    "sign_avenant": STATE,
}
#: the moves that bring the 13's file to a source state of each transition
PATH = {"start": [], "conclude": ["start"], "reopen": ["start", "conclude"], "sign_avenant": ["start", "conclude"]}


def test_the_table_names_every_transition():
    assert set(EXPECTED) == set(WORKFLOW.transitions) == set(PATH)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_who_may_make_each_transition(campaigns, network, name):
    from pilotage.funding.models import Amendment

    dgefp, d13 = campaigns["dgefp"], campaigns["d13"]
    if "conclude" in [*PATH[name], name]:
        complete(d13, dgefp)  # what conclusion needs
    for step in PATH[name]:
        d13 = dialogue_transition(dialogue=d13, name=step, acting_user=dgefp)
    if name == "sign_avenant":
        cpo = cpo_for(network["ml13"], start="2024-01-01")
        Amendment.objects.create(convention=cpo, number=2, year=2025, status="signed", signed_on=date(2025, 3, 1))
    check_transition(WORKFLOW, name, d13, users_by_place(network), EXPECTED[name])
