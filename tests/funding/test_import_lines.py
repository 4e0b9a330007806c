import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from pilotage.core.roles import Role
from pilotage.funding.models import FundingLine
from pilotage.funding.services import funding_lines_import
from tests.factories import FunderFactory, department, region, state_funder

HEADER = "code_ml;annee;financeur_type;financeur_code;categorie;theme;montant"


@pytest.fixture
def funders(db):
    state_funder()
    return {
        "cd13": FunderFactory(departmental_council=True, department=department("13")),
        "cd83": FunderFactory(departmental_council=True, department=department("83")),
        "cr93": FunderFactory(regional_council=True, region=region("93")),
    }


def run(text, user, *, encoding="utf-8", wet=True, name="lignes.csv"):
    raw = text if isinstance(text, bytes) else text.encode(encoding)
    return funding_lines_import(path_or_file=io.BytesIO(raw), filename=name, acting_user=user, wet_run=wet)


def good(ml13, ml83):
    return "\n".join([
        HEADER,
        f"{ml13.code};2022;departement;13;fonctionnement;;1 234,56 €",
        f"{ml13.siret};2022;departement;13;thematique;FAJ;12\u202f000",
        f"{ml83.code};2022;departement;83;fonctionnement;;1.234,56",
        f"{ml13.code};2022;etat;;fonctionnement;;900000.00",
        f"{ml13.code};2022;region;93;autre;;\u00a05 000",
    ]) + "\n"  # fmt: skip


def test_the_dgefp_imports_every_kind_of_line(make_user, funders, ml_13, ml_83):
    report = run(good(ml_13, ml_83), make_user(Role.NATIONAL_ADMIN))
    assert report.saved and report.created == 5, [str(i) for i in report.issues]
    line = FundingLine.objects.get(mission_locale=ml_13, category="thematique")
    assert (line.theme, line.amount, line.funder) == ("faj", Decimal("12000.00"), funders["cd13"])
    assert FundingLine.objects.get(mission_locale=ml_83).amount == Decimal("1234.56")
    again = run(good(ml_13, ml_83), make_user(Role.NATIONAL_ADMIN))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)


def test_a_council_imports_its_own_lines_only(make_user, funders, ml_13, ml_83):
    council = make_user(Role.DEPARTMENTAL_COUNCIL, department_code="13")
    report = run(good(ml_13, ml_83), council)
    assert not report.saved and FundingLine.objects.count() == 0
    assert sorted(i.line for i in report.errors) == [4, 5, 6]  # the 83, the State's and the region's lines
    own = "\n".join([HEADER, f"{ml_13.code};2022;departement;13;fonctionnement;;1000"]) + "\n"
    assert run(own, council).saved
    assert list(FundingLine.objects.visible_to(council)) == list(FundingLine.objects.all())
    other = make_user(Role.DEPARTMENTAL_COUNCIL, department_code="83")
    assert not FundingLine.objects.visible_to(other).exists()


def test_state_services_import_state_lines_of_their_territory(make_user, funders, ml_13, ml_69):
    ddets = make_user(Role.DEPARTMENTAL_STATE, department_code="13")
    text = "\n".join(
        [HEADER, f"{ml_13.code};2022;etat;;fonctionnement;;1000", f"{ml_69.code};2022;etat;;fonctionnement;;1"]
    )
    report = run(text + "\n", ddets)
    assert [(i.line, i.reason) for i in report.errors] == [(3, "cette Mission Locale n'est pas dans votre territoire.")]


def test_duplicates_bad_values_and_unknown_funders_are_named(make_user, funders, ml_13):
    text = "\n".join([
        HEADER,
        f"{ml_13.code};2022;departement;13;fonctionnement;;100",
        f"{ml_13.code};2022;departement;13;fonctionnement;;200",
        f"{ml_13.code};2022;departement;74;fonctionnement;;100",
        f"{ml_13.code};1999;departement;13;thematique;;-3",
        "INCONNUE;2022;commune_epci;123;fonctionnement;;1",
    ]) + "\n"  # fmt: skip
    report = run(text, make_user(Role.NATIONAL_ADMIN))
    found = {(i.line, i.column) for i in report.errors}
    assert found == {(3, "code_ml"), (4, "financeur_code"), (5, "annee"), (5, "theme"), (5, "montant"),
                     (6, "code_ml"), (6, "financeur_code")}  # fmt: skip
    messages = [str(i) for i in report.errors]
    assert any("ligne 3" in m and "ligne en double" in m and "que la ligne 2" in m for m in messages)
    assert any("ligne 4, colonne « financeur_code », valeur « 74 » : financeur inconnu" in m for m in messages)
    assert FundingLine.objects.count() == 0


def test_xlsx_and_updates(make_user, funders, ml_13):
    admin = make_user(Role.NATIONAL_ADMIN)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(";"))
    sheet.append([ml_13.code, 2022, "departement", 13, "fonctionnement", None, 1500.5])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert run(buffer.getvalue(), admin, name="lignes.xlsx").created == 1
    changed = "\n".join([HEADER, f"{ml_13.code};2022;departement;13;fonctionnement;;1600"]) + "\n"
    report = run(changed, admin)
    assert report.updated == 1
    line = FundingLine.objects.get()
    assert line.amount == Decimal("1600") and line.history.count() == 2 and line.history.first().history_user == admin


def test_visibility_of_lines(make_user, funders, ml_13, ml_83, ml_69):
    run(good(ml_13, ml_83), make_user(Role.NATIONAL_ADMIN))
    assert FundingLine.objects.visible_to(make_user(Role.ML_STAFF, mission_locale=ml_13)).count() == 4
    assert FundingLine.objects.visible_to(make_user(Role.REGIONAL_STATE, department_code="13")).count() == 5
    assert FundingLine.objects.visible_to(make_user(Role.DEPARTMENTAL_STATE, department_code="83")).count() == 1
    assert FundingLine.objects.visible_to(make_user(Role.REGIONAL_COUNCIL, department_code="13")).count() == 1
    assert FundingLine.objects.visible_to(make_user(Role.REGIONAL_STATE, department_code="69")).count() == 0


def test_windows_1252_file_with_no_break_spaces(make_user, funders, ml_13):
    text = "\n".join([HEADER, f"{ml_13.code};2022;departement;13;thematique;Santé;1\u00a0000,50\u00a0€"]) + "\n"
    report = run(text, make_user(Role.NATIONAL_ADMIN), encoding="cp1252")
    assert report.saved, [str(i) for i in report.issues]
    line = FundingLine.objects.get()
    assert (line.theme, line.amount) == ("santé", Decimal("1000.50"))


def test_command_line_import(make_user, funders, ml_13, tmp_path, capsys):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    admin = make_user(Role.NATIONAL_ADMIN)
    path = tmp_path / "lignes.csv"
    path.write_text(HEADER + f"\n{ml_13.code};2023;departement;13;fonctionnement;;1 000\n", encoding="utf-8")
    call_command("import_funding_lines", str(path), "--user", admin.email)
    assert FundingLine.objects.count() == 0 and "relancez avec --wet-run" in capsys.readouterr().out
    call_command("import_funding_lines", str(path), "--user", admin.email, "--wet-run")
    assert FundingLine.objects.get().history.first().history_user == admin
    path.write_text(HEADER + f"\n{ml_13.code};2023;departement;13;fonctionnement;;mille\n", encoding="utf-8")
    with pytest.raises(CommandError, match="import refusé"):
        call_command("import_funding_lines", str(path), "--user", admin.email, "--wet-run")
    assert "lignes.csv, ligne 2, colonne « montant », valeur « mille »" in capsys.readouterr().out
