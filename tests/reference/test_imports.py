"""Reference-data imports: all or nothing, every problem named, idempotent, audited; command and screen."""

import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from pilotage.core.identifiers import fake_siren, fake_siret
from pilotage.core.roles import Role
from pilotage.reference.imports import reference_import
from pilotage.reference.management.commands.import_reference import Command
from pilotage.reference.models import Funder, FunderType, MissionLocale, RegionalAssociation
from tests.factories import FunderFactory, MissionLocaleFactory, RegionalAssociationFactory, UserFactory

pytestmark = pytest.mark.django_db

HEADER = "code_ml;nom;nom_usage;siret;forme_juridique;departement;departements_couverts;commune;president"
S1, S2, S3 = fake_siret(1), fake_siret(2), fake_siret(3)
GOOD = [
    f"13201S00;13-ML MARSEILLE;Mission Locale de Marseille;{S1};association;13;;Marseille;Dominique Exemple",
    f"83137S00;83-ML TOULON;Mission Locale de Toulon;{S2};gip;83;13;Toulon;",
]


def csv_bytes(*lines, header=HEADER, encoding="utf-8", sep=";"):
    text = "\n".join([header, *lines]) + "\n"
    return text.replace(";", sep).encode(encoding)


def run(raw, filename="missions_locales.csv", wet=True, kind="missions_locales", user=None):
    return reference_import(kind=kind, path_or_file=io.BytesIO(raw), filename=filename, acting_user=user, wet_run=wet)


def messages(report):
    return [str(issue) for issue in report.issues]


def refused(report, line, column, fragment):
    """The file is refused whole, nothing saved, and the issue names its line and column."""
    assert not report.ok and not report.saved
    assert MissionLocale.objects.count() == 0 and MissionLocale.history.count() == 0, "nothing may be half-saved"
    matching = [i for i in report.errors if i.line == line and i.column == column and fragment in i.reason]
    assert matching, messages(report)
    return str(matching[0])


def with_luhn_broken(siret: str) -> str:
    return siret[:-1] + str((int(siret[-1]) + 1) % 10)


# Missions Locales: accepted files.


