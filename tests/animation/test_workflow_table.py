"""The programme's declared workflow against its table: each transition × the 10 roles × the 13, the 83 (region
93, the programme's) and the 69 (region 84). ADR 0011: the ARML of the region drafts and reports, the
DREETS of the region reviews, the regional council of the region approves its part; the DGEFP may do the State's
and the operator's part anywhere."""

from decimal import Decimal

import pytest

from pilotage.animation.services import ReportData, action_report_save, programme_transition
from pilotage.animation.workflow import WORKFLOW
from pilotage.core.roles import Role
from tests.animation.factories import arml_user, programme_for, regional_council
from tests.factories import state_funder, user_for_role
from tests.workflow_table import EVERYWHERE, REGION_93, check_transition, users_by_place

pytestmark = pytest.mark.django_db

OPERATOR = {Role.NATIONAL_ADMIN: EVERYWHERE, Role.ARML: REGION_93}  # the region's ARML (one per region)
REVIEWER = {Role.NATIONAL_ADMIN: EVERYWHERE, Role.REGIONAL_STATE: REGION_93}
EXPECTED = {
    "submit": OPERATOR,
    "request_changes": REVIEWER,
    "approve": REVIEWER,
    "council_approve": {Role.REGIONAL_COUNCIL: REGION_93},
    "reopen": REVIEWER,
    "submit_report": OPERATOR,
    "close": REVIEWER,
}
PATH = {
    "submit": [], "request_changes": ["submit"], "approve": ["submit"], "council_approve": ["submit"],
    "reopen": ["submit", "approve"], "submit_report": ["submit", "approve"],
    "close": ["submit", "approve", "submit_report"],
}  # fmt: skip


def test_the_table_names_every_transition():
    assert set(EXPECTED) == set(WORKFLOW.transitions) == set(PATH)


def report_costs(programme, arml):
    """The activity report's costs: what `submit_report` needs."""
    for action in programme.actions.all():
        action_report_save(action=action, acting_user=arml, data=ReportData("Fait", Decimal("9000"), "", {}, []))


@pytest.mark.parametrize("name", list(EXPECTED))
def test_who_may_make_each_transition(network, name):
    state_funder()
    regional_council("93")
    arml, dgefp = arml_user("93"), user_for_role(Role.NATIONAL_ADMIN)
    programme = programme_for(arml)
    for step in PATH[name]:
        if step == "submit_report":
            report_costs(programme, arml)
        user = arml if step in {"submit", "submit_report"} else dgefp
        programme = programme_transition(programme=programme, name=step, acting_user=user)
    if name == "submit_report":
        report_costs(programme, arml)
    check_transition(WORKFLOW, name, programme, users_by_place(network), EXPECTED[name])
