from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pilotage.core.identifiers import fake_siret
from pilotage.core.roles import Role
from pilotage.reference.models import MissionLocale

GOOD = f"code_ml;nom;siret;departement\n13201S00;13-ML MARSEILLE;{fake_siret(1)};13\n".encode()
BAD = b"code_ml;nom;siret;departement\n13201S00;13-ML MARSEILLE;123;978\n"


def upload(client, content, name="ml.csv"):
    data = {"kind": "missions_locales", "file": SimpleUploadedFile(name, content)}
    return client.post(reverse("reference:import"), data, follow=True)


def test_admin_simulates_then_confirms(client, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    admin = make_user(Role.NATIONAL_ADMIN)
    client.force_login(admin)
    assert client.get(reverse("reference:import")).status_code == 200
    page = upload(client, GOOD).content.decode()
    assert "simulation — 1 création(s)" in page and MissionLocale.objects.count() == 0
    response = client.post(reverse("reference:import_confirm"))
    assert response.status_code == 302
    ml = MissionLocale.objects.get()
    assert ml.history.first().history_user == admin
    assert not list((tmp_path / "imports").iterdir()), "the uploaded file is removed"


def test_admin_sees_every_issue_and_nothing_is_saved(client, make_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    page = upload(client, BAD).content.decode()
    assert "import refusé, 2 erreurs" in page
    assert "<td>siret</td><td>123</td>" in page and "<td>departement</td><td>978</td>" in page
    assert client.post(reverse("reference:import_confirm")).status_code == 302
    assert MissionLocale.objects.count() == 0


def test_wrong_extension_is_refused_by_the_form(client, make_user):
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    page = upload(client, b"x", name="ml.pdf").content.decode()
    assert "Formats acceptés : CSV ou XLSX." in page


def test_others_get_404(client, make_user):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL))
    assert client.get(reverse("reference:import")).status_code == 404
    assert upload(client, GOOD).status_code == 404
    assert client.post(reverse("reference:import_confirm")).status_code == 404


def test_a_new_upload_replaces_the_pending_one_and_stale_files_go(client, make_user, settings, tmp_path):
    import os
    import time

    settings.MEDIA_ROOT = tmp_path
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    stale = tmp_path / "imports" / "old.csv"
    stale.parent.mkdir(parents=True)
    stale.write_text("x")
    os.utime(stale, (time.time() - 3 * 24 * 3600,) * 2)
    upload(client, GOOD)
    upload(client, GOOD)
    assert len(list((tmp_path / "imports").iterdir())) == 1 and not stale.exists()
