"""An oracle of the CPO dashboard: ../shared/cpo-indicators.md in plain Python, one young person at a time.

A test tool, not a product path. It is written from the definitions alone and shares nothing with the engine
(`pilotage/indicators/engine/`) but the reading of files: no SQL, no engine constant. Each indicator is a few
lines next to its definition, quoted; it is meant to be read against the spec line by line, and to be slow.

`oracle_values(folder, year)` → {(niveau, code, indicateur, ventilation): value}, value an exact `Fraction`
(or an int for counts), None for null.
"""

import calendar
import csv
import io
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path

import duckdb

from pilotage.reference.territories import read_territories

# Enumerations of the spec, copied from its « Input » section.
LOW_LEVELS = {"infra_V", "V_sans_diplome"}
EXIT_EMPLOYMENT = {
    "emploi",
    "emploi_durable",
    "cui_cae",
    "cui_cie",
    "emploi_avenir",
    "alternance",
    "apprentissage",
    "creation_entreprise",
}
EXIT_TRAINING = {"formation", "formation_initiale", "formation_qualifiante"}
SITUATION_TYPES = {
    "emploi",
    "emploi_durable",
    "emploi_avenir",
    "alternance",
    "apprentissage",
    "immersion",
    "service_civique",
    "formation",
    "formation_qualifiante",
    "creation_activite",
}
TRAINING = {"formation", "formation_qualifiante"}
PROFESSIONAL = SITUATION_TYPES - TRAINING  # « every type but formation and formation_qualifiante »
EMPLOYMENT = {"emploi", "emploi_durable", "emploi_avenir", "alternance", "apprentissage", "creation_activite"}
RIGHTS = ("sante", "logement", "mobilite", "ressources", "loisirs_culture")
DAYS_PER_MONTH = Fraction("30.4375")
GROUPS = ("total", "femmes", "bas_niveau", "qpv", "zrr")


# ---------------------------------------------------------------------------------------------------------------
# Reading the export (the only thing shared in spirit with the engine: both read the same files)


def _read_table(folder: Path, name: str) -> list[dict] | None:
    """Rows as {column: text or None}: « empty cell = null »; a .parquet of the same name replaces the CSV."""
    parquet, path = folder / f"{name}.parquet", folder / f"{name}.csv"
    if parquet.is_file():
        relation = duckdb.sql(f"SELECT * FROM read_parquet('{parquet}')")
        columns = relation.columns
        rows = [dict(zip(columns, values, strict=True)) for values in relation.fetchall()]
        return [{k: (None if v is None or str(v) == "" else str(v)) for k, v in row.items()} for row in rows]
    if not path.is_file():
        return None
    text = path.read_bytes().decode("utf-8-sig")  # « UTF-8 (a BOM is tolerated) »
    return [
        {k: (v if v != "" else None) for k, v in row.items()}
        for row in csv.DictReader(io.StringIO(text), delimiter=";")
    ]


def _date(text):
    return None if text is None else date.fromisoformat(text)


def _number(text):
    return None if text is None else Fraction(text.replace(",", "."))  # « decimals with . or , »


@dataclass
class Pathway:
    id: str
    type: str
    start: date
    end: date | None
    motive: str | None


@dataclass
class Situation:
    type: str
    start: date
    end: date | None


@dataclass
class Young:
    id: str
    ml: str
    sexe: str
    niveau: str | None
    qpv: bool
    zrr: bool
    welcome: date | None
    events: list[tuple[date, str, str | None]] = field(default_factory=list)
    pathways: list[Pathway] = field(default_factory=list)
    situations: list[Situation] = field(default_factory=list)


@dataclass
class Export:
    department_of: dict[str, str]  # code_ml → department
    young: list[Young]
    resources: dict[tuple[str, int], dict]
    context: dict[tuple[str, int], dict]