def test_a_good_file_is_imported_with_one_history_row_each():
    user = UserFactory()
    report = run(csv_bytes(*GOOD), user=user)
    assert report.ok and report.saved and (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert (
        report.summary == "missions_locales.csv : import enregistré — 2 création(s), 0 mise(s) à jour, 0 inchangée(s)."
    )
    marseille = MissionLocale.objects.get(code="13201S00")
    assert (marseille.name, marseille.usual_name, marseille.siret) == (
        "13-ML MARSEILLE",
        "Mission Locale de Marseille",
        S1,
    )
    assert (marseille.legal_form, marseille.department_id, marseille.city) == ("association", "13", "Marseille")
    assert marseille.president == "Dominique Exemple" and marseille.is_active
    toulon = MissionLocale.objects.get(code="83137S00")
    assert toulon.legal_form == "gip" and toulon.department_id == "83"
    assert list(toulon.departments_covered.values_list("code", flat=True)) == ["13"]
    records = list(toulon.history.all())
    assert len(records) == 1, "the covered departments must not add a second history row"
    assert (records[0].history_type, records[0].history_user, records[0].history_change_reason) == (
        "+",
        user,
        "Import missions_locales.csv",
    )
    assert [link.department_id for link in records[0].departments_covered.all()] == ["13"]
    assert marseille.history.count() == 1


def test_siret_with_spaces_and_lowercase_codes():
    line = "13201s00;13-ML MARSEILLE;;" + " ".join([S1[:3], S1[3:6], S1[6:9], S1[9:]]) + ";GIP;2a;2b 13;;"
    report = run(csv_bytes(line))
    assert report.saved, messages(report)
    ml = MissionLocale.objects.get()
    assert (ml.code, ml.siret, ml.legal_form, ml.department_id) == ("13201S00", S1, "gip", "2A")
    assert sorted(ml.departments_covered.values_list("code", flat=True)) == ["13", "2B"]


def test_windows_1252_file_with_accents():
    line = f"13201S00;13-ML MARSEILLE;Mission Locale de l’Étang;{S1};association;13;;Salon-de-Provence;Hélène Exemple"
    raw = csv_bytes(line, encoding="cp1252")
    assert b"\x92" in raw and b"\xe9" in raw, "really Windows-1252: ’ is 0x92, é is 0xE9"
    report = run(raw)
    assert report.saved, messages(report)
    ml = MissionLocale.objects.get()
    assert ml.usual_name == "Mission Locale de l’Étang" and ml.president == "Hélène Exemple"


def test_semicolon_csv():
    assert run(csv_bytes(*GOOD, sep=";")).created == 2
    assert MissionLocale.objects.get(code="83137S00").city == "Toulon"


def test_comma_csv():
    report = run(csv_bytes(*GOOD, sep=","))
    assert report.saved and report.created == 2
    assert MissionLocale.objects.get(code="13201S00").president == "Dominique Exemple"


def test_utf8_bom():
    raw = b"\xef\xbb\xbf" + csv_bytes(GOOD[0].replace("Marseille;", "Aix-en-Provence;").replace("MARSEILLE", "AIX É"))
    report = run(raw)
    assert report.saved, messages(report)
    ml = MissionLocale.objects.get()
    assert ml.code == "13201S00", "the BOM is not part of the first column name"
    assert ml.name == "13-ML AIX É"


def xlsx_bytes(*rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_number_cells():
    raw = xlsx_bytes(
        HEADER.split(";"),
        ["13201S00", "13-ML MARSEILLE", "", int(S1), "association", 13, None, "Marseille", None],
        [None] * 9,
        ["83137S00", "83-ML TOULON", "Mission Locale de l’Aire toulonnaise", S2, "gip", "83", "13", "Toulon", ""],
    )
    report = run(raw, filename="missions_locales.xlsx")
    assert report.saved and report.created == 2, messages(report)
    assert MissionLocale.objects.get(code="13201S00").siret == S1
    assert MissionLocale.objects.get(code="13201S00").department_id == "13"
    assert MissionLocale.objects.get(code="83137S00").usual_name == "Mission Locale de l’Aire toulonnaise"


def test_xlsx_errors_name_the_spreadsheet_line():
    raw = xlsx_bytes(
        HEADER.split(";"),
        ["13201S00", "13-ML MARSEILLE", "", S1, "association", "13", None, None, None],
        ["83137S00", "", "", S2, "coopérative", 1, "", "", ""],
    )
    report = run(raw, filename="ml.xlsx")
    assert {(i.line, i.column) for i in report.errors} == {(3, "nom"), (3, "forme_juridique"), (3, "departement")}
    assert (
        "ml.xlsx, ligne 3, colonne « departement », valeur « 1 » : code INSEE de département inconnu (écrire 01"
        in (messages(report))[-1]
    )
    assert MissionLocale.objects.count() == 0


# Missions Locales: refused files (whole, nothing saved).


def test_wrong_siret_key_refuses_the_whole_file():
    bad = with_luhn_broken(S2)
    message = refused(run(csv_bytes(GOOD[0], GOOD[1].replace(S2, bad))), 3, "siret", "clé de contrôle")
    assert message == (
        f"missions_locales.csv, ligne 3, colonne « siret », valeur « {bad} » : le SIRET « {bad} » est invalide :"
        " sa clé de contrôle (algorithme de Luhn) est fausse."
    )


def test_wrong_siret_length():
    message = refused(run(csv_bytes(GOOD[0].replace(S1, "1234"), GOOD[1])), 2, "siret", "14 chiffres")
    assert message == (
        "missions_locales.csv, ligne 2, colonne « siret », valeur « 1234 » : le SIRET doit comporter 14 chiffres"
        " (« 1234 » en a 4)."
    )


def test_unknown_department_code():
    message = refused(run(csv_bytes(GOOD[0], GOOD[1].replace(";gip;83;", ";gip;978;"))), 3, "departement", "inconnu")
    assert message.startswith(
        "missions_locales.csv, ligne 3, colonne « departement », valeur « 978 » : code INSEE de département inconnu ;"
    )


def test_department_without_leading_zero_is_reported_not_repaired():
    refused(run(csv_bytes(GOOD[0].replace(";13;", ";1;"))), 2, "departement", "(écrire 01 et non 1)")


def test_corsica_as_20_is_explained():
    refused(run(csv_bytes(GOOD[0].replace(";13;", ";20;"))), 2, "departement", "la Corse est 2A ou 2B")


def test_unknown_covered_department_names_the_code():
    message = refused(run(csv_bytes(GOOD[1].replace(";83;13;", ";83;13,978;"))), 2, "departements_couverts", "978")
    assert "valeur « 13,978 » : « 978 » : code INSEE de département inconnu" in message


def test_duplicate_code_in_the_file():
    report = run(csv_bytes(GOOD[0], GOOD[1], GOOD[0].replace(S1, S3)))
    message = refused(report, 4, "code_ml", "doublon de la ligne 2")
    assert message == (
        "missions_locales.csv, ligne 4, colonne « code_ml », valeur « 13201S00 » :"
        " doublon de la ligne 2 (même code structure)."
    )
    assert len(report.errors) == 1


def test_duplicate_siret_in_the_file():
    message = refused(run(csv_bytes(GOOD[0], GOOD[1].replace(S2, S1))), 3, "siret", "doublon de la ligne 2")
    assert message.endswith("doublon de la ligne 2, qui a le même SIRET.")


def test_siret_already_taken_by_another_mission_locale():
    other = MissionLocaleFactory(code="06088S00", name="Mission Locale de Nice", siret=S1, department_id="06")
    history = MissionLocale.history.count()
    report = run(csv_bytes(GOOD[0], GOOD[1]))
    assert not report.ok and not report.saved
    assert list(MissionLocale.objects.values_list("code", flat=True)) == [other.code]
    assert MissionLocale.history.count() == history
    assert messages(report) == [
        f"missions_locales.csv, ligne 2, colonne « siret », valeur « {S1} » : ce SIRET est déjà celui de la Mission"
        " Locale « Mission Locale de Nice » (06088S00)."
    ]


def test_siret_of_an_arml_is_refused_for_a_mission_locale():
    RegionalAssociationFactory(region_id="93", acronym="ARML PACA", siret=S1)
    message = refused(run(csv_bytes(GOOD[0])), 2, "siret", "ce SIRET est déjà celui de l'ARML « ARML PACA »")
    assert message.endswith("(région 93).")


def test_every_problem_of_a_row_is_reported_with_its_column():
    header = "code_ml;nom;forme_juridique;departement;code_postal;courriel;telephone;president"
    line = f"13-201;;coop;13;1300;pas-un-courriel;491000000;{'x' * 201}"
    report = run(csv_bytes(line, header=header))
    found = {(i.line, i.column): i.reason for i in report.errors}
    assert set(found) == {
        (2, "code_ml"),
        (2, "nom"),
        (2, "forme_juridique"),
        (2, "code_postal"),
        (2, "telephone"),
    }, messages(report)
    assert found[(2, "nom")] == "valeur obligatoire manquante."
    assert "cellule vide" in str(next(i for i in report.errors if i.column == "nom"))
    assert found[(2, "forme_juridique")] == "valeur inconnue ; valeurs possibles : association, gip."
    assert "le zéro initial a-t-il disparu" in found[(2, "code_postal")]
    assert "le zéro initial a-t-il disparu" in found[(2, "telephone")]
    assert MissionLocale.objects.count() == 0


def test_model_validation_errors_are_mapped_to_their_column():
    header = "code_ml;nom;departement;courriel;president"
    report = run(csv_bytes(f"13201S00;ML;13;pas-un-courriel;{'x' * 201}", header=header))
    assert {i.column for i in report.errors} == {"courriel", "president"}, messages(report)
    email = next(i for i in report.errors if i.column == "courriel")
    assert (email.line, email.value) == (2, "pas-un-courriel")
    assert MissionLocale.objects.count() == 0


def test_header_only_file_is_refused():
    report = run(csv_bytes())
    assert messages(report) == ["missions_locales.csv : le fichier ne contient aucune ligne de données sous l'en-tête."]


def test_unknown_and_missing_columns():
    report = run(csv_bytes(GOOD[0], header=HEADER.replace("nom_usage", "nom_usuel").replace("departement;", "")))
    assert [(i.line, i.column) for i in report.errors] == [(1, "nom_usuel"), (1, "departement")]


# Idempotence and history.


def test_reimport_changes_nothing_and_writes_no_history():
    run(csv_bytes(*GOOD))
    history = MissionLocale.history.count()
    covered_history = MissionLocale.history.model.departments_covered.model.objects.count()
    updated_at = MissionLocale.objects.get(code="83137S00").updated_at
    again = run(csv_bytes(*GOOD))
    assert again.saved and (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert MissionLocale.history.count() == history
    assert MissionLocale.history.model.departments_covered.model.objects.count() == covered_history
    assert MissionLocale.objects.get(code="83137S00").updated_at == updated_at


def test_a_changed_row_is_one_audited_update():
    run(csv_bytes(*GOOD))
    user = UserFactory()
    history = MissionLocale.history.count()
    report = run(csv_bytes(GOOD[0].replace("Dominique Exemple", "Camille Autre"), GOOD[1]), user=user)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert MissionLocale.history.count() == history + 1
    record = MissionLocale.objects.get(code="13201S00").history.first()
    assert (record.history_type, record.history_user, record.history_change_reason) == (
        "~",
        user,
        "Import missions_locales.csv",
    )
    assert record.president == "Camille Autre"
    assert MissionLocale.objects.get(code="13201S00").president == "Camille Autre"


def test_a_changed_field_and_covered_departments_make_one_history_row():
    run(csv_bytes(*GOOD))
    user = UserFactory()
    toulon = MissionLocale.objects.get(code="83137S00")
    before = toulon.history.count()
    changed = GOOD[1].replace(";83;13;Toulon;", ";83;13 06;Toulon-Ouest;")
    report = run(csv_bytes(GOOD[0], changed), user=user)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert toulon.history.count() == before + 1
    record = toulon.history.first()
    assert record.city == "Toulon-Ouest" and record.history_user == user
    assert sorted(link.department_id for link in record.departments_covered.all()) == ["06", "13"]


def test_covered_departments_alone_are_an_update():
    run(csv_bytes(*GOOD))
    toulon = MissionLocale.objects.get(code="83137S00")
    report = run(csv_bytes(GOOD[0], GOOD[1].replace(";83;13;", ";83;;")))
    assert (report.updated, report.unchanged) == (1, 1)
    assert toulon.departments_covered.count() == 0 and toulon.history.count() == 2


def test_absent_column_is_left_alone_and_empty_cell_blanks():
    run(csv_bytes(*GOOD))
    report = run(csv_bytes("13201S00;13-ML MARSEILLE;13", header="code_ml;nom;departement"))
    assert report.unchanged == 1
    ml = MissionLocale.objects.get(code="13201S00")
    assert (ml.president, ml.siret, ml.usual_name) == ("Dominique Exemple", S1, "Mission Locale de Marseille")
    report = run(csv_bytes("13201S00;13-ML MARSEILLE;13;", header="code_ml;nom;departement;president"))
    assert report.updated == 1
    assert MissionLocale.objects.get(code="13201S00").president == ""


def test_dry_run_saves_nothing():
    report = run(csv_bytes(*GOOD), wet=False)
    assert report.ok and not report.saved and (report.created, report.updated) == (2, 0)
    assert report.summary == (
        "missions_locales.csv : simulation — 2 création(s), 0 mise(s) à jour, 0 inchangée(s) ; rien n'a été enregistré."
    )
    assert MissionLocale.objects.count() == 0 and MissionLocale.history.count() == 0


def test_dry_run_of_an_update_does_not_touch_the_database():
    run(csv_bytes(*GOOD))
    report = run(csv_bytes(GOOD[0].replace("Dominique Exemple", "Autre"), GOOD[1]), wet=False)
    assert report.updated == 1 and not report.saved
    assert MissionLocale.objects.get(code="13201S00").president == "Dominique Exemple"


def test_long_file_name_fits_the_history_reason():
    filename = "x" * 150 + ".csv"
    assert run(csv_bytes(GOOD[0]), filename=filename).saved
    assert MissionLocale.history.get().history_change_reason == f"Import {filename}"[:100]


def test_export_then_import_is_a_no_op(client, make_user):
    run(csv_bytes(*GOOD))
    MissionLocale.objects.filter(code="13201S00").update(is_active=False, postcode="13001", phone="04 91 00 00 00")
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    response = client.get(reverse("reference:mission_locale_export", args=["csv"]), {"format": "technique"})
    exported = response.content
    assert exported.startswith(b"code_ml,nom,nom_usage,siret,forme_juridique,departement,")
    history = MissionLocale.history.count()
    report = run(exported, filename="missions_locales.csv")
    assert report.saved and report.created == 0 and report.updated == 0, messages(report)
    assert report.unchanged == MissionLocale.objects.count()
    assert MissionLocale.history.count() == history


def test_export_columns_region_and_actif():
    header = "code_ml;nom;departement;region;actif"
    report = run(csv_bytes("13201S00;ML;13;84;1", header=header))
    assert [(i.line, i.column) for i in report.errors] == [(2, "region")]
    assert "le département 13 est dans la région Provence-Alpes-Côte d'Azur (93)" in report.errors[0].reason
    assert run(csv_bytes("13201S00;ML;13;93;0", header=header)).saved
    assert MissionLocale.objects.get().is_active is False


# Funders.

FUNDERS_HEADER = "type;nom;code;siren;departement;missions_locales"
EPCI = fake_siren(1)


def funders_csv(*lines, header=FUNDERS_HEADER):
    return csv_bytes(*lines, header=header)


def run_funders(raw, **kwargs):
    return run(raw, filename="financeurs.csv", kind="financeurs", **kwargs)


def test_funders_are_imported_and_reimport_is_a_no_op():
    MissionLocaleFactory(code="13201S00", siret=S1)
    raw = funders_csv(
        "departement;Conseil départemental des Bouches-du-Rhône;13;;;",
        "region;Région Sud;93;;;",
        f"commune_epci;Métropole d'Aix-Marseille-Provence;{EPCI};;13;13201S00",
        "france_travail;France Travail;;;;",
    )
    report = run_funders(raw)
    assert report.saved and report.created == 4, messages(report)
    epci = Funder.objects.get(type=FunderType.COMMUNE_EPCI)
    assert (epci.code, epci.siren, epci.department_id) == (EPCI, EPCI, "13")
    assert list(epci.missions_locales.values_list("code", flat=True)) == ["13201S00"]
    assert epci.history.count() == 1
    assert [link.missionlocale.code for link in epci.history.get().missions_locales.all()] == ["13201S00"]
    council = Funder.objects.get(type=FunderType.DEPARTEMENT)
    assert (council.code, council.department_id, council.region_id) == ("13", "13", "93")
    assert Funder.objects.get(type=FunderType.REGION).region_id == "93"
    assert Funder.objects.get(type=FunderType.FRANCE_TRAVAIL).code == ""
    history = Funder.history.count()
    again = run_funders(raw)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert Funder.history.count() == history


def test_a_council_is_found_by_its_code_whatever_its_name_or_case():
    council = FunderFactory(departmental_council=True, department_id="2A", code="2A", name="CD 2A")
    report = run_funders(funders_csv("departement;Collectivité de Corse (Corse-du-Sud);2a;;;"))
    assert (report.created, report.updated) == (0, 1), messages(report)
    council.refresh_from_db()
    assert council.name == "Collectivité de Corse (Corse-du-Sud)" and Funder.objects.count() == 1


def test_siren_of_a_region_is_kept_when_the_column_is_absent():
    region = FunderFactory(regional_council=True, siren=fake_siren(2))
    report = run_funders(funders_csv(f"region;{region.name};93", header="type;nom;code"))
    assert report.unchanged == 1
    region.refresh_from_db()
    assert region.siren == fake_siren(2)


def test_funder_errors_name_line_and_column():
    raw = funders_csv(
        "commune_epci;Commune;123456789;;13;",
        "region;Région inconnue;1;;;",
        "france_travail;France Travail;75;;;",
        "region;Région Sud;93;;13;",
        f"commune_epci;Communauté;{EPCI};;;INCONNUE",
        "mairie;Mairie;;;;",
    )
    report = run_funders(raw)
    assert {(i.line, i.column) for i in report.errors} == {
        (2, "code"),
        (3, "code"),
        (4, "code"),
        (5, "departement"),
        (6, "departement"),
        (6, "missions_locales"),
        (7, "type"),
    }, messages(report)
    reasons = {(i.line, i.column): i.reason for i in report.errors}
    assert "clé de contrôle" in reasons[(2, "code")]
    assert "(écrire 01 et non 1)" in reasons[(3, "code")]
    assert reasons[(6, "missions_locales")] == "Mission(s) Locale(s) inconnue(s) : INCONNUE."
    assert Funder.objects.count() == 0


def test_duplicate_funder_in_the_file():
    report = run_funders(funders_csv("region;Région Sud;93;;;", "region;Région PACA;93;;;"))
    assert messages(report) == [
        "financeurs.csv, ligne 3, colonne « code », valeur « 93 » : doublon de la ligne 2 (même type et même code)."
    ]
    assert Funder.objects.count() == 0


# ARML.

ARML_HEADER = "region;nom;sigle;siret;forme_juridique;commune"


def run_arml(*lines, **kwargs):
    return run(csv_bytes(*lines, header=ARML_HEADER), filename="arml.csv", kind="arml", **kwargs)


def test_arml_imported_then_unchanged():
    report = run_arml(f"93;Association régionale des Missions Locales PACA;ARML PACA;{S2};;Marseille")
    assert report.saved and report.created == 1, messages(report)
    arml = RegionalAssociation.objects.get()
    assert (arml.region_id, arml.acronym, arml.siret, arml.legal_form) == ("93", "ARML PACA", S2, "association")
    again = run_arml(f"93;Association régionale des Missions Locales PACA;ARML PACA;{S2};;Marseille")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert RegionalAssociation.history.count() == 1


def test_arml_with_the_siret_of_a_mission_locale_is_refused():
    MissionLocaleFactory(code="13201S00", name="Mission Locale de Marseille", siret=S1)
    report = run_arml(f"93;ARML PACA;;{S2};;", f"84;ARML AURA;;{S1};;")
    assert messages(report) == [
        f"arml.csv, ligne 3, colonne « siret », valeur « {S1} » : ce SIRET est celui de la Mission Locale"
        " « Mission Locale de Marseille » (13201S00) : l'ARML ne peut pas être une Mission Locale."
    ]
    assert RegionalAssociation.objects.count() == 0


def test_arml_errors():
    RegionalAssociationFactory(region_id="84", siret=S3)
    report = run_arml(f"1;ARML;;{S2};;", f"93;ARML;;{S3};;", "28;;;;sarl;")
    assert {(i.line, i.column) for i in report.errors} == {
        (2, "region"),
        (3, "siret"),
        (4, "nom"),
        (4, "forme_juridique"),
    }
    assert RegionalAssociation.objects.count() == 1


# The management command.


def test_command_dry_run_then_wet_run(tmp_path, capsys):
    path = tmp_path / "missions_locales.csv"
    path.write_bytes(csv_bytes(*GOOD))
    call_command("import_reference", "missions_locales", str(path))
    out = capsys.readouterr().out
    assert "missions_locales.csv : simulation — 2 création(s)" in out
    assert "Simulation : rien n'a été enregistré, relancez avec --wet-run" in out
    assert MissionLocale.objects.count() == 0
    admin = UserFactory(email="dgefp@example.org")
    call_command("import_reference", "missions_locales", str(path), "--wet-run", "--user", "dgefp@example.org")
    assert "import enregistré — 2 création(s)" in capsys.readouterr().out
    assert MissionLocale.objects.count() == 2
    assert {record.history_user for record in MissionLocale.history.all()} == {admin}


def test_command_prints_every_issue_and_exits_with_status_1(tmp_path, capsys, monkeypatch):
    # run_from_argv closes every database connection when it ends, which would end the test's transaction
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    path = tmp_path / "ml.csv"
    path.write_bytes(csv_bytes(GOOD[0].replace(";13;", ";99;"), GOOD[1].replace(S2, "1")))
    with pytest.raises(SystemExit) as exit_info:
        Command().run_from_argv(["pilotage", "import_reference", "missions_locales", str(path), "--wet-run"])
    assert exit_info.value.code == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].startswith("ml.csv, ligne 2, colonne « departement », valeur « 99 » : code INSEE")
    assert lines[1].startswith("ml.csv, ligne 3, colonne « siret », valeur « 1 » : le SIRET doit comporter")
    assert "ml.csv : import refusé, 2 erreurs ; rien n'a été enregistré." in captured.err
    assert MissionLocale.objects.count() == 0


def test_command_refuses_unknown_file_user_and_kind(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_reference", "missions_locales", str(tmp_path / "absent.csv"))
    path = tmp_path / "ml.csv"
    path.write_bytes(csv_bytes(*GOOD))
    with pytest.raises(CommandError, match="Aucun utilisateur n'a l'adresse personne@example.org"):
        call_command("import_reference", "missions_locales", str(path), "--wet-run", "--user", "personne@example.org")
    with pytest.raises(CommandError):
        call_command("import_reference", "communes", str(path))
    assert MissionLocale.objects.count() == 0


# The import screen.

GOOD_UPLOAD = f"code_ml;nom;siret;departement\n13201S00;13-ML MARSEILLE;{S1};13\n".encode()
BAD_UPLOAD = b"code_ml;nom;siret;departement\n13201S00;13-ML MARSEILLE;123;978\n"


def upload(client, content, name="ml.csv", kind="missions_locales"):
    """The upload starts a job (run at once in the tests) and leads to its page."""
    return client.post(reverse("reference:import"), {"kind": kind, "file": SimpleUploadedFile(name, content)},
                       follow=True)  # fmt: skip


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_upload_page_has_a_labelled_form(client, make_user):
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    page = client.get(reverse("reference:import")).content.decode()
    for fragment in ['enctype="multipart/form-data"', "Données à importer", 'value="financeurs"', 'value="arml"']:
        assert fragment in page
    assert "<code>code_ml</code> (obligatoire)" in page
    assert "Une colonne présente dans le fichier fait foi, même vide" in page


def test_admin_sees_every_issue_and_nothing_is_saved(client, make_user, media):
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    page = upload(client, BAD_UPLOAD).content.decode()
    assert "ml.csv : import refusé, 2 erreurs ; rien n&#x27;a été enregistré." in page
    assert "<td>ml.csv</td><td>2</td><td>siret</td><td>123</td><td>le SIRET doit comporter 14 chiffres" in page
    assert "<td>departement</td><td>978</td><td>code INSEE de département inconnu" in page
    assert "Enregistrer" not in page
    assert not list((media / "imports").iterdir()), "a refused file is not kept"
    assert client.post(reverse("reference:import_confirm")).status_code == 302
    assert MissionLocale.objects.count() == 0


def test_admin_simulates_then_confirms(client, make_user, media):
    admin = make_user(Role.NATIONAL_ADMIN)
    client.force_login(admin)
    page = upload(client, GOOD_UPLOAD).content.decode()
    assert "ml.csv : simulation — 1 création(s), 0 mise(s) à jour, 0 inchangée(s)" in page
    assert reverse("reference:import_confirm") in page
    assert MissionLocale.objects.count() == 0
    kept = list((media / "imports").iterdir())
    assert len(kept) == 1 and kept[0].name == client.session["reference_import"]["path"]
    response = client.post(reverse("reference:import_confirm"), follow=True)
    assert response.redirect_chain[0][0].startswith("/taches/")
    assert "ml.csv : import enregistré — 1 création(s)" in response.content.decode()
    ml = MissionLocale.objects.get()
    assert ml.siret == S1
    record = ml.history.get()
    assert record.history_user == admin and record.history_change_reason == "Import ml.csv"
    assert not list((media / "imports").iterdir()), "the uploaded file is removed"
    assert "reference_import" not in client.session
    assert client.post(reverse("reference:import_confirm")).status_code == 302
    assert MissionLocale.history.count() == 1, "a second confirmation imports nothing"


def test_xlsx_upload(client, make_user, media):
    client.force_login(make_user(Role.NATIONAL_ADMIN))
    raw = xlsx_bytes(["type", "nom", "code"], ["region", "Région Sud", 93])
    page = upload(client, raw, name="financeurs.xlsx", kind="financeurs").content.decode()
    assert "financeurs.xlsx : simulation — 1 création(s)" in page
    client.post(reverse("reference:import_confirm"))
    assert Funder.objects.get().region_id == "93"


def test_departmental_council_gets_404(client, make_user, media):
    client.force_login(make_user(Role.DEPARTMENTAL_COUNCIL))
    assert client.get(reverse("reference:import")).status_code == 404
    assert upload(client, GOOD_UPLOAD).status_code == 404
    assert client.post(reverse("reference:import_confirm")).status_code == 404
    assert MissionLocale.objects.count() == 0
    assert not Path(media / "imports").exists() or not list((media / "imports").iterdir())


def test_territory_of_another_funder_is_left_alone():
    caf = FunderFactory(type=FunderType.AUTRE, name="Caf des Bouches-du-Rhône", department_id="13", region_id="93")
    report = run_funders(funders_csv("autre;Caf des Bouches-du-Rhône;;;;"))
    assert report.unchanged == 1, messages(report)
    caf.refresh_from_db()
    assert (caf.department_id, caf.region_id) == ("13", "93")


def test_a_concurrent_write_is_reported_and_nothing_is_saved(monkeypatch):
    from pilotage.reference import imports

    plan = imports._plan

    def plan_then_someone_else_writes(*args, **kwargs):
        result = plan(*args, **kwargs)
        MissionLocaleFactory(code="83137S00", siret=S3, department_id="83")
        return result

    monkeypatch.setattr(imports, "_plan", plan_then_someone_else_writes)
    report = run(csv_bytes(*GOOD))
    assert not report.saved and not report.ok
    assert "rien n'a été enregistré, relancez l'import" in report.errors[0].reason
    assert list(MissionLocale.objects.values_list("code", flat=True)) == ["83137S00"]
    assert MissionLocale.history.filter(history_change_reason__startswith="Import").count() == 0
