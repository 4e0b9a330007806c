"""Load and validate a warehouse export folder into DuckDB (format: cpo-indicators.md, « Input »).

Every file is read as text first, with its line numbers (header = line 1); each value is checked against its
column's rule, and every problem is reported with file, line, column, value and reason. Only a valid export
is turned into the typed staging tables (`stg_*`) the indicators are computed from.
"""

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from pilotage.core.tabular import ImportIssue
from pilotage.reference.territories import cog_codes

LEVELS = ("infra_V", "V_sans_diplome", "V", "IV", "III_et_plus")
EVENT_TYPES = ("entretien_individuel", "atelier_collectif", "contact_distance", "diagnostic_approfondi",
               "proposition", "orientation_externe", "parrainage", "acces_droit")  # fmt: skip
RIGHTS = ("sante", "logement", "mobilite", "ressources", "loisirs_culture")
PROPOSALS = ("emploi", "formation", "alternance", "immersion", "autre")
EXIT_MOTIVES = ("emploi", "emploi_durable", "cui_cae", "cui_cie", "emploi_avenir", "alternance", "apprentissage",
                "creation_entreprise", "formation", "formation_initiale", "formation_qualifiante", "reorientation",
                "service_civique", "sans_solution_connue", "abandon", "demenagement", "autre")  # fmt: skip
SITUATION_TYPES = ("emploi", "emploi_durable", "emploi_avenir", "alternance", "apprentissage", "immersion",
                   "service_civique", "formation", "formation_qualifiante", "creation_activite")  # fmt: skip
MAX_ISSUES = 1000


@dataclass(frozen=True)
class Col:
    name: str
    kind: str  # text, id, date, bool, decimal, int, enum, department
    required: bool = True
    values: tuple[str, ...] = ()


def _enum(name, values, required=True):
    return Col(name, "enum", required, tuple(values))


TABLES: dict[str, tuple[Col, ...]] = {
    "structures": (Col("code_ml", "id"), Col("nom", "text", False), Col("siret", "text", False),
                   Col("departement", "department")),
    "jeunes": (Col("jeune_id", "id"), Col("code_ml", "text"), _enum("sexe", ("F", "H")),
               Col("date_naissance", "date", False), _enum("niveau", LEVELS, False), Col("qpv", "bool"),
               Col("zrr", "bool"), Col("date_premier_accueil", "date", False)),
    "evenements": (Col("jeune_id", "text"), Col("date", "date"), _enum("type", EVENT_TYPES),
                   _enum("sous_type", RIGHTS + PROPOSALS, False)),
    "parcours": (Col("parcours_id", "id"), Col("jeune_id", "text"),
                 _enum("type_parcours", ("national", "regional_local")), Col("dispositif", "text", False),
                 Col("date_entree", "date"), Col("date_sortie", "date", False), _enum("motif_sortie", EXIT_MOTIVES, False)),
    "situations": (Col("situation_id", "id"), Col("jeune_id", "text"), _enum("type", SITUATION_TYPES),
                   Col("date_debut", "date"), Col("date_fin", "date", False)),
    "ressources": (Col("code_ml", "text"), Col("annee", "int"), Col("etp_total", "decimal", False),
                   Col("etp_accompagnement", "decimal", False), Col("financement_total", "decimal", False),
                   Col("financement_etat", "decimal", False), Col("financement_fse", "decimal", False),
                   Col("financement_activites_principales", "decimal", False)),
    "contexte": (Col("code_ml", "text"), Col("annee", "int"), Col("jeunes_actifs_non_occupes", "int", False),
                 Col("jeunes_defm", "int", False)),
}  # fmt: skip
REQUIRED_FILES = ("structures", "jeunes", "evenements", "parcours", "situations")