def read_export(folder: Path) -> Export:
    department_of = {row["code_ml"]: row["departement"] for row in _read_table(folder, "structures")}
    young = {}
    for row in _read_table(folder, "jeunes"):
        young[row["jeune_id"]] = Young(
            row["jeune_id"],
            row["code_ml"],
            row["sexe"],
            row["niveau"],
            row["qpv"] == "1",
            row["zrr"] == "1",
            _date(row["date_premier_accueil"]),
        )
    for row in _read_table(folder, "evenements"):
        young[row["jeune_id"]].events.append((_date(row["date"]), row["type"], row["sous_type"]))
    for row in _read_table(folder, "parcours"):
        young[row["jeune_id"]].pathways.append(
            Pathway(
                row["parcours_id"],
                row["type_parcours"],
                _date(row["date_entree"]),
                _date(row["date_sortie"]),
                row["motif_sortie"],
            )
        )
    for row in _read_table(folder, "situations"):
        young[row["jeune_id"]].situations.append(
            Situation(row["type"], _date(row["date_debut"]), _date(row["date_fin"]))
        )
    resources = {(r["code_ml"], int(r["annee"])): r for r in _read_table(folder, "ressources") or []}
    context = {(r["code_ml"], int(r["annee"])): r for r in _read_table(folder, "contexte") or []}
    return Export(department_of, list(young.values()), resources, context)


# ---------------------------------------------------------------------------------------------------------------
# Conventions


def add_months(d: date, k: int) -> date:
    """« d + k months: same day k months later, clamped to the end of the month »."""
    year, month = divmod(d.month - 1 + k, 12)
    year, month = d.year + year, month + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def months(a: date, b: date) -> Fraction:
    """« A duration in months = days between the two dates / 30.4375 »."""
    return Fraction((b - a).days) / DAYS_PER_MONTH


def active_on(p_start, p_end, day) -> bool:
    """« active on [date_entree, date_sortie], or [date_entree, +∞) while ongoing » (likewise situations)."""
    return p_start <= day and (p_end is None or day <= p_end)


def active_during(p_start, p_end, s: date, e: date) -> bool:
    """Active at some day of [s, e]."""
    return p_start <= e and (p_end is None or p_end >= s)


def common_day(intervals, s: date, e: date) -> bool:
    """Some day of [s, e] on which every (start, end or None) interval is active."""
    first = max([s, *(a for a, _ in intervals)])
    last = min([e, *(b for _, b in intervals if b is not None)])
    return first <= last


def exit_in(y: Young, S: date, E: date) -> Pathway | None:
    """« The exit in N of a young person is the pathway with the latest date_sortie in [S, E] (ties: the greatest
    parcours_id compared as text) »."""
    exited = [p for p in y.pathways if p.end is not None and S <= p.end <= E]
    return max(exited, key=lambda p: (p.end, p.id), default=None)


# ---------------------------------------------------------------------------------------------------------------
# The indicators of one young person for year N: {id: bool}; durations apart.


