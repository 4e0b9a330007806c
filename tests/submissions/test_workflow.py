"""The approval workflow of submissions (slice B of issue 15): each transition × each role × in and out of the
territory (the 13, the 83 — same region — and the 69), locking, withdrawal with a reason, the log, publication
recomputing the nation from parts."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pilotage.accounts.models import Role
from pilotage.core.workflow import TransitionError
from pilotage.indicators.models import IndicatorDataset
from pilotage.reference.models import Region
from pilotage.submissions.models import Submission, SubmissionStatus
from pilotage.submissions.services import submission_create, submission_move
from pilotage.submissions.workflow import WORKFLOW
from tests.factories import user_for_role
from tests.submissions.conftest import upload
from tests.submissions.factories import ml_values, staged_submission
from tests.workflow_table import EVERYWHERE, REGION_93, check_transition, users_by_place

pytestmark = pytest.mark.django_db

APPROVERS = {Role.NATIONAL_ADMIN: EVERYWHERE, Role.REGIONAL_STATE: REGION_93}
EXPECTED = {
    "approve": APPROVERS,
    "publish": APPROVERS,
    "withdraw": APPROVERS,
    "reject": APPROVERS,
    # the DDETS of the 13 and of the 83 (departments of the submission's region), not the 69's
    "pre_approve": {Role.DEPARTMENTAL_STATE: REGION_93},
}
#: the state each transition is checked from
FROM = {"approve": SubmissionStatus.VALIDATED, "publish": SubmissionStatus.APPROVED,
        "withdraw": SubmissionStatus.PUBLISHED, "reject": SubmissionStatus.VALIDATED,
        "pre_approve": SubmissionStatus.VALIDATED}  # fmt: skip
SYSTEM = {"start", "validate", "refuse", "split", "supersede"}


@pytest.fixture
def dgefp(db):
    return user_for_role(Role.NATIONAL_ADMIN)


def _submission(network, dgefp, status):
    values = ml_values({"ML13S00": 120, "ML83S00": 80})
    return staged_submission(region_code="93", year=2024, values=values, by=dgefp, status=status, approver=dgefp)


def test_the_table_names_every_transition_a_person_makes():
    assert set(EXPECTED) == set(WORKFLOW.transitions) - SYSTEM == set(FROM)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_who_may_make_each_transition(network, dgefp, name):
    submission = _submission(network, dgefp, FROM[name])
    check_transition(WORKFLOW, name, submission, users_by_place(network), EXPECTED[name])


@pytest.mark.parametrize("state", [s for s in SubmissionStatus if s not in {SubmissionStatus.SUBMITTED}])
def test_each_state_offers_only_its_transitions(network, dgefp, state):
    """Every state × the DGEFP (who may everything a person may): only the transitions from that state."""
    submission = _submission(network, dgefp, SubmissionStatus.VALIDATED)
    Submission.objects.filter(pk=submission.pk).update(status=state)
    submission.refresh_from_db()
    offered = {t.name for t in WORKFLOW.available(dgefp, submission)}
    expected = {name for name in EXPECTED if state in WORKFLOW.get(name).sources and name != "pre_approve"}
    assert offered == expected
    for name in set(EXPECTED) - expected - {"pre_approve"}:
        with pytest.raises(TransitionError):
            submission_move(submission=submission, name=name, user=dgefp, reason="motif")


def test_a_ddets_pre_approves_its_department_once_and_it_is_logged(network, dgefp):
    submission = _submission(network, dgefp, SubmissionStatus.VALIDATED)
    ddets13 = user_for_role(Role.DEPARTMENTAL_STATE, department_code="13")
    move = submission_move(submission=submission, name="pre_approve", user=ddets13)
    assert move.obj.status == SubmissionStatus.VALIDATED and move.log.by == ddets13
    assert "pre_approve" not in {t.name for t in WORKFLOW.available(ddets13, move.obj)}
    with pytest.raises(TransitionError):
        submission_move(submission=move.obj, name="pre_approve", user=ddets13)
    ddets83 = user_for_role(Role.DEPARTMENTAL_STATE, department_code="83")
    assert "pre_approve" in {t.name for t in WORKFLOW.available(ddets83, move.obj)}


def test_approved_data_is_locked_until_the_approval_is_withdrawn_with_a_reason(network, dgefp, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    submission = _submission(network, dgefp, SubmissionStatus.APPROVED)
    arml = user_for_role(Role.ARML, department_code="13")
    region = Region.objects.get(code="93")
    csv = b"niveau,code,annee,indicateur,ventilation,valeur\nml,ML13S00,2024,1,total,125\n"
    with pytest.raises(ValidationError, match="retrait de l'approbation"):
        submission_create(user=arml, region=region, year=2024, kind="results", upload=upload(csv, "r.csv"))
    assert Submission.objects.count() == 1
    # another year of the same region is not locked
    other = submission_create(user=arml, region=region, year=2023, kind="results",
                              upload=upload(csv.replace(b",2024,", b",2023,"), "r.csv"))  # fmt: skip
    assert other.status == SubmissionStatus.VALIDATED
    with pytest.raises(TransitionError, match="Indiquez le motif"):
        submission_move(submission=submission, name="withdraw", user=dreets, reason="  ")
    move = submission_move(submission=submission, name="withdraw", user=dreets, reason="Erreur d'ETP à la ML 13")
    assert move.obj.status == SubmissionStatus.WITHDRAWN
    log = move.obj.transitions.get(name="withdraw")
    assert (log.by, log.from_status, log.to_status, log.reason) == (dreets, "approved", "withdrawn",
                                                                      "Erreur d'ETP à la ML 13")  # fmt: skip
    assert log.at is not None
    new = submission_create(user=arml, region=region, year=2024, kind="results", upload=upload(csv, "r.csv"))
    assert new.status == SubmissionStatus.VALIDATED
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUPERSEDED and not submission.staged_dataset.is_staged


def test_publishing_a_region_recomputes_the_nation_from_every_region_parts(network, dgefp):
    s93 = staged_submission(region_code="93", year=2024, values=ml_values({"ML13S00": 120, "ML83S00": 80}), by=dgefp)
    s84 = staged_submission(region_code="84", year=2024, values=ml_values({"ML69S00": 33}), by=dgefp)
    for submission in (s93, s84):
        submission_move(submission=submission, name="approve", user=dgefp)
    submission_move(submission=Submission.objects.get(pk=s93.pk), name="publish", user=dgefp)
    first = IndicatorDataset.objects.get(is_current=True)
    assert (first.version, first.published_by, first.region_id) == (1, dgefp, "93")
    assert first.values.get(level="national", indicator="1", breakdown="total").value == 200
    move = submission_move(submission=Submission.objects.get(pk=s84.pk), name="publish", user=dgefp)
    current = IndicatorDataset.objects.get(is_current=True)
    assert move.obj.published_dataset == current and current.version == 2
    value = {(v.level, v.code): v.value for v in current.values.filter(indicator="1", breakdown="total")}
    # the sum of the parts, never an average; the 84's publication kept the 93's values
    assert value == {("ml", "ML13S00"): 120, ("ml", "ML83S00"): 80, ("ml", "ML69S00"): 33,
                     ("departement", "13"): 120, ("departement", "83"): 80, ("departement", "69"): 33,
                     ("region", "93"): 200, ("region", "84"): 33, ("national", "FR"): 233}  # fmt: skip
    assert IndicatorDataset.objects.filter(is_published=True).count() == 2
    assert not IndicatorDataset.objects.filter(is_staged=True).exists()
    assert first.values.get(level="national", indicator="1", breakdown="total").value == Decimal(
        200
    )  # versions are kept


def test_a_rejected_submission_is_no_longer_staged(network, dgefp):
    submission = _submission(network, dgefp, SubmissionStatus.VALIDATED)
    move = submission_move(submission=submission, name="reject", user=dgefp, reason="Export incomplet")
    assert move.obj.status == SubmissionStatus.REJECTED and not move.obj.staged_dataset.is_staged
    assert move.obj.transitions.get(name="reject").reason == "Export incomplet"


def test_the_nation_from_the_regions_parts_equals_the_nation_from_every_mission_locale(network, dgefp):
    """Publication sums the regions' parts; summing the Missions Locales' parts directly (aggregation.py over
    every Mission Locale) must give the same nation, ratios included."""
    from pilotage.indicators.aggregation import recompute_entity

    def values(counts):
        rows = {}
        for code, (contact, welcomed, diagnosed, staff, support) in counts.items():
            for indicator, value in (("1", contact), ("2", welcomed), ("2.1", diagnosed), ("9", staff),
                                     ("9.1", support)):  # fmt: skip
                rows[("ml", code, indicator, "total")] = Decimal(str(value))
        return rows

    s93 = staged_submission(
        region_code="93",
        year=2024,
        by=dgefp,
        values=values({"ML13S00": (120, 40, 13, "10.5", "7.25"), "ML83S00": (80, 30, 7, 6, 5)}),
    )
    s84 = staged_submission(region_code="84", year=2024, by=dgefp, values=values({"ML69S00": (33, 9, 2, 4, "3.5")}))
    for submission in (s93, s84):
        submission = submission_move(submission=submission, name="approve", user=dgefp).obj
        submission_move(submission=submission, name="publish", user=dgefp)
    current = IndicatorDataset.objects.get(is_current=True)
    every = {(v.level, v.code, v.indicator, v.breakdown): v.value for v in current.values.filter(level="ml")}
    expected = recompute_entity(every, "national", "FR", ["ML13S00", "ML69S00", "ML83S00"])
    published = {(v.level, v.code, v.indicator, v.breakdown): v.value for v in current.values.filter(level="national")}
    assert published == expected
    assert published[("national", "FR", "R12", "total")] == (Decimal("15.75") / Decimal("20.5")).quantize(
        Decimal("1e-10")
    )