@dataclass
class Export:
    connection: duckdb.DuckDBPyConnection
    issues: list[ImportIssue] = field(default_factory=list)
    issue_count: int = 0

    @property
    def ok(self) -> bool:
        return self.issue_count == 0


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _rule(col: Col, department_codes, v: str = "v") -> tuple[str, str] | None:
    """(SQL condition on the non-null trimmed text `v` that makes it wrong, French reason), or None.

    The one definition of a wrong value, shared by the detailed check (`_check_expression`, line by line) and
    the fast verdict (`_bad_expression`, one vectorised pass): both paths accept exactly the same values."""
    if col.kind == "enum":
        return (f"{v} NOT IN ({', '.join(repr(x) for x in col.values)})",
                f"valeur inconnue ; valeurs possibles : {', '.join(col.values)}.")  # fmt: skip
    if col.kind == "department":  # (one literal split once: DuckDB parses a list of 101 constants slowly)
        return (f"NOT list_contains(string_split({_sql_text(','.join(sorted(department_codes)))}, ','), {v})",
                "code INSEE de département inconnu (01…95, 2A, 2B, 971…976).")  # fmt: skip
    return {
        "date": (f"try_strptime({v}, '%Y-%m-%d') IS NULL OR length({v}) <> 10",
                 "date illisible : attendu AAAA-MM-JJ (par ex. 2024-02-29)."),
        "bool": (f"{v} NOT IN ('0', '1')", "attendu 0 ou 1."),
        # the cast too: 20 digits match the pattern but are no BIGINT (it used to fail at staging)
        "int": (f"NOT regexp_full_match({v}, '-?[0-9]+') OR TRY_CAST({v} AS BIGINT) IS NULL",
                "nombre entier attendu."),
        "decimal": (f"NOT regexp_full_match({v}, '-?[0-9]+([.,][0-9]+)?')", "nombre attendu (décimales avec . ou ,)."),
    }.get(col.kind)  # fmt: skip


def _one_of(column: str, values) -> str:
    return "(" + " OR ".join(f"{column} = {_sql_text(v)}" for v in values) + ")"


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _check_expression(col: Col, department_codes) -> str:
    """SQL giving the French reason why the text value `v` is wrong, or NULL."""
    missing = "'valeur obligatoire manquante.'" if col.required else "NULL"
    rule = _rule(col, department_codes)
    check = f"CASE WHEN {rule[0]} THEN {_sql_text(rule[1])} END" if rule else "NULL"
    return f"CASE WHEN v IS NULL THEN {missing} ELSE {check} END"


def _bad_expression(col: Col, department_codes, v: str) -> str:
    """SQL boolean, never NULL: the value `v` of this column is wrong (`_check_expression` is not NULL)."""
    rule = _rule(col, department_codes, v)
    if col.required:
        return f"({v} IS NULL OR ({rule[0]}))" if rule else f"({v} IS NULL)"
    return f"({v} IS NOT NULL AND ({rule[0]}))" if rule else "false"


CSV_OPTIONS = ("delim=';', header=true, all_varchar=true, quote='\"', escape='\"', encoding='utf-8', "
               "null_padding=false, strict_mode=true")  # fmt: skip


def _source(folder: Path, table: str) -> tuple[Path, str] | None:
    """The file of `table` (a `.parquet` replaces the `.csv`) and the SQL that reads it, as text for a CSV."""
    csv, parquet = folder / f"{table}.csv", folder / f"{table}.parquet"
    if parquet.is_file():
        return parquet, f"read_parquet({_sql_text(str(parquet))})"
    if csv.is_file():
        return csv, f"read_csv({_sql_text(str(csv))}, {CSV_OPTIONS})"
    return None


def source_read(folder: Path, table: str) -> str:
    """The SQL that reads the file of `table` in `folder` (`_source`), which must exist."""
    source = _source(folder, table)
    if source is None:
        raise FileNotFoundError(folder / f"{table}.csv")
    return source[1]


def _read(connection, folder: Path, table: str) -> Path | None:
    source = _source(folder, table)
    if source is None:
        return None
    path, read = source
    connection.execute(
        f"CREATE OR REPLACE TABLE raw_{table} AS SELECT row_number() OVER () + 1 AS _line, * FROM {read}"
    )
    return path


class ExportReport:
    def __init__(self):
        self.issues: list[ImportIssue] = []
        self.count = 0

    def add(self, file, line, column, value, reason):
        self.count += 1
        if len(self.issues) < MAX_ISSUES:
            self.issues.append(ImportIssue(file, line, column, value, reason))