def youth_indicators(y: Young, N: int) -> dict[str, bool]:
    S, E = date(N, 1, 1), date(N, 12, 31)
    ev = y.events

    def event(kind, a, b, sous_type=None):
        return any(t == kind and a <= d <= b and (sous_type is None or st == sous_type) for d, t, st in ev)

    national = [p for p in y.pathways if p.type == "national"]
    regional = [p for p in y.pathways if p.type == "regional_local"]
    r = {}
    # 1 — ≥ 1 event of any type dated in [S, E]
    r["1"] = any(S <= d <= E for d, _, _ in ev)
    # 2 — date_premier_accueil in [S, E]
    r["2"] = y.welcome is not None and S <= y.welcome <= E
    # 2.1 — counted in 2 and ≥ 1 diagnostic_approfondi dated in [date_premier_accueil, E]
    r["2.1"] = r["2"] and event("diagnostic_approfondi", y.welcome, E)
    # 2.2 — counted in 2 and ≥ 1 orientation_externe dated in [date_premier_accueil, E]
    r["2.2"] = r["2"] and event("orientation_externe", y.welcome, E)
    # 2bis.1 — ≥ 1 entretien_individuel dated in [N-08-01, E]
    r["2bis.1"] = event("entretien_individuel", date(N, 8, 1), E)
    # 3 — ≥ 1 pathway with date_entree in [S, E]
    entered = [p for p in y.pathways if S <= p.start <= E]
    r["3"] = bool(entered)
    # 3.1 — ≥ 1 national pathway entered in [S, E]
    r["3.1"] = any(p.type == "national" for p in entered)
    # 3.2 — counted in 3 and every pathway entered in [S, E] is regional_local
    r["3.2"] = r["3"] and all(p.type == "regional_local" for p in entered)
    # 4 — ≥ 1 pathway active at some day of [S, E]
    r["4"] = any(active_during(p.start, p.end, S, E) for p in y.pathways)
    # 4.1 — ≥ 1 national pathway active at some day of [S, E]
    r["4.1"] = any(active_during(p.start, p.end, S, E) for p in national)

    # 4.1.f/g/g.1 — counted in 4.1 and ≥ 1 <kind> situation with date_debut in [S, E] on a day when one of
    # their national pathways is active
    def started_in_national(types):
        return r["4.1"] and any(
            s.type in types and S <= s.start <= E and any(active_on(p.start, p.end, s.start) for p in national)
            for s in y.situations
        )

    r["4.1.f"] = started_in_national(PROFESSIONAL)
    r["4.1.g"] = started_in_national(TRAINING)
    r["4.1.g.1"] = started_in_national({"formation_qualifiante"})
    # 4.1.h — counted in 4.1 and ≥ 1 parrainage event dated in [S, E]
    r["4.1.h"] = r["4.1"] and event("parrainage", S, E)
    # 4.1.i.base — a national pathway with date_entree ≤ N-09-30 still active on E, and no situation of any type
    # active on E
    r["4.1.i.base"] = any(p.start <= date(N, 9, 30) and active_on(p.start, p.end, E) for p in national) and not any(
        active_on(s.start, s.end, E) for s in y.situations
    )
    # 4.1.i — counted in 4.1.i.base and no proposition event dated in [N-10-01, E]
    r["4.1.i"] = r["4.1.i.base"] and not event("proposition", date(N, 10, 1), E)
    # 4.2.c4/c12 — d = the earliest national date_entree in the export; d + k months in [S, E]
    # 4.2.s4/s12 — counted in c<k> and ≥ 1 employment or training situation with date_debut in [d, d + k months)
    d = min((p.start for p in national), default=None)
    for k in (4, 12):
        r[f"4.2.c{k}"] = d is not None and S <= add_months(d, k) <= E
        r[f"4.2.s{k}"] = r[f"4.2.c{k}"] and any(
            s.type in EMPLOYMENT | TRAINING and d <= s.start < add_months(d, k) for s in y.situations
        )
    # 4.3 — ≥ 1 regional_local pathway active at some day of [S, E]
    r["4.3"] = any(active_during(p.start, p.end, S, E) for p in regional)
    # 4.4 — counted in 4 and ≥ 1 acces_droit event dated in [S, E]; 4.4.<sous_type>
    r["4.4"] = r["4"] and event("acces_droit", S, E)
    for right in RIGHTS:
        r[f"4.4.{right}"] = r["4"] and event("acces_droit", S, E, right)

    # 6 — counted in 4 and ≥ 1 employment or training situation active on a day of [S, E] on which one of their
    # pathways is active; 6.1 with a national pathway (6.1.emploi, 6.1.formation, 6.1.eav), 6.2 regional_local
    def during(situation_types, pathways):
        return r["4"] and any(
            s.type in situation_types and common_day([(s.start, s.end), (p.start, p.end)], S, E)
            for s in y.situations
            for p in pathways
        )

    r["6"] = during(EMPLOYMENT | TRAINING, y.pathways)
    r["6.1"] = during(EMPLOYMENT | TRAINING, national)
    r["6.1.emploi"] = during(EMPLOYMENT, national)
    r["6.1.formation"] = during(TRAINING, national)
    r["6.1.eav"] = during({"emploi_avenir"}, national)
    r["6.2"] = during(EMPLOYMENT | TRAINING, regional)
    # 8 — has an exit in N; 8.1 national; 8.2 regional_local; 8.1.x by exit motive
    x = exit_in(y, S, E)
    r["8"] = x is not None
    r["8.1"] = x is not None and x.type == "national"
    motive = x.motive if r["8.1"] else None
    r["8.1.f"] = motive in EXIT_EMPLOYMENT
    r["8.1.f.emploi_durable"] = motive == "emploi_durable"
    r["8.1.f.cui"] = motive in {"cui_cae", "cui_cie"}
    r["8.1.f.eav"] = motive == "emploi_avenir"
    r["8.1.f.alternance"] = motive in {"alternance", "apprentissage"}
    r["8.1.f.apprentissage"] = motive == "apprentissage"
    r["8.1.f.creation"] = motive == "creation_entreprise"
    r["8.1.g"] = motive in EXIT_TRAINING
    r["8.1.g.qualifiante"] = motive == "formation_qualifiante"
    r["8.1.r"] = motive == "reorientation"
    r["8.1.h"] = motive == "service_civique"
    r["8.1.i"] = motive == "sans_solution_connue"
    r["8.2"] = x is not None and x.type == "regional_local"
    # R2's denominator — `2` of N-1
    r["_2 of N-1"] = y.welcome is not None and date(N - 1, 1, 1) <= y.welcome <= date(N - 1, 12, 31)
    # R6's numerator — counted in 3 and ≥ 1 diagnostic_approfondi dated on or before their first date_entree in [S, E]
    first_entry = min((p.start for p in entered), default=None)
    r["_R6"] = r["3"] and any(t == "diagnostic_approfondi" and d_ <= first_entry for d_, t, _ in ev)
    return r


