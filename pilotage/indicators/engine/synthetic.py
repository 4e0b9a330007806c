"""A synthetic warehouse export of any size (no real person): for benchmarks and load tests.

Generated inside DuckDB from a seed, so that a national-scale export (1.2 million young people, ~10 million
events) is written in seconds. Values follow the export format exactly; the shapes are plausible, not real.
"""

from pathlib import Path

import duckdb

from pilotage.reference.territories import read_territories

# Every event type of the export format, weighted (repeats) so that individual interviews dominate.
EVENT_TYPES = ["entretien_individuel"] * 4 + ["contact_distance"] * 2 + ["proposition"] * 2 + ["acces_droit"] * 2 + [
    "atelier_collectif", "diagnostic_approfondi", "orientation_externe", "parrainage"]  # fmt: skip
# Every exit reason of the format, the common ones repeated.
EXIT_REASONS = ["emploi", "emploi_durable", "alternance", "formation", "formation_qualifiante", "sans_solution_connue",
                "abandon", "reorientation", "service_civique"] * 3 + [
    "cui_cae", "cui_cie", "emploi_avenir", "apprentissage", "creation_entreprise", "formation_initiale",
    "demenagement", "autre"]  # fmt: skip


def generate_export(folder: Path, *, young_people: int, missions_locales: int = 450, year: int = 2024,
                    events_per_young: int = 10, seed: float = 0.42,
                    structures: list[tuple[str, str]] | None = None) -> dict[str, int]:  # fmt: skip
    """`structures`: (code_ml, department) of real Missions Locales; otherwise `missions_locales` fictitious ones."""
    folder.mkdir(parents=True, exist_ok=True)
    _, departments = read_territories()
    codes = [d["code"] for d in departments]
    con = duckdb.connect()
    con.execute("SET threads = 1")  # with one thread, the seed makes the same export every time
    con.execute(f"SELECT setseed({seed})")
    con.execute("CREATE TABLE deps (i INT, code VARCHAR)")
    con.executemany("INSERT INTO deps VALUES (?, ?)", list(enumerate(codes)))
    start = f"DATE '{year - 3}-01-01'"
    if structures:
        con.execute("CREATE TABLE given (i INT, code_ml VARCHAR, departement VARCHAR)")
        con.executemany("INSERT INTO given VALUES (?, ?, ?)", [(i, c, d) for i, (c, d) in enumerate(structures)])
        con.execute("CREATE TABLE structures AS SELECT code_ml, 'Mission Locale ' || code_ml AS nom, NULL AS siret, "
                    "departement, i FROM given")  # fmt: skip
        missions_locales = len(structures)
    else:
        con.execute(f"""
            CREATE TABLE structures AS SELECT 'ML' || lpad(t.i::VARCHAR, 4, '0') AS code_ml,
                   'Mission Locale ' || t.i AS nom, NULL AS siret, d.code AS departement, t.i AS i
            FROM range({missions_locales}) t(i) JOIN deps d ON d.i = t.i % {len(codes)}""")
    con.execute(f"""
        CREATE TABLE jeunes AS SELECT 'J' || t.i AS jeune_id, s.code_ml,
            CASE WHEN random() < 0.5 THEN 'F' ELSE 'H' END AS sexe,
            ({start} - INTERVAL (6000 + (random() * 3000)::INT) DAY)::DATE AS date_naissance,
            ['infra_V', 'V_sans_diplome', 'V', 'IV', 'III_et_plus'][1 + (random() * 5)::INT % 5] AS niveau,
            (random() < 0.2)::INT AS qpv, (random() < 0.1)::INT AS zrr,
            ({start} + INTERVAL ((random() * 1460)::INT) DAY)::DATE AS date_premier_accueil
        FROM range({young_people}) t(i) JOIN structures s ON s.i = t.i % {missions_locales}""")
    # The type is drawn per row in the select itself: a LATERAL subquery without a reference to the outer row is
    # evaluated once, which gave every event the same type (and 0 for 2.1, 2.2, 4.1.h in the demo). Weighted so
    # that individual interviews dominate, as in real activity.
    con.execute(f"""
        CREATE TABLE evenements AS SELECT jeune_id, date, type,
            CASE type WHEN 'acces_droit' THEN ['sante', 'logement', 'mobilite', 'ressources', 'loisirs_culture'][1 + floor(random() * 5)::INT]
                      WHEN 'proposition' THEN ['emploi', 'formation', 'alternance', 'immersion', 'autre'][1 + floor(random() * 5)::INT] END AS sous_type
        FROM (SELECT j.jeune_id, (j.date_premier_accueil + INTERVAL ((random() * 700)::INT) DAY)::DATE AS date,
                     {EVENT_TYPES!r}[1 + floor(random() * {len(EVENT_TYPES)})::INT] AS type
              FROM jeunes j, range({events_per_young}) r(k) WHERE random() < 0.83)""")
    con.execute(f"""
        CREATE TABLE parcours AS SELECT 'P' || row_number() OVER () AS parcours_id, jeune_id,
            CASE WHEN random() < 0.7 THEN 'national' ELSE 'regional_local' END AS type_parcours,
            ['CEJ', 'PACEA', 'GJ', 'local'][1 + (random() * 4)::INT % 4] AS dispositif, date_entree,
            CASE WHEN ongoing THEN NULL ELSE (date_entree + INTERVAL ((30 + random() * 500)::INT) DAY)::DATE END AS date_sortie,
            CASE WHEN ongoing THEN NULL ELSE {EXIT_REASONS!r}[1 + floor(random() * {len(EXIT_REASONS)})::INT] END AS motif_sortie
        FROM (SELECT jeune_id, (date_premier_accueil + INTERVAL ((random() * 200)::INT) DAY)::DATE AS date_entree,
                     random() < 0.35 AS ongoing
              FROM jeunes, range(2) r(k) WHERE random() < 0.62)""")
    con.execute("""
        CREATE TABLE situations AS SELECT 'S' || row_number() OVER () AS situation_id, jeune_id,
            ['emploi', 'emploi_durable', 'emploi_avenir', 'alternance', 'apprentissage', 'immersion', 'service_civique',
             'formation', 'formation_qualifiante', 'creation_activite'][1 + (random() * 10)::INT % 10] AS type, date_debut,
            CASE WHEN random() < 0.3 THEN NULL ELSE (date_debut + INTERVAL ((10 + random() * 300)::INT) DAY)::DATE END AS date_fin
        FROM (SELECT jeune_id, (date_premier_accueil + INTERVAL ((random() * 600)::INT) DAY)::DATE AS date_debut
              FROM jeunes, range(3) r(k) WHERE random() < 0.56)""")
    con.execute(f"""
        CREATE TABLE ressources AS SELECT code_ml, y AS annee, round(10 + random() * 60, 1) AS etp_total,
            round(8 + random() * 40, 1) AS etp_accompagnement, round(500000 + random() * 4000000, 2) AS financement_total,
            round(200000 + random() * 2000000, 2) AS financement_etat, round(random() * 300000, 2) AS financement_fse,
            round(400000 + random() * 3000000, 2) AS financement_activites_principales
        FROM structures, range({year - 1}, {year + 1}) r(y)""")
    con.execute(f"""
        CREATE TABLE contexte AS SELECT code_ml, y AS annee, (2000 + random() * 20000)::INT AS jeunes_actifs_non_occupes,
            (500 + random() * 5000)::INT AS jeunes_defm FROM structures, range({year - 1}, {year + 1}) r(y)""")
    counts = {}
    for table in ("structures", "jeunes", "evenements", "parcours", "situations", "ressources", "contexte"):
        source = "(SELECT * EXCLUDE (i) FROM structures)" if table == "structures" else table
        con.execute(f"COPY {source} TO '{folder / (table + '.csv')}' (HEADER, DELIMITER ';')")
        counts[table] = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    con.close()
    return counts
