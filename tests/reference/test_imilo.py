import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilotage.reference.imilo import BUNDLED_FILE, imilo_import
from pilotage.reference.models import MissionLocale
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_real_file_reports_its_flaws():
    report = imilo_import(wet_run=True)
    assert not report.saved and MissionLocale.objects.count() == 0, "all or nothing by default"
    assert "import refusé, 3 erreurs" in report.summary
    rejected = {(i.line, i.column, i.value) for i in report.errors}
    assert rejected == {
        (392, "code_departement", None),  # 65441S00 « ML_SUE »: no department
        (392, "code_region", None),  # … and no region
        (2552, "code_departement", "978"),  # Saint-Martin: not one of the 101 departments
    }
    assert all("65441S00" in i.reason for i in report.errors if i.line == 392)
    temporary = [i for i in report.warnings if "temporaire" in i.reason]
    assert [(i.line, i.value) for i in temporary] == [(2, "ML de la Courneuve temporaire pour Fusion")]
    assert "99994S00" in temporary[0].reason
    # the « Structure départementale / régionale » prefixes are normal here: stripped, not reported per row
    assert len(report.warnings) == 1
    assert str(report.errors[-1]).startswith(
        "referentiel_structures_milo.json, ligne 2552, colonne « code_departement », valeur « 978 » : "
        "le département de la structure 97801S00"
    )


def test_the_real_file_dry_run_counts_without_saving():
    report = imilo_import(exclude_rejected=True)
    assert (report.created, report.excluded, report.saved) == (448, 2, False)
    assert "simulation" in report.summary and MissionLocale.objects.count() == 0


def test_the_real_file_with_exclusion_and_idempotence():
    report = imilo_import(wet_run=True, exclude_rejected=True)
    assert report.saved and (report.created, report.excluded) == (448, 2)
    assert len(json.loads(BUNDLED_FILE.read_text())) == 450
    assert all(i.reason.endswith("Structure écartée de l'import.") for i in report.errors)
    assert not MissionLocale.objects.filter(code__in=["65441S00", "97801S00"]).exists()
    temporary = MissionLocale.objects.get(code="99994S00")
    assert not temporary.is_active and temporary.department_id == "93"
    marseille = MissionLocale.objects.get(code="13201S00")
    assert (marseille.name, marseille.usual_name, marseille.department_id) == (
        "13-ML MARSEILLE",
        "Mission Locale de Marseille",
        "13",
    )
    assert MissionLocale.objects.filter(department_id="2A").exists()
    assert MissionLocale.objects.filter(is_active=True).count() == 447
    history = MissionLocale.history.count()
    assert history == 448
    record = MissionLocale.history.filter(code="13201S00").get()
    assert (record.history_change_reason, record.history_user) == ("Import référentiel i-milo", None)
    again = imilo_import(wet_run=True, exclude_rejected=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 448)
    assert MissionLocale.history.count() == history


def write(tmp_path, entries, name="structures.json"):
    path = tmp_path / name
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def entry(code="13201S00", dep="13", region="93", name="13-ML MARSEILLE", **extra):
    """One entry as the referential writes it (10 lines once indented: the next one starts 10 lines below)."""
    return {
        "id": code,
        "nom_officiel": name,
        "nom_usuel": None,
        "nom_region": "Structure régionale Provence-Alpes-Côte-d'Azur",
        "code_region": region,
        "nom_departement": "Structure départementale Bouches-du-Rhône",
        "code_departement": dep,
        "timezone": "Europe/Paris",
        **extra,
    }


def test_duplicate_id_is_rejected_with_both_lines(tmp_path):
    path = write(tmp_path, [entry(), entry(name="AUTRE")])
    report = imilo_import(path=path, wet_run=True)
    assert [(i.line, i.column, i.reason) for i in report.errors] == [
        (12, "id", "code structure en double (déjà ligne 2).")
    ]
    assert MissionLocale.objects.count() == 0


def test_no_department_or_region_is_rejected(tmp_path):
    sue = entry(code="65441S00", name="ML_SUE", dep=None, region=None, nom_departement=None, nom_region=None)
    report = imilo_import(path=write(tmp_path, [entry(), sue]), wet_run=True)
    assert {(i.line, i.column, i.value) for i in report.errors} == {
        (12, "code_departement", None),
        (12, "code_region", None),
    }
    assert "n'a pas de département" in report.errors[0].reason
    assert not report.saved and MissionLocale.objects.count() == 0


def test_a_collectivite_d_outre_mer_is_rejected_and_can_be_excluded(tmp_path):
    saint_martin = entry(code="97801S00", name="978-ML SAINT MARTIN", dep="978", region="978")
    path = write(tmp_path, [entry(), saint_martin])
    report = imilo_import(path=path, wet_run=True, exclude_rejected=True)
    assert [(i.line, i.column, i.value) for i in report.errors] == [(12, "code_departement", "978")]
    assert (report.created, report.excluded, report.saved) == (1, 1, True)
    assert list(MissionLocale.objects.values_list("code", flat=True)) == ["13201S00"]


