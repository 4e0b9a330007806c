"""Submitting data (slice A of issue 15): every refusal is French, never a 500, and leaves nothing staged; a valid
export is validated, computed and staged (not published) by its job; the submitter gets an e-mail."""

import os
import zipfile

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from pilotage.indicators.models import IndicatorDataset
from pilotage.submissions.models import Submission, SubmissionStatus
from tests.submissions.conftest import YEAR, export_files, upload, zip_bytes

pytestmark = pytest.mark.django_db


def post(client, user, data: bytes, *, name="export.zip", region="93", year=YEAR, kind="warehouse"):
    client.force_login(user)
    return client.post(reverse("submissions:upload"), {
        "region": region, "year": year, "kind": kind, "data_date": "15/01/2025", "file": upload(data, name),
    })  # fmt: skip


def assert_nothing_staged():
    assert not IndicatorDataset.objects.exists()
    assert not Submission.objects.exclude(status=SubmissionStatus.INVALID).exists()


def test_a_valid_export_is_validated_computed_and_staged_not_published(client, users, tmp_path):
    response = post(client, users["arml"], zip_bytes(export_files(tmp_path)))
    submission = Submission.objects.get()
    assert response.status_code == 302 and response.url == submission.get_absolute_url()
    assert submission.status == SubmissionStatus.VALIDATED and len(submission.sha256) == 64
    staged = submission.staged_dataset
    assert staged is not None and not staged.is_current and not staged.is_published and staged.is_staged
    assert staged.region_id == "93" and str(staged.data_date) == "2025-01-15"
    codes = set(staged.values.filter(level="ml").values_list("code", flat=True))
    assert codes == {"ML13A", "ML13B", "ML83A"}
    # the nation is recomputed from the Missions Locales' parts: here, the region's three
    national = staged.values.get(level="national", indicator="1", breakdown="total").value
    assert national == sum(
        staged.values.filter(level="ml", indicator="1", breakdown="total").values_list("value", flat=True)
    )
    assert not IndicatorDataset.objects.filter(is_current=True).exists()
    assert [m.to for m in mail.outbox] == [[users["arml"].email]] and "validées" in mail.outbox[0].subject
    page = client.get(submission.get_absolute_url())
    assert "validé, non publié" in page.content.decode()
    assert list(submission.transitions.values_list("name", "by")) == [("start", None), ("validate", None)]
    job_page = client.get(reverse("core:job", args=[submission.job_id])).content.decode()
    assert "données validées et calculées" in job_page and submission.get_absolute_url() in job_page  # a way back


def test_an_invalid_export_lists_every_problem_on_the_page_and_in_a_csv(client, users, tmp_path):
    files = export_files(tmp_path)
    lines = files["jeunes.csv"].decode().splitlines()
    fields = lines[1].split(";")
    fields[2] = "X"  # sexe
    lines[1] = ";".join(fields)
    lines[3] = lines[3].replace("-", "/", 1)  # a date of birth written JJ/MM/AAAA-like: unreadable
    files["jeunes.csv"] = ("\n".join(lines) + "\n").encode()
    post(client, users["arml"], zip_bytes(files))
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.INVALID and submission.issue_count >= 2
    assert not IndicatorDataset.objects.exists()
    page = client.get(submission.get_absolute_url()).content.decode()
    assert "jeunes.csv" in page and "valeur inconnue" in page and "Problèmes trouvés" in page
    csv = client.get(reverse("submissions:issues", args=[submission.pk])).content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "fichier;ligne;colonne;valeur;raison;gravite"
    assert "jeunes.csv;2;sexe;X;" in csv
    assert "refusé" in mail.outbox[0].subject


@pytest.mark.parametrize("member, reason", [
    ("../structures.csv", "sort du dossier"),
    ("sub/../../jeunes.csv", "sort du dossier"),
    ("/etc/jeunes.csv", "chemin absolu"),
    ("C:/jeunes.csv", "chemin absolu"),
    ("export/jeunes.csv", "fichier inattendu"),
    ("jeunes.exe", "fichier inattendu"),
])  # fmt: skip
def test_a_zip_with_a_path_outside_the_folder_or_an_unexpected_member_is_refused(client, users, tmp_path, member,
                                                                                  reason):  # fmt: skip
    files = export_files(tmp_path)
    files[member] = b"x"
    response = post(client, users["arml"], zip_bytes(files))
    assert response.status_code == 200 and reason in response.content.decode()
    assert not Submission.objects.exists() and not IndicatorDataset.objects.exists()


