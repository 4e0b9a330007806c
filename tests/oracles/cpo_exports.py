"""Small random warehouse exports (cpo-indicators.md « Input ») that weight the rare shapes.

Seeded (`random.Random(seed)`): the same seed always gives the same export, so a failing seed is a reproducible
case; `shrink` then removes what the failure does not need, and `write_export` keeps it as a fixture folder.

Rare shapes, each drawn often: young people with no event, no pathway or no situation; ongoing pathways and
situations; dates on 01-01, 08-01, 09-30, 10-01, 12-31, 02-29 and one day either side (and the days whose
+4 / +12 months land on them, month ends that clamp); exit ties on the same day with `parcours_id` that
compare differently as text and as numbers ("10" < "9"); Missions Locales with no young person; missing
`ressources`/`contexte` rows or files, empty or zero values (zero denominators); several Missions Locales per
department and per region; CSV (any column order, BOM or not, decimal comma, quoted cells) or Parquet.
"""

import calendar
import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

COLUMNS = {
    "structures": ["code_ml", "nom", "siret", "departement"],
    "jeunes": ["jeune_id", "code_ml", "sexe", "date_naissance", "niveau", "qpv", "zrr", "date_premier_accueil"],
    "evenements": ["jeune_id", "date", "type", "sous_type"],
    "parcours": [
        "parcours_id",
        "jeune_id",
        "type_parcours",
        "dispositif",
        "date_entree",
        "date_sortie",
        "motif_sortie",
    ],
    "situations": ["situation_id", "jeune_id", "type", "date_debut", "date_fin"],
    "ressources": [
        "code_ml",
        "annee",
        "etp_total",
        "etp_accompagnement",
        "financement_total",
        "financement_etat",
        "financement_fse",
        "financement_activites_principales",
    ],
    "contexte": ["code_ml", "annee", "jeunes_actifs_non_occupes", "jeunes_defm"],
}
EVENT_TYPES = [
    "entretien_individuel",
    "atelier_collectif",
    "contact_distance",
    "diagnostic_approfondi",
    "proposition",
    "orientation_externe",
    "parrainage",
    "acces_droit",
]
SUB_TYPES = {
    "acces_droit": ["sante", "logement", "mobilite", "ressources", "loisirs_culture"],
    "proposition": ["emploi", "formation", "alternance", "immersion", "autre"],
}
MOTIVES = [
    "emploi",
    "emploi_durable",
    "cui_cae",
    "cui_cie",
    "emploi_avenir",
    "alternance",
    "apprentissage",
    "creation_entreprise",
    "formation",
    "formation_initiale",
    "formation_qualifiante",
    "reorientation",
    "service_civique",
    "sans_solution_connue",
    "abandon",
    "demenagement",
    "autre",
]
SITUATIONS = [
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
]
PATHWAY_TYPES = ["national", "national", "regional_local"]
LEVELS = ["infra_V", "V_sans_diplome", "V", "IV", "III_et_plus"]
# 13, 83, 84: one region (93) with several departments; 2A (Corsica), 971 (overseas), 75 (Île-de-France)
DEPARTMENTS = ["13", "83", "84", "2A", "971", "75"]


@dataclass
class RandomExport:
    year: int
    tables: dict[str, list[dict]] = field(default_factory=dict)  # table → rows {column: text or None}
    absent: set[str] = field(default_factory=set)  # optional files not written

    def copy(self) -> "RandomExport":
        return RandomExport(
            self.year, {t: [dict(r) for r in rows] for t, rows in self.tables.items()}, set(self.absent)
        )


def _minus_months(d: date, k: int) -> date:
    year, month = divmod(d.month - 1 - k, 12)
    year, month = d.year + year, month + 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def special_dates(N: int) -> list[date]:
    days = []
    for y in (N - 1, N, N + 1):
        for month, day in ((1, 1), (8, 1), (9, 30), (10, 1), (12, 31), (2, 28), (10, 31), (8, 31), (5, 31)):
            days.append(date(y, month, day))
        if calendar.isleap(y):
            days.append(date(y, 2, 29))
    for leap in (y for y in range(N - 4, N + 1) if calendar.isleap(y)):
        days.append(date(leap, 2, 29))
    around = [d + timedelta(days=k) for d in days for k in (-1, 0, 1)]
    # the days whose + 4 or + 12 months is S, E, S - 1 or E + 1 (4.2.c4, 4.2.c12)
    edges = [date(N, 1, 1), date(N, 12, 31), date(N - 1, 12, 31), date(N + 1, 1, 1)]
    anniversaries = [_minus_months(e, k) + timedelta(days=j) for e in edges for k in (4, 12) for j in (-1, 0, 1)]
    return sorted(set(around + anniversaries))


