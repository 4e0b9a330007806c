import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from pilotage.core.identifiers import fake_siret
from pilotage.reference.imports import reference_import
from pilotage.reference.models import Funder, FunderType, MissionLocale, RegionalAssociation
from tests.factories import MissionLocaleFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "code_ml;nom;nom_usage;siret;forme_juridique;departement;departements_couverts;commune;president"
S1, S2, S3 = fake_siret(1), fake_siret(2), fake_siret(3)


def csv_bytes(*lines, header=HEADER, encoding="utf-8", sep=";"):
    text = "\n".join([header, *lines]) + "\n"
    return text.replace(";", sep).encode(encoding)


def run(raw, filename="missions_locales.csv", wet=True, kind="missions_locales", user=None):
    return reference_import(kind=kind, path_or_file=io.BytesIO(raw), filename=filename, acting_user=user, wet_run=wet)


GOOD = [
    f"13201S00;13-ML MARSEILLE;Mission Locale de Marseille;{S1};association;13;;Marseille;Dominique Exemple",
    f"83137S00;83-ML TOULON;Mission Locale de Toulon;{S2};gip;83;13;Toulon;",
]


def test_a_good_file_is_imported():
    report = run(csv_bytes(*GOOD))
    assert report.ok and report.saved and (report.created, report.updated, report.unchanged) == (2, 0, 0)
    toulon = MissionLocale.objects.get(code="83137S00")
    assert toulon.legal_form == "gip" and toulon.department_id == "83"
    assert list(toulon.departments_covered.values_list("code", flat=True)) == ["13"]


def refused(report, line, column, fragment):
    assert not report.ok and not report.saved
    assert MissionLocale.objects.count() == 0, "nothing may be half-saved"
    matching = [i for i in report.errors if i.line == line and i.column == column and fragment in i.reason]
    assert matching, [str(i) for i in report.errors]
    return str(matching[0])


def test_wrong_siret_key_refuses_the_whole_file():
    bad = GOOD[1].replace(S2, S2[:-1] + str((int(S2[-1]) + 1) % 10))
    message = refused(run(csv_bytes(GOOD[0], bad)), 3, "siret", "clé de contrôle")
    assert message.startswith("missions_locales.csv, ligne 3, colonne « siret », valeur « ")


def test_wrong_siret_length():
    refused(run(csv_bytes(GOOD[0].replace(S1, "1234"))), 2, "siret", "14 chiffres")


def test_unknown_department_code():
    message = refused(run(csv_bytes(GOOD[0], GOOD[1].replace(";gip;83;", ";gip;978;"))), 3, "departement", "inconnu")
    assert "valeur « 978 »" in message


def test_department_without_leading_zero_is_explained():
    line = GOOD[0].replace(";13;", ";1;")
    refused(run(csv_bytes(line)), 2, "departement", "écrire 01 et non 1")


def test_duplicate_code_in_the_file():
    message = refused(run(csv_bytes(GOOD[0], GOOD[0].replace(S1, S3))), 3, "code_ml", "doublon de la ligne 2")
    assert "13201S00" in message


def test_duplicate_siret_in_the_file():
    refused(run(csv_bytes(GOOD[0], GOOD[1].replace(S2, S1))), 3, "siret", "doublon de la ligne 2")


def test_siret_already_taken_by_another_mission_locale():
    MissionLocaleFactory(code="OTHER", siret=S1)
    report = run(csv_bytes(GOOD[0]))
    assert not report.ok and MissionLocale.objects.count() == 1
    assert any(i.column == "siret" and "existe déjà" in i.reason for i in report.errors), [
        str(i) for i in report.errors
    ]


def test_unknown_column_and_missing_column():
    report = run(csv_bytes(GOOD[0], header=HEADER.replace("nom_usage", "nom_usuel")))
    assert [str(i) for i in report.errors][0].startswith("missions_locales.csv, ligne 1, colonne « nom_usuel »")


def test_windows_1252_file():
    line = f"13201S00;13-ML MARSEILLE;Mission Locale de l’Étang;{S1};association;13;;Marseille;Hélène Exemple"
    report = run(csv_bytes(line, encoding="cp1252"))
    assert report.saved
    ml = MissionLocale.objects.get()
    assert ml.usual_name == "Mission Locale de l’Étang" and ml.president == "Hélène Exemple"


def test_comma_csv_and_utf8_bom():
    assert run(b"\xef\xbb\xbf" + csv_bytes(*GOOD, sep=",")).created == 2