def test_temporary_structure_is_imported_inactive(tmp_path):
    path = write(tmp_path, [entry(code="99994S00", name="ML de Fusion temporaire")])
    report = imilo_import(path=path, wet_run=True)
    assert report.ok and [(i.line, i.column) for i in report.warnings] == [(2, "nom_officiel")]
    assert MissionLocale.objects.get().is_active is False


def test_region_and_name_mismatches_are_warnings(tmp_path):
    path = write(tmp_path, [entry(region="84"), entry(code="13014S00", nom_departement="Structure départementale Var")])
    report = imilo_import(path=path, wet_run=True)
    assert report.saved and report.created == 2
    assert {(i.line, i.column, i.value) for i in report.warnings} == {
        (2, "code_region", "84"),
        (12, "nom_departement", "Structure départementale Var"),
    }
    assert "Provence-Alpes-Côte d'Azur (93)" in report.warnings[0].reason


def test_names_are_compared_without_accents_case_hyphens_or_prefix(tmp_path):
    loose = entry(nom_departement="BOUCHES DU RHONE", nom_region="provence alpes cote d azur")
    assert imilo_import(path=write(tmp_path, [loose])).issues == []


def test_malformed_missing_code_and_empty_name(tmp_path):
    path = write(tmp_path, [entry(code="ML13"), entry(code="13014S00", name=""), entry(code=None), entry(code=13201)])
    report = imilo_import(path=path)
    assert {(i.line, i.column, i.value) for i in report.errors} == {
        (2, "id", "ML13"),
        (12, "nom_officiel", None),
        (22, "id", None),
        (32, "id", "13201"),
    }


def test_updates_only_what_the_referential_carries(tmp_path):
    path = write(tmp_path, [entry()])
    imilo_import(path=path, wet_run=True)
    ml = MissionLocale.objects.get()
    ml.president, ml.siret, ml.is_active = "Camille Exemple", "99900000300015", False
    ml.save()
    user = UserFactory()
    report = imilo_import(path=write(tmp_path, [entry(name="13-ML MARSEILLE CENTRE")]), wet_run=True, acting_user=user)
    assert (report.updated, report.unchanged) == (1, 0)
    ml.refresh_from_db()
    assert (ml.name, ml.president, ml.siret) == ("13-ML MARSEILLE CENTRE", "Camille Exemple", "99900000300015")
    assert ml.is_active is False, "a structure deactivated by hand is not reactivated by the import"
    assert ml.history.first().history_user == user


def test_unreadable_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text('[\n  {"id": "13201S00",\n  }\n]', encoding="utf-8")
    issue = imilo_import(path=path).errors[0]
    assert issue.line == 3 and "illisible" in issue.reason
    path.write_text('{"structures": [{"id": "13201S00"}]}', encoding="utf-8")
    assert "liste" in imilo_import(path=path).errors[0].reason
    path.write_text('[\n  "13201S00"\n]', encoding="utf-8")
    assert [(i.line, i.reason) for i in imilo_import(path=path).errors] == [
        (2, "chaque élément doit être un objet JSON.")
    ]


def test_entries_are_located_in_compact_files(tmp_path):
    path = tmp_path / "compact.json"
    path.write_text(json.dumps([entry(), entry(code="ML13")]).replace("}, {", "},\n\n{"), encoding="utf-8")
    assert [i.line for i in imilo_import(path=path).errors] == [3]


def test_command_exit_status(tmp_path, capsys):
    with pytest.raises(CommandError, match="import refusé, 3 erreurs"):
        call_command("import_imilo", "--wet-run")
    assert MissionLocale.objects.count() == 0
    call_command("import_imilo", "--exclude-rejected")
    assert "Simulation" in capsys.readouterr().out and MissionLocale.objects.count() == 0
    user = UserFactory(email="import@example.org")
    call_command("import_imilo", "--wet-run", "--exclude-rejected", "--user", user.email)
    out = capsys.readouterr().out
    assert "ligne 2552, colonne « code_departement », valeur « 978 »" in out and "2 écartée(s)" in out
    assert MissionLocale.objects.count() == 448
    assert MissionLocale.history.filter(history_user=user).count() == 448
    same = entry(nom_usuel="Mission Locale de Marseille")
    call_command("import_imilo", str(write(tmp_path, [same])), "--wet-run")
    assert "0 création(s), 0 mise(s) à jour, 1 inchangée(s)" in capsys.readouterr().out
    with pytest.raises(CommandError, match="Aucun utilisateur"):
        call_command("import_imilo", "--user", "nobody@example.org")