def youth_durations(y: Young, N: int) -> dict[str, list[Fraction]]:
    S, E = date(N, 1, 1), date(N, 12, 31)
    return {
        # 5 — durations of the pathways (any type, counted per pathway) with date_sortie in [S, E]
        "5": [months(p.start, p.end) for p in y.pathways if p.end is not None and S <= p.end <= E],
        # 7 — durations of the employment situations (per situation) with date_fin in [S, E] whose date_debut falls
        # on a day when one of the young person's pathways is active
        "7": [
            months(s.start, s.end)
            for s in y.situations
            if s.type in EMPLOYMENT
            and s.end is not None
            and S <= s.end <= E
            and any(active_on(p.start, p.end, s.start) for p in y.pathways)
        ],
    }


def groups_of(y: Young) -> list[str]:
    """« total, femmes (sexe = F), bas_niveau, qpv, zrr »."""
    return ["total"] + [
        g
        for g, member in (
            ("femmes", y.sexe == "F"),
            ("bas_niveau", y.niveau in LOW_LEVELS),
            ("qpv", y.qpv),
            ("zrr", y.zrr),
        )
        if member
    ]


# ---------------------------------------------------------------------------------------------------------------
# Parts per Mission Locale, summed per level; then the output values.

COUNTS = [
    "1",
    "2",
    "2.1",
    "2.2",
    "2bis.1",
    "3",
    "3.1",
    "3.2",
    "4",
    "4.1",
    "4.1.f",
    "4.1.g",
    "4.1.g.1",
    "4.1.h",
    "4.1.i.base",
    "4.1.i",
    "4.2.c4",
    "4.2.s4",
    "4.2.c12",
    "4.2.s12",
    "4.3",
    "4.4",
    *(f"4.4.{r}" for r in RIGHTS),
    "6",
    "6.1",
    "6.1.emploi",
    "6.1.formation",
    "6.1.eav",
    "6.2",
    "8",
    "8.1",
    "8.1.f",
    "8.1.f.emploi_durable",
    "8.1.f.cui",
    "8.1.f.eav",
    "8.1.f.alternance",
    "8.1.f.apprentissage",
    "8.1.f.creation",
    "8.1.g",
    "8.1.g.qualifiante",
    "8.1.r",
    "8.1.h",
    "8.1.i",
    "8.2",
]
RESOURCES = {
    "9": "etp_total",
    "9.1": "etp_accompagnement",
    "10": "financement_total",
    "10.1.a": "financement_activites_principales",
    "10.1.b": "financement_etat",
    "10.1.c": "financement_fse",
}
CONTEXT = {"0.1": "jeunes_actifs_non_occupes", "0.2": "jeunes_defm"}
# Ratios (fiche 3): id → (numerator, denominator); per breakdown when both count young people
RATIOS = {
    "R1": ("1", "0.1"),
    "R2": ("2", "_2 of N-1"),
    "R3": ("2.1", "2"),
    "R4": ("2bis.1", "0.1"),
    "R5": ("3", "1"),
    "R6": ("_R6", "3"),
    "R7": ("4.1", "2bis.1"),
    "R8": ("4.1.i", "4.1.i.base"),
    "R9": ("4.2.s12", "4.2.c12"),
    "R10": ("8.1.f", "8.1"),
    "R11": ("8.1.i", "8.1"),
    "R12": ("9.1", "9"),
    "R13": ("4", "9.1"),
}
TOTAL_ONLY_RATIOS = {"R1", "R4", "R12", "R13"}


