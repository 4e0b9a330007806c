"""The read-only API of submissions, their quality reports and their approvals: the pages' visibility."""

import pytest

from pilotage.accounts.models import Role
from pilotage.submissions.models import Submission
from pilotage.submissions.services import submission_move
from tests.api.helpers import token_client
from tests.factories import user_for_role
from tests.network import user_of
from tests.submissions.factories import ml_values, staged_submission

pytestmark = pytest.mark.django_db
SEES = {Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE, Role.ARML}


@pytest.fixture
def submission(network):
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    values = {**ml_values({"ML13S00": 120, "ML83S00": 80}), **ml_values({"ML13S00": 11, "ML83S00": 8}, "9.1"),
              **ml_values({"ML13S00": 10, "ML83S00": 9}, "9")}  # fmt: skip
    submission = staged_submission(region_code="93", year=2024, values=values, by=dgefp)
    Submission.objects.filter(pk=submission.pk).update(ml_codes=["ML13S00", "ML83S00"])
    submission_move(submission=submission, name="approve", user=dgefp)
    return submission


@pytest.mark.parametrize("role", list(Role))
def test_who_reads_the_submissions(network, submission, role):
    client = token_client(user_of(role, network))
    listed = client.get("/api/v1/depots-donnees/").json()
    detail = client.get(f"/api/v1/depots-donnees/{submission.pk}/")
    # a Mission Locale sees its own submissions only (this one is the region's)
    expected = role in SEES
    assert (listed["count"], detail.status_code) == ((1, 200) if expected else (0, 404)), role
    for sub in ("qualite", "approbations"):
        assert client.get(f"/api/v1/depots-donnees/{submission.pk}/{sub}/").status_code == (200 if expected else 404)


def test_the_quality_report_and_the_approvals(network, submission):
    client = token_client(user_of(Role.REGIONAL_STATE, network))
    data = client.get(f"/api/v1/depots-donnees/{submission.pk}/").json()
    assert (data["region"], data["annee"], data["etat"], len(data["empreinte_sha256"])) == ("93", 2024, "approved", 64)
    report = client.get(f"/api/v1/depots-donnees/{submission.pk}/qualite/").json()
    assert {(r["code"], r["indicator"]) for r in report["regles"]} >= {("ML13S00", "9.1")}
    assert report["completude"]["delais"][0]["cloture"] == "2025-02-28"
    approvals = client.get(f"/api/v1/depots-donnees/{submission.pk}/approbations/").json()
    assert [(a["transition"], a["de"], a["vers"]) for a in approvals] == [("approve", "validated", "approved")]
    assert client.get("/api/v1/depots-donnees/", {"annee": "abc"}).status_code == 400
