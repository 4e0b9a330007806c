"""The indicators, ratios, breakdowns and levels of cpo-indicators.md, computed in DuckDB for one year N.

1. `build_facts`: per young person, their flags from one grouped pass over each table, then a boolean per
   youth indicator (and the parts of the ratios), summed straight into `cells` (per Mission Locale and
   combination of the breakdowns' criteria);
2. `build_parts`: per Mission Locale and breakdown, one column per part, the sums every figure is computed
   from (counts, durations and their counts, resources, context) — 0 for youth counts when nothing;
3. `build_levels`: the parts summed per department, region and nation (a resource or context sum is null
   when one of its Missions Locales has none);
4. the output rows (`results`, `write_results`): counts, means and ratios recomputed from the summed parts at
   each level, never averaged, each read by position from its place's list of parts.

A small export costs mostly what DuckDB takes to parse and plan each statement: the statements stay narrow
(no column per breakdown × part) and constant tables are split literals (`_constant_table`), not VALUES lists.
"""

import csv
import io
import re
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


def _one_of(column: str, values) -> str:
    """`column IN (values)` written as equalities: DuckDB turns a list of five or more constants into a join."""
    return "(" + " OR ".join(f"{column} = '{v}'" for v in values) + ")"


# Youth counts: indicator id → SQL boolean over one young person's row of `people` (see `build_facts`): the
# columns of `stg_jeunes` and that person's flags and dates from their pathways, events and situations.
YOUTH_COUNTS = {
    "1": "any_event_n",
    "2": "date_premier_accueil BETWEEN ys AND ye",
    "2.1": "date_premier_accueil BETWEEN ys AND ye AND last_diagnostic >= date_premier_accueil",
    "2.2": "date_premier_accueil BETWEEN ys AND ye AND last_orientation >= date_premier_accueil",
    "2bis.1": "interview_since_aug1",
    "3": "entered",
    "3.1": "entered_national",
    "3.2": "entered AND NOT entered_national",
    "4": "active",
    "4.1": "active_national",
    "4.1.f": "active_national AND professional_started_in_national",
    "4.1.g": "active_national AND training_started_in_national",
    "4.1.g.1": "active_national AND qualifying_started_in_national",
    "4.1.h": "active_national AND sponsorship_n",
    "4.1.i.base": "national_since_sep30_active_on_dec31 AND NOT situation_on_dec31",
    "4.1.i": "national_since_sep30_active_on_dec31 AND NOT situation_on_dec31 AND NOT proposal_since_oct1",
    "4.2.c4": "(first_national + INTERVAL 4 MONTH)::DATE BETWEEN ys AND ye",
    "4.2.s4": "(first_national + INTERVAL 4 MONTH)::DATE BETWEEN ys AND ye "
              "AND first_work_or_training_since_national < (first_national + INTERVAL 4 MONTH)::DATE",
    "4.2.c12": "(first_national + INTERVAL 12 MONTH)::DATE BETWEEN ys AND ye",
    "4.2.s12": "(first_national + INTERVAL 12 MONTH)::DATE BETWEEN ys AND ye "
               "AND first_work_or_training_since_national < (first_national + INTERVAL 12 MONTH)::DATE",
    "4.3": "active_regional",
    "4.4": "active AND right_n",
    **{f"4.4.{r}": f"active AND right_{r}_n" for r in RIGHTS},
    "6": "active AND work_or_training_during_pathway",
    "6.1": "active AND work_or_training_during_national",
    "6.1.emploi": "active AND work_during_national",
    "6.1.formation": "active AND training_during_national",
    "6.1.eav": "active AND eav_during_national",
    "6.2": "active AND work_or_training_during_regional",
    # the exit in N: the pathway exited last in N (`exit_type`, `exit_motive`; see `pa`)
    "8": "exit_type IS NOT NULL",
    "8.1": "exit_type = 'national'",
    "8.1.f": f"exit_type = 'national' AND {_one_of('exit_motive', EMPLOYMENT_EXITS)}",
    "8.1.f.emploi_durable": "exit_type = 'national' AND exit_motive = 'emploi_durable'",
    "8.1.f.cui": "exit_type = 'national' AND exit_motive IN ('cui_cae', 'cui_cie')",
    "8.1.f.eav": "exit_type = 'national' AND exit_motive = 'emploi_avenir'",
    "8.1.f.alternance": "exit_type = 'national' AND exit_motive IN ('alternance', 'apprentissage')",
    "8.1.f.apprentissage": "exit_type = 'national' AND exit_motive = 'apprentissage'",
    "8.1.f.creation": "exit_type = 'national' AND exit_motive = 'creation_entreprise'",
    "8.1.g": f"exit_type = 'national' AND {_one_of('exit_motive', TRAINING_EXITS)}",
    "8.1.g.qualifiante": "exit_type = 'national' AND exit_motive = 'formation_qualifiante'",
    "8.1.r": "exit_type = 'national' AND exit_motive = 'reorientation'",
    "8.1.h": "exit_type = 'national' AND exit_motive = 'service_civique'",
    "8.1.i": "exit_type = 'national' AND exit_motive = 'sans_solution_connue'",
    "8.2": "exit_type = 'regional_local'",
    # parts of ratios
    "_2prev": "date_premier_accueil BETWEEN prev_start AND prev_end",
    "_r6": "entered AND first_diagnostic <= first_entry_n",
}  # fmt: skip
PROFESSIONAL = tuple(t for t in SITUATION_TYPES_ALL if t not in TRAINING)
ACTIVE = "p.date_entree <= ye AND (p.date_sortie IS NULL OR p.date_sortie >= ys)"
EXIT_N = "p.date_sortie BETWEEN ys AND ye"
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
#: mean id → (sum of the durations in months, number of durations): parts computed from days (`build_parts`)
MEANS = {"5": ("_dur5_sum", "_dur5_n"), "7": ("_dur7_sum", "_dur7_n")}
PER_YOUTH_FUNDING = {"10.1.d": ("10.1.b", "1"), "10.1.e": ("10.1.b", "4")}


