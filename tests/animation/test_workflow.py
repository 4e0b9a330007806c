"""The declared workflow: draft → submitted → changes requested → submitted → approved (DREETS, and the
regional council's approval recorded) → activity report → closed; approved is read-only unless reopened."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from pilotage.animation.models import ProgrammeStatus
from pilotage.animation.services import (
    ReportData,
    action_report_save,
    comment_add,
    programme_record_convention,
    programme_transition,
)
from pilotage.animation.workflow import WORKFLOW
from pilotage.core.roles import Role
from pilotage.funding.models import ConventionKind, ConventionStatus
from tests.animation.factories import add_action, arml_user, programme_for, regional_council
from tests.factories import state_funder, user_for_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    state_funder()
    regional_council("93")
    return {
        "arml": arml_user("93"),
        "dreets": user_for_role(Role.REGIONAL_STATE, department_code="13"),
        "council": user_for_role(Role.REGIONAL_COUNCIL, department_code="13"),
        "dreets84": user_for_role(Role.REGIONAL_STATE, department_code="69"),
        "dgefp": user_for_role(Role.NATIONAL_ADMIN),
    }


def names(programme, user):
    return [t.name for t in WORKFLOW.available(user, programme)]


def test_the_whole_workflow_is_logged(parties):
    arml, dreets, council = parties["arml"], parties["dreets"], parties["council"]
    programme = programme_for(arml, actions=())
    with pytest.raises(ValidationError, match="sans action ne se soumet pas"):
        programme_transition(programme=programme, name="submit", acting_user=arml)
    add_action(programme, arml)
    assert names(programme, arml) == ["submit"] and names(programme, dreets) == []
    programme = programme_transition(programme=programme, name="submit", acting_user=arml)
    assert programme.status == ProgrammeStatus.SUBMITTED
    assert names(programme, dreets) == ["request_changes", "approve"]
    assert names(programme, council) == ["council_approve"] and names(programme, arml) == []
    with pytest.raises(ValidationError, match="Indiquez le motif"):
        programme_transition(programme=programme, name="request_changes", acting_user=dreets)
    programme = programme_transition(programme=programme, name="request_changes", acting_user=dreets,
                                     reason="Détaillez l'échéancier.")  # fmt: skip
    add_action(programme, arml, number=8)  # editable again
    programme = programme_transition(programme=programme, name="submit", acting_user=arml)
    programme = programme_transition(programme=programme, name="council_approve", acting_user=council)
    with pytest.raises(ValidationError, match="déjà approuvé"):
        programme_transition(programme=programme, name="council_approve", acting_user=council)
    programme = programme_transition(programme=programme, name="approve", acting_user=dreets)
    assert (programme.status, programme.approved_by, programme.council_approved_by) == ("approved", dreets, council)
    log = list(programme.transitions.values_list("name", "from_status", "to_status", "by", "reason"))
    assert log == [
        ("submit", "draft", "submitted", arml.pk, ""),
        ("request_changes", "submitted", "changes_requested", dreets.pk, "Détaillez l'échéancier."),
        ("submit", "changes_requested", "submitted", arml.pk, ""),
        ("council_approve", "submitted", "submitted", council.pk, ""),
        ("approve", "submitted", "approved", dreets.pk, ""),
    ]
    assert programme.history.first().history_user == dreets


def test_approved_is_read_only_unless_reopened_with_a_reason(parties):
    arml, dreets = parties["arml"], parties["dreets"]
    programme = programme_for(arml)
    programme = programme_transition(programme=programme, name="submit", acting_user=arml)
    with pytest.raises(ValidationError, match="n'est plus modifiable"):
        add_action(programme, arml, number=3)
    programme = programme_transition(programme=programme, name="approve", acting_user=dreets)
    with pytest.raises(ValidationError, match="n'est plus modifiable"):
        add_action(programme, arml, number=3)
    with pytest.raises(PermissionDenied):
        programme_transition(programme=programme, name="reopen", acting_user=arml, reason="Je veux modifier.")
    with pytest.raises(ValidationError, match="motif"):
        programme_transition(programme=programme, name="reopen", acting_user=dreets)
    programme = programme_transition(programme=programme, name="reopen", acting_user=dreets,
                                     reason="Nouvelle action demandée par le conseil régional.")  # fmt: skip
    assert programme.status == "draft" and programme.approved_at is None
    add_action(programme, arml, number=3)
    assert programme.history.filter(history_change_reason__contains="Nouvelle action demandée").exists()


def test_only_the_regions_dreets_decides(parties):
    arml = parties["arml"]
    programme = programme_transition(programme=programme_for(arml), name="submit", acting_user=arml)
    for user in (parties["dreets84"], parties["council"], arml):
        with pytest.raises(PermissionDenied):
            programme_transition(programme=programme, name="approve", acting_user=user)
    assert programme_transition(programme=programme, name="approve", acting_user=parties["dgefp"]).status == "approved"


def test_the_tripartite_convention_is_recorded_in_the_funding_app(parties):
    arml, dreets = parties["arml"], parties["dreets"]
    programme = programme_transition(programme=programme_for(arml), name="submit", acting_user=arml)
    with pytest.raises(ValidationError, match="programme approuvé"):
        programme_record_convention(programme=programme, acting_user=dreets)
    programme = programme_transition(programme=programme, name="approve", acting_user=dreets)
    with pytest.raises(PermissionDenied):
        programme_record_convention(programme=programme, acting_user=arml)
    convention = programme_record_convention(programme=programme, acting_user=dreets, reference="ANIM-93-2026",
                                             signed_on=date(2026, 3, 1))  # fmt: skip
    programme.refresh_from_db()
    assert programme.convention == convention
    assert (convention.kind, convention.status, convention.regional_association_id, convention.mission_locale) == (
        ConventionKind.ANNUAL, ConventionStatus.SIGNED, arml.regional_association_id, None)  # fmt: skip
    assert convention.funder.type == "etat" and convention.is_tripartite
    assert list(convention.co_funders.all()) == [regional_council("93")]
    assert (convention.start_date, convention.end_date) == (date(2026, 1, 1), date(2026, 12, 31))
    assert convention.history.first().history_user == dreets
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        programme_record_convention(programme=programme, acting_user=dreets)


def test_activity_report_then_close(parties):
    arml, dreets = parties["arml"], parties["dreets"]
    programme = programme_for(arml)
    action = programme.actions.get()
    with pytest.raises(PermissionDenied):  # not yet approved
        action_report_save(action=action, acting_user=arml, data=ReportData("", Decimal("1"), "", {}, []))
    programme = programme_transition(programme=programme, name="submit", acting_user=arml)
    programme = programme_transition(programme=programme, name="approve", acting_user=dreets)
    with pytest.raises(ValidationError, match="coût réalisé de chaque action"):
        programme_transition(programme=programme, name="submit_report", acting_user=arml)
    milestone = action.milestones.get()
    with pytest.raises(PermissionDenied):
        action_report_save(action=action, acting_user=dreets, data=ReportData("", Decimal("1"), "", {}, []))
    action_report_save(action=action, acting_user=arml, data=ReportData(
        done="Fait", cost_spent=Decimal("12500"), report_comment="Dépassement",
        achievements={milestone.pk: ("missed", None)}, indicators=[("Sessions", Decimal("6"), Decimal("4"))],
    ))  # fmt: skip
    milestone.refresh_from_db()
    assert milestone.achievement == "missed" and action.indicators.get().achieved == Decimal("4")
    programme = programme_transition(programme=programme, name="submit_report", acting_user=arml)
    assert programme.status == "reported" and names(programme, dreets) == ["close"]
    assert programme_transition(programme=programme, name="close", acting_user=dreets).status == "closed"


def test_comments_by_the_parties_only(parties):
    arml = parties["arml"]
    programme = programme_for(arml)
    action = programme.actions.get()
    comment_add(programme=programme, text="Précisez le coût.", acting_user=parties["dreets"], action=action)
    comment_add(programme=programme, text="D'accord sur le principe.", acting_user=parties["council"])
    with pytest.raises(PermissionDenied):
        comment_add(programme=programme, text="Hors région", acting_user=parties["dreets84"])
    with pytest.raises(ValidationError, match="vide"):
        comment_add(programme=programme, text="  ", acting_user=arml)
    assert list(programme.comments.values_list("text", "action")) == [
        ("Précisez le coût.", action.pk), ("D'accord sur le principe.", None)]  # fmt: skip
