"""The indicators, ratios, breakdowns and levels of cpo-indicators.md, computed in DuckDB for one year N.

1. `facts`: one row per young person with a boolean per youth indicator (and the parts of the ratios);
2. `parts`: per Mission Locale and breakdown, the sums every figure is computed from (counts, durations and
   their counts, resources, context) — every Mission Locale has every part, 0 for youth counts;
3. `levels`: the parts summed per department, region and nation (a resource or context sum is null when one
   of its Missions Locales has none);
4. the output rows: counts, means and ratios recomputed from the summed parts at each level, never averaged.
"""

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from pilotage.core.exports import csv_cell
from pilotage.reference.territories import read_territories

BREAKDOWNS = ("total", "femmes", "bas_niveau", "qpv", "zrr")
EMPLOYMENT_EXITS = ("emploi", "emploi_durable", "cui_cae", "cui_cie", "emploi_avenir", "alternance", "apprentissage",
                    "creation_entreprise")  # fmt: skip
TRAINING_EXITS = ("formation", "formation_initiale", "formation_qualifiante")
TRAINING = ("formation", "formation_qualifiante")
EMPLOYMENT = ("emploi", "emploi_durable", "emploi_avenir", "alternance", "apprentissage", "creation_activite")
RIGHTS = ("sante", "logement", "mobilite", "ressources", "loisirs_culture")
SITUATION_TYPES_ALL = ("emploi", "emploi_durable", "emploi_avenir", "alternance", "apprentissage", "immersion",
                       "service_civique", "formation", "formation_qualifiante", "creation_activite")  # fmt: skip


def _in(values) -> str:
    return "(" + ", ".join(f"'{v}'" for v in values) + ")"


