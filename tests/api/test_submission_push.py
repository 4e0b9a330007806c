"""Pushing a warehouse export (or a long results file) through the API: the upload page's service, its checks,
its territory and its background job; the submission's state, progress and problems read back through the
read-only resource; the history written with the token's owner; every refusal a French JSON error that leaves
nothing behind (no submission, no stored file, no staged version)."""

import pytest

from pilotage.api.models import TokenScope
from pilotage.indicators.models import IndicatorDataset
from pilotage.submissions.models import Submission, SubmissionStatus
from tests.api.helpers import token_client
from tests.submissions.conftest import YEAR, _media, export_files, region93, upload, users, zip_bytes  # noqa: F401
from tests.writes.snapshot import assert_unchanged, database_snapshot

pytestmark = pytest.mark.django_db
URL = "/api/v1/depots-donnees/"


def client_for(user, **kwargs):
    """A token client whose token was used once (its first use records `last_used`)."""
    client = token_client(user, **kwargs)
    assert client.get("/api/v1/moi/").status_code == 200
    return client


def push(client, data: bytes, *, name="export.zip", **fields):
    body = {"fichier": upload(data, name), "region": "93", "annee": YEAR, "type": "warehouse",
            "donnees_au": "2025-01-15", **fields}  # fmt: skip
    return client.post(URL, {k: v for k, v in body.items() if v is not None}, format="multipart")


def stored_files(settings) -> list:
    folder = settings.MEDIA_ROOT / "submissions"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def assert_refused(client, response, status, before, settings, words):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert words in str(response.json()), response.json()
    assert_unchanged(before)
    assert not Submission.objects.exists() and not IndicatorDataset.objects.exists()
    assert stored_files(settings) == []


def test_an_export_pushed_in_the_territory_is_processed_and_readable_with_its_progress(users, tmp_path, settings):  # noqa: F811
    client = client_for(users["arml"])
    response = push(client, zip_bytes(export_files(tmp_path)))
    assert response.status_code == 201, response.content
    submission = Submission.objects.get()
    body = response.json()
    assert response["Location"].endswith(f"{URL}{submission.pk}/")
    assert (body["id"], body["region"], body["annee"], body["type"]) == (submission.pk, "93", YEAR, "warehouse")
    # the background job ran (immediately in the tests): validated and staged, not published
    read = client.get(f"{URL}{submission.pk}/").json()
    assert read["etat"] == SubmissionStatus.VALIDATED == submission.status
    assert read["donnees_au"] == "2025-01-15" and len(read["empreinte_sha256"]) == 64
    job = read["traitement"]
    assert (job["etat"], job["pourcentage"], job["problemes"]) == ("done", 100, [])
    assert "validées et calculées" in job["resume"]
    assert submission.staged_dataset is not None and not submission.staged_dataset.is_published
    # audited with the token's owner, the token named
    record = submission.history.earliest("history_date")  # the creation (the job's validation follows)
    assert (
        record.history_type == "+"
        and record.history_user == users["arml"]
        and record.history_change_reason == "Dépôt API, jeton « Tests »"
    )
    assert submission.submitted_by == users["arml"] and submission.job.created_by == users["arml"]
    # the quality report of the staged version is there too
    assert client.get(f"{URL}{submission.pk}/qualite/").status_code == 200


def test_an_export_refused_by_the_job_shows_its_problems_through_the_api(users, tmp_path):  # noqa: F811
    files = export_files(tmp_path)
    lines = files["jeunes.csv"].decode().splitlines()
    fields = lines[1].split(";")
    fields[2] = "X"  # sexe
    lines[1] = ";".join(fields)
    files["jeunes.csv"] = ("\n".join(lines) + "\n").encode()
    client = client_for(users["arml"])
    response = push(client, zip_bytes(files))
    assert response.status_code == 201
    read = client.get(f"{URL}{response.json()['id']}/").json()
    assert read["etat"] == SubmissionStatus.INVALID and read["problemes"] >= 1
    problems = read["traitement"]["problemes"]
    assert {(p["fichier"], p["ligne"], p["colonne"], p["valeur"]) for p in problems} >= {("jeunes.csv", 2, "sexe", "X")}
    assert all(p["raison"] for p in problems)
    assert not IndicatorDataset.objects.exists()


