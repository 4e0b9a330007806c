"""A national export (issue 15): the DGEFP uploads one zip of every region; its job validates and computes it
once, then splits it into one submission per region, each staged on its own copy of the published version, each
with its quality report, each reviewed, approved and published by its region's DREETS. Nobody else submits a
national export; a region locked by an approval refuses the whole export, with nothing staged."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from pilotage.indicators.models import IndicatorDataset
from pilotage.submissions.models import Submission, SubmissionQuality, SubmissionStatus
from pilotage.submissions.services import submission_create, submission_move
from tests.submissions.conftest import YEAR, export_files, upload, zip_bytes

pytestmark = pytest.mark.django_db
NATIONAL = (("ML13A", "13"), ("ML13B", "13"), ("ML83A", "83"), ("ML69A", "69"))


def national_zip(tmp_path) -> bytes:
    return zip_bytes(export_files(tmp_path, structures=NATIONAL, seed=0.17))


def post(client, user, data: bytes, region=""):
    client.force_login(user)
    return client.post(reverse("submissions:upload"), {
        "region": region, "year": YEAR, "kind": "warehouse", "data_date": "15/01/2025",
        "file": upload(data, "export_national.zip"),
    })  # fmt: skip


def test_the_dgefp_national_zip_is_staged_region_by_region(client, users, tmp_path):
    response = post(client, users["dgefp"], national_zip(tmp_path))
    national = Submission.objects.get(region__isnull=True)
    assert response.status_code == 302 and response.url == national.get_absolute_url()
    assert national.status == SubmissionStatus.SPLIT and national.staged_dataset is None
    children = {child.region_id: child for child in national.children.all()}
    assert set(children) == {"93", "84"}
    for region, codes in (("93", {"ML13A", "ML13B", "ML83A"}), ("84", {"ML69A"})):
        child = children[region]
        assert child.status == SubmissionStatus.VALIDATED and child.sha256 == national.sha256
        assert set(child.ml_codes) == codes and child.job_id == national.job_id
        staged = child.staged_dataset
        assert staged.is_staged and not staged.is_published and staged.region_id == region
        # its own region's Missions Locales only: nothing published yet, so nothing of the other region
        assert set(staged.values.filter(level="ml").values_list("code", flat=True)) == codes
        assert SubmissionQuality.objects.filter(submission=child).exists()
        assert list(child.transitions.values_list("name", flat=True)) == ["validate"]
    assert list(national.transitions.values_list("name", flat=True)) == ["start", "split"]
    assert len(mail.outbox) == 1 and "2 dépôts régionaux" in mail.outbox[0].body
    page = client.get(national.get_absolute_url()).content.decode()
    assert "réparti en dépôts régionaux" in page and children["84"].get_absolute_url() in page

    # the DREETS of the 93 sees its region's submission, not the national one nor the 84's
    client.force_login(users["dreets"])
    assert client.get(children["93"].get_absolute_url()).status_code == 200
    assert client.get(national.get_absolute_url()).status_code == 404
    assert client.get(children["84"].get_absolute_url()).status_code == 404
    assert client.get(reverse("submissions:quality", args=[children["93"].pk])).status_code == 200
    page = client.get(children["93"].get_absolute_url()).content.decode()
    assert f"export national n° {national.pk}" in page and national.get_absolute_url() not in page

    # each region published by itself; the nation is the sum of both regions' parts
    for region, user in (("93", users["dreets"]), ("84", users["dreets84"])):
        child = submission_move(submission=children[region], name="approve", user=user).obj
        submission_move(submission=child, name="publish", user=user)
    current = IndicatorDataset.objects.get(is_current=True)
    parts = current.values.filter(level="ml", indicator="1", breakdown="total").values_list("value", flat=True)
    assert current.version == 2 and current.values.get(level="national", indicator="1", breakdown="total").value == sum(
        parts
    )


def test_only_the_dgefp_submits_a_national_export(client, users, tmp_path):
    response = post(client, users["arml"], national_zip(tmp_path))
    assert response.status_code == 200 and "Ce champ est obligatoire" in response.content.decode()
    with pytest.raises(PermissionDenied, match="Seule la DGEFP"):
        submission_create(user=users["arml"], region=None, year=YEAR, kind="warehouse",
                          upload=upload(national_zip(tmp_path)))  # fmt: skip
    assert not Submission.objects.exists()


def test_a_locked_region_refuses_the_whole_national_export(client, users, tmp_path):
    from tests.submissions.factories import ml_values, staged_submission

    staged_submission(region_code="84", year=YEAR, values=ml_values({"ML69A": 10}), by=users["dgefp"],
                      status=SubmissionStatus.APPROVED, approver=users["dgefp"])  # fmt: skip
    post(client, users["dgefp"], national_zip(tmp_path))
    national = Submission.objects.get(region__isnull=True)
    assert national.status == SubmissionStatus.INVALID and not national.children.exists()
    page = client.get(national.get_absolute_url()).content.decode()
    assert "Auvergne-Rhône-Alpes ont été approuvées" in page and "retirez l&#x27;approbation" in page
    assert IndicatorDataset.objects.filter(is_staged=True).count() == 1  # the 84's approved copy only


def test_a_national_export_with_an_unknown_department_is_refused(client, users, tmp_path):
    files = export_files(tmp_path, structures=NATIONAL, seed=0.17)
    files["structures.csv"] = files["structures.csv"].replace(b";;69\n", b";;99\n")
    post(client, users["dgefp"], zip_bytes(files))
    national = Submission.objects.get()
    assert national.status == SubmissionStatus.INVALID and not IndicatorDataset.objects.exists()
    assert "département inconnu" in client.get(national.get_absolute_url()).content.decode()


def test_the_command_submits_a_national_export(users, tmp_path, capsys):
    path = tmp_path / "national.zip"
    path.write_bytes(national_zip(tmp_path))
    call_command("submit_export", str(path), "--year", str(YEAR), "--region", "national", "--by", users["dgefp"].email)
    out = capsys.readouterr().out
    national = Submission.objects.get(region__isnull=True)
    assert f"Dépôt n° {national.pk} : réparti en dépôts régionaux" in out
    assert "Provence-Alpes-Côte d'Azur, validé, non publié" in out and "Auvergne-Rhône-Alpes, validé" in out


def test_a_national_results_file_is_split_too(client, users):
    text = ("niveau,code,annee,indicateur,ventilation,valeur\nml,ML13A,2024,1,total,120\nml,ML69A,2024,1,total,33\n"
            "departement,83,2024,1,total,7\n")  # fmt: skip
    client.force_login(users["dgefp"])
    data = {"region": "", "year": YEAR, "kind": "results", "data_date": "15/01/2025",
            "file": upload(text.encode(), "r.csv")}  # fmt: skip
    client.post(reverse("submissions:upload"), data)
    national = Submission.objects.get(region__isnull=True)
    assert national.status == SubmissionStatus.SPLIT
    children = {c.region_id: c for c in national.children.all()}
    assert set(children) == {"93", "84"}
    values93 = dict(children["93"].staged_dataset.values.filter(indicator="1").values_list("code", "value"))
    assert values93["ML13A"] == 120 and values93["83"] == 7 and "ML69A" not in values93