def _bounds(year: int) -> dict[str, str]:
    """The dates of year N the definitions use, as SQL literals (constants the planner can push down)."""
    return {
        "ys": f"DATE '{year}-01-01'", "ye": f"DATE '{year}-12-31'", "aug1": f"DATE '{year}-08-01'",
        "sep30": f"DATE '{year}-09-30'", "oct1": f"DATE '{year}-10-01'", "prev_start": f"DATE '{year - 1}-01-01'",
        "prev_end": f"DATE '{year - 1}-12-31'",
    }  # fmt: skip


def _dated(sql: str, year: int) -> str:
    """`sql` with the names of `_bounds` (ys, ye, aug1…) replaced by their dates."""
    bounds = _bounds(year)
    return re.sub(r"\b(" + "|".join(bounds) + r")\b", lambda m: bounds[m.group(1)], sql)


def _overlap(situation_types, pathway_type=None) -> str:
    """A situation of those types and a pathway (of that type) active on a same day of [ys, ye]."""
    pathway = f"AND p.type_parcours = '{pathway_type}' " if pathway_type else ""
    return (
        f"bool_or({_one_of('s.type', situation_types)} {pathway}AND greatest(s.date_debut, p.date_entree, ys) <= "
        "least(coalesce(s.date_fin, ye), coalesce(p.date_sortie, ye), ye))"
    )


def _started_in_national(situation_types) -> str:
    return (
        f"bool_or({_one_of('s.type', situation_types)} AND p.type_parcours = 'national' AND s.date_debut BETWEEN ys "
        "AND ye AND p.date_entree <= s.date_debut AND (p.date_sortie IS NULL OR p.date_sortie >= s.date_debut))"
    )


