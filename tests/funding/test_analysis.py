"""The departmental analysis against a case computed by hand, and against the figures of seed 002 part 4."""

import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilotage.funding.analysis import Amount, as_json, departmental_analysis

D = Decimal


def hand_case():
    lines = [
        # department, year, funder type, category, amount
        ("01", 2020, "departement", "fonctionnement", "100"), ("01", 2020, "departement", "fonctionnement", "100"),
        ("02", 2020, "departement", "fonctionnement", "50"), ("01", 2020, "departement", "convention_nationale", "10"),
        ("01", 2021, "departement", "fonctionnement", "102"), ("01", 2021, "departement", "fonctionnement", "100"),
        ("03", 2021, "departement", "thematique", "30"), ("01", 2021, "departement", "convention_nationale", "20"),
        ("01", 2022, "departement", "fonctionnement", "105"), ("01", 2022, "departement", "fonctionnement", "100"),
        ("02", 2022, "departement", "fonctionnement", "60"), ("01", 2022, "departement", "convention_nationale", "10"),
        ("01", 2020, "etat", "fonctionnement", "1000"), ("01", 2021, "etat", "fonctionnement", "1000"),
        ("01", 2022, "etat", "fonctionnement", "1000"), ("01", 2019, "departement", "fonctionnement", "999"),
    ]  # fmt: skip
    return [Amount(d, y, t, c, D(a)) for d, y, t, c, a in lines]


def test_hand_computed_case():
    report = as_json(
        departmental_analysis(
            amounts=hand_case(),
            departments=["01", "02", "03"],
            funder_type="departement",
            first_year=2020,
            last_year=2022,
        )
    )
    operating = report["categories"]["fonctionnement"]
    assert operating["totaux"] == {"2020": 250.0, "2021": 202.0, "2022": 265.0}
    assert operating["evolution_pct"] == 6.0
    assert operating["pic"] == {"annee": 2022, "montant": 265.0}
    assert operating["moyenne_par_departement"] == 79.67  # (607/3 + 110/3 + 0) / 3
    assert operating["mediane_par_departement"] == 36.67
    assert operating["departements_sans_financement"] == {"2020": 1, "2021": 2, "2022": 1}
    assert operating["departements_stables"] == 1  # 01: +1 %, +1.49 %
    national = report["categories"]["convention_nationale"]
    assert national["pic"] == {"annee": 2021, "montant": 20.0} and national["evolution_pct"] == 0.0
    assert national["departements_stables"] == 0
    thematic = report["categories"]["thematique"]
    assert thematic["evolution_pct"] is None  # nothing in 2020
    assert thematic["departements_sans_financement"] == {"2020": 3, "2021": 2, "2022": 3}
    other = report["categories"]["autre"]
    assert other["pic"] == {"annee": 2020, "montant": 0.0} and other["moyenne_par_departement"] == 0.0
    total = report["categories"]["total"]
    assert total["totaux"] == {"2020": 260.0, "2021": 252.0, "2022": 275.0}
    assert total["evolution_pct"] == 5.77
    assert total["moyenne_par_departement"] == 87.44  # 787 / 9
    assert total["departements_stables"] == 0  # 01 moves by +5.71 %
    assert report["part_dans_total_subventions_pct"] == {"2020": 20.63, "2021": 20.13, "2022": 21.57}
    assert report["annees"] == [2020, 2021, 2022] and report["financeur_type"] == "departement"


@pytest.mark.parametrize("second,stable", [("209", True), ("191", True), ("209.2", False), ("190.9", False)])
def test_stability_is_plus_or_minus_4_5_percent_inclusive(second, stable):
    amounts = [Amount("01", 2020, "departement", "fonctionnement", D("200")),
               Amount("01", 2021, "departement", "fonctionnement", D(second))]  # fmt: skip
    report = departmental_analysis(amounts=amounts, departments=["01"], funder_type="departement",
                                   first_year=2020, last_year=2021)  # fmt: skip
    assert report["categories"]["fonctionnement"]["departements_stables"] == int(stable)


def seed_002_lines():
    """Totals of seed 002 part 4 (departmental councils 2020–2022), spread over two departments."""
    per_category = {
        "convention_nationale": ("4850000", "5422300", "4714200"),  # peak 2021 (+11.8 %), −2.8 % over the period
        "fonctionnement": ("15400000", "15700000", "16093000"),  # +4.5 %
        "thematique": ("10400000", "11000000", "13228800"),  # +27.2 %
        "autre": ("150000", "150000", "164000"),
    }
    lines = []
    for category, totals in per_category.items():
        for year, total in zip((2020, 2021, 2022), totals, strict=True):
            lines.append(Amount("59", year, "departement", category, D(total) * 3 / 4))
            lines.append(Amount("13", year, "departement", category, D(total) / 4))
    # every funder's subsidies: 751.9 M€ in 2020, +45.8 % in 2022
    for year, total in ((2020, "751900000"), (2021, "900000000"), (2022, "1096270200")):
        department_total = sum(line.amount for line in lines if line.year == year)
        lines.append(Amount("59", year, "etat", "fonctionnement", D(total) - department_total))
    return lines