#: Below this size of files, DuckDB works on one thread: on a small export (one Mission Locale's, a few hundred
#: young people) its threads cost more in coordination than they save: 7% less CPU in all on the random exports of
#: tests/oracles and tests/indicators/test_engine_validation.py, for the same wall time.
SMALL_EXPORT_BYTES = 16 * 2**20


def _connect(folder: Path) -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    try:
        size = sum(path.stat().st_size for path in folder.iterdir() if path.is_file())
    except OSError:  # no such folder: the checks say so
        return connection
    if size < SMALL_EXPORT_BYTES:
        connection.execute("SET threads = 1")
    return connection


def load_export(folder: Path, connection: duckdb.DuckDBPyConnection | None = None, *, detailed: bool = False) -> Export:
    """Read and check every file of `folder`; on success the `stg_*` tables exist in the connection.

    First one vectorised pass per file (`stage_if_valid`), which only says whether the export is valid; when it
    is not (or `detailed`), the detailed checks read it again and report every problem with its line."""
    connection = connection or _connect(folder)
    _, department_codes = cog_codes()
    if not detailed and stage_if_valid(connection, folder, department_codes):
        return Export(connection)
    for table in TABLES:  # nothing half-staged is left behind
        connection.execute(f"DROP TABLE IF EXISTS stg_{table}")
    return _load_detailed(connection, folder, department_codes)


def _load_detailed(connection, folder: Path, department_codes) -> Export:
    """Every problem, with file, line, column, value and reason; the typed tables staged if there is none."""
    report = ExportReport()
    files = {}
    for table, columns in TABLES.items():
        try:
            path = _read(connection, folder, table)
        except duckdb.Error as exc:
            report.add(f"{table}.csv", None, None, None, f"fichier illisible ({str(exc).splitlines()[0]}).")
            continue
        if path is None:
            if table in REQUIRED_FILES:
                report.add(f"{table}.csv", None, None, None, "fichier manquant dans l'export.")
            continue
        files[table] = path.name
        present = [row[0] for row in connection.execute(f"DESCRIBE raw_{table}").fetchall()][1:]
        expected = [c.name for c in columns]
        for name in present:
            if name not in expected:
                report.add(path.name, 1, name, None, f"colonne inconnue ; colonnes attendues : {', '.join(expected)}.")
        for name in expected:
            if name not in present:
                report.add(path.name, 1, name, None, "colonne absente.")
        if any(name not in present for name in expected) or any(name not in expected for name in present):
            continue
        # every column's problems (the first MAX_ISSUES of each, by line) in one statement
        checks = " UNION ALL ".join(
            f"(SELECT {i} AS c, _line, v, reason FROM (SELECT _line, v, {_check_expression(col, department_codes)} "
            f"AS reason FROM (SELECT _line, nullif(trim(CAST({_q(col.name)} AS VARCHAR)), '') AS v FROM raw_{table})) "
            f"WHERE reason IS NOT NULL ORDER BY _line LIMIT {MAX_ISSUES})"
            for i, col in enumerate(columns)
        )
        for i, line, value, reason in connection.execute(f"SELECT * FROM ({checks}) ORDER BY c, _line").fetchall():
            report.add(path.name, line, columns[i].name, value, reason)
    if report.count == 0:
        _relations(connection, files, report)
    if report.count == 0:
        _stage(connection, files)
    return Export(connection, report.issues, report.count)