# The per-person tables of `build_facts` and their boolean flags: a young person without a row there (no
# pathway, event or situation) has `false` for each (`people`), never NULL.
FLAGS = {
    "pa": ("entered", "entered_national", "active", "active_national", "active_regional",
           "national_since_sep30_active_on_dec31"),
    "ev": ("any_event_n", "interview_since_aug1", "sponsorship_n", "proposal_since_oct1", "right_n",
           *(f"right_{r}_n" for r in RIGHTS)),
    "si": ("situation_on_dec31",),
    "sp": ("professional_started_in_national", "training_started_in_national", "qualifying_started_in_national",
           "work_or_training_during_pathway", "work_or_training_during_national", "work_during_national",
           "training_during_national", "eav_during_national", "work_or_training_during_regional"),
}  # fmt: skip
# Their other columns: dates (NULL when there is no such row; only compared positively, a comparison with
# NULL then being false), the exit in N, and the durations in days with their numbers (0 when none).
VALUES = {
    "pa": ("first_national", "first_entry_n", "exit_n.type AS exit_type", "exit_n.motive AS exit_motive"),
    "ev": ("last_diagnostic", "last_orientation", "first_diagnostic"),
    "si": ("first_work_or_training_since_national",),
    "sp": (),
}
DURATIONS = {"pa": ("dur5_days", "dur5_n"), "d7": ("dur7_days", "dur7_n")}