# Youth counts: indicator id → SQL boolean over one young person's aggregates (tables pa, ev, si, sp, x below).
YOUTH_COUNTS = {
    "1": "ev.any_n",
    "2": "j.date_premier_accueil BETWEEN ys AND ye",
    "2.1": "j.date_premier_accueil BETWEEN ys AND ye AND ev.diagnostic_since_welcome",
    "2.2": "j.date_premier_accueil BETWEEN ys AND ye AND ev.orientation_since_welcome",
    "2bis.1": "ev.interview_since_aug1",
    "3": "pa.entered",
    "3.1": "pa.entered_national",
    "3.2": "pa.entered AND NOT pa.entered_national",
    "4": "pa.active",
    "4.1": "pa.active_national",
    "4.1.f": "pa.active_national AND sp.professional_started_in_national",
    "4.1.g": "pa.active_national AND sp.training_started_in_national",
    "4.1.g.1": "pa.active_national AND sp.qualifying_started_in_national",
    "4.1.h": "pa.active_national AND ev.sponsorship_n",
    "4.1.i.base": "pa.national_since_sep30_active_on_dec31 AND NOT si.active_on_dec31",
    "4.1.i": "pa.national_since_sep30_active_on_dec31 AND NOT si.active_on_dec31 AND NOT ev.proposal_since_oct1",
    "4.2.c4": "(pa.first_national + INTERVAL 4 MONTH)::DATE BETWEEN ys AND ye",
    "4.2.s4": "(pa.first_national + INTERVAL 4 MONTH)::DATE BETWEEN ys AND ye AND si.started_within_4_months",
    "4.2.c12": "(pa.first_national + INTERVAL 12 MONTH)::DATE BETWEEN ys AND ye",
    "4.2.s12": "(pa.first_national + INTERVAL 12 MONTH)::DATE BETWEEN ys AND ye AND si.started_within_12_months",
    "4.3": "pa.active_regional",
    "4.4": "pa.active AND ev.right_n",
    **{f"4.4.{r}": f"pa.active AND ev.right_{r}_n" for r in RIGHTS},
    "6": "pa.active AND sp.work_or_training_during_pathway",
    "6.1": "pa.active AND sp.work_or_training_during_national",
    "6.1.emploi": "pa.active AND sp.work_during_national",
    "6.1.formation": "pa.active AND sp.training_during_national",
    "6.1.eav": "pa.active AND sp.eav_during_national",
    "6.2": "pa.active AND sp.work_or_training_during_regional",
    # the exit in N (x.*): see the `exits` table
    "8": "x.parcours_id IS NOT NULL",
    "8.1": "x.type_parcours = 'national'",
    "8.1.f": f"x.type_parcours = 'national' AND x.motif_sortie IN {_in(EMPLOYMENT_EXITS)}",
    "8.1.f.emploi_durable": "x.type_parcours = 'national' AND x.motif_sortie = 'emploi_durable'",
    "8.1.f.cui": "x.type_parcours = 'national' AND x.motif_sortie IN ('cui_cae', 'cui_cie')",
    "8.1.f.eav": "x.type_parcours = 'national' AND x.motif_sortie = 'emploi_avenir'",
    "8.1.f.alternance": "x.type_parcours = 'national' AND x.motif_sortie IN ('alternance', 'apprentissage')",
    "8.1.f.apprentissage": "x.type_parcours = 'national' AND x.motif_sortie = 'apprentissage'",
    "8.1.f.creation": "x.type_parcours = 'national' AND x.motif_sortie = 'creation_entreprise'",
    "8.1.g": f"x.type_parcours = 'national' AND x.motif_sortie IN {_in(TRAINING_EXITS)}",
    "8.1.g.qualifiante": "x.type_parcours = 'national' AND x.motif_sortie = 'formation_qualifiante'",
    "8.1.r": "x.type_parcours = 'national' AND x.motif_sortie = 'reorientation'",
    "8.1.h": "x.type_parcours = 'national' AND x.motif_sortie = 'service_civique'",
    "8.1.i": "x.type_parcours = 'national' AND x.motif_sortie = 'sans_solution_connue'",
    "8.2": "x.type_parcours = 'regional_local'",
    # parts of ratios
    "_2prev": "j.date_premier_accueil BETWEEN prev_start AND prev_end",
    "_r6": "pa.entered AND ev.diagnostic_before_first_entry",
}
PROFESSIONAL = tuple(t for t in SITUATION_TYPES_ALL if t not in TRAINING)
ACTIVE = "p.date_entree <= ye AND (p.date_sortie IS NULL OR p.date_sortie >= ys)"
DAYS_PER_MONTH = "30.4375"
RESOURCES = {
    "9": "etp_total",
    "9.1": "etp_accompagnement",
    "10": "financement_total",
    "10.1.a": "financement_activites_principales",
    "10.1.b": "financement_etat",
    "10.1.c": "financement_fse",
}
CONTEXT = {"0.1": "jeunes_actifs_non_occupes", "0.2": "jeunes_defm"}
YOUTH_OUTPUT = [k for k in YOUTH_COUNTS if not k.startswith("_")]
#: ratio id → (numerator, denominator, given per breakdown?)
RATIOS = {
    "R1": ("1", "0.1", False),
    "R2": ("2", "_2prev", True),
    "R3": ("2.1", "2", True),
    "R4": ("2bis.1", "0.1", False),
    "R5": ("3", "1", True),
    "R6": ("_r6", "3", True),
    "R7": ("4.1", "2bis.1", True),
    "R8": ("4.1.i", "4.1.i.base", True),
    "R9": ("4.2.s12", "4.2.c12", True),
    "R10": ("8.1.f", "8.1", True),
    "R11": ("8.1.i", "8.1", True),
    "R12": ("9.1", "9", False),
    "R13": ("4", "9.1", False),
}
MEANS = {"5": ("_dur5_sum", "_dur5_n"), "7": ("_dur7_sum", "_dur7_n")}
PER_YOUTH_FUNDING = {"10.1.d": ("10.1.b", "1"), "10.1.e": ("10.1.b", "4")}


def _bounds(year: int) -> str:
    return (
        f"DATE '{year}-01-01' AS ys, DATE '{year}-12-31' AS ye, DATE '{year}-08-01' AS aug1, "
        f"DATE '{year}-09-30' AS sep30, DATE '{year}-10-01' AS oct1, DATE '{year - 1}-01-01' AS prev_start, "
        f"DATE '{year - 1}-12-31' AS prev_end"
    )


def _flag(condition: str) -> str:
    """One young person's two-valued flag: true when some row of theirs meets the condition, else false.

    SQL's third value would drop people silently: over no row (a young person without any pathway, event or
    situation, LEFT JOINed) or rows where the condition is NULL, bool_or is NULL, and `x AND NOT NULL` is NULL,
    not true. Every per-person flag is therefore coalesced here, where it is made, so that `NOT flag` means
    "no such row" (cpo-indicators.md: "no situation of any type active on E" holds for someone with none)."""
    return f"coalesce(bool_or({condition}), false)"