def _relations(connection, files, report) -> None:
    """Duplicate ids, unknown references, dates out of order, exits without motive.

    Checked on the values as they are staged (trimmed, empty = null; `rel_*` views), not on the raw text:
    otherwise `A` and `A ` would be two young people here and one after staging (counted twice), `ML1 ` an
    unknown Mission Locale, and a motive of spaces a motive."""
    for table in files:
        cells = ", ".join(f"nullif(trim(CAST({_q(c.name)} AS VARCHAR)), '') AS {_q(c.name)}" for c in TABLES[table])
        connection.execute(f"CREATE OR REPLACE TEMP VIEW rel_{table} AS SELECT _line, {cells} FROM raw_{table}")
    checks = [
        ("structures", "code_ml", "SELECT _line, code_ml, 'code_ml en double (déjà ligne ' || first || ').' FROM "
         "(SELECT _line, code_ml, min(_line) OVER (PARTITION BY code_ml) AS first FROM rel_structures) WHERE _line > first"),
        ("jeunes", "jeune_id", "SELECT _line, jeune_id, 'jeune_id en double (déjà ligne ' || first || ').' FROM "
         "(SELECT _line, jeune_id, min(_line) OVER (PARTITION BY jeune_id) AS first FROM rel_jeunes) WHERE _line > first"),
        ("parcours", "parcours_id", "SELECT _line, parcours_id, 'parcours_id en double (déjà ligne ' || first || ').' "
         "FROM (SELECT _line, parcours_id, min(_line) OVER (PARTITION BY parcours_id) AS first FROM rel_parcours) "
         "WHERE _line > first"),
        ("situations", "situation_id", "SELECT _line, situation_id, 'situation_id en double (déjà ligne ' || first || "
         "').' FROM (SELECT _line, situation_id, min(_line) OVER (PARTITION BY situation_id) AS first "
         "FROM rel_situations) WHERE _line > first"),
        ("jeunes", "code_ml", "SELECT j._line, j.code_ml, 'Mission Locale absente de structures.csv.' FROM rel_jeunes j "
         "ANTI JOIN rel_structures s ON s.code_ml = j.code_ml"),
        ("evenements", "jeune_id", "SELECT e._line, e.jeune_id, 'jeune absent de jeunes.csv.' FROM rel_evenements e "
         "ANTI JOIN rel_jeunes j ON j.jeune_id = e.jeune_id"),
        ("parcours", "jeune_id", "SELECT p._line, p.jeune_id, 'jeune absent de jeunes.csv.' FROM rel_parcours p "
         "ANTI JOIN rel_jeunes j ON j.jeune_id = p.jeune_id"),
        ("situations", "jeune_id", "SELECT s._line, s.jeune_id, 'jeune absent de jeunes.csv.' FROM rel_situations s "
         "ANTI JOIN rel_jeunes j ON j.jeune_id = s.jeune_id"),
        ("parcours", "date_sortie", "SELECT _line, date_sortie, 'sortie antérieure à l''entrée (' || date_entree || ').' "
         "FROM rel_parcours WHERE date_sortie IS NOT NULL AND date_sortie < date_entree"),
        ("parcours", "motif_sortie", "SELECT _line, motif_sortie, CASE WHEN date_sortie IS NULL "
         "THEN 'motif de sortie sans date de sortie (parcours en cours).' "
         "ELSE 'date de sortie sans motif de sortie.' END FROM rel_parcours "
         "WHERE (date_sortie IS NULL) <> (motif_sortie IS NULL)"),
        ("situations", "date_fin", "SELECT _line, date_fin, 'fin antérieure au début (' || date_debut || ').' "
         "FROM rel_situations WHERE date_fin IS NOT NULL AND date_fin < date_debut"),
        ("evenements", "sous_type", "SELECT _line, sous_type, CASE WHEN type = 'acces_droit' AND (sous_type IS NULL OR "
         f"sous_type NOT IN ({', '.join(repr(x) for x in RIGHTS)})) THEN 'sous-type attendu pour acces_droit : "
         f"{', '.join(RIGHTS)}.' WHEN type = 'proposition' AND (sous_type IS NULL OR sous_type NOT IN "
         f"({', '.join(repr(x) for x in PROPOSALS)})) THEN 'sous-type attendu pour proposition : {', '.join(PROPOSALS)}.' "
         "WHEN type NOT IN ('acces_droit', 'proposition') AND sous_type IS NOT NULL THEN 'pas de sous-type pour ce type.' "
         "END AS reason FROM rel_evenements WHERE reason IS NOT NULL"),
        ("ressources", "annee", "SELECT r._line, r.code_ml || ' ' || r.annee, 'ligne en double pour cette Mission Locale "
         "et cette année.' FROM (SELECT *, count(*) OVER (PARTITION BY code_ml, CAST(annee AS BIGINT)) AS n, min(_line) OVER "
         "(PARTITION BY code_ml, CAST(annee AS BIGINT)) AS first FROM rel_ressources) r WHERE n > 1 AND _line > first"),
        ("ressources", "code_ml", "SELECT r._line, r.code_ml, 'Mission Locale absente de structures.csv.' FROM "
         "rel_ressources r ANTI JOIN rel_structures s ON s.code_ml = r.code_ml"),
        ("contexte", "annee", "SELECT r._line, r.code_ml || ' ' || r.annee, 'ligne en double pour cette Mission Locale "
         "et cette année.' FROM (SELECT *, count(*) OVER (PARTITION BY code_ml, CAST(annee AS BIGINT)) AS n, min(_line) OVER "
         "(PARTITION BY code_ml, CAST(annee AS BIGINT)) AS first FROM rel_contexte) r WHERE n > 1 AND _line > first"),
        ("contexte", "code_ml", "SELECT r._line, r.code_ml, 'Mission Locale absente de structures.csv.' FROM "
         "rel_contexte r ANTI JOIN rel_structures s ON s.code_ml = r.code_ml"),
    ]  # fmt: skip
    checks = [(table, column, sql) for table, column, sql in checks if table in files]
    union = " UNION ALL ".join(  # in one statement, each check's first MAX_ISSUES problems by line
        f"(SELECT {i} AS c, * FROM ({sql} ORDER BY 1 LIMIT {MAX_ISSUES}))" for i, (_, _, sql) in enumerate(checks)
    )
    for i, line, value, reason in connection.execute(f"SELECT * FROM ({union}) ORDER BY 1, 2").fetchall():
        table, column, _ = checks[i]
        report.add(files[table], line, column, value, reason)