class Draw:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.N = self.rng.choice([2024, 2024, 2023, 2025])
        self.special = special_dates(self.N)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def day(self) -> date:
        if self.chance(0.5):
            return self.rng.choice(self.special)
        start = date(self.N - 3, 1, 1)
        return start + timedelta(days=self.rng.randrange((date(self.N + 1, 6, 30) - start).days))

    def end_after(self, start: date) -> date | None:
        """None (ongoing) often; else a later (or the same) day, possibly a special one."""
        if self.chance(0.3):
            return None
        if self.chance(0.4):
            later = [d for d in self.special if d >= start]
            if later:
                return self.rng.choice(later)
        return start + timedelta(days=self.rng.choice([0, 1, 29, 30, 31, 90, 121, 122, 200, 365, 366, 700]))

    def count(self, p_zero: float, most: int) -> int:
        return 0 if self.chance(p_zero) else self.rng.randint(1, most)

    def amount(self, zero_p=0.1) -> str | None:
        if self.chance(0.08):
            return None  # an empty value
        if self.chance(zero_p):
            return "0"
        scale = 10**15 if self.chance(0.05) else 5000  # more digits than a DECIMAL(18, 4) holds, sometimes
        value = f"{self.rng.uniform(0, scale):.{self.rng.choice([0, 1, 2, 4, 7])}f}"
        return value.replace(".", ",") if self.chance(0.3) else value


def _iso(d: date | None) -> str | None:
    return None if d is None else d.isoformat()


def random_export(seed: int, *, min_young: int = 20, max_young: int = 300) -> RandomExport:
    g = Draw(seed)
    rng, N = g.rng, g.N
    export = RandomExport(N)
    ml_count = rng.randint(1, 7)
    codes = [f"ML{i}" for i in range(1, ml_count + 1)]
    export.tables["structures"] = [
        {
            "code_ml": code,
            "nom": rng.choice([f"Mission Locale {code}", "Nord; Est", 'Dite "Sud"', None]),
            "siret": rng.choice([None, f"{99900000000000 + i:014d}"]),
            "departement": rng.choice(DEPARTMENTS),
        }
        for i, code in enumerate(codes)
    ]
    # some Missions Locales have nobody
    populated = [c for c in codes if not g.chance(0.2)] or codes[:1]
    young, events, pathways, situations = [], [], [], []
    pathway_number = situation_number = 0
    for i in range(rng.randint(min_young, max_young)):
        jid = f"J{i}"
        welcome = None if g.chance(0.1) else g.day()
        young.append(
            {
                "jeune_id": jid,
                "code_ml": rng.choice(populated),
                "sexe": rng.choice("FH"),
                "date_naissance": rng.choice([None, "2004-02-29", "2006-07-14"]),
                "niveau": rng.choice([None, *LEVELS]),
                "qpv": rng.choice("01"),
                "zrr": rng.choice("001"),
                "date_premier_accueil": _iso(welcome),
            }
        )
        for _ in range(g.count(0.25, 6)):
            kind = rng.choice(EVENT_TYPES)
            day = welcome if welcome and g.chance(0.15) else g.day()
            events.append(
                {
                    "jeune_id": jid,
                    "date": _iso(day),
                    "type": kind,
                    "sous_type": rng.choice(SUB_TYPES[kind]) if kind in SUB_TYPES else None,
                }
            )
        tie = None
        for _ in range(g.count(0.3, 3)):
            pathway_number += 1
            start = g.day()
            end = tie if tie and tie >= start and g.chance(0.6) else g.end_after(start)
            tie = end or tie
            pid = rng.choice([str(pathway_number), f"P{pathway_number}", f"{pathway_number:03d}"])
            pathways.append(
                {
                    "parcours_id": pid,
                    "jeune_id": jid,
                    "type_parcours": rng.choice(PATHWAY_TYPES),
                    "dispositif": rng.choice([None, "CEJ", "PACEA", "local"]),
                    "date_entree": _iso(start),
                    "date_sortie": _iso(end),
                    "motif_sortie": None if end is None else rng.choice(MOTIVES),
                }
            )
        for _ in range(g.count(0.35, 3)):
            situation_number += 1
            start = g.day()
            situations.append(
                {
                    "situation_id": f"S{situation_number}",
                    "jeune_id": jid,
                    "type": rng.choice(SITUATIONS),
                    "date_debut": _iso(start),
                    "date_fin": _iso(g.end_after(start)),
                }
            )
    export.tables.update(jeunes=young, evenements=events, parcours=pathways, situations=situations)
    resources, context = [], []
    for code in codes:
        for year in (N - 1, N) if g.chance(0.8) else (N - 1,):  # no row for N sometimes
            resources.append(
                {
                    "code_ml": code,
                    "annee": str(year),
                    "etp_total": g.amount(),
                    "etp_accompagnement": g.amount(0.2),
                    "financement_total": g.amount(),
                    "financement_etat": g.amount(),
                    "financement_fse": g.amount(),
                    "financement_activites_principales": g.amount(),
                }
            )
        for year in (N, N + 1) if g.chance(0.8) else (N + 1,):
            context.append(
                {
                    "code_ml": code,
                    "annee": str(year),
                    "jeunes_actifs_non_occupes": rng.choice([None, "0", str(rng.randint(1, 9000))]),
                    "jeunes_defm": rng.choice([None, str(rng.randint(0, 900))]),
                }
            )
    export.tables.update(ressources=resources, contexte=context)
    export.absent = {t for t in ("ressources", "contexte") if g.chance(0.12)}
    return export