def _overlap(situation_types, pathway_type=None) -> str:
    """A situation of those types and a pathway (of that type) active on a same day of [ys, ye]."""
    pathway = f"AND p.type_parcours = '{pathway_type}' " if pathway_type else ""
    return _flag(
        f"s.type IN {_in(situation_types)} {pathway}AND greatest(s.date_debut, p.date_entree, ys) <= "
        "least(coalesce(s.date_fin, ye), coalesce(p.date_sortie, ye), ye)"
    )


def _started_in_national(situation_types) -> str:
    return _flag(
        f"s.type IN {_in(situation_types)} AND p.type_parcours = 'national' AND s.date_debut BETWEEN ys "
        "AND ye AND p.date_entree <= s.date_debut AND (p.date_sortie IS NULL OR p.date_sortie >= s.date_debut)"
    )


def build_facts(connection, year: int) -> None:
    """Per young person: a few grouped passes over pathways, events, situations and situation × pathway pairs
    (no correlated subquery, so that a national export stays fast), then one boolean per youth count.

    Each pass has one row per young person of `stg_jeunes` (LEFT JOIN), with flags that are never NULL
    (`_flag`): a young person with no pathway, event or situation has `false` everywhere, so that a negated
    flag (`NOT si.active_on_dec31`) counts them. Dates (`first_national`, `first_entry_n`) stay NULL when
    there is no such pathway; they are only compared positively (a comparison with NULL is then false)."""
    bounds = f"(SELECT {_bounds(year)})"
    connection.execute(f"""
        CREATE OR REPLACE TABLE pa AS SELECT j.jeune_id,
            {_flag("p.date_entree BETWEEN ys AND ye")} AS entered,
            {_flag("p.type_parcours = 'national' AND p.date_entree BETWEEN ys AND ye")} AS entered_national,
            {_flag(ACTIVE)} AS active,
            {_flag(f"p.type_parcours = 'national' AND {ACTIVE}")} AS active_national,
            {_flag(f"p.type_parcours = 'regional_local' AND {ACTIVE}")} AS active_regional,
            {_flag("p.type_parcours = 'national' AND p.date_entree <= sep30 AND (p.date_sortie IS NULL OR p.date_sortie >= ye)")}
                AS national_since_sep30_active_on_dec31,
            min(p.date_entree) FILTER (WHERE p.type_parcours = 'national') AS first_national,
            min(p.date_entree) FILTER (WHERE p.date_entree BETWEEN ys AND ye) AS first_entry_n
        FROM stg_jeunes j LEFT JOIN stg_parcours p USING (jeune_id), {bounds} GROUP BY j.jeune_id""")  # noqa: S608
    rights = ",\n".join(
        _flag(f"e.type = 'acces_droit' AND e.sous_type = '{r}' AND e.date BETWEEN ys AND ye") + f" AS right_{r}_n"
        for r in RIGHTS
    )
    connection.execute(f"""
        CREATE OR REPLACE TABLE ev AS SELECT j.jeune_id,
            {_flag("e.date BETWEEN ys AND ye")} AS any_n,
            {_flag("e.type = 'diagnostic_approfondi' AND e.date BETWEEN j.date_premier_accueil AND ye")}
                AS diagnostic_since_welcome,
            {_flag("e.type = 'orientation_externe' AND e.date BETWEEN j.date_premier_accueil AND ye")}
                AS orientation_since_welcome,
            {_flag("e.type = 'entretien_individuel' AND e.date BETWEEN aug1 AND ye")} AS interview_since_aug1,
            {_flag("e.type = 'parrainage' AND e.date BETWEEN ys AND ye")} AS sponsorship_n,
            {_flag("e.type = 'proposition' AND e.date BETWEEN oct1 AND ye")} AS proposal_since_oct1,
            {_flag("e.type = 'acces_droit' AND e.date BETWEEN ys AND ye")} AS right_n,
            {rights},
            {_flag("e.type = 'diagnostic_approfondi' AND e.date <= pa.first_entry_n")} AS diagnostic_before_first_entry
        FROM stg_jeunes j JOIN pa USING (jeune_id) CROSS JOIN {bounds} LEFT JOIN (
            -- only the events that can make a flag true: each flag needs a date up to E, and only the
            -- diagnostics and orientations since the welcome or before the first entry may predate S
            SELECT e.* FROM stg_evenements e, {bounds} b WHERE e.date <= b.ye
                AND (e.date >= b.ys OR e.type IN ('diagnostic_approfondi', 'orientation_externe'))
        ) e USING (jeune_id)
        GROUP BY j.jeune_id""")  # noqa: S608
    work_or_training = EMPLOYMENT + TRAINING
    connection.execute(f"""
        CREATE OR REPLACE TABLE si AS SELECT j.jeune_id,
            {_flag("s.date_debut <= ye AND (s.date_fin IS NULL OR s.date_fin >= ye)")} AS active_on_dec31,
            {_flag(f"s.type IN {_in(work_or_training)} AND s.date_debut >= pa.first_national AND s.date_debut < (pa.first_national + INTERVAL 4 MONTH)::DATE")}
                AS started_within_4_months,
            {_flag(f"s.type IN {_in(work_or_training)} AND s.date_debut >= pa.first_national AND s.date_debut < (pa.first_national + INTERVAL 12 MONTH)::DATE")}
                AS started_within_12_months
        FROM stg_jeunes j LEFT JOIN stg_situations s USING (jeune_id) JOIN pa USING (jeune_id), {bounds}
        GROUP BY j.jeune_id""")  # noqa: S608
    connection.execute(f"""
        CREATE OR REPLACE TABLE sp AS SELECT j.jeune_id,
            {_started_in_national(PROFESSIONAL)} AS professional_started_in_national,
            {_started_in_national(TRAINING)} AS training_started_in_national,
            {_started_in_national(("formation_qualifiante",))} AS qualifying_started_in_national,
            {_overlap(work_or_training)} AS work_or_training_during_pathway,
            {_overlap(work_or_training, "national")} AS work_or_training_during_national,
            {_overlap(EMPLOYMENT, "national")} AS work_during_national,
            {_overlap(TRAINING, "national")} AS training_during_national,
            {_overlap(("emploi_avenir",), "national")} AS eav_during_national,
            {_overlap(work_or_training, "regional_local")} AS work_or_training_during_regional
        FROM stg_jeunes j CROSS JOIN {bounds} LEFT JOIN (
            -- only the situations and pathways active some day of N: every flag here needs both
            (SELECT s.* FROM stg_situations s, {bounds} b
             WHERE s.date_debut <= b.ye AND (s.date_fin IS NULL OR s.date_fin >= b.ys)) s
            JOIN (SELECT p.* FROM stg_parcours p, {bounds} b
                  WHERE p.date_entree <= b.ye AND (p.date_sortie IS NULL OR p.date_sortie >= b.ys)) p
            USING (jeune_id)
        ) USING (jeune_id)
        GROUP BY j.jeune_id""")  # noqa: S608
    connection.execute(f"""
        CREATE OR REPLACE TABLE exits AS SELECT * EXCLUDE (rank) FROM (
            SELECT p.*, row_number() OVER (PARTITION BY p.jeune_id ORDER BY p.date_sortie DESC,
                                           p.parcours_id DESC) AS rank
            FROM stg_parcours p, {bounds} WHERE p.date_sortie BETWEEN ys AND ye) WHERE rank = 1""")  # noqa: S608
    flags = ",\n".join(f'coalesce({sql}, false)::INT AS "{key}"' for key, sql in YOUTH_COUNTS.items())
    connection.execute(f"""
        CREATE OR REPLACE TABLE facts AS
        SELECT j.jeune_id, j.code_ml, j.sexe = 'F' AS femmes,
               coalesce(j.niveau IN ('infra_V', 'V_sans_diplome'), false) AS bas_niveau, j.qpv AS qpv, j.zrr AS zrr,
               {flags}
        FROM stg_jeunes j CROSS JOIN {bounds} LEFT JOIN pa USING (jeune_id) LEFT JOIN ev USING (jeune_id)
        LEFT JOIN si USING (jeune_id) LEFT JOIN sp USING (jeune_id)
        LEFT JOIN exits x ON x.jeune_id = j.jeune_id""")  # noqa: S608
    # durations: per pathway exited in N (5), per employment situation ended in N begun during a pathway (7)
    connection.execute(f"""
        CREATE OR REPLACE TABLE durations AS
        SELECT p.jeune_id, '5' AS indicator, (p.date_sortie - p.date_entree) / {DAYS_PER_MONTH} AS months
        FROM stg_parcours p, {bounds} WHERE p.date_sortie BETWEEN ys AND ye
        UNION ALL
        SELECT s.jeune_id, '7', (s.date_fin - s.date_debut) / {DAYS_PER_MONTH}
        FROM stg_situations s SEMI JOIN stg_parcours p ON p.jeune_id = s.jeune_id AND p.date_entree <= s.date_debut
             AND (p.date_sortie IS NULL OR p.date_sortie >= s.date_debut), {bounds}
        WHERE s.type IN {_in(EMPLOYMENT)} AND s.date_fin BETWEEN ys AND ye""")  # noqa: S608