def build_facts(connection, year: int) -> None:
    """Per young person: one grouped pass over each of pathways, events, situations and the situation ×
    pathway pairs of a same young person (no correlated subquery, no join before grouping: each table is
    grouped alone, then the per-person rows are joined once, 1 to 1), then one count per youth indicator.

    The counts are summed straight into `cells`: per Mission Locale and combination of the breakdowns' criteria
    (sex, low level, QPV, ZRR), at most 16 rows per Mission Locale, from which every breakdown is a sum.

    Every flag of `people` is two-valued: a young person with no pathway, event or situation has no row in
    that table and `false` everywhere (`coalesce`), so that a negated flag (`NOT situation_on_dec31`) counts
    them — in SQL `true AND NOT NULL` is NULL, which is what once dropped them from 4.1.i.base, 4.1.i and R8."""
    work_or_training = EMPLOYMENT + TRAINING
    rights = ", ".join(
        f"bool_or(e.type = 'acces_droit' AND e.sous_type = '{r}' AND e.date >= ys) AS right_{r}_n" for r in RIGHTS
    )
    statements = [
        f"""CREATE OR REPLACE TABLE pa AS SELECT p.jeune_id,
            bool_or(p.date_entree BETWEEN ys AND ye) AS entered,
            bool_or(p.type_parcours = 'national' AND p.date_entree BETWEEN ys AND ye) AS entered_national,
            bool_or({ACTIVE}) AS active,
            bool_or(p.type_parcours = 'national' AND {ACTIVE}) AS active_national,
            bool_or(p.type_parcours = 'regional_local' AND {ACTIVE}) AS active_regional,
            bool_or(p.type_parcours = 'national' AND p.date_entree <= sep30
                    AND (p.date_sortie IS NULL OR p.date_sortie >= ye)) AS national_since_sep30_active_on_dec31,
            min(CASE WHEN p.type_parcours = 'national' THEN p.date_entree END) AS first_national,
            min(CASE WHEN p.date_entree BETWEEN ys AND ye THEN p.date_entree END) AS first_entry_n,
            -- the exit in N: the latest date_sortie, then the greatest parcours_id as text (NULL keys are skipped)
            arg_max({{'type': p.type_parcours, 'motive': p.motif_sortie}},
                    CASE WHEN {EXIT_N} THEN (p.date_sortie, p.parcours_id) END) AS exit_n,
            -- 5: every pathway exited in N
            sum(CASE WHEN {EXIT_N} THEN p.date_sortie - p.date_entree END) AS dur5_days,
            count(CASE WHEN {EXIT_N} THEN 1 END) AS dur5_n
        FROM stg_parcours p GROUP BY p.jeune_id""",
        # only the events that can make a flag true: each needs a date up to E, and only the diagnostics and
        # orientations may predate S; "some event of that kind between a date and E" is "the last one up to E is
        # on or after that date"
        f"""CREATE OR REPLACE TABLE ev AS SELECT e.jeune_id,
            bool_or(e.date >= ys) AS any_event_n,
            bool_or(e.type = 'entretien_individuel' AND e.date >= aug1) AS interview_since_aug1,
            bool_or(e.type = 'parrainage' AND e.date >= ys) AS sponsorship_n,
            bool_or(e.type = 'proposition' AND e.date >= oct1) AS proposal_since_oct1,
            bool_or(e.type = 'acces_droit' AND e.date >= ys) AS right_n,
            {rights},
            max(CASE WHEN e.type = 'diagnostic_approfondi' THEN e.date END) AS last_diagnostic,
            max(CASE WHEN e.type = 'orientation_externe' THEN e.date END) AS last_orientation,
            min(CASE WHEN e.type = 'diagnostic_approfondi' THEN e.date END) AS first_diagnostic
        FROM stg_evenements e
        WHERE e.date <= ye AND (e.date >= ys OR e.type = 'diagnostic_approfondi' OR e.type = 'orientation_externe')
        GROUP BY e.jeune_id""",
        # 4.2: a situation begun within k months of the first national entry d is the first one begun on or
        # after d, if it begins before d + k months (d + k being in N: the situations begun after E do not count)
        f"""CREATE OR REPLACE TABLE si AS SELECT s.jeune_id,
            bool_or(s.date_debut <= ye AND (s.date_fin IS NULL OR s.date_fin >= ye)) AS situation_on_dec31,
            min(CASE WHEN {_one_of("s.type", work_or_training)} AND s.date_debut >= pa.first_national THEN s.date_debut END)
                AS first_work_or_training_since_national
        FROM stg_situations s LEFT JOIN pa USING (jeune_id) WHERE s.date_debut <= ye GROUP BY s.jeune_id""",
        # only the situations and pathways active some day of N: every flag here needs both
        f"""CREATE OR REPLACE TABLE sp AS SELECT s.jeune_id,
            {_started_in_national(PROFESSIONAL)} AS professional_started_in_national,
            {_started_in_national(TRAINING)} AS training_started_in_national,
            {_started_in_national(("formation_qualifiante",))} AS qualifying_started_in_national,
            {_overlap(work_or_training)} AS work_or_training_during_pathway,
            {_overlap(work_or_training, "national")} AS work_or_training_during_national,
            {_overlap(EMPLOYMENT, "national")} AS work_during_national,
            {_overlap(TRAINING, "national")} AS training_during_national,
            {_overlap(("emploi_avenir",), "national")} AS eav_during_national,
            {_overlap(work_or_training, "regional_local")} AS work_or_training_during_regional
        FROM stg_situations s JOIN stg_parcours p USING (jeune_id)
        WHERE s.date_debut <= ye AND (s.date_fin IS NULL OR s.date_fin >= ys) AND {ACTIVE}
        GROUP BY s.jeune_id""",
        # 7: every employment situation ended in N whose start falls on a day one of the person's pathways
        # (of any type) is active
        f"""CREATE OR REPLACE TABLE d7 AS SELECT s.jeune_id, sum(s.date_fin - s.date_debut) AS dur7_days,
            count(*) AS dur7_n
        FROM stg_situations s SEMI JOIN stg_parcours p ON p.jeune_id = s.jeune_id
            AND p.date_entree <= s.date_debut AND (p.date_sortie IS NULL OR p.date_sortie >= s.date_debut)
        WHERE {_one_of("s.type", EMPLOYMENT)} AND s.date_fin BETWEEN ys AND ye GROUP BY s.jeune_id""",
    ]
    for sql in statements:
        connection.execute(_dated(sql, year))
    columns = [f"coalesce({table}.{flag}, false) AS {flag}" for table, flags in FLAGS.items() for flag in flags]
    columns += [f"{table}.{name}" for table, names in VALUES.items() for name in names]
    columns += [f"coalesce({table}.{name}, 0) AS {name}" for table, names in DURATIONS.items() for name in names]
    counts = ",\n".join(f'count_if({sql}) AS "{key}"' for key, sql in YOUTH_COUNTS.items())
    durations = ", ".join(f"sum({name}) AS {name}" for names in DURATIONS.values() for name in names)
    connection.execute(_dated(f"""
        CREATE OR REPLACE TABLE cells AS
        WITH people AS (
            SELECT j.code_ml, j.sexe = 'F' AS femmes, coalesce(j.niveau IN ('infra_V', 'V_sans_diplome'), false)
                   AS bas_niveau, j.qpv AS qpv, j.zrr AS zrr, j.date_premier_accueil, {", ".join(columns)}
            FROM stg_jeunes j LEFT JOIN pa USING (jeune_id) LEFT JOIN ev USING (jeune_id)
            LEFT JOIN si USING (jeune_id) LEFT JOIN sp USING (jeune_id) LEFT JOIN d7 USING (jeune_id))
        SELECT code_ml, femmes, bas_niveau, qpv, zrr, {counts}, {durations}
        FROM people GROUP BY ALL""", year))  # fmt: skip