def test_xlsx():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["13201S00", "13-ML MARSEILLE", "", int(S1), "association", 13, None, "Marseille", None])
    sheet.append(["83137S00", "83-ML TOULON", "", S2, "gip", "83", "", "Toulon", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(buffer.getvalue(), filename="missions_locales.xlsx")
    assert report.saved and report.created == 2
    assert MissionLocale.objects.get(code="13201S00").siret == S1


def test_xlsx_errors_name_the_line():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append(["13201S00", "13-ML MARSEILLE", "", S1, "association", "13", None, None, None])
    sheet.append(["83137S00", "", "", S2, "coopérative", "83", "", "", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = run(buffer.getvalue(), filename="ml.xlsx")
    assert {(i.line, i.column) for i in report.errors} == {(3, "nom"), (3, "forme_juridique")}
    assert MissionLocale.objects.count() == 0


def test_reimport_changes_nothing_and_writes_no_history():
    run(csv_bytes(*GOOD))
    history = MissionLocale.history.count()
    again = run(csv_bytes(*GOOD))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert MissionLocale.history.count() == history


def test_a_changed_row_is_one_audited_update():
    run(csv_bytes(*GOOD))
    user = UserFactory()
    history = MissionLocale.history.count()
    report = run(csv_bytes(GOOD[0].replace("Dominique Exemple", "Camille Autre"), GOOD[1]), user=user)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert MissionLocale.history.count() == history + 1
    record = MissionLocale.objects.get(code="13201S00").history.first()
    assert record.history_user == user and record.history_change_reason == "Import missions_locales.csv"
    assert record.president == "Camille Autre"


def test_import_never_blanks_what_it_is_not_given():
    run(csv_bytes(*GOOD))
    header = "code_ml;nom;departement"
    report = run(csv_bytes("13201S00;13-ML MARSEILLE;13", header=header))
    assert report.unchanged == 1
    assert MissionLocale.objects.get(code="13201S00").president == "Dominique Exemple"


def test_dry_run_saves_nothing():
    report = run(csv_bytes(*GOOD), wet=False)
    assert report.ok and report.created == 2 and not report.saved
    assert MissionLocale.objects.count() == 0
    assert "simulation" in report.summary


def test_funders_and_arml():
    MissionLocaleFactory(code="13201S00", siret=S1)
    funders = (
        "type;nom;code;siren;departement;missions_locales\n"
        "departement;Conseil départemental des Bouches-du-Rhône;13;;;\n"
        "region;Région Sud;93;;;\n"
        "commune_epci;Métropole d'Aix-Marseille-Provence;200054807;;13;13201S00\n"
        "france_travail;France Travail;;;;\n"
    ).encode()
    report = run(funders, filename="financeurs.csv", kind="financeurs")
    assert report.saved and report.created == 4, [str(i) for i in report.issues]
    epci = Funder.objects.get(type=FunderType.COMMUNE_EPCI)
    assert epci.siren == "200054807" and list(epci.missions_locales.values_list("code", flat=True)) == ["13201S00"]
    assert Funder.objects.get(type=FunderType.DEPARTEMENT).region_id == "93"
    assert run(funders, filename="financeurs.csv", kind="financeurs").unchanged == 4

    arml = f"region;nom;sigle;siret\n93;Association régionale Sud;ARML Sud;{S2}\n84;ARML AURA;;{S1}\n".encode()
    report = run(arml, filename="arml.csv", kind="arml")
    assert not report.saved and RegionalAssociation.objects.count() == 0
    assert [(i.line, i.column) for i in report.errors] == [(3, "siret")]
    assert "l'ARML ne peut pas en être une" in report.errors[0].reason


def test_bad_epci_siren():
    raw = b"type;nom;code;departement\ncommune_epci;Commune;123456789;13\n"
    report = run(raw, filename="financeurs.csv", kind="financeurs")
    assert [(i.line, i.column) for i in report.errors] == [(2, "code")]


def test_command_dry_run_then_wet_run(tmp_path, capsys):
    path = tmp_path / "missions_locales.csv"
    path.write_bytes(csv_bytes(*GOOD))
    call_command("import_reference", "missions_locales", str(path))
    assert MissionLocale.objects.count() == 0
    assert "relancez avec --wet-run" in capsys.readouterr().out
    call_command("import_reference", "missions_locales", str(path), "--wet-run")
    assert MissionLocale.objects.count() == 2


def test_command_fails_with_every_issue(tmp_path, capsys):
    path = tmp_path / "ml.csv"
    path.write_bytes(csv_bytes(GOOD[0].replace(";13;", ";99;"), GOOD[1].replace(S2, "1")))
    with pytest.raises(CommandError, match="import refusé, 2 erreurs"):
        call_command("import_reference", "missions_locales", str(path), "--wet-run")
    out = capsys.readouterr().out
    assert "ml.csv, ligne 2, colonne « departement », valeur « 99 »" in out
    assert "ml.csv, ligne 3, colonne « siret », valeur « 1 »" in out
    assert MissionLocale.objects.count() == 0