def build_parts(connection, year: int) -> None:
    """One row per Mission Locale × breakdown × part: youth counts (0 when nothing), duration sums and counts,
    and (breakdown total only) resources and context, null when the Mission Locale has no row or no value."""
    keys = list(YOUTH_COUNTS)
    sums = ", ".join(f'coalesce(sum(f."{k}"), 0) AS "{k}"' for k in keys)
    group_filter = " OR ".join(f"(b.ventilation = '{b}' AND f.{b})" for b in BREAKDOWNS[1:])
    unpivot = ", ".join(f'"{k}"' for k in keys)
    connection.execute(f"""
        CREATE OR REPLACE TABLE parts AS
        WITH breakdowns AS (SELECT unnest({list(BREAKDOWNS)}) AS ventilation),
        youth AS (
            SELECT s.code_ml, b.ventilation, {sums}
            FROM stg_structures s CROSS JOIN breakdowns b
            LEFT JOIN facts f ON f.code_ml = s.code_ml AND (b.ventilation = 'total' OR {group_filter})
            GROUP BY s.code_ml, b.ventilation),
        youth_long AS (UNPIVOT youth ON {unpivot} INTO NAME part VALUE value),
        duration_parts AS (
            SELECT s.code_ml, b.ventilation, d.indicator,
                   sum(d.months) FILTER (WHERE d.months IS NOT NULL) AS total, count(d.months) AS n
            FROM stg_structures s CROSS JOIN breakdowns b
            LEFT JOIN (SELECT d.*, f.code_ml, f.femmes, f.bas_niveau, f.qpv, f.zrr FROM durations d
                       JOIN facts f USING (jeune_id)) d
              ON d.code_ml = s.code_ml AND (b.ventilation = 'total' OR
                 {group_filter.replace("f.", "d.")})
            GROUP BY ALL)
        SELECT code_ml, ventilation, part, CAST(value AS DOUBLE) AS value FROM youth_long
        UNION ALL
        SELECT s.code_ml, b.ventilation, '_dur' || i.indicator || '_sum',
               coalesce((SELECT total FROM duration_parts d WHERE d.code_ml = s.code_ml
                         AND d.ventilation = b.ventilation AND d.indicator = i.indicator), 0)
        FROM stg_structures s CROSS JOIN breakdowns b CROSS JOIN (SELECT unnest(['5', '7']) AS indicator) i
        UNION ALL
        SELECT s.code_ml, b.ventilation, '_dur' || i.indicator || '_n',
               coalesce((SELECT n FROM duration_parts d WHERE d.code_ml = s.code_ml
                         AND d.ventilation = b.ventilation AND d.indicator = i.indicator), 0)
        FROM stg_structures s CROSS JOIN breakdowns b CROSS JOIN (SELECT unnest(['5', '7']) AS indicator) i
        {_resource_parts(year)}
    """)  # noqa: S608


