"""Write matrix of the funding lines: every role × every way to record a line (service, import page, command,
admin) × a Mission Locale in its department (13), in its region only (83), in another region (69).

The rule (issue 11, finding 2): the DGEFP records any line; DREETS and DDETS the State's lines of the Missions
Locales of their territory; a council or a municipality its own lines, for the Missions Locales of its
territory only — a departmental council those covering its department, a regional council its region's, a
municipality or EPCI those listed on its record. A refused write changes nothing in the database and is told in
French (the import report names the line, the column, the value and the reason), never a 500.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.funding.models import FundingLine
from pilotage.funding.services import funding_lines_import
from tests.factories import state_funder
from tests.network import user_of
from tests.writes.snapshot import assert_unchanged, database_snapshot

HEADER = "code_ml;annee;financeur_type;financeur_code;categorie;theme;montant"

#: role (its organisation in the 13) → the Missions Locales for which it may record its own lines
MAY_WRITE = {
    Role.NATIONAL_ADMIN: {"ml13", "ml83", "ml69"},
    Role.REGIONAL_STATE: {"ml13", "ml83"},
    Role.DEPARTMENTAL_STATE: {"ml13"},
    Role.REGIONAL_COUNCIL: {"ml13", "ml83"},
    Role.DEPARTMENTAL_COUNCIL: {"ml13"},
    Role.MUNICIPALITY: {"ml13"},
    Role.ML_DIRECTOR: set(),
    Role.ML_STAFF: set(),
    Role.ARML: set(),
    Role.NATIONAL_OBSERVER: set(),
}
MISSIONS_LOCALES = ("ml13", "ml83", "ml69")


def test_no_role_is_forgotten():
    assert set(MAY_WRITE) == set(Role)


def own_line(user, ml) -> str:
    """The line this user would record in its own name: a council its own, the State's for the others."""
    funder = user.funder
    if funder is None:
        return f"{ml.code};2025;etat;;fonctionnement;;1 000\n"
    return f"{ml.code};2025;{funder.type};{funder.code};fonctionnement;;1 000\n"


@pytest.fixture
def lines_network(network):
    state_funder()
    return network


READERS = {Role.ML_DIRECTOR, Role.ML_STAFF, Role.ARML, Role.NATIONAL_OBSERVER}
OUTSIDE = "cette Mission Locale n'est pas dans votre territoire."


@pytest.mark.parametrize("key", MISSIONS_LOCALES)
@pytest.mark.parametrize("role", list(Role))
def test_service(lines_network, role, key):
    user = user_of(role, lines_network)
    ml = lines_network[key]
    before = database_snapshot("funding")
    report = funding_lines_import(path_or_file=io.BytesIO((HEADER + "\n" + own_line(user, ml)).encode()),
                                  filename="lignes.csv", acting_user=user, wet_run=True)  # fmt: skip
    if key in MAY_WRITE[role]:
        assert report.saved, [str(i) for i in report.issues]
        line = FundingLine.objects.get(mission_locale=ml)
        assert line.history.get().history_user == user
    else:
        assert not report.saved
        if role in READERS:
            expected = (
                "financeur_type », valeur « etat » : votre rôle ne permet pas d'importer des lignes de financement."
            )
        else:
            expected = f"code_ml », valeur « {ml.code} » : {OUTSIDE}"
        assert [str(i) for i in report.errors] == [f"lignes.csv, ligne 2, colonne « {expected}"]
        assert_unchanged(before, (role, key))


@pytest.mark.parametrize("key", MISSIONS_LOCALES)
@pytest.mark.parametrize("role", list(Role))
def test_import_page(client, lines_network, role, key, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = user_of(role, lines_network)
    client.force_login(user)
    ml = lines_network[key]
    before = database_snapshot("funding")
    upload = SimpleUploadedFile("lignes.csv", (HEADER + "\n" + own_line(user, ml)).encode())
    # the upload and the confirmation each start a job (run at once in the tests) and lead to its page
    response = client.post(reverse("funding:import"), {"kind": "lignes", "file": upload}, follow=True)
    confirm = client.post(reverse("funding:import_confirm"))
    if key in MAY_WRITE[role]:
        assert response.status_code == 200 and confirm.status_code == 302
        assert FundingLine.objects.get(mission_locale=ml).history.get().history_user == user
        return
    if role in READERS:
        assert (response.status_code, confirm.status_code) == (404, 404)
    else:
        page = response.content.decode()
        assert response.status_code == 200 and "import refusé, 1 erreur" in page, (role, key)
        assert "cette Mission Locale n&#x27;est pas dans votre territoire." in page
        assert confirm.status_code == 302  # nothing waits for confirmation: back to the upload form
    assert_unchanged(before, (role, key))


@pytest.mark.parametrize("key", MISSIONS_LOCALES)
@pytest.mark.parametrize(
    "role", [Role.DEPARTMENTAL_COUNCIL, Role.REGIONAL_COUNCIL, Role.MUNICIPALITY, Role.DEPARTMENTAL_STATE]
)
def test_command(lines_network, role, key, tmp_path, capsys):
    user = user_of(role, lines_network)
    ml = lines_network[key]
    path = tmp_path / "lignes.csv"
    path.write_text(HEADER + "\n" + own_line(user, ml), encoding="utf-8")
    before = database_snapshot("funding")
    if key in MAY_WRITE[role]:
        call_command("import_funding_lines", str(path), "--user", user.email, "--wet-run")
        assert FundingLine.objects.get(mission_locale=ml).history.get().history_user == user
        return
    with pytest.raises(CommandError, match="import refusé"):
        call_command("import_funding_lines", str(path), "--user", user.email, "--wet-run")
    assert "cette Mission Locale n'est pas dans votre territoire." in capsys.readouterr().out
    assert_unchanged(before, (role, key))


def test_the_var_council_records_nothing_for_marseille_nor_paris(lines_network, make_user):
    """The probe of issue 11: the Var council imported lines for a Mission Locale of the 13 and one of Paris."""
    var = make_user(Role.DEPARTMENTAL_COUNCIL, department_code="83")
    paris = make_user(Role.ML_STAFF, department_code="75").mission_locale
    text = HEADER + "\n" + own_line(var, lines_network["ml13"]) + own_line(var, paris) + own_line(
        var, lines_network["ml83"])  # fmt: skip
    before = database_snapshot("funding")
    report = funding_lines_import(path_or_file=io.BytesIO(text.encode()), filename="var.csv", acting_user=var,
                                  wet_run=True)  # fmt: skip
    assert [(i.line, i.column, i.value) for i in report.errors] == [(2, "code_ml", "ML13S00"),
                                                                    (3, "code_ml", paris.code)]  # fmt: skip
    assert_unchanged(before)