def _enum_type(col: Col) -> str:
    """The staged type of an enumeration: a DuckDB ENUM of its values (one byte, compared as a number)."""
    return f"ENUM({', '.join(_sql_text(x) for x in col.values)})"


def _typed_value(col: Col, v: str, cast: str = "CAST") -> str:
    """The staged value of the trimmed text `v` (NULL when empty); `cast` is TRY_CAST before the verdict."""
    return {
        "enum": f"{cast}({v} AS {_enum_type(col)})",
        "date": f"{cast}({v} AS DATE)",
        "bool": f"{v} = '1'",
        "int": f"{cast}({v} AS BIGINT)",
        "decimal": f"{cast}(replace({v}, ',', '.') AS DOUBLE)",  # any number of digits, as written
    }.get(col.kind, v)


def _typed(col: Col) -> str:
    return _typed_value(col, f"nullif(trim(CAST({_q(col.name)} AS VARCHAR)), '')") + f" AS {_q(col.name)}"


def _stage(connection, files) -> None:
    for table, columns in TABLES.items():
        if table in files:
            select = ", ".join(_typed(col) for col in columns)
            connection.execute(f"CREATE OR REPLACE TABLE stg_{table} AS SELECT {select} FROM raw_{table}")
        else:  # optional files: empty tables of the right shape
            _stage_empty(connection, table)


# The checks of `_relations` that look at one row only, on the staged values: folded into the fast pass.
ROW_RELATIONS = {
    "parcours": "(date_sortie IS NOT NULL AND date_sortie < date_entree) OR ((date_sortie IS NULL) <> (motif_sortie IS NULL))",
    "situations": "date_fin IS NOT NULL AND date_fin < date_debut",
    # (a CASE, each branch evaluated on its rows only; equalities, not IN lists: DuckDB turns a list of five
    # constants or more into a join)
    "evenements": f"CASE WHEN type = 'acces_droit' THEN sous_type IS NULL OR NOT {_one_of('sous_type', RIGHTS)} "
    f"WHEN type = 'proposition' THEN sous_type IS NULL OR NOT {_one_of('sous_type', PROPOSALS)} "
    "ELSE sous_type IS NOT NULL END",
}  # fmt: skip
# The checks of `_relations` across rows or files, each a count of faulty rows over the staged tables.
SET_RELATIONS = {
    "structures": ["SELECT count(code_ml) - count(DISTINCT code_ml) FROM stg_structures"],
    "jeunes": ["SELECT count(jeune_id) - count(DISTINCT jeune_id) FROM stg_jeunes",
               "SELECT count(*) FROM stg_jeunes j ANTI JOIN stg_structures s ON s.code_ml = j.code_ml"],
    "evenements": ["SELECT count(*) FROM stg_evenements e ANTI JOIN stg_jeunes j ON j.jeune_id = e.jeune_id"],
    "parcours": ["SELECT count(parcours_id) - count(DISTINCT parcours_id) FROM stg_parcours",
                 "SELECT count(*) FROM stg_parcours p ANTI JOIN stg_jeunes j ON j.jeune_id = p.jeune_id"],
    "situations": ["SELECT count(situation_id) - count(DISTINCT situation_id) FROM stg_situations",
                   "SELECT count(*) FROM stg_situations s ANTI JOIN stg_jeunes j ON j.jeune_id = s.jeune_id"],
    "ressources": ["SELECT count(*) - count(DISTINCT (code_ml, annee)) FROM stg_ressources",
                   "SELECT count(*) FROM stg_ressources r ANTI JOIN stg_structures s ON s.code_ml = r.code_ml"],
    "contexte": ["SELECT count(*) - count(DISTINCT (code_ml, annee)) FROM stg_contexte",
                 "SELECT count(*) FROM stg_contexte c ANTI JOIN stg_structures s ON s.code_ml = c.code_ml"],
}  # fmt: skip