def write_export(export: RandomExport, folder: Path, seed: int = 0) -> Path:
    """One file per table: CSV (`;`, UTF-8, sometimes with a BOM, columns in any order) or Parquet."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for table, columns in COLUMNS.items():
        if table in export.absent:
            continue
        columns = rng.sample(columns, len(columns)) if rng.random() < 0.3 else columns
        path = folder / f"{table}.csv"
        with path.open("w", encoding="utf-8-sig" if rng.random() < 0.3 else "utf-8", newline="") as handle:
            writer = csv.writer(handle, delimiter=";", lineterminator="\n")
            writer.writerow(columns)
            for row in export.tables[table]:
                writer.writerow(["" if row[c] is None else row[c] for c in columns])
        if rng.random() < 0.25:  # « a .parquet file with the same name and columns may replace any CSV file »
            parquet = folder / f"{table}.parquet"
            duckdb.execute(
                f"COPY (SELECT * FROM read_csv('{path}', delim=';', header=true, all_varchar=true)) "
                f"TO '{parquet}' (FORMAT parquet)"
            )
            path.unlink()
    return folder


def without(export: RandomExport, table: str, index: int) -> RandomExport:
    smaller = export.copy()
    row = smaller.tables[table].pop(index)
    if table == "jeunes":  # and everything of that young person
        for other in ("evenements", "parcours", "situations"):
            smaller.tables[other] = [r for r in smaller.tables[other] if r["jeune_id"] != row["jeune_id"]]
    if table == "structures":
        smaller.tables["jeunes"] = [r for r in smaller.tables["jeunes"] if r["code_ml"] != row["code_ml"]]
        ids = {r["jeune_id"] for r in smaller.tables["jeunes"]}
        for other in ("evenements", "parcours", "situations"):
            smaller.tables[other] = [r for r in smaller.tables[other] if r["jeune_id"] in ids]
        for other in ("ressources", "contexte"):
            smaller.tables[other] = [r for r in smaller.tables[other] if r["code_ml"] != row["code_ml"]]
    return smaller


def shrink(export: RandomExport, fails) -> RandomExport:
    """Remove rows (Missions Locales, young people, then single rows) while `fails(export)` stays true."""
    for table in ("structures", "jeunes", "evenements", "parcours", "situations", "ressources", "contexte"):
        index = len(export.tables[table]) - 1
        while index >= 0:
            smaller = without(export, table, index)
            if smaller.tables["structures"] and fails(smaller):
                export = smaller
            index = min(index - 1, len(export.tables[table]) - 1)
    return export


def with_new_data_for(export: RandomExport, codes: set[str], seed: int) -> RandomExport:
    """The same export where the Missions Locales `codes` have other young people (and their events, pathways,
    situations) and other `ressources`/`contexte` rows, drawn from another random export of the same year."""
    other = random_export(seed, max_young=150)
    while other.year != export.year:
        seed += 7919
        other = random_export(seed, max_young=150)
    targets = sorted(codes)
    new = export.copy()
    gone = {r["jeune_id"] for r in new.tables["jeunes"] if r["code_ml"] in codes}
    for table in ("evenements", "parcours", "situations", "jeunes"):
        new.tables[table] = [r for r in new.tables[table] if r["jeune_id"] not in gone]
    for table in ("ressources", "contexte"):
        new.tables[table] = [r for r in new.tables[table] if r["code_ml"] not in codes]
    others = sorted({r["code_ml"] for r in other.tables["structures"]})
    code_for = {code: targets[i % len(targets)] for i, code in enumerate(others)}
    for table in ("jeunes", "evenements", "parcours", "situations", "ressources", "contexte"):
        for row in other.tables[table]:
            row = dict(row)
            if "jeune_id" in row:
                row["jeune_id"] = "B" + row["jeune_id"]
            for key in ("parcours_id", "situation_id"):
                if key in row:
                    row[key] = "B" + row[key]
            if "code_ml" in row:
                row["code_ml"] = code_for[row["code_ml"]]
            new.tables[table].append(row)
    for table in ("ressources", "contexte"):  # one row per Mission Locale and year
        unique = {}
        for row in new.tables[table]:
            unique.setdefault((row["code_ml"], row["annee"]), row)
        new.tables[table] = list(unique.values())
    return new


def combined(exports: list[RandomExport]) -> RandomExport:
    """Several exports of one year as one (their codes and ids prefixed): one engine run checks them all, and
    their Missions Locales mix in the departments and regions."""
    assert len({e.year for e in exports}) == 1
    whole = RandomExport(exports[0].year, {table: [] for table in COLUMNS})
    for i, export in enumerate(exports):
        for table in COLUMNS:
            for row in export.tables[table] if table not in export.absent else []:
                row = dict(row)
                for key in ("code_ml", "jeune_id", "parcours_id", "situation_id"):
                    if key in row:
                        row[key] = f"X{i}-{row[key]}"  # a common prefix keeps "10" < "9" as text
                whole.tables[table].append(row)
    return whole