YOUTH_PARTS = list(YOUTH_COUNTS)
DURATION_PARTS = ["dur5_days", "dur5_n", "dur7_days", "dur7_n"]
VALUE_PARTS = {**RESOURCES, **CONTEXT}  # given for the breakdown total only, NULL when missing


def _name(part: str) -> str:
    return '"' + part + '"'


def build_parts(connection, year: int) -> None:
    """One row per Mission Locale and breakdown, one column per part: youth counts and durations (0 when
    nothing) summed from `cells` (each cell counts for the total and for each criterion it meets), and
    (breakdown total only) resources and context, NULL when the Mission Locale has no row or no value for N.

    Few columns and few rows (at most 5 per Mission Locale): the statement's cost does not grow with the
    number of breakdowns (a column per breakdown × part made DuckDB bind 300 sums, ~0.1 s per call)."""
    youth = YOUTH_PARTS + DURATION_PARTS
    breakdowns = ", ".join(f"({_sql(v)})" for v in BREAKDOWNS)
    met = " OR ".join(f"(b.ventilation = {_sql(v)} AND c.{v})" for v in BREAKDOWNS if v != "total")
    sums = ", ".join(f"sum(c.{_name(p)}) AS {_name(p)}" for p in youth)
    values = [f"CAST(r.{column} AS DOUBLE) AS {_name(key)}" for key, column in RESOURCES.items()]
    values += [f"CAST(x.{column} AS DOUBLE) AS {_name(key)}" for key, column in CONTEXT.items()]
    connection.execute(f"""
        CREATE OR REPLACE TABLE parts AS
        SELECT s.code_ml, s.departement, b.ventilation, {", ".join(f"coalesce(y.{_name(p)}, 0) AS {_name(p)}" for p in youth)},
               {", ".join(values)}
        FROM stg_structures s CROSS JOIN (VALUES {breakdowns}) b(ventilation)
        LEFT JOIN (SELECT c.code_ml, b.ventilation, {sums} FROM cells c
                   JOIN (VALUES {breakdowns}) b(ventilation) ON b.ventilation = 'total' OR {met}
                   GROUP BY c.code_ml, b.ventilation) y ON y.code_ml = s.code_ml AND y.ventilation = b.ventilation
        LEFT JOIN stg_ressources r ON r.code_ml = s.code_ml AND r.annee = {year} AND b.ventilation = 'total'
        LEFT JOIN stg_contexte x ON x.code_ml = s.code_ml AND x.annee = {year} AND b.ventilation = 'total'""")  # noqa: S608


def build_levels(connection) -> None:
    """Parts at every level, one row per place and breakdown (each Mission Locale's row counted in its four
    places, then one GROUP BY: DuckDB plans GROUPING SETS twice as slowly here): a youth sum is a
    plain sum (of integers: counts and days); a resource/context sum is null if any part is null, else
    `fsum` (compensated: the correctly rounded sum of the values whatever the order DuckDB's threads add them
    in, where a plain sum of doubles could print 102726582.1 for .15). A Mission Locale is its own group."""
    regions, departments = read_territories()
    geo = _constant_table([(d["code"], d["region"]) for d in departments], ("departement", "region"))
    summed = ", ".join([f"sum({_name(p)}) AS {_name(p)}" for p in YOUTH_PARTS + DURATION_PARTS]
                       + [f"CASE WHEN count({_name(k)}) = count(*) THEN fsum({_name(k)}) END AS {_name(k)}"
                          for k in VALUE_PARTS])  # fmt: skip
    connection.execute(f"""
        CREATE OR REPLACE TABLE level_parts AS
        SELECT m.niveau, m.code, ventilation, {summed}
        FROM (SELECT p.*, unnest([{{'niveau': 'ml', 'code': p.code_ml}}, {{'niveau': 'departement', 'code': p.departement}},
                                  {{'niveau': 'region', 'code': g.region}}, {{'niveau': 'national', 'code': 'FR'}}]) AS m
              FROM parts p JOIN {geo} g USING (departement))
        GROUP BY m.niveau, m.code, ventilation""")  # noqa: S608