# The columns the strict pass stages as they are written, untrimmed: each is a reference to a key staged
# trimmed before it (`SET_RELATIONS` looks every value up there). An exact match proves the value has nothing
# to trim; a value with spaces around it is unknown there, and the file goes to the trimming pass.
REFERENCES = {("jeunes", "code_ml"), ("evenements", "jeune_id"), ("parcours", "jeune_id"), ("situations", "jeune_id")}
# The large files, read by the strict pass first; the small ones go straight to the trimming pass.
STRICT_TABLES = ("jeunes", "evenements", "parcours", "situations")


def _strict_value(table: str, col: Col, v: str) -> tuple[str, str] | None:
    """(staged value, SQL boolean "wrong or not proven right") of the raw text `v`, without trimming it.

    `trim` is Unicode-aware and costs about as much as reading the value; values are nearly always written
    without spaces around them. So the strict pass accepts a value only in a form that has nothing to trim and
    that the rule of `_rule` accepts, staged as the trimming pass would stage it: an enumeration's value as
    written (the ENUM cast is exact), 0 or 1, a date written exactly as DuckDB writes it back (AAAA-MM-JJ),
    a reference found among the trimmed keys (`REFERENCES`). Anything else — including a valid value with
    spaces around it — fails the strict pass, and the file is read again by the trimming pass (`None`: the
    column has no strict form, identifiers and free texts are trimmed in both passes)."""
    if (table, col.name) in REFERENCES:
        return v, f"{v} IS NULL"
    if col.kind == "enum":
        value = f"TRY_CAST({v} AS {_enum_type(col)})"
        return value, (f"{value} IS NULL" if col.required else f"({v} IS NOT NULL AND {value} IS NULL)")
    if col.kind == "bool":
        return f"{v} = '1'", f"({v} IS NULL OR {v} NOT IN ('0', '1'))"
    if col.kind == "date":
        value = f"TRY_CAST({v} AS DATE)"
        wrong = f"({value} IS NULL OR strlen({v}) <> 10 OR CAST({value} AS VARCHAR) <> {v})"
        return value, (f"coalesce({wrong}, true)" if col.required else f"coalesce({v} IS NOT NULL AND {wrong}, false)")
    return None


def checked_rows(table: str, read: str, department_codes, *, strict: bool) -> str:
    """The rows of `table` read by `read`, typed as staged (TRY_CAST), with a `_bad` flag: a value wrong or not
    proven right (`_strict_value`, `_bad_expression`) or a one-row relation broken (`ROW_RELATIONS`)."""
    columns = TABLES[table]
    raw, typed, bad = [], [], []
    for i, col in enumerate(columns):
        text = f"CAST({_q(col.name)} AS VARCHAR)"
        strict_value = _strict_value(table, col, f"_r{i}") if strict else None
        if strict_value:
            raw.append(f"{text} AS _r{i}")
            typed.append(f"{strict_value[0]} AS {_q(col.name)}")
            bad.append(strict_value[1])
        else:
            raw.append(f"nullif(trim({text}), '') AS _r{i}")
            typed.append(f"{_typed_value(col, f'_r{i}', 'TRY_CAST')} AS {_q(col.name)}")
            bad.append(_bad_expression(col, department_codes, f"_r{i}"))
    row_relation = f" OR coalesce({ROW_RELATIONS[table]}, true)" if table in ROW_RELATIONS else ""
    return (
        f"SELECT * EXCLUDE (_value_bad), _value_bad{row_relation} AS _bad "
        f"FROM (SELECT {', '.join(typed)}, {' OR '.join(bad)} AS _value_bad FROM (SELECT {', '.join(raw)} FROM {read}))"
    )


