"""The export's two validation paths (ADR 0019): the fast verdict (`stage_if_valid`, one vectorised pass per
file, no line numbers) and the detailed checks (every problem with file, line, column, value and reason).

`load_export` trusts the fast verdict when it says "valid" and otherwise runs the detailed checks: so the
fast verdict must say "invalid" for every export the detailed checks refuse (or something would be computed
from an invalid export), and "valid" for every export they accept (or a valid export would cost the slow
path), and the tables it stages must be the detailed path's. Checked on one hand-made file per kind of
problem (with the exact message expected), then on random single-cell mutations of random valid exports.
"""

import os
import random
from pathlib import Path

import duckdb
import pytest

from pilotage.indicators.engine import export as export_module
from pilotage.indicators.engine.export import TABLES, load_export, stage_if_valid
from pilotage.reference.territories import cog_codes
from tests.indicators.test_engine import write_export
from tests.oracles.cpo_exports import COLUMNS, random_export
from tests.oracles.cpo_exports import write_export as write_random_export

_, DEPARTMENTS = cog_codes()

VALID = {
    "structures": ["ML1;Un;;13", "ML2;Deux;12345678901234;2A"],
    "jeunes": ["A;ML1;F;2005-01-01;infra_V;1;0;2024-01-01", "B;ML2;H;;;0;1;"],
    "evenements": ["A;2024-01-01;acces_droit;sante", "A;2024-02-01;proposition;emploi", "B;2024-03-01;parrainage;"],
    "parcours": ["P1;A;national;CEJ;2024-02-29;;", "P2;B;regional_local;;2024-01-01;2024-06-30;emploi"],
    "situations": ["S1;A;emploi;2024-03-01;2024-06-30", "S2;B;formation;2024-07-01;"],
    "ressources": ["ML1;2024;10;8,5;1000000;600000;50000;900000", "ML2;2024;;;;;;"],
    "contexte": ["ML1;2024;5000;1200", "ML2;2023;;"],
}


def fast_verdict(folder: Path) -> bool:
    return stage_if_valid(duckdb.connect(), folder, DEPARTMENTS)


def load_watching_the_fast_verdict(folder: Path, monkeypatch) -> tuple[bool, object]:
    """`load_export(folder)` and the fast verdict it took on the way (`stage_if_valid`'s answer, watched on a fresh
    connection as `fast_verdict` would give it): the fast pass runs once, not once more on its own."""
    verdicts = []

    def watched(*args):
        verdicts.append(stage_if_valid(*args))
        return verdicts[-1]

    with monkeypatch.context() as patch:
        patch.setattr(export_module, "stage_if_valid", watched)
        export = load_export(folder)
    assert len(verdicts) == 1
    return verdicts[0], export


def staged(connection) -> dict:
    return {t: connection.execute(f"SELECT * FROM stg_{t} ORDER BY ALL").fetchall() for t in TABLES}


def messages(folder: Path, **options) -> list[str]:
    return [str(issue) for issue in load_export(folder, **options).issues]


def test_a_valid_export_is_staged_by_the_fast_pass_as_by_the_detailed_checks(tmp_path):
    folder = write_export(tmp_path / "ok", **VALID)
    assert fast_verdict(folder)
    fast, detailed = load_export(folder), load_export(folder, detailed=True)
    assert fast.ok and detailed.ok
    assert staged(fast.connection) == staged(detailed.connection)
    assert staged(fast.connection)["jeunes"][1] == ("B", "ML2", "H", None, None, False, True, None)


def changed(table: str, index: int, column: str, value: str, tables: dict | None = None) -> dict:
    """VALID (or `tables`) with one cell of one row replaced."""
    tables = {t: list(rows) for t, rows in (tables or VALID).items()}
    header = COLUMNS[table]
    cells = tables[table][index].split(";")
    cells[header.index(column)] = value
    tables[table][index] = ";".join(cells)
    return tables


