"""The doors of submissions (issue 15, « Checks that must exist »): each state × each role in and out of the
territory, withdrawal of a publication with its reason, the rules at their boundaries, and every bad parameter or
request refused in French (400, 404, 405, a message on the page), never a 500, never anything half saved."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from pilotage.accounts.models import Role
from pilotage.core.workflow import TransitionError
from pilotage.indicators.models import IndicatorDataset
from pilotage.indicators.queries import dataset_for
from pilotage.submissions import quality
from pilotage.submissions.models import Submission, SubmissionStatus, ValueExplanation
from pilotage.submissions.services import submission_move
from pilotage.submissions.workflow import WORKFLOW
from tests.api.helpers import token_client
from tests.factories import user_for_role
from tests.submissions.conftest import YEAR, export_files, upload, zip_bytes
from tests.submissions.factories import ml_values, staged_submission
from tests.workflow_table import users_by_place

pytestmark = pytest.mark.django_db
D = Decimal

#: who may make each transition a person makes: role → the places (the network's 13, 83 — region 93 — and 69)
ALLOWED = {
    "approve": {Role.NATIONAL_ADMIN: {"13", "83", "69"}, Role.REGIONAL_STATE: {"13", "83"}},
    "publish": {Role.NATIONAL_ADMIN: {"13", "83", "69"}, Role.REGIONAL_STATE: {"13", "83"}},
    "withdraw": {Role.NATIONAL_ADMIN: {"13", "83", "69"}, Role.REGIONAL_STATE: {"13", "83"}},
    "reject": {Role.NATIONAL_ADMIN: {"13", "83", "69"}, Role.REGIONAL_STATE: {"13", "83"}},
    "pre_approve": {Role.DEPARTMENTAL_STATE: {"13", "83"}},
}
#: the states each transition starts from, read from the issue (not from the workflow's declaration)
FROM_STATES = {
    "approve": {SubmissionStatus.VALIDATED, SubmissionStatus.WITHDRAWN},
    "publish": {SubmissionStatus.APPROVED},
    "withdraw": {SubmissionStatus.APPROVED, SubmissionStatus.PUBLISHED},
    "reject": {SubmissionStatus.VALIDATED, SubmissionStatus.WITHDRAWN},
    "pre_approve": {SubmissionStatus.VALIDATED},
}


@pytest.fixture
def dgefp(db):
    return user_for_role(Role.NATIONAL_ADMIN)


@pytest.fixture
def submission(network, dgefp):
    values = {**ml_values({"ML13S00": 120, "ML83S00": 80}), **ml_values({"ML13S00": 11}, "9.1"),
              **ml_values({"ML13S00": 10}, "9")}  # fmt: skip
    return staged_submission(region_code="93", year=YEAR, values=values, by=dgefp)


@pytest.mark.parametrize("state", list(SubmissionStatus))
def test_each_state_times_each_role_in_and_out_of_the_territory(network, submission, state):
    Submission.objects.filter(pk=submission.pk).update(status=state)
    submission.refresh_from_db()
    for (role, place), user in users_by_place(network).items():
        offered = {t.name for t in WORKFLOW.available(user, submission)}
        expected = {name for name, roles in ALLOWED.items() if state in FROM_STATES[name]
                    and place in roles.get(role, set())}  # fmt: skip
        assert offered == expected, (state, role.value, place)


def test_withdrawing_a_publication_needs_a_reason_keeps_the_published_version_and_is_logged(network, submission,
                                                                                             dgefp):  # fmt: skip
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="83")
    submission = submission_move(submission=submission, name="approve", user=dreets).obj
    submission = submission_move(submission=submission, name="publish", user=dreets).obj
    published = IndicatorDataset.objects.get(is_current=True)
    council = user_for_role(Role.DEPARTMENTAL_COUNCIL, department_code="83")
    for reason in ("", "   ", "\n"):
        with pytest.raises(TransitionError, match="Indiquez le motif"):
            submission_move(submission=submission, name="withdraw", user=dreets, reason=reason)
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.PUBLISHED
    move = submission_move(submission=submission, name="withdraw", user=dreets, reason="ETP du 13 faux")
    log = move.obj.transitions.get(name="withdraw")
    assert (move.obj.status, log.by, log.from_status, log.reason) == ("withdrawn", dreets, "published",
                                                                      "ETP du 13 faux")  # fmt: skip
    # the published version stays in force for everyone outside the State; the DREETS reviews the copy again
    assert IndicatorDataset.objects.get(is_current=True) == published
    assert dataset_for(council, YEAR, "93").dataset == published
    reading = dataset_for(dreets, YEAR, "93")
    assert reading.staged and reading.dataset == submission.staged_dataset
    # the history of the submission says who withdrew and why
    assert move.obj.history.first().history_change_reason == "ETP du 13 faux"


@pytest.mark.parametrize("indicator, value, broken", [
    ("1", "0", False), ("1", "-0.0000000001", True), ("1", "-1", True),
    ("R12", "0", False), ("R12", "1", False), ("R12", "1.0000000001", True), ("R12", "-0.0000000001", True),
    ("R2", "3", False),  # N / N-1 is no share
])  # fmt: skip
def test_counts_and_shares_at_their_boundaries(indicator, value, broken):
    values = {("ml", "ML1", indicator, "total"): D(value)}
    assert bool(quality.rule_violations(values, {("ml", "ML1")})) is broken


@pytest.mark.parametrize("left, right, broken", [("10", "10", False), ("10.0000000001", "10", True),
                                                 ("9.9999999999", "10", False)])  # fmt: skip
def test_a_rule_between_two_values_at_its_boundary(left, right, broken):
    values = {("ml", "ML1", "9.1", "total"): D(left), ("ml", "ML1", "9", "total"): D(right)}
    assert bool(quality.rule_violations(values, {("ml", "ML1")})) is broken


# --- bad requests -----------------------------------------------------------------------------------------------


def _upload(client, user, *, file=None, **fields):
    client.force_login(user)
    data = {"region": "93", "year": YEAR, "kind": "warehouse", "data_date": "15/01/2025", **fields}
    if file is not None:
        data["file"] = file
    return client.post(reverse("submissions:upload"), data)


@pytest.mark.parametrize("fields, file, message", [
    ({"year": "abc"}, "zip", "Saisissez un nombre entier"),
    ({"year": "2024.5"}, "zip", "Saisissez un nombre entier"),
    ({"data_date": "31/02/2025"}, "zip", "Saisissez une date valide"),
    ({"data_date": "01/01/2099"}, "zip", "doit être passée"),
    ({"data_date": "01/01/2020"}, "zip", "postérieure au début de l&#x27;année"),
    ({"kind": "autre"}, "zip", "Sélectionnez un choix valide"),
    ({"region": "99"}, "zip", "Sélectionnez un choix valide"),
    ({"region": "93\x00"}, "zip", "Le caractère nul n’est pas autorisé"),
    ({}, None, "Ce champ est obligatoire"),
    ({}, "not-a-zip", "archive"),
    ({}, "empty", "vide"),
    ({}, "csv-as-warehouse", "se dépose en archive .zip"),
    ({"kind": "results"}, "zip", "se déposent en CSV ou XLSX"),
])  # fmt: skip
def test_a_bad_upload_is_refused_in_french_and_nothing_is_saved(client, users, tmp_path, fields, file, message):
    files = {
        "zip": lambda: upload(zip_bytes(export_files(tmp_path))),
        "not-a-zip": lambda: upload(b"PK\x03\x04 ceci n'est pas une archive", "export.zip"),
        "empty": lambda: upload(b"", "export.zip"),
        "csv-as-warehouse": lambda: upload(b"niveau;code\n", "export.csv"),
    }
    response = _upload(client, users["dgefp"], file=files[file]() if file else None, **fields)
    assert response.status_code == 200
    assert message in response.content.decode(), response.content.decode()[-3000:]
    assert not Submission.objects.exists() and not IndicatorDataset.objects.exists()


def test_bad_parameters_and_requests_on_the_pages_are_french_4xx(client, network, submission, dgefp):
    invalid = Submission.objects.create(region_id="93", year=YEAR, kind="warehouse", filename="x.zip", size=1,
                                        sha256="0" * 64, data_date="2025-01-15",
                                        status=SubmissionStatus.INVALID)  # fmt: skip
    client.force_login(dgefp)
    quality_url = reverse("submissions:quality", args=[submission.pk])
    for url, params, status, text in [
        ("/donnees/depots/999999/", {}, 404, "introuvable"),
        ("/donnees/depots/abc/", {}, 404, "introuvable"),
        (quality_url, {"seuil": "abc"}, 400, "Seuil"),
        (quality_url, {"seuil": "3.50"}, 400, "Seuil"),
        (quality_url, {"seuil": "-1"}, 400, "Seuil"),
        (quality_url, {"ml": "ML69S00"}, 400, "Mission Locale"),
        (quality_url, {"ml": "x" * 500}, 400, "Mission Locale"),
        (quality_url, {"ml": "ML13S00\x00"}, 400, "Mission Locale"),
        (reverse("submissions:quality", args=[invalid.pk]), {}, 404, "introuvable"),
        (reverse("submissions:issues", args=[submission.pk]), {}, 404, "introuvable"),
        (reverse("submissions:action", args=[submission.pk, "approve"]), {}, 405, ""),
    ]:
        response = client.get(url, params)
        assert response.status_code == status, (url, params, response.status_code)
        assert text in response.content.decode(), (url, params)
    # ?seuil= and ?ml= well formed: 200
    assert client.get(quality_url, {"seuil": "2", "ml": "ML13S00"}).status_code == 200


def _message(response) -> str:
    return " ".join(str(m) for m in get_messages(response.wsgi_request))


def test_bad_posts_are_refused_with_a_french_message_and_change_nothing(client, network, submission, dgefp):
    dreets = user_for_role(Role.REGIONAL_STATE, department_code="13")
    client.force_login(dreets)
    response = client.post(reverse("submissions:action", args=[submission.pk, "effacer"]))
    assert response.status_code == 302 and "Changement d'état inconnu" in _message(response)
    response = client.post(reverse("submissions:action", args=[submission.pk, "publish"]))
    assert "n'est pas possible" in _message(response)
    response = client.post(reverse("submissions:action", args=[submission.pk, "reject"]), {"reason": " "})
    assert "Indiquez le motif" in _message(response)
    explain = reverse("submissions:explain", args=[submission.pk])
    flagged = {"level": "ml", "code": "ML13S00", "indicator": "9.1", "breakdown": "total"}
    for data, message in [
        ({**flagged, "comment": ""}, "Écrivez l'explication"),
        ({**flagged, "comment": "x" * 2001}, "dépasse 2 000 caractères"),
        ({**flagged, "comment": "a\x00b"}, "caractères de contrôle"),
        ({**flagged, "indicator": "1", "comment": "x"}, "pas signalée"),
        ({**flagged, "indicator": "ZZZ" * 20, "comment": "x"}, "pas signalée"),
        ({"comment": "x"}, "pas signalée"),
    ]:
        response = client.post(explain, data)
        assert response.status_code == 302 and message in _message(response), data
    assert not ValueExplanation.objects.exists()
    invalid = Submission.objects.create(region_id="93", year=YEAR, kind="warehouse", filename="x.zip", size=1,
                                        sha256="0" * 64, data_date="2025-01-15",
                                        status=SubmissionStatus.INVALID)  # fmt: skip
    response = client.post(reverse("submissions:explain", args=[invalid.pk]), {**flagged, "comment": "x"})
    assert "pas de données en attente" in _message(response)
    client.force_login(user_for_role(Role.ARML, department_code="13"))  # sees the submission, does not review
    assert "Vous ne revoyez pas" in _message(client.post(explain, {**flagged, "comment": "x"}))
    client.force_login(user_for_role(Role.REGIONAL_STATE, department_code="69"))  # another region: not even seen
    assert client.post(explain, {**flagged, "comment": "x"}).status_code == 404
    assert client.post(reverse("submissions:action", args=[submission.pk, "approve"])).status_code == 404
    assert not ValueExplanation.objects.exists()
    assert Submission.objects.get(pk=submission.pk).status == SubmissionStatus.VALIDATED


def test_bad_api_requests_are_french_4xx(network, submission, dgefp):
    client = token_client(dgefp)
    assert client.get("/api/v1/depots-donnees/abc/").status_code == 404
    assert client.get("/api/v1/depots-donnees/999999/qualite/").status_code == 404
    response = client.get("/api/v1/depots-donnees/", {"annee": "20x4"})
    assert response.status_code == 400
    national = Submission.objects.create(year=YEAR, kind="warehouse", filename="n.zip", size=1, sha256="0" * 64,
                                         data_date="2025-01-15", status=SubmissionStatus.SPLIT)  # fmt: skip
    assert client.get(f"/api/v1/depots-donnees/{national.pk}/qualite/").status_code == 404
    data = client.get(f"/api/v1/depots-donnees/{national.pk}/").json()
    assert (data["region"], data["etat"]) == (None, "split")
    assert (
        token_client(user_for_role(Role.REGIONAL_STATE, department_code="13"))
        .get(f"/api/v1/depots-donnees/{national.pk}/")
        .status_code
        == 404
    )