def compute(connection, year: int) -> None:
    build_facts(connection, year)
    build_parts(connection, year)
    build_levels(connection)


def _sql(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


RECORD, UNIT = "\x1e", "\x1f"


def _constant_table(rows: list[tuple[str, ...]], names: tuple[str, ...]) -> str:
    """A table of texts written in the SQL: one string literal that DuckDB splits (records by U+001E, fields by
    U+001F), parsed ~20 × faster than the same rows as a VALUES list (300 rows: 1 ms instead of 19 ms, a large
    part of a small export's cost); the VALUES list when a text holds a separator (a code from the export)."""
    if any(RECORD in text or UNIT in text for row in rows for text in row):
        values = ", ".join("(" + ", ".join(_sql(text) for text in row) + ")" for row in rows)
        return f"(SELECT * FROM (VALUES {values}) t({', '.join(names)}))"
    literal = _sql(RECORD.join(UNIT.join(row) for row in rows))
    fields = ", ".join(f"f[{i + 1}] AS {name}" for i, name in enumerate(names))
    return f"(SELECT {fields} FROM (SELECT string_split(unnest(string_split({literal}, chr(30))), chr(31)) AS f))"


def _output_spec() -> list[tuple[str, str, str, str, str | None]]:
    """The values of one place, in the order they are written: (indicator, breakdown, kind, part, denominator
    part), kind "value" (a part as it is), "count" (a youth count, an integer) or "ratio" (NULL when the
    denominator is NULL or 0). Ratios not given per breakdown, and resources and context, use the total."""
    spec = [(key, "total", "value", key, None) for key in CONTEXT]
    for ventilation in BREAKDOWNS:
        spec += [(key, ventilation, "count", key, None) for key in YOUTH_OUTPUT if key not in MEANS]
        spec += [(key, ventilation, "ratio", total, count) for key, (total, count) in MEANS.items()]
    spec += [(key, "total", "value", key, None) for key in RESOURCES]
    spec += [(key, "total", "ratio", num, den) for key, (num, den) in PER_YOUTH_FUNDING.items()]
    for key, (num, den, per_breakdown) in RATIOS.items():
        spec += [(key, v, "ratio", num, den) for v in (BREAKDOWNS if per_breakdown else ("total",))]
    return spec


OUTPUT = _output_spec()


def _value_list() -> tuple[list[str], str]:
    """(the parts the output reads, in order; the SQL list of their values at one place and breakdown, as
    DOUBLE): a mean's parts are computed from the durations in days."""
    names, values = [], []
    for part in YOUTH_PARTS:
        names.append(part)
        values.append(f"CAST({_name(part)} AS DOUBLE)")
    for key, (total, count) in MEANS.items():
        names += [total, count]
        values += [f"({_name(f'dur{key}_days')} / {DAYS_PER_MONTH})", f"CAST({_name(f'dur{key}_n')} AS DOUBLE)"]
    for key in VALUE_PARTS:
        names.append(key)
        values.append(_name(key))
    return names, "[" + ", ".join(values) + "]"


def _output_query(year: int, places=None) -> str:
    """Every value of every place, one row each, in the order of the long CSV: places by level then code, then
    `OUTPUT`. Each row of `level_parts` (a place and a breakdown) holds its parts as one list; each output
    value is read from it by position (`spec`: part and denominator), so that the query is the same size
    whatever the number of indicators. With `places` (every (niveau, code)): one text, the CSV's lines as
    `write_csv` writes them (`format_value`, `csv_cell`, `csv.writer`'s quoting: the cells of texts are made
    here, in Python)."""
    names, values = _value_list()
    index = {name: i + 1 for i, name in enumerate(names)}
    spec = _constant_table(
        [(str(position), ventilation, str(index[part]), str(index[den]) if kind == "ratio" else "",
          _csv_field(csv_cell(indicator)) + "," + _csv_field(csv_cell(ventilation)))
         for position, (indicator, ventilation, kind, part, den) in enumerate(OUTPUT)],
        ("k", "ventilation", "p", "d", "field"),
    )  # fmt: skip
    order = " ".join(f"WHEN {_sql(level)} THEN {rank}" for level, rank in LEVEL_ORDER.items())
    source = f"""SELECT l.niveau, l.code, CASE l.niveau {order} END AS level_rank, s.k, s.field,
                        CASE WHEN s.d IS NULL THEN l.xs[s.p] WHEN l.xs[s.d] <> 0 THEN l.xs[s.p] / l.xs[s.d] END AS x
                 FROM (SELECT niveau, code, ventilation, {values} AS xs FROM level_parts) l
                 JOIN (SELECT CAST(k AS INTEGER) AS k, ventilation, CAST(p AS INTEGER) AS p,
                              CAST(nullif(d, '') AS INTEGER) AS d, field FROM {spec}) s USING (ventilation)"""
    if places is None:
        return f"SELECT niveau, code, k, x FROM ({source}) ORDER BY level_rank, code, k"
    value = ("CASE WHEN x IS NULL THEN '' WHEN x = trunc(x) AND abs(x) < 1e15 "
             "THEN CAST(CAST(x AS BIGINT) AS VARCHAR) ELSE printf('%.10g', x) END")  # fmt: skip
    places = _constant_table([(n, c, _csv_field(csv_cell(n)) + "," + _csv_field(csv_cell(c))) for n, c in places],
                             ("niveau", "code", "place"))  # fmt: skip
    return f"""SELECT string_agg(f.place || ',{year},' || o.field || ',' || {value}, chr(13) || chr(10)
                                 ORDER BY level_rank, code, k)
               FROM ({source}) o JOIN {places} f USING (niveau, code)"""


def results(connection, year: int) -> Iterator[tuple]:
    """(niveau, code, annee, indicateur, ventilation, valeur) rows, valeur a float, an int or None."""
    spec = [(indicator, ventilation, kind == "count") for indicator, ventilation, kind, _, _ in OUTPUT]
    for niveau, code, position, value in connection.execute(_output_query(year)).fetchall():
        indicator, ventilation, count = spec[position]
        yield (niveau, code, year, indicator, ventilation, int(value) if count else value)


def _csv_field(text: str) -> str:
    """One cell as `csv.writer` writes it inside a row (quoted if it holds a comma, a quote or a line break)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([text, ""])
    return buffer.getvalue()[:-1]


def write_results(connection, year: int, path: Path) -> int:
    """The long CSV of `write_csv(results(…))`, byte for byte, formatted and joined in DuckDB in one query."""
    places = connection.execute("SELECT DISTINCT niveau, code FROM level_parts").fetchall()
    body = connection.execute(_output_query(year, places)).fetchone()[0]
    with path.open("w", newline="", encoding="utf-8") as handle:
        handle.write("niveau,code,annee,indicateur,ventilation,valeur\r\n")
        if body:
            handle.write(body + "\r\n")
    return len(places) * len(OUTPUT)


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
    cells: dict = {}  # `csv_cell` of each text once: a few hundred codes and names over ~1,000 times more rows

    def cell(text):
        if (value := cells.get(text)) is None:
            value = cells[text] = csv_cell(text)
        return value

    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["niveau", "code", "annee", "indicateur", "ventilation", "valeur"])
        for niveau, code, annee, indicator, ventilation, value in rows:
            writer.writerow([cell(niveau), cell(code), annee, cell(indicator), cell(ventilation), format_value(value)])
            count += 1
    return count