def test_a_zip_bomb_is_refused_by_its_ratio_and_by_its_total(client, users, tmp_path, settings):
    files = export_files(tmp_path)
    bomb = dict(files, **{"contexte.csv": b"0" * (30 * 2**20)})  # 30 Mo of zeros: ~1000 times smaller zipped
    response = post(client, users["arml"], zip_bytes(bomb))
    assert "anormalement compressée" in response.content.decode()
    settings.SUBMISSION_MAX_UNCOMPRESSED = 2**20  # members that do not compress, 1,5 Mo in all
    response = post(client, users["arml"], zip_bytes(dict(files, **{"contexte.csv": os.urandom(3 * 2**19)})))
    assert (
        "se décompresse en" in response.content.decode() and "au-delà de la limite de 1 Mo" in response.content.decode()
    )
    assert not Submission.objects.exists() and not IndicatorDataset.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, users, tmp_path, settings):
    settings.SUBMISSION_MAX_UPLOAD_BYTES = 100 * 1024
    data = zip_bytes(export_files(tmp_path), compression=zipfile.ZIP_STORED)
    assert len(data) > 100 * 1024
    response = post(client, users["arml"], data)
    assert "au-delà de la limite de 100 Ko" in response.content.decode()
    assert not Submission.objects.exists()


def test_a_wrong_year_is_refused(client, users, tmp_path):
    response = post(client, users["arml"], zip_bytes(export_files(tmp_path)), year=2099)
    assert "Année 2099 impossible" in response.content.decode() and not Submission.objects.exists()
    # a year the export has no activity in: refused by the job, nothing staged
    post(client, users["arml"], zip_bytes(export_files(tmp_path)), year=2016)
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.INVALID
    assert "aucun événement daté de 2016" in client.get(submission.get_absolute_url()).content.decode()
    assert_nothing_staged()


def test_a_region_the_user_does_not_cover_is_refused(client, users, tmp_path):
    response = post(client, users["arml84"], zip_bytes(export_files(tmp_path)), region="93")
    assert response.status_code == 200 and "Sélectionnez un choix valide" in response.content.decode()
    from pilotage.reference.models import Region
    from pilotage.submissions.services import submission_create

    with pytest.raises(Exception) as refused:
        submission_create(user=users["arml84"], region=Region.objects.get(code="93"), year=YEAR, kind="warehouse",
                          upload=upload(zip_bytes(export_files(tmp_path))))  # fmt: skip
    assert "Vous ne pouvez pas déposer de données pour la région Provence" in str(refused.value)
    # an export of the 93 submitted by the DGEFP for the 84: its structures are outside the region
    post(client, users["dgefp"], zip_bytes(export_files(tmp_path)), region="84")
    submission = Submission.objects.get()
    assert submission.status == SubmissionStatus.INVALID
    assert "département hors de la région" in client.get(submission.get_absolute_url()).content.decode()
    assert_nothing_staged()


@pytest.mark.parametrize("role", ["dreets", "ddets13", "council"])
def test_who_does_not_submit_gets_no_upload_page(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("submissions:upload")).status_code == 404


def test_a_mission_locale_submits_its_own_rows_only(client, users):
    own = "niveau,code,annee,indicateur,ventilation,valeur\nml,ML13A,2024,1,total,120\n"
    response = post(client, users["ml"], own.encode(), name="ml.csv", kind="results")
    submission = Submission.objects.get()
    assert response.status_code == 302 and submission.status == SubmissionStatus.VALIDATED
    assert submission.mission_locale.code == "ML13A" and submission.region_id == "93"
    other = own + "ml,ML13B,2024,1,total,80\n"
    post(client, users["ml"], other.encode(), name="ml.csv", kind="results")
    refused = Submission.objects.order_by("-pk").first()
    assert refused.status == SubmissionStatus.INVALID
    assert "ne dépose que ses propres lignes" in client.get(refused.get_absolute_url()).content.decode()


def test_the_command_prints_the_id_and_the_state_and_fails_unless_staged(users, tmp_path, capsys):
    path = tmp_path / "export.zip"
    path.write_bytes(zip_bytes(export_files(tmp_path)))
    call_command("submit_export", str(path), "--year", str(YEAR), "--region", "93", "--by", users["arml"].email)
    submission = Submission.objects.get()
    assert f"Dépôt n° {submission.pk} : validé, non publié" in capsys.readouterr().out
    with pytest.raises(CommandError, match="non mis en attente"):
        call_command("submit_export", str(path), "--year", "2016", "--region", "93", "--by", users["arml"].email)
    with pytest.raises(CommandError, match="Vous ne pouvez pas déposer"):
        call_command("submit_export", str(path), "--year", str(YEAR), "--region", "84", "--by", users["arml"].email)