def _resource_parts(year: int) -> str:
    selects = []
    for key, column in RESOURCES.items():
        selects.append(
            f"SELECT s.code_ml, 'total', '{key}', CAST(r.{column} AS DOUBLE) FROM stg_structures s "
            f"LEFT JOIN stg_ressources r ON r.code_ml = s.code_ml AND r.annee = {year}"
        )
    for key, column in CONTEXT.items():
        selects.append(
            f"SELECT s.code_ml, 'total', '{key}', CAST(c.{column} AS DOUBLE) FROM stg_structures s "
            f"LEFT JOIN stg_contexte c ON c.code_ml = s.code_ml AND c.annee = {year}"
        )
    return "".join(f"\nUNION ALL\n{select}" for select in selects)


def build_levels(connection) -> None:
    """Parts at every level: a youth sum is a plain sum; a resource/context sum is null if any part is null."""
    regions, departments = read_territories()
    region_of = {d["code"]: d["region"] for d in departments}
    connection.execute("CREATE OR REPLACE TABLE geo (departement VARCHAR, region VARCHAR)")
    connection.executemany("INSERT INTO geo VALUES (?, ?)", list(region_of.items()))
    connection.execute("""
        CREATE OR REPLACE TABLE level_parts AS
        WITH p AS (SELECT p.*, s.departement, g.region FROM parts p JOIN stg_structures s USING (code_ml)
                   JOIN geo g ON g.departement = s.departement),
        agg AS (
            SELECT 'ml' AS niveau, code_ml AS code, ventilation, part, value, (value IS NULL)::INT AS missing FROM p
            UNION ALL SELECT 'departement', departement, ventilation, part, value, (value IS NULL)::INT FROM p
            UNION ALL SELECT 'region', region, ventilation, part, value, (value IS NULL)::INT FROM p
            UNION ALL SELECT 'national', 'FR', ventilation, part, value, (value IS NULL)::INT FROM p)
        SELECT niveau, code, ventilation, part, CASE WHEN sum(missing) > 0 THEN NULL ELSE sum(value) END AS value
        FROM agg GROUP BY ALL
    """)