def test_seed_002_figures_are_reproduced():
    report = as_json(
        departmental_analysis(
            amounts=seed_002_lines(),
            departments=["13", "59", "971"],
            funder_type="departement",
            first_year=2020,
            last_year=2022,
        )  # fmt: skip
    )
    categories = report["categories"]
    total = categories["total"]
    assert total["totaux"]["2020"] == 30_800_000.0 and total["totaux"]["2022"] == 34_200_000.0
    assert round(total["evolution_pct"]) == 11  # « augmentent de 11 % … de 30,8M à 34,2M »
    assert categories["fonctionnement"]["evolution_pct"] == 4.5
    assert categories["thematique"]["evolution_pct"] == 27.2
    assert categories["convention_nationale"]["evolution_pct"] == -2.8
    assert categories["convention_nationale"]["pic"]["annee"] == 2021
    peak_rise = (5_422_300 - 4_850_000) / 4_850_000 * 100
    assert round(peak_rise, 1) == 11.8  # « une hausse intermédiaire de 11,8 % »
    assert report["part_dans_total_subventions_pct"]["2020"] == 4.1  # 30.8 / 751.9
    assert categories["total"]["departements_sans_financement"] == {"2020": 1, "2021": 1, "2022": 1}  # 971


STRUCTURES = "code_ml;nom;siret;departement\nML1;Mission Locale Un;99900000300015;01\nML2;Deux;;02\nML3;Trois;;03\n"
LINES = (
    "code_ml;annee;financeur_type;financeur_code;categorie;theme;montant\n"
    "ML1;2020;departement;01;fonctionnement;;100\n"
    "99900000300015;2021;departement;01;fonctionnement;;1 000,50 €\n"
    "ML2;2021;departement;02;thematique;FAJ;50\n"
    "ML3;2021;etat;;fonctionnement;;1000\n"
)


def test_offline_command_writes_the_json_report(tmp_path, capsys):
    (tmp_path / "structures.csv").write_text(STRUCTURES, encoding="utf-8")
    (tmp_path / "lines.csv").write_bytes(LINES.encode("cp1252"))
    call_command(
        "funding_report", "--structures", str(tmp_path / "structures.csv"), "--lines", str(tmp_path / "lines.csv"),
        "--funder-type", "departement", "--from", "2020", "--to", "2021", "--output", str(tmp_path / "r.json"),
    )  # fmt: skip
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["categories"]["total"]["totaux"] == {"2020": 100.0, "2021": 1050.5}
    assert report["categories"]["thematique"]["totaux"] == {"2020": 0.0, "2021": 50.0}
    assert report["part_dans_total_subventions_pct"] == {"2020": 100.0, "2021": 51.23}
    assert set(report) == {"financeur_type", "annees", "categories", "part_dans_total_subventions_pct"}


def test_offline_command_refuses_bad_input_with_line_and_column(tmp_path, capsys):
    (tmp_path / "structures.csv").write_text(STRUCTURES + "ML4;Quatre;;978\n", encoding="utf-8")
    bad = LINES + "ML9;2021;departement;01;fonctionnement;;10\nML1;2021;departement;01;fonctionnement;;-5\n"
    bad += "ML1;2020;departement;01;fonctionnement;;100\nML1;20x0;region;99;subvention;;abc\n"
    (tmp_path / "lines.csv").write_text(bad, encoding="utf-8")
    with pytest.raises(CommandError, match="problème"):
        call_command(
            "funding_report", "--structures", str(tmp_path / "structures.csv"), "--lines", str(tmp_path / "lines.csv"),
            "--from", "2020", "--to", "2021", "--output", str(tmp_path / "r.json"),
        )  # fmt: skip
    err = capsys.readouterr().err
    expected = [
        "structures.csv, ligne 5, colonne « departement », valeur « 978 »",
        "lines.csv, ligne 6, colonne « code_ml », valeur « ML9 » : Mission Locale inconnue",
        "lines.csv, ligne 7, colonne « montant », valeur « -5 » : un montant ne peut pas être négatif.",
        "lines.csv, ligne 8, colonne « code_ml », valeur « ML1 » : ligne en double",
        "lines.csv, ligne 9, colonne « annee », valeur « 20x0 »",
        "lines.csv, ligne 9, colonne « financeur_code », valeur « 99 »",
        "lines.csv, ligne 9, colonne « categorie », valeur « subvention »",
        "lines.csv, ligne 9, colonne « montant », valeur « abc »",
    ]
    for fragment in expected:
        assert fragment in err, (fragment, err)
    assert not (tmp_path / "r.json").exists()


