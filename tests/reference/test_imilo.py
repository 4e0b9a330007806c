import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilotage.reference.imilo import BUNDLED_FILE, imilo_import
from pilotage.reference.models import MissionLocale

pytestmark = pytest.mark.django_db


def test_the_real_file_reports_its_flaws():
    report = imilo_import(wet_run=True)
    assert not report.saved and MissionLocale.objects.count() == 0, "all or nothing by default"
    rejected = {(i.line, i.column, i.value) for i in report.errors}
    assert rejected == {
        (392, "code_departement", None),  # 65441S00 « ML_SUE »: no department
        (392, "code_region", None),
        (2552, "code_departement", "978"),  # Saint-Martin: not one of the 101 departments
    }
    temporary = [i for i in report.warnings if "temporaire" in i.reason]
    assert [(i.line, i.value) for i in temporary] == [(2, "ML de la Courneuve temporaire pour Fusion")]
    assert str(report.errors[-1]).startswith(
        "referentiel_structures_milo.json, ligne 2552, colonne « code_departement »"
    )


def test_the_real_file_with_exclusion_and_idempotence():
    report = imilo_import(wet_run=True, exclude_rejected=True)
    assert report.saved and (report.created, report.excluded) == (448, 2)
    assert len(json.loads(BUNDLED_FILE.read_text())) == 450
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
    history = MissionLocale.history.count()
    again = imilo_import(wet_run=True, exclude_rejected=True)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 448)
    assert MissionLocale.history.count() == history


def write(tmp_path, entries):
    path = tmp_path / "structures.json"
    path.write_text(json.dumps(entries, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def entry(code="13201S00", dep="13", region="93", name="13-ML MARSEILLE", **extra):
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


def test_region_and_name_mismatches_are_warnings(tmp_path):
    path = write(tmp_path, [entry(region="84"), entry(code="13014S00", nom_departement="Structure départementale Var")])
    report = imilo_import(path=path, wet_run=True)
    assert report.saved and report.created == 2
    assert {(i.column, i.value) for i in report.warnings} == {
        ("code_region", "84"),
        ("nom_departement", "Structure départementale Var"),
    }


def test_malformed_code_and_empty_name(tmp_path):
    path = write(tmp_path, [entry(code="ML13"), entry(code="13014S00", name="")])
    report = imilo_import(path=path)
    assert {(i.column, i.line) for i in report.errors} == {("id", 2), ("nom_officiel", 12)}


def test_updates_only_what_the_referential_carries(tmp_path):
    path = write(tmp_path, [entry()])
    imilo_import(path=path, wet_run=True)
    ml = MissionLocale.objects.get()
    ml.president, ml.siret = "Camille Exemple", "99900000300015"
    ml.save()
    imilo_import(path=write(tmp_path, [entry(name="13-ML MARSEILLE CENTRE")]), wet_run=True)
    ml.refresh_from_db()
    assert (ml.name, ml.president, ml.siret) == ("13-ML MARSEILLE CENTRE", "Camille Exemple", "99900000300015")


def test_unreadable_json(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("[{", encoding="utf-8")
    assert "illisible" in imilo_import(path=path).errors[0].reason


def test_command_exit_status(tmp_path, capsys):
    with pytest.raises(CommandError, match="import refusé, 3 erreurs"):
        call_command("import_imilo", "--wet-run")
    assert MissionLocale.objects.count() == 0
    call_command("import_imilo", "--wet-run", "--exclude-rejected")
    out = capsys.readouterr().out
    assert "ligne 2552, colonne « code_departement », valeur « 978 »" in out and "2 écartée(s)" in out
    assert MissionLocale.objects.count() == 448