# (tables, the message expected among the detailed path's) — one per kind of problem the detailed path finds
CASES = {
    "bad date": (changed("jeunes", 0, "date_premier_accueil", "2024-02-30"),
                 "jeunes.csv, ligne 2, colonne « date_premier_accueil », valeur « 2024-02-30 » : date illisible : "
                 "attendu AAAA-MM-JJ (par ex. 2024-02-29)."),
    "date with slashes": (changed("evenements", 2, "date", "2024/03/01"),
                          "evenements.csv, ligne 4, colonne « date », valeur « 2024/03/01 » : date illisible"),
    "bad enumeration": (changed("jeunes", 1, "sexe", "X"),
                        "jeunes.csv, ligne 3, colonne « sexe », valeur « X » : valeur inconnue ; valeurs possibles : "
                        "F, H."),
    "bad boolean": (changed("jeunes", 0, "qpv", "oui"),
                    "jeunes.csv, ligne 2, colonne « qpv », valeur « oui » : attendu 0 ou 1."),
    "bad integer": (changed("ressources", 0, "annee", "2024.0"),
                    "ressources.csv, ligne 2, colonne « annee », valeur « 2024.0 » : nombre entier attendu."),
    "integer too large": (changed("contexte", 0, "jeunes_defm", "99999999999999999999"),
                          "contexte.csv, ligne 2, colonne « jeunes_defm », valeur « 99999999999999999999 » : "
                          "nombre entier attendu."),
    "bad decimal": (changed("ressources", 0, "etp_total", "1 000,5"),
                    "ressources.csv, ligne 2, colonne « etp_total », valeur « 1 000,5 » : nombre attendu"),
    "bad department": (changed("structures", 0, "departement", "978"),
                       "structures.csv, ligne 2, colonne « departement », valeur « 978 » : code INSEE de département "
                       "inconnu"),
    "missing value": (changed("parcours", 1, "type_parcours", " "),
                      "parcours.csv, ligne 3, colonne « type_parcours » : valeur obligatoire manquante."),
    "duplicate structure": (changed("structures", 1, "code_ml", "ML1"),
                            "structures.csv, ligne 3, colonne « code_ml », valeur « ML1 » : code_ml en double "
                            "(déjà ligne 2)."),
    "duplicate young person (after trimming)": (changed("jeunes", 1, "jeune_id", "A\u00a0"),
                                                "jeunes.csv, ligne 3, colonne « jeune_id », valeur « A » : jeune_id "
                                                "en double (déjà ligne 2)."),
    "duplicate pathway": (changed("parcours", 1, "parcours_id", "P1"),
                          "parcours.csv, ligne 3, colonne « parcours_id », valeur « P1 » : parcours_id en double"),
    "duplicate situation": (changed("situations", 1, "situation_id", "S1"),
                            "situations.csv, ligne 3, colonne « situation_id », valeur « S1 » : situation_id en "
                            "double"),
    "duplicate resources year": (changed("ressources", 1, "annee", "02024", changed("ressources", 1, "code_ml", "ML1")),
                                 "ressources.csv, ligne 3, colonne « annee », valeur « ML1 02024 » : ligne en double"),
    "duplicate context year": (changed("contexte", 1, "annee", "2024", changed("contexte", 1, "code_ml", "ML1")),
                               "contexte.csv, ligne 3, colonne « annee », valeur « ML1 2024 » : ligne en double"),
    "unknown Mission Locale": (changed("jeunes", 1, "code_ml", "ML9"),
                               "jeunes.csv, ligne 3, colonne « code_ml », valeur « ML9 » : Mission Locale absente de "
                               "structures.csv."),
    "unknown young person (event)": (changed("evenements", 0, "jeune_id", "Z"),
                                     "evenements.csv, ligne 2, colonne « jeune_id », valeur « Z » : jeune absent de "
                                     "jeunes.csv."),
    "unknown young person (pathway)": (changed("parcours", 0, "jeune_id", "Z"),
                                       "parcours.csv, ligne 2, colonne « jeune_id », valeur « Z » : jeune absent"),
    "unknown young person (situation)": (changed("situations", 0, "jeune_id", "Z"),
                                         "situations.csv, ligne 2, colonne « jeune_id », valeur « Z » : jeune absent"),
    "unknown Mission Locale (resources)": (changed("ressources", 0, "code_ml", "ML9"),
                                           "ressources.csv, ligne 2, colonne « code_ml », valeur « ML9 » : Mission "
                                           "Locale absente"),
    "unknown Mission Locale (context)": (changed("contexte", 0, "code_ml", "ML9"),
                                         "contexte.csv, ligne 2, colonne « code_ml », valeur « ML9 » : Mission Locale "
                                         "absente"),
    "exit before entry": (changed("parcours", 1, "date_sortie", "2023-12-31"),
                          "parcours.csv, ligne 3, colonne « date_sortie », valeur « 2023-12-31 » : sortie antérieure "
                          "à l'entrée (2024-01-01)."),
    "exit without motive": (changed("parcours", 1, "motif_sortie", ""),
                            "parcours.csv, ligne 3, colonne « motif_sortie » : date de sortie sans motif de sortie."),
    "motive without exit": (changed("parcours", 0, "motif_sortie", "emploi"),
                            "parcours.csv, ligne 2, colonne « motif_sortie », valeur « emploi » : motif de sortie "
                            "sans date de sortie (parcours en cours)."),
    "end before start": (changed("situations", 0, "date_fin", "2024-02-29"),
                         "situations.csv, ligne 2, colonne « date_fin », valeur « 2024-02-29 » : fin antérieure au "
                         "début (2024-03-01)."),
    "right without its sub-type": (changed("evenements", 0, "sous_type", ""),
                                   "evenements.csv, ligne 2, colonne « sous_type » : sous-type attendu pour "
                                   "acces_droit : sante, logement, mobilite, ressources, loisirs_culture."),
    "proposal with a right's sub-type": (changed("evenements", 1, "sous_type", "sante"),
                                         "evenements.csv, ligne 3, colonne « sous_type », valeur « sante » : "
                                         "sous-type attendu pour proposition"),
    "sub-type where none is expected": (changed("evenements", 2, "sous_type", "emploi"),
                                        "evenements.csv, ligne 4, colonne « sous_type », valeur « emploi » : pas de "
                                        "sous-type pour ce type."),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_each_kind_of_problem_fails_the_fast_pass_and_is_reported_with_its_line(case, tmp_path, monkeypatch):
    tables, expected = CASES[case]
    folder = write_export(tmp_path / "bad", **tables)
    verdict, export = load_watching_the_fast_verdict(folder, monkeypatch)
    assert not verdict
    reported = [str(issue) for issue in export.issues]
    assert reported == messages(folder, detailed=True)
    assert any(m.startswith(expected) for m in reported), (expected, reported)
    assert not export.connection.execute(
        "SELECT * FROM duckdb_tables() WHERE table_name LIKE 'stg_%'"
    ).fetchall()  # nothing staged from an invalid export (the very load that reported it: one load fewer)


def test_file_level_problems_fail_the_fast_pass(tmp_path):
    folder = write_export(tmp_path / "files", **VALID)
    (folder / "situations.csv").unlink()
    assert not fast_verdict(folder)
    assert messages(folder) == ["situations.csv : fichier manquant dans l'export."]

    folder = write_export(tmp_path / "columns", **VALID)
    text = (folder / "jeunes.csv").read_text().replace("zrr", "zrr_2", 1)
    (folder / "jeunes.csv").write_text(text)
    assert not fast_verdict(folder)
    assert messages(folder) == [
        "jeunes.csv, ligne 1, colonne « zrr_2 » : colonne inconnue ; colonnes attendues : jeune_id, code_ml, "
        "sexe, date_naissance, niveau, qpv, zrr, date_premier_accueil.",
        "jeunes.csv, ligne 1, colonne « zrr » : colonne absente.",
    ]

    folder = write_export(tmp_path / "ragged", **VALID)
    with (folder / "parcours.csv").open("a") as handle:
        handle.write("P3;A;national\n")
    assert not fast_verdict(folder)
    reported = messages(folder)
    assert len(reported) == 1 and reported[0].startswith("parcours.csv : fichier illisible (")


def test_a_parquet_file_is_checked_the_same_way(tmp_path):
    folder = write_export(tmp_path / "parquet", **changed("situations", 1, "type", "stage"))
    csv_path = folder / "situations.csv"
    duckdb.execute(
        f"COPY (SELECT * FROM read_csv('{csv_path}', delim=';', header=true, all_varchar=true)) "
        f"TO '{folder / 'situations.parquet'}' (FORMAT parquet)"
    )
    csv_path.unlink()
    assert not fast_verdict(folder)
    assert any(
        m.startswith("situations.parquet, ligne 3, colonne « type », valeur « stage » : valeur inconnue")
        for m in messages(folder)
    )


# Values that break a rule, pass one only once trimmed, or make a duplicate or an unknown reference.
HOSTILE = [None, "", " ", "x", "0", "1", "2", "-1", "01", "1,5", "1.5", "1.5.1", "-0,25", "99999999999999999999",
           "2024-02-29", "2023-02-29", "2024-13-01", "2024-1-01", "2024/02/01", " 2024-02-01", "2024-02-01\u00a0",
           "20240201", "F", " H", "f", "national", "regional_local", "acces_droit", "proposition",
           "entretien_individuel", "sante", "emploi", "formation", "13", "2A", "2a", "978", "\u202f13", "IV",
           "V"]  # fmt: skip


def mutate(export, rng: random.Random):
    """One cell changed (a hostile value, or another row's value of that column), or one row removed."""
    mutant = export.copy()
    table = rng.choice([t for t, rows in mutant.tables.items() if rows and t not in mutant.absent])
    rows = mutant.tables[table]
    if rng.random() < 0.1 and table in ("structures", "jeunes"):
        rows.pop(rng.randrange(len(rows)))  # what refers to it is then unknown
        return mutant, f"{table}: row removed"
    row, column = rng.choice(rows), rng.choice(COLUMNS[table])
    row[column] = rng.choice(rows)[column] if rng.random() < 0.3 else rng.choice(HOSTILE)
    return mutant, f"{table}.{column} = {row[column]!r}"


@pytest.mark.parametrize("seed", range(int(os.environ.get("CHECK_VALIDATION_N", "30"))))
def test_fast_verdict_equals_the_detailed_checks_on_mutated_random_exports(seed, tmp_path, monkeypatch):
    rng = random.Random(seed)
    mutant, change = mutate(random_export(seed, max_young=30), rng)
    folder = write_random_export(mutant, tmp_path / "mutant", seed)
    detailed = load_export(folder, detailed=True)
    verdict, export = load_watching_the_fast_verdict(folder, monkeypatch)
    assert verdict == detailed.ok, (change, [str(i) for i in detailed.issues[:3]])
    assert [str(i) for i in export.issues] == [str(i) for i in detailed.issues], change
    if detailed.ok:
        assert staged(export.connection) == staged(detailed.connection), change
