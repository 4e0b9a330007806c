"""The indicator engine on small hand-built exports, with the expected numbers worked out by hand."""

import csv
from pathlib import Path

import duckdb
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pilotage.indicators.engine import compute
from pilotage.indicators.engine.export import SMALL_EXPORT_BYTES, _connect, load_export

HEADERS = {
    "structures": "code_ml;nom;siret;departement",
    "jeunes": "jeune_id;code_ml;sexe;date_naissance;niveau;qpv;zrr;date_premier_accueil",
    "evenements": "jeune_id;date;type;sous_type",
    "parcours": "parcours_id;jeune_id;type_parcours;dispositif;date_entree;date_sortie;motif_sortie",
    "situations": "situation_id;jeune_id;type;date_debut;date_fin",
    "ressources": "code_ml;annee;etp_total;etp_accompagnement;financement_total;financement_etat;financement_fse;"
    "financement_activites_principales",
    "contexte": "code_ml;annee;jeunes_actifs_non_occupes;jeunes_defm",
}


def write_export(folder: Path, **tables) -> Path:
    folder.mkdir(exist_ok=True)
    for name, header in HEADERS.items():
        if name in tables or name in ("structures", "jeunes", "evenements", "parcours", "situations"):
            rows = tables.get(name, [])
            (folder / f"{name}.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return folder


def run(folder: Path, year: int) -> dict:
    export = load_export(folder)
    assert export.ok, [str(i) for i in export.issues]
    compute.compute(export.connection, year)
    return {(n, c, i, v): value for n, c, _, i, v, value in compute.results(export.connection, year)}


STRUCTURES = ["ML1;Mission Locale Un;;13", "ML2;Mission Locale Deux;;83", "ML3;Vide;;69"]


@pytest.fixture
def export(tmp_path):
    return write_export(
        tmp_path / "export",
        structures=STRUCTURES,
        jeunes=[
            "A;ML1;F;2005-01-01;infra_V;1;0;2024-01-01",  # welcomed on 01-01 (boundary)
            "B;ML1;H;2004-01-01;IV;0;1;2023-12-31",  # welcomed the day before N
            "C;ML1;F;;V_sans_diplome;0;0;2024-12-31",  # welcomed on 12-31 (boundary)
            "D;ML2;H;;III_et_plus;1;1;2022-05-01",
        ],
        evenements=[
            "A;2024-01-01;diagnostic_approfondi;",
            "A;2024-08-01;entretien_individuel;",  # 08-01: counts for the JDI (last five months)
            "A;2024-10-01;proposition;emploi",  # 10-01: a proposal within three months
            "A;2024-03-03;acces_droit;logement",
            "B;2024-07-31;entretien_individuel;",  # 07-31: not in the last five months
            "B;2024-05-05;parrainage;",
            "C;2024-12-31;orientation_externe;",
            "D;2023-12-31;entretien_individuel;",  # N-1 only: not in contact in N
        ],
        parcours=[
            "P1;A;national;CEJ;2024-02-29;;",  # ongoing, entered on 02-29
            "P2;B;national;PACEA;2023-09-30;2024-12-31;emploi_durable",  # exit on 12-31
            "P3;B;regional_local;local;2024-01-15;2024-12-31;abandon",  # tie on exit day: P3 > P2 as text
            "P4;D;national;GJ;2023-09-30;;",  # entered 09-30 of N-1: 4 and 12 months anniversaries
            "P5;C;regional_local;local;2024-12-31;;",  # entered on 12-31
        ],
        situations=[
            "S1;A;emploi;2024-06-01;2024-06-30",  # started during P1 (within 4 months of 02-29: until 06-29? no)
            "S2;B;formation_qualifiante;2024-03-01;",  # ongoing on 12-31
            "S3;D;alternance;2024-01-29;2024-09-29",  # within the first 4 months of P4? 2023-09-30 + 4 = 2024-01-30
        ],
        ressources=["ML1;2024;10;8;1000000;600000;50000;900000", "ML2;2024;5,5;4;400000;200000;0;300000"],
        contexte=["ML1;2024;5000;1200", "ML2;2024;2000;600"],
    )


def test_counts_on_boundary_days(export):
    r = run(export, 2024)
    ml1 = {k[2]: v for k, v in r.items() if k[:2] == ("ml", "ML1") and k[3] == "total"}
    assert ml1["1"] == 3  # A, B, C have an event in 2024
    assert ml1["2"] == 2  # A (01-01) and C (12-31); B was welcomed on 2023-12-31
    assert ml1["2.1"] == 1  # A: diagnostic on its welcome day
    assert ml1["2.2"] == 1  # C: oriented on 12-31
    assert ml1["2bis.1"] == 1  # A on 08-01; B's interview on 07-31 does not count
    assert ml1["3"] == 3 and ml1["3.1"] == 1 and ml1["3.2"] == 2  # A national; B (P3) and C (P5, 12-31) regional
    assert ml1["4"] == 3 and ml1["4.1"] == 2 and ml1["4.3"] == 2  # C's pathway starts on 12-31
    assert ml1["4.1.h"] == 1  # B sponsored
    assert ml1["4.1.i.base"] == 1  # A: national since 02-29 (≤ 09-30), active on 12-31, no situation on 12-31
    assert ml1["4.1.i"] == 0  # A had a proposal on 10-01
    assert ml1["4.4"] == 1 and ml1["4.4.logement"] == 1 and ml1["4.4.sante"] == 0
    assert ml1["8"] == 1 and ml1["8.1"] == 0 and ml1["8.2"] == 1  # B's exit: tie on 12-31 → P3 (regional)
    assert ml1["4.1.f"] == 1  # A: job started during its national pathway
    assert ml1["4.1.g"] == 1 and ml1["4.1.g.1"] == 1  # B: qualifying training started during P2
    assert ml1["6"] == 2 and ml1["6.1.emploi"] == 1 and ml1["6.1.formation"] == 1
    assert ml1["5"] == pytest.approx((458 + 351) / 2 / 30.4375)  # P2 (458 days) and P3 (351 days) exited in 2024


def test_anniversaries_and_ongoing_pathways(export):
    r = run(export, 2024)
    ml2 = {k[2]: v for k, v in r.items() if k[:2] == ("ml", "ML2") and k[3] == "total"}
    # D: first national entry 2023-09-30 → 4 months = 2024-01-30, 12 months = 2024-09-30, both in 2024
    assert ml2["4.2.c4"] == 1 and ml2["4.2.c12"] == 1
    assert ml2["4.2.s4"] == 1  # alternance begun 2024-01-29 < 2024-01-30
    assert ml2["4.2.s12"] == 1
    assert ml2["1"] == 0 and ml2["4"] == 1
    assert ml2["4.1.i.base"] == 1 and ml2["4.1.i"] == 1  # D: national since 2023, no situation on 12-31 (S3 ended)
    assert ml2["7"] == pytest.approx(244 / 30.4375)  # the alternance 01-29 → 09-29, begun during P4
    a = run(export, 2025)
    assert {k[2]: v for k, v in a.items() if k[:2] == ("ml", "ML1") and k[3] == "total"}["4"] == 2  # B exited


def test_breakdowns_restrict_numerator_and_denominator(export):
    r = run(export, 2024)
    assert r[("ml", "ML1", "1", "femmes")] == 2 and r[("ml", "ML1", "1", "bas_niveau")] == 2
    assert r[("ml", "ML1", "1", "qpv")] == 1 and r[("ml", "ML1", "1", "zrr")] == 1
    assert r[("ml", "ML1", "R5", "femmes")] == 1.0  # A and C: in contact and entered
    assert r[("ml", "ML1", "R3", "femmes")] == 1 / 2  # A diagnosed, C not
    assert ("ml", "ML1", "R1", "femmes") not in r  # R1 and resources: total only
    assert ("ml", "ML1", "9", "femmes") not in r


def test_empty_mission_locale_missing_resources_and_zero_denominators(export):
    r = run(export, 2024)
    assert r[("ml", "ML3", "1", "total")] == 0 and r[("ml", "ML3", "R5", "total")] is None
    assert r[("ml", "ML3", "9", "total")] is None and r[("ml", "ML3", "0.1", "total")] is None
    assert r[("national", "FR", "9", "total")] is None  # ML3 has no resources: the sum is null
    assert r[("region", "93", "9", "total")] == 15.5  # ML1 (13) + ML2 (83), both in PACA
    assert r[("region", "93", "R12", "total")] == 12 / 15.5


def test_ratios_above_a_mission_locale_are_recomputed_from_summed_parts(export):
    r = run(export, 2024)
    assert r[("region", "93", "1", "total")] == 3
    assert r[("region", "93", "R1", "total")] == 3 / 7000  # (3 + 0) / (5000 + 2000), not a mean of ratios
    assert r[("ml", "ML1", "R1", "total")] == 3 / 5000 and r[("ml", "ML2", "R1", "total")] == 0
    assert r[("ml", "ML1", "10.1.d", "total")] == 600000 / 3
    assert r[("departement", "13", "R2", "total")] == 2 / 1  # A and C in 2024 over B in 2023


def test_command_writes_the_long_csv(export, tmp_path):
    output = tmp_path / "indicateurs.csv"
    call_command("compute_indicators", str(export), "--year", "2024", "--output", str(output))
    with output.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["niveau", "code", "annee", "indicateur", "ventilation", "valeur"]
    by_key = {(x["niveau"], x["code"], x["indicateur"], x["ventilation"]): x["valeur"] for x in rows}
    assert by_key[("national", "FR", "1", "total")] == "3"
    assert by_key[("ml", "ML3", "R5", "total")] == ""  # null as an empty cell
    assert by_key[("region", "93", "R1", "total")] == "0.0004285714286"  # fraction, ≥ 6 significant digits


def test_invalid_export_is_refused_with_line_and_column(tmp_path):
    folder = write_export(
        tmp_path / "bad",
        structures=["ML1;Un;;13", "ML1;Doublon;;978"],
        jeunes=["A;ML1;F;;bac;1;0;2024-02-30", "B;ML9;H;;IV;0;0;"],
        evenements=["Z;2024-01-01;entretien_individuel;"],
        parcours=["P1;A;national;CEJ;2024-05-01;2024-04-01;emploi"],
    )
    export = load_export(folder)
    messages = [str(i) for i in export.issues]
    assert not export.ok
    assert "structures.csv, ligne 3, colonne « departement », valeur « 978 »" in messages[0]
    assert any("jeunes.csv, ligne 2, colonne « niveau », valeur « bac »" in m for m in messages)
    assert any("jeunes.csv, ligne 2, colonne « date_premier_accueil », valeur « 2024-02-30 »" in m for m in messages)
    with pytest.raises(CommandError, match="Export invalide"):
        call_command("compute_indicators", str(folder), "--year", "2024", "--output", str(tmp_path / "o.csv"))


def test_relations_are_checked(tmp_path):
    folder = write_export(
        tmp_path / "rel",
        structures=STRUCTURES,
        jeunes=["A;ML1;F;;IV;0;0;2024-01-01", "A;ML9;F;;IV;0;0;2024-01-01"],
        evenements=["Z;2024-01-01;entretien_individuel;", "A;2024-01-01;acces_droit;"],
        parcours=["P1;A;national;CEJ;2024-05-01;2024-04-01;emploi", "P2;A;national;CEJ;2024-05-01;;abandon"],
        situations=["S1;A;emploi;2024-05-01;2024-04-30"],
    )
    messages = [str(i) for i in load_export(folder).issues]
    expected = [
        "jeunes.csv, ligne 3, colonne « jeune_id », valeur « A » : jeune_id en double (déjà ligne 2).",
        "jeunes.csv, ligne 3, colonne « code_ml », valeur « ML9 » : Mission Locale absente de structures.csv.",
        "evenements.csv, ligne 2, colonne « jeune_id », valeur « Z » : jeune absent de jeunes.csv.",
        "parcours.csv, ligne 2, colonne « date_sortie », valeur « 2024-04-01 » : sortie antérieure à l'entrée",
        "parcours.csv, ligne 3, colonne « motif_sortie », valeur « abandon » : motif de sortie sans date de sortie",
        "situations.csv, ligne 2, colonne « date_fin », valeur « 2024-04-30 » : fin antérieure au début",
        "evenements.csv, ligne 3, colonne « sous_type » : sous-type attendu pour acces_droit",
    ]
    for fragment in expected:
        assert any(fragment in m for m in messages), (fragment, messages)


def test_synthetic_export_is_valid_and_computed(tmp_path):
    from pilotage.indicators.engine.synthetic import generate_export

    counts = generate_export(tmp_path / "synthetic", young_people=2000, missions_locales=12)
    assert counts["jeunes"] == 2000 and counts["structures"] == 12 and counts["evenements"] > 10000
    r = run(tmp_path / "synthetic", 2024)
    national_contact = r[("national", "FR", "1", "total")]
    assert 0 < national_contact <= 2000
    assert national_contact == sum(r[("ml", f"ML{i:04d}", "1", "total")] for i in range(12))
    assert r[("national", "FR", "1", "femmes")] < national_contact


def test_synthetic_export_has_every_shape_of_the_format_so_no_indicator_is_empty(tmp_path):
    """The demo's dashboard is built from this generator: every event type, exit reason and situation type of
    cpo-indicators.md occurs, so no national indicator is 0 and 4.1.i is a true subset of 4.1.i.base."""
    import duckdb

    from pilotage.indicators.engine.synthetic import generate_export

    folder = tmp_path / "synthetic"
    generate_export(folder, young_people=3000, missions_locales=20)

    def distinct(table, column):
        sql = f"SELECT DISTINCT {column} FROM read_csv('{folder / table}.csv', delim=';', header=true)"
        return {row[0] for row in duckdb.sql(sql).fetchall()} - {None}

    assert distinct("evenements", "type") == {
        "entretien_individuel", "atelier_collectif", "contact_distance", "diagnostic_approfondi", "proposition",
        "orientation_externe", "parrainage", "acces_droit"}  # fmt: skip
    assert distinct("evenements", "sous_type") == {
        "sante", "logement", "mobilite", "ressources", "loisirs_culture",
        "emploi", "formation", "alternance", "immersion", "autre"}  # fmt: skip
    assert distinct("parcours", "motif_sortie") == {
        "emploi", "emploi_durable", "cui_cae", "cui_cie", "emploi_avenir", "alternance", "apprentissage",
        "creation_entreprise", "formation", "formation_initiale", "formation_qualifiante", "reorientation",
        "service_civique", "sans_solution_connue", "abandon", "demenagement", "autre"}  # fmt: skip
    assert len(distinct("situations", "type")) == 10
    r = run(folder, 2024)
    national = {
        i: value for (level, _, i, breakdown), value in r.items() if level == "national" and breakdown == "total"
    }
    assert [i for i, value in national.items() if not value] == []
    assert 0 < national["4.1.i"] < national["4.1.i.base"]


def test_a_parquet_file_may_replace_a_csv(export):
    import duckdb

    baseline = run(export, 2024)
    for table in ("jeunes", "parcours"):
        csv_path = export / f"{table}.csv"
        duckdb.execute(
            f"COPY (SELECT * FROM read_csv('{csv_path}', delim=';', header=true, all_varchar=true)) "
            f"TO '{export / (table + '.parquet')}' (FORMAT parquet)"
        )
        csv_path.unlink()
    assert run(export, 2024) == baseline


def test_young_people_with_no_situation_or_no_event_at_all_are_counted(tmp_path):
    """Issue 12, defect 1: « no situation of any type active on E » holds for a young person who has no
    situation row at all, and « no proposition event » for one who has no event at all (SQL's NULL dropped
    them: `true AND NOT NULL` is NULL)."""
    folder = write_export(
        tmp_path / "none",
        structures=["ML1;Un;;13", "ML2;Deux;;13"],
        jeunes=[
            "A;ML1;F;;IV;0;0;2023-01-01",  # national pathway, no situation, no event: in 4.1.i.base and 4.1.i
            "B;ML1;H;;IV;0;0;2023-01-01",  # national pathway, no situation, a proposal on 10-01: base only
            "C;ML1;H;;IV;0;0;2023-01-01",  # national pathway, a situation active on 12-31: in neither
            "D;ML1;F;;IV;0;0;2023-01-01",  # national pathway, a situation ended before 12-31, no event: both
            "E;ML2;F;;IV;0;0;2023-01-01",  # national pathway entered on 10-01: too late for the base
        ],
        evenements=["B;2024-10-01;proposition;emploi"],
        parcours=[
            "P1;A;national;CEJ;2024-09-30;;",
            "P2;B;national;CEJ;2023-05-01;;",
            "P3;C;national;CEJ;2024-01-01;;",
            "P4;D;national;CEJ;2024-02-01;;",
            "P5;E;national;CEJ;2024-10-01;;",
        ],
        situations=["S1;C;immersion;2024-12-31;", "S2;D;emploi;2024-03-01;2024-12-30"],
    )
    r = run(folder, 2024)
    assert r[("ml", "ML1", "4.1.i.base", "total")] == 3  # A, B, D
    assert r[("ml", "ML1", "4.1.i", "total")] == 2  # A, D
    assert r[("ml", "ML1", "R8", "total")] == 2 / 3
    assert r[("ml", "ML1", "4.1.i.base", "femmes")] == 2 and r[("ml", "ML1", "R8", "femmes")] == 1.0
    assert r[("ml", "ML2", "4.1.i.base", "total")] == 0 and r[("ml", "ML2", "R8", "total")] is None
    assert r[("departement", "13", "4.1.i.base", "total")] == 3 and r[("national", "FR", "4.1.i", "total")] == 2
    assert r[("ml", "ML1", "4.1", "total")] == 4 and r[("ml", "ML1", "1", "total")] == 1  # only B has an event


def test_relations_are_checked_on_the_values_as_staged(tmp_path):
    """Values are trimmed (and `02024` is the year 2024) before they are computed on: the relations are checked
    on the same values, so that `A` and `A ` are one young person in double, not two young people counted
    twice, and `ML1 ` is ML1, not an unknown Mission Locale."""
    folder = write_export(
        tmp_path / "trim",
        structures=["ML1;Un;;13"],
        jeunes=["A;ML1;F;;IV;0;0;2024-01-01", "A ;ML1;F;;IV;0;0;2024-01-01"],
        parcours=["P1;A;national;;2024-01-01;2024-03-01; "],
        ressources=["ML1;2024;1;1;1;1;1;1", "ML1;02024;1;1;1;1;1;1"],
    )
    messages = [str(i) for i in load_export(folder).issues]
    assert "jeunes.csv, ligne 3, colonne « jeune_id », valeur « A » : jeune_id en double (déjà ligne 2)." in messages
    assert "parcours.csv, ligne 2, colonne « motif_sortie » : date de sortie sans motif de sortie." in messages
    assert any(m.startswith("ressources.csv, ligne 3, colonne « annee »") and "en double" in m for m in messages)
    folder = write_export(
        tmp_path / "padded",
        structures=["ML1;Un;;13"],
        jeunes=["A;ML1 ;F;;IV;0;0;2024-01-01"],
        evenements=[" A;2024-05-01;entretien_individuel;"],
    )
    r = run(folder, 2024)
    assert r[("ml", "ML1", "1", "total")] == 1 and r[("ml", "ML1", "2", "total")] == 1


def test_resources_keep_every_digit_written(tmp_path):
    """`ressources` decimals are read as written (no rounding to 4 places, no overflow past 14 digits)."""
    folder = write_export(
        tmp_path / "digits",
        structures=["ML1;Un;;13"],
        ressources=["ML1;2024;3,33333333;1.123456;123456789012345678;2;0;1"],
    )
    r = run(folder, 2024)
    assert r[("ml", "ML1", "9", "total")] == pytest.approx(3.33333333, rel=1e-12)
    assert r[("ml", "ML1", "R12", "total")] == pytest.approx(1.123456 / 3.33333333, rel=1e-12)
    assert r[("ml", "ML1", "10", "total")] == pytest.approx(123456789012345678, rel=1e-12)


def test_the_commands_writer_is_write_csv_of_results_byte_for_byte(tmp_path):
    """`write_results` (the command's: the CSV formatted and joined in DuckDB) writes exactly what
    `write_csv(results(…))` writes: same order, numbers (integers, 10 significant digits, empty for null),
    formula-like codes behind an apostrophe and codes quoted as `csv.writer` quotes them."""
    folder = write_export(
        tmp_path / "export",
        structures=["=1+1;Formule;;13", '"A,B";Virgule;;13', '"C""D";Guillemet;;2A', "-ML;Tiret;;971", "ML5;;;13"],
        jeunes=["A;=1+1;F;;infra_V;1;0;2024-01-01", "B;A,B;H;;;0;1;2023-05-01", "C;-ML;F;;IV;0;0;2024-03-01"],
        evenements=["A;2024-01-01;diagnostic_approfondi;", "C;2024-02-01;entretien_individuel;"],
        parcours=["P1;A;national;CEJ;2024-02-01;2024-05-17;emploi", "P2;C;regional_local;;2023-01-01;2024-11-30;autre"],
        situations=["S1;A;emploi;2024-03-01;2024-04-30"],
        ressources=["=1+1;2024;10,5;3,333333333333;1000000,01;600000;;900000", 'C"D;2024;7;7;1;1;1;1'],
        contexte=["-ML;2024;3;0"],
    )
    export = load_export(folder)
    assert export.ok, [str(i) for i in export.issues]
    compute.compute(export.connection, 2024)
    compute.write_results(export.connection, 2024, tmp_path / "command.csv")
    compute.write_csv(compute.results(export.connection, 2024), tmp_path / "rows.csv")
    written = (tmp_path / "command.csv").read_bytes()
    assert written == (tmp_path / "rows.csv").read_bytes()
    assert b"\r\nml,'=1+1,2024,1,total,1\r\n" in written and b'\r\nml,"C""D",2024,' in written


def test_a_small_export_is_read_on_one_duckdb_thread_a_large_one_on_all(tmp_path):
    def threads(folder):
        return _connect(folder).execute("SELECT current_setting('threads')").fetchone()[0]

    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    (small / "jeunes.csv").write_bytes(b"x" * 1000)
    with (large / "evenements.csv").open("wb") as file:
        file.truncate(SMALL_EXPORT_BYTES)  # sparse: the size is what counts
    default = duckdb.connect().execute("SELECT current_setting('threads')").fetchone()[0]
    assert threads(small) == 1
    assert threads(large) == default
    assert threads(tmp_path / "absent") == default  # the checks then say the files are missing