def _stage_checked(connection, table: str, read: str, department_codes, *, strict: bool) -> bool:
    """Stage `table` from `read` in one pass with a `_bad` flag per row (`checked_rows`); True when no row is
    bad and the set relations hold (then the flag is dropped), else False (the table is left for the caller to
    replace)."""
    connection.execute(
        f"CREATE OR REPLACE TABLE stg_{table} AS {checked_rows(table, read, department_codes, strict=strict)}"
    )
    counts = [f"SELECT count_if(_bad) FROM stg_{table}", *SET_RELATIONS[table]]
    if connection.execute("SELECT " + " + ".join(f"({sql})" for sql in counts)).fetchone()[0]:  # one statement
        return False
    connection.execute(f"ALTER TABLE stg_{table} DROP COLUMN _bad")
    return True


def _columns(connection, read: str) -> list[str]:
    """The columns DuckDB reads in a file (for a CSV, the sniffer's reading of its header)."""
    return [row[0] for row in connection.execute(f"DESCRIBE SELECT * FROM {read}").fetchall()]


def _plain_header(path: Path) -> list[str] | None:
    """A CSV's column names when its first line is plain (UTF-8, no quote), else None: `_columns` then.

    Saves DuckDB's sniffing of the file a second time (about as long as reading a small file). The verdict
    only uses it when these names are exactly the expected ones: plain names separated by `;` are read the
    same by DuckDB's `read_csv` with the export's options; any other first line is left to `_columns`."""
    if path.suffix != ".csv":
        return None
    with path.open("rb") as handle:
        line = handle.readline(65536).removeprefix(b"\xef\xbb\xbf").removesuffix(b"\n").removesuffix(b"\r")
    if b'"' in line:
        return None
    try:
        return line.decode("utf-8").split(";")
    except UnicodeDecodeError:
        return None


def stage_if_valid(connection, folder: Path, department_codes) -> bool:
    """The fast verdict: True when every check of the detailed path would pass, the `stg_*` tables then built.

    One vectorised pass per file reads it once, straight into its typed staging table (TRY_CAST), with a
    `_bad` flag per row: any column's value wrong (`_bad_expression`, the same rules as the detailed checks)
    or a one-row relation broken (`ROW_RELATIONS`); then a few counts over the staged tables (`SET_RELATIONS`:
    duplicates, unknown references). The large files are read first by the strict pass (`_strict_value`: no
    trimming), and again by the trimming pass only if it fails. No line numbers and no message: at the first
    failure it stops and says False, and the detailed path finds every problem. A file that cannot be read is
    a failure too."""
    for table, columns in TABLES.items():
        source = _source(folder, table)
        if source is None:
            if table in REQUIRED_FILES:
                return False
            _stage_empty(connection, table)
            continue
        path, read = source
        expected = [c.name for c in columns]
        try:
            present = _plain_header(path)
            if present is None or sorted(present) != sorted(expected):
                present = _columns(connection, read)
            if sorted(present) != sorted(expected):
                return False
            if table in STRICT_TABLES and _stage_checked(connection, table, read, department_codes, strict=True):
                continue
            if not _stage_checked(connection, table, read, department_codes, strict=False):
                return False
        except duckdb.Error:
            return False
    return True


def _stage_empty(connection, table: str) -> None:
    """An optional file that is absent: an empty table of the right shape."""
    columns = TABLES[table]
    select = ", ".join(f"CAST(NULL AS VARCHAR) AS {_q(c.name)}" for c in columns)
    connection.execute(f"CREATE OR REPLACE TABLE raw_{table} AS SELECT 0 AS _line, {select} LIMIT 0")
    connection.execute(
        f"CREATE OR REPLACE TABLE stg_{table} AS SELECT {', '.join(_typed(c) for c in columns)} FROM raw_{table}"
    )