def test_offline_report_keys_lines_by_mission_locale_not_by_department(tmp_path):
    """Issue 12, defect 2: two Missions Locales of one department each have their line (no false « ligne en
    double »); a line named by SIRET is the same Mission Locale as by its code; a bad SIREN is still refused."""
    (tmp_path / "structures.csv").write_text(
        "code_ml;nom;siret;departement\nML1;Un;99900000300015;13\nML2;Deux;;13\nML3;Trois;;83\n", encoding="utf-8"
    )
    header = "code_ml;annee;financeur_type;financeur_code;categorie;theme;montant\n"
    good = (
        "ML1;2021;departement;13;fonctionnement;;100\n"
        "ML2;2021;departement;13;fonctionnement;;200\n"
        "ML3;2021;departement;83;fonctionnement;;50\n"
        "ML1;2022;departement;13;fonctionnement;;110\n"
        "ML2;2022;departement;13;fonctionnement;;190\n"
    )
    (tmp_path / "lines.csv").write_text(header + good, encoding="utf-8")
    files = ["--structures", str(tmp_path / "structures.csv"), "--lines", str(tmp_path / "lines.csv")]
    args = ["funding_report", *files, "--from", "2021", "--to", "2022", "--output", str(tmp_path / "r.json")]
    call_command(*args)
    operating = json.loads((tmp_path / "r.json").read_text())["categories"]["fonctionnement"]
    assert operating["totaux"] == {"2021": 350.0, "2022": 300.0}
    assert operating["evolution_pct"] == -14.29  # (300 − 350) / 350
    assert operating["moyenne_par_departement"] == 162.5  # 13: (300 + 300) / 2; 83: (50 + 0) / 2
    assert operating["mediane_par_departement"] == 162.5
    assert operating["departements_sans_financement"] == {"2021": 0, "2022": 1}  # 83 in 2022
    assert operating["departements_stables"] == 1  # 13: 300 → 300

    bad = good + "99900000300015;2021;departement;13;fonctionnement;;5\nML2;2021;commune_epci;123456789;autre;x;1\n"
    (tmp_path / "lines.csv").write_text(header + bad, encoding="utf-8")
    (tmp_path / "r.json").unlink()
    with pytest.raises(CommandError, match="2 problème"):
        call_command(*args)
    assert not (tmp_path / "r.json").exists()


def test_offline_report_duplicate_refusals_name_the_same_mission_locale(tmp_path, capsys):
    (tmp_path / "structures.csv").write_text(
        "code_ml;nom;siret;departement\nML1;Un;99900000300015;13\nML2;Deux;;13\n", encoding="utf-8"
    )
    (tmp_path / "lines.csv").write_text(
        "code_ml;annee;financeur_type;financeur_code;categorie;theme;montant\n"
        "ML1;2021;departement;13;fonctionnement;;100\n"
        "ML2;2021;departement;13;fonctionnement;;100\n"
        "999 000 003 00015;2021;departement;13;fonctionnement;;5\n"
        "ML2;2021;commune_epci;123456789;autre;x;1\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError):
        files = ["--structures", str(tmp_path / "structures.csv"), "--lines", str(tmp_path / "lines.csv")]
        call_command("funding_report", *files, "--from", "2021", "--to", "2021", "--output", str(tmp_path / "r.json"))
    err = capsys.readouterr().err
    assert "ligne 4, colonne « code_ml », valeur « 999 000 003 00015 » : ligne en double" in err
    assert "que la ligne 2." in err and "ligne 3" not in err  # ML2's line is not a duplicate of ML1's
    assert "ligne 5, colonne « financeur_code », valeur « 123456789 »" in err


def test_each_departments_yearly_average_is_part_of_the_report_and_not_of_the_json():
    """`par_departement` (the page's map and distribution, the exports' last rows) is computed by the analysis
    itself, so the page, the exports and the offline command share it: the funder type's lines of the range only,
    every year of the range counting (a year without lines is 0), every department listed (04: none at all)."""
    report = departmental_analysis(amounts=hand_case(), departments={"01", "02", "03", "04"},
                                   funder_type="departement", first_year=2020, last_year=2022)  # fmt: skip
    # 01: 210 + 222 + 215 (the 2019 line and the State's lines left out); 02: 50 + 0 + 60; 03: 0 + 30 + 0
    assert report["par_departement"] == {"01": D("647") / 3, "02": D("110") / 3, "03": D("10"), "04": D("0")}
    assert list(report["par_departement"]) == ["01", "02", "03", "04"]
    assert report["categories"]["total"]["moyenne_par_departement"] == sum(report["par_departement"].values()) / 4
    assert "par_departement" not in as_json(report)  # the JSON shape of funding-format.md is unchanged