def test_a_mission_locale_pushes_its_own_results_for_its_region(users):  # noqa: F811
    client = client_for(users["ml"])
    own = b"niveau,code,annee,indicateur,ventilation,valeur\nml,ML13A,2024,1,total,120\n"
    response = push(client, own, name="ml.csv", type="results", region=None)
    assert response.status_code == 201, response.content
    submission = Submission.objects.get()
    assert (submission.mission_locale.code, submission.region_id, submission.status) == ("ML13A", "93", "validated")


@pytest.mark.parametrize("who, region, words", [
    ("arml84", "93", "Vous ne pouvez pas déposer de données pour la région Provence"),  # outside the territory
    ("dreets", "93", "Votre rôle ne permet pas de déposer"),  # a role that reviews, never submits
    ("council", "93", "Votre rôle ne permet pas de déposer"),
    ("ml", "84", "pour sa région seulement"),
])  # fmt: skip
def test_a_push_outside_the_territory_is_refused_and_creates_nothing(users, tmp_path, settings, who, region, words):  # noqa: F811
    client = client_for(users[who])
    before = database_snapshot()
    response = push(client, zip_bytes(export_files(tmp_path)), region=region)
    assert_refused(client, response, 403, before, settings, words)


@pytest.mark.parametrize("data, name, fields, words", [
    (b"not a zip at all", "export.zip", {}, "archive"),
    (b"PK\x03\x04 truncated", "export.zip", {}, "archive"),
    (None, "export.zip", {"annee": 2099}, "2099"),
    (None, "export.zip", {"annee": 2016, "donnees_au": "2014-01-01"}, "données au"),
    (None, "export.tar", {}, "archive .zip"),
    (None, "export.zip", {"region": "99"}, "Région inconnue"),
    (None, "export.zip", {"type": "autre"}, "type"),
])  # fmt: skip
def test_a_bad_push_is_a_french_json_400_that_creates_nothing(users, tmp_path, settings, data, name, fields, words):  # noqa: F811
    client = client_for(users["dgefp"])
    before = database_snapshot()
    response = push(client, zip_bytes(export_files(tmp_path)) if data is None else data, name=name, **fields)
    assert_refused(client, response, 400, before, settings, words)


def test_a_region_is_required_but_from_the_dgefp_whose_export_is_national(users, tmp_path, settings):  # noqa: F811
    client = client_for(users["arml"])
    before = database_snapshot()
    response = push(client, zip_bytes(export_files(tmp_path)), region=None)
    assert_refused(client, response, 400, before, settings, "obligatoire")
    response = push(client_for(users["dgefp"]), zip_bytes(export_files(tmp_path)), region=None)
    assert response.status_code == 201, response.content
    assert response.json()["region"] is None and Submission.objects.get(pk=response.json()["id"]).region_id is None


def test_a_zip_with_an_unexpected_member_is_refused(users, tmp_path, settings):  # noqa: F811
    files = export_files(tmp_path)
    files["../structures.csv"] = b"x"
    client = client_for(users["arml"])
    before = database_snapshot()
    assert_refused(client, push(client, zip_bytes(files)), 400, before, settings, "sort du dossier")


def test_a_read_only_token_or_another_body_is_refused(users, tmp_path, settings):  # noqa: F811
    data = zip_bytes(export_files(tmp_path))
    reader = client_for(users["arml"], scope=TokenScope.READ)
    before = database_snapshot()
    assert_refused(reader, push(reader, data), 403, before, settings, "lecture")
    writer = client_for(users["arml"])
    before = database_snapshot()
    response = writer.post(URL, {"annee": YEAR}, format="json")
    assert_refused(writer, response, 415, before, settings, "")
    response = writer.post(URL, {"region": "93", "annee": YEAR, "type": "warehouse"}, format="multipart")
    assert_refused(writer, response, 400, before, settings, "fichier")
    assert writer.put(f"{URL}1/", {}, format="multipart").status_code == 405