def compute(connection, year: int) -> None:
    build_facts(connection, year)
    build_parts(connection, year)
    build_levels(connection)


def results(connection, year: int) -> Iterator[tuple]:
    """(niveau, code, annee, indicateur, ventilation, valeur) rows, valeur a float, an int or None."""
    parts: dict[tuple[str, str, str], dict[str, float | None]] = {}
    for niveau, code, ventilation, part, value in connection.execute(
        "SELECT niveau, code, ventilation, part, value FROM level_parts"
    ).fetchall():
        parts.setdefault((niveau, code, ventilation), {})[part] = value
    entities = sorted({(n, c) for n, c, _ in parts}, key=lambda e: (LEVEL_ORDER[e[0]], e[1]))

    def ratio(num, den):
        return None if num is None or den in (None, 0) else num / den

    for niveau, code in entities:
        total = parts[(niveau, code, "total")]
        for key in CONTEXT:
            yield (niveau, code, year, key, "total", total[key])
        for ventilation in BREAKDOWNS:
            values = parts[(niveau, code, ventilation)]
            for key in YOUTH_OUTPUT:
                if key in MEANS:
                    continue
                yield (niveau, code, year, key, ventilation, int(values[key]))
            for key, (total_key, count_key) in MEANS.items():
                yield (niveau, code, year, key, ventilation, ratio(values[total_key], values[count_key]))
        for key in RESOURCES:
            yield (niveau, code, year, key, "total", total[key])
        for key, (num, den) in PER_YOUTH_FUNDING.items():
            yield (niveau, code, year, key, "total", ratio(total[num], total[den]))
        for key, (num, den, per_breakdown) in RATIOS.items():
            for ventilation in BREAKDOWNS if per_breakdown else ("total",):
                source = parts[(niveau, code, ventilation)] if per_breakdown else total
                yield (niveau, code, year, key, ventilation, ratio(source.get(num), source.get(den)))


LEVEL_ORDER = {"ml": 0, "departement": 1, "region": 2, "national": 3}


def format_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        value = float(value)
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.10g}"


def write_csv(rows, path: Path) -> int:
    """The long CSV of the results; texts read from the warehouse (codes) cannot start a formula (ADR 0013)."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["niveau", "code", "annee", "indicateur", "ventilation", "valeur"])
        for niveau, code, annee, indicator, ventilation, value in rows:
            writer.writerow([csv_cell(niveau), csv_cell(code), annee, csv_cell(indicator), csv_cell(ventilation),
                             format_value(value)])  # fmt: skip
            count += 1
    return count