def _divide(numerator, denominator):
    """« A ratio or mean with a zero or null denominator is null, never 0. »"""
    if numerator is None or denominator is None or denominator == 0:
        return None
    return Fraction(numerator) / Fraction(denominator)


def ml_parts(export: Export, N: int) -> dict[str, dict[str, dict]]:
    """code_ml → breakdown → {part: value}: youth counts (0 when nothing), duration sums and counts, and for
    `total` the resources and context of year N (None when no row or no value)."""
    parts = {}
    for ml in export.department_of:
        parts[ml] = {
            g: dict.fromkeys([*COUNTS, "_2 of N-1", "_R6"], 0) | {"5 sum": 0, "5 n": 0, "7 sum": 0, "7 n": 0}
            for g in GROUPS
        }
        resources, context = export.resources.get((ml, N)), export.context.get((ml, N))
        for key, column in RESOURCES.items():
            parts[ml]["total"][key] = None if resources is None else _number(resources[column])
        for key, column in CONTEXT.items():
            parts[ml]["total"][key] = None if context is None else _number(context[column])
    for y in export.young:
        flags, durations = youth_indicators(y, N), youth_durations(y, N)
        for g in groups_of(y):
            part = parts[y.ml][g]
            for key, yes in flags.items():
                part[key] += int(yes)
            for key, values in durations.items():
                part[f"{key} sum"] += sum(values, Fraction(0))
                part[f"{key} n"] += len(values)
    return parts


def _sum(values):
    """« A sum above ml is null when any of its Missions Locales has a null value for it »."""
    values = list(values)
    return None if any(v is None for v in values) else sum(values)


def level_parts(export: Export, parts) -> dict[tuple[str, str], dict]:
    """« ml, departement (of structures.departement), region (the INSEE region of that department), national
    (code FR) »: above ml, parts are summed."""
    _, departments = read_territories()
    region_of = {d["code"]: d["region"] for d in departments}
    members: dict[tuple[str, str], list[str]] = {}
    for ml, department in export.department_of.items():
        for entity in (("ml", ml), ("departement", department), ("region", region_of[department]), ("national", "FR")):
            members.setdefault(entity, []).append(ml)
    return {
        entity: {g: {key: _sum(parts[ml][g][key] for ml in mls) for key in parts[mls[0]][g]} for g in GROUPS}
        for entity, mls in members.items()
    }


def oracle_values(folder: Path, N: int) -> dict[tuple[str, str, str, str], object]:
    export = read_export(folder)
    values = {}
    for (level, code), by_group in level_parts(export, ml_parts(export, N)).items():
        total = by_group["total"]
        for key in (*CONTEXT, *RESOURCES):
            values[(level, code, key, "total")] = total[key]
        # 10.1.d = 10.1.b / 1 ; 10.1.e = 10.1.b / 4
        values[(level, code, "10.1.d", "total")] = _divide(total["10.1.b"], total["1"])
        values[(level, code, "10.1.e", "total")] = _divide(total["10.1.b"], total["4"])
        for g, part in by_group.items():
            for key in COUNTS:
                values[(level, code, key, g)] = part[key]
            # 5 and 7: « a mean is recomputed from summed durations and summed counts »
            values[(level, code, "5", g)] = _divide(part["5 sum"], part["5 n"])
            values[(level, code, "7", g)] = _divide(part["7 sum"], part["7 n"])
            for ratio, (numerator, denominator) in RATIOS.items():
                if g == "total" or ratio not in TOTAL_ONLY_RATIOS:
                    source = total if ratio in TOTAL_ONLY_RATIOS else part
                    values[(level, code, ratio, g)] = _divide(source[numerator], source[denominator])
    return values
