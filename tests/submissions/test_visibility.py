"""Who reads which version (slice B of issue 15): the councils, municipalities, the ARML, the UNML and the Missions
Locales read the last published version only; the State services of the territory read the staged copy of a
submission under review, marked « non publié »; the dashboard reads through `dataset_for`."""

import pytest
from django.urls import reverse

from pilotage.accounts.models import Role
from pilotage.indicators.queries import current_values, dataset_for
from pilotage.indicators.services import indicator_results_load
from pilotage.submissions.models import SubmissionStatus
from tests.factories import user_for_role
from tests.network import user_of
from tests.submissions.factories import ml_values, staged_submission

pytestmark = pytest.mark.django_db
PUBLISHED_ONLY = [Role.REGIONAL_COUNCIL, Role.DEPARTMENTAL_COUNCIL, Role.MUNICIPALITY, Role.ARML,
                  Role.NATIONAL_OBSERVER, Role.ML_DIRECTOR, Role.ML_STAFF]  # fmt: skip
STAGED_SEEN = [Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE]


@pytest.fixture
def versions(network):
    """Published: the 13's Mission Locale had 100 young people in contact; staged (the 93's submission): 150."""
    import io

    text = "niveau,code,annee,indicateur,ventilation,valeur\nml,ML13S00,2024,1,total,100\nml,ML83S00,2024,1,total,50\n"
    indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="v1.csv", year=2024, wet_run=True)
    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    submission = staged_submission(region_code="93", year=2024, values=ml_values({"ML13S00": 150, "ML83S00": 50}),
                                   by=dgefp)  # fmt: skip
    return submission


def _value(user, level="ml", code="ML13S00", region="93"):
    reading = dataset_for(user, 2024, region)
    return reading.staged, current_values(2024, level, [code], dataset=reading.dataset)[code][("1", "total")]


@pytest.mark.parametrize("role", PUBLISHED_ONLY)
def test_outside_the_state_services_the_last_published_version_only(network, versions, role):
    assert _value(user_of(role, network)) == (False, 100)
    assert _value(user_of(role, network), "national", "FR", None) == (False, 150)


@pytest.mark.parametrize("role", STAGED_SEEN)
def test_the_state_services_of_the_territory_read_the_staged_copy(network, versions, role):
    assert _value(user_of(role, network)) == (True, 150)
    assert _value(user_of(role, network), "national", "FR", None) == (True, 200)


def test_a_state_service_of_another_region_reads_the_published_version(network, versions):
    dreets84 = user_for_role(Role.REGIONAL_STATE, department_code="69")
    assert _value(dreets84, region=None) == (False, 100)


def test_the_dashboard_pages_say_non_publie_to_the_state_and_nothing_to_the_council(client, network, versions):
    url = reverse("indicators:dashboard", args=["departement", "13"])
    client.force_login(user_of(Role.DEPARTMENTAL_COUNCIL, network))
    page = client.get(url, {"annee": 2024}).content.decode()
    assert "non publié" not in page.lower() and ">100<" in page.replace("\u202f", "")
    client.force_login(user_of(Role.REGIONAL_STATE, network))
    page = client.get(url, {"annee": 2024}).content.decode()
    assert "Non publié" in page and ">150<" in page.replace("\u202f", "")


def test_after_publication_every_role_reads_the_new_version(network, versions):
    from pilotage.submissions.services import submission_move

    dgefp = user_for_role(Role.NATIONAL_ADMIN)
    submission = submission_move(submission=versions, name="approve", user=dgefp).obj
    submission = submission_move(submission=submission, name="publish", user=dgefp).obj
    assert submission.status == SubmissionStatus.PUBLISHED
    for role in PUBLISHED_ONLY + STAGED_SEEN:
        assert _value(user_of(role, network)) == (False, 150), role
