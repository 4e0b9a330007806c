"""The yardstick of the engine's speed (issue 12): a straightforward pandas implementation of
cpo-indicators.md — read each CSV, one boolean per young person and indicator from grouped masks, sums per
Mission Locale and level, ratios recomputed from the sums — writing the same long CSV as `compute_indicators`.

Not a product path and no validation: the bench checks that it gives the engine's values on the same export,
so that the comparison is between two implementations of the same figures. Only the tables of names (which
indicator is a ratio of which, which breakdowns) come from the engine; every figure is computed here.
"""

import csv
from pathlib import Path

import numpy as np
import pandas as pd

from pilotage.indicators.engine.compute import (
    BREAKDOWNS,
    CONTEXT,
    DAYS_PER_MONTH,
    EMPLOYMENT,
    EMPLOYMENT_EXITS,
    MEANS,
    PER_YOUTH_FUNDING,
    RATIOS,
    RESOURCES,
    RIGHTS,
    TRAINING,
    TRAINING_EXITS,
    YOUTH_OUTPUT,
    format_value,
)
from pilotage.reference.territories import read_territories

DATES = {
    "jeunes": ["date_premier_accueil"],
    "evenements": ["date"],
    "parcours": ["date_entree", "date_sortie"],
    "situations": ["date_debut", "date_fin"],
}
PROFESSIONAL = ("emploi", "emploi_durable", "emploi_avenir", "alternance", "apprentissage", "immersion",
                "service_civique", "creation_activite")  # fmt: skip


def _read(folder: Path, table: str) -> pd.DataFrame:
    frame = pd.read_csv(folder / f"{table}.csv", sep=";", dtype=str, keep_default_na=False, na_values=[""])
    for column in DATES.get(table, []):
        frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    return frame


def compute_pandas(folder: Path, year: int, output: Path) -> int:
    structures = _read(folder, "structures")
    jeunes = _read(folder, "jeunes").set_index("jeune_id")
    events, pathways, situations = (_read(folder, t) for t in ("evenements", "parcours", "situations"))
    ys, ye = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)

    def per_young(frame, mask) -> pd.Series:
        """True for the young people having at least one row of `frame` where `mask` holds."""
        return pd.Series(jeunes.index.isin(frame.loc[mask, "jeune_id"].unique()), index=jeunes.index)

    def in_n(dates) -> pd.Series:
        return dates.between(ys, ye)

    # pathways
    p = pathways
    national = p.type_parcours == "national"
    active = (p.date_entree <= ye) & (p.date_sortie.isna() | (p.date_sortie >= ys))
    entered, entered_national = per_young(p, in_n(p.date_entree)), per_young(p, in_n(p.date_entree) & national)
    active_any, active_national = per_young(p, active), per_young(p, active & national)
    active_regional = per_young(p, active & (p.type_parcours == "regional_local"))
    base_pathway = per_young(p, national & (p.date_entree <= pd.Timestamp(year, 9, 30))
                             & (p.date_sortie.isna() | (p.date_sortie >= ye)))  # fmt: skip
    first_national = p[national].groupby("jeune_id").date_entree.min().reindex(jeunes.index)
    first_entry_n = p[in_n(p.date_entree)].groupby("jeune_id").date_entree.min().reindex(jeunes.index)

    # events
    e = events.assign(welcome=events.jeune_id.map(jeunes.date_premier_accueil),
                      first_entry=events.jeune_id.map(first_entry_n))  # fmt: skip
    since_welcome = (e.date >= e.welcome) & (e.date <= ye)
    contact = per_young(e, in_n(e.date))
    diagnostic_since_welcome = per_young(e, (e.type == "diagnostic_approfondi") & since_welcome)
    orientation_since_welcome = per_young(e, (e.type == "orientation_externe") & since_welcome)
    interview = per_young(e, (e.type == "entretien_individuel") & e.date.between(pd.Timestamp(year, 8, 1), ye))
    sponsorship = per_young(e, (e.type == "parrainage") & in_n(e.date))
    proposal_since_oct1 = per_young(e, (e.type == "proposition") & e.date.between(pd.Timestamp(year, 10, 1), ye))
    right = per_young(e, (e.type == "acces_droit") & in_n(e.date))
    rights = {r: per_young(e, (e.type == "acces_droit") & (e.sous_type == r) & in_n(e.date)) for r in RIGHTS}
    diagnostic_before_entry = per_young(e, (e.type == "diagnostic_approfondi") & (e.date <= e.first_entry))

    # situations
    s = situations.assign(first_national=situations.jeune_id.map(first_national))
    work_or_training = s.type.isin(EMPLOYMENT + TRAINING)
    situation_on_dec31 = per_young(s, (s.date_debut <= ye) & (s.date_fin.isna() | (s.date_fin >= ye)))
    started = {
        k: per_young(s, work_or_training & (s.date_debut >= s.first_national)
                     & (s.date_debut < s.first_national + pd.DateOffset(months=k)))
        for k in (4, 12)
    }  # fmt: skip

    # situation × pathway of the same young person
    sp = situations.merge(pathways, on="jeune_id")
    sp_national = sp.type_parcours == "national"
    started_in_national = sp_national & in_n(sp.date_debut) & (sp.date_entree <= sp.date_debut) & (
        sp.date_sortie.isna() | (sp.date_sortie >= sp.date_debut))  # fmt: skip
    # on numpy arrays: numpy's maximum of pandas datetime Series with a Timestamp falls back to a loop over objects
    # (13 s of 30 at 300,000 young people), which would make the yardstick slow for nothing
    start = np.maximum(np.maximum(sp.date_debut.to_numpy(), sp.date_entree.to_numpy()), ys.to_datetime64())
    end = np.minimum(np.minimum(sp.date_fin.fillna(ye).to_numpy(), sp.date_sortie.fillna(ye).to_numpy()),
                     ye.to_datetime64())  # fmt: skip
    overlap = pd.Series(start <= end, index=sp.index)
    wt = sp.type.isin(EMPLOYMENT + TRAINING)

    # the exit in N: latest date_sortie, then greatest parcours_id as text
    exits = (p[in_n(p.date_sortie)].sort_values(["date_sortie", "parcours_id"], ascending=False)
             .drop_duplicates("jeune_id").set_index("jeune_id").reindex(jeunes.index))  # fmt: skip
    exit_national = exits.type_parcours == "national"
    motive = exits.motif_sortie

    def anniversary(k):
        return in_n(first_national + pd.DateOffset(months=k))

    welcomed = in_n(jeunes.date_premier_accueil)
    counts = {
        "1": contact,
        "2": welcomed,
        "2.1": welcomed & diagnostic_since_welcome,
        "2.2": welcomed & orientation_since_welcome,
        "2bis.1": interview,
        "3": entered,
        "3.1": entered_national,
        "3.2": entered & ~entered_national,
        "4": active_any,
        "4.1": active_national,
        "4.1.f": active_national & per_young(sp, sp.type.isin(PROFESSIONAL) & started_in_national),
        "4.1.g": active_national & per_young(sp, sp.type.isin(TRAINING) & started_in_national),
        "4.1.g.1": active_national & per_young(sp, (sp.type == "formation_qualifiante") & started_in_national),
        "4.1.h": active_national & sponsorship,
        "4.1.i.base": base_pathway & ~situation_on_dec31,
        "4.1.i": base_pathway & ~situation_on_dec31 & ~proposal_since_oct1,
        "4.2.c4": anniversary(4),
        "4.2.s4": anniversary(4) & started[4],
        "4.2.c12": anniversary(12),
        "4.2.s12": anniversary(12) & started[12],
        "4.3": active_regional,
        "4.4": active_any & right,
        **{f"4.4.{r}": active_any & rights[r] for r in RIGHTS},
        "6": active_any & per_young(sp, wt & overlap),
        "6.1": active_any & per_young(sp, wt & sp_national & overlap),
        "6.1.emploi": active_any & per_young(sp, sp.type.isin(EMPLOYMENT) & sp_national & overlap),
        "6.1.formation": active_any & per_young(sp, sp.type.isin(TRAINING) & sp_national & overlap),
        "6.1.eav": active_any & per_young(sp, (sp.type == "emploi_avenir") & sp_national & overlap),
        "6.2": active_any & per_young(sp, wt & (sp.type_parcours == "regional_local") & overlap),
        "8": exits.parcours_id.notna(),
        "8.1": exit_national,
        "8.1.f": exit_national & motive.isin(EMPLOYMENT_EXITS),
        "8.1.f.emploi_durable": exit_national & (motive == "emploi_durable"),
        "8.1.f.cui": exit_national & motive.isin(["cui_cae", "cui_cie"]),
        "8.1.f.eav": exit_national & (motive == "emploi_avenir"),
        "8.1.f.alternance": exit_national & motive.isin(["alternance", "apprentissage"]),
        "8.1.f.apprentissage": exit_national & (motive == "apprentissage"),
        "8.1.f.creation": exit_national & (motive == "creation_entreprise"),
        "8.1.g": exit_national & motive.isin(TRAINING_EXITS),
        "8.1.g.qualifiante": exit_national & (motive == "formation_qualifiante"),
        "8.1.r": exit_national & (motive == "reorientation"),
        "8.1.h": exit_national & (motive == "service_civique"),
        "8.1.i": exit_national & (motive == "sans_solution_connue"),
        "8.2": exits.type_parcours == "regional_local",
        "_2prev": jeunes.date_premier_accueil.between(pd.Timestamp(year - 1, 1, 1), pd.Timestamp(year - 1, 12, 31)),
        "_r6": entered & diagnostic_before_entry,
    }
    facts = pd.DataFrame({k: v.astype(int) for k, v in counts.items()}, index=jeunes.index)
    groups = {
        "total": pd.Series(True, index=jeunes.index),
        "femmes": jeunes.sexe == "F",
        "bas_niveau": jeunes.niveau.isin(["infra_V", "V_sans_diplome"]),
        "qpv": jeunes.qpv == "1",
        "zrr": jeunes.zrr == "1",
    }

    # durations: pathways exited in N (5); employment situations ended in N, begun while a pathway is active (7)
    exited = p[in_n(p.date_sortie)]
    d5 = pd.DataFrame({"jeune_id": exited.jeune_id, "months": (exited.date_sortie - exited.date_entree).dt.days
                       / float(DAYS_PER_MONTH)})  # fmt: skip
    begun_in_pathway = sp.type.isin(EMPLOYMENT) & in_n(sp.date_fin) & (sp.date_entree <= sp.date_debut) & (
        sp.date_sortie.isna() | (sp.date_sortie >= sp.date_debut))  # fmt: skip
    s7 = situations[situations.situation_id.isin(sp.loc[begun_in_pathway, "situation_id"])]
    d7 = pd.DataFrame({"jeune_id": s7.jeune_id, "months": (s7.date_fin - s7.date_debut).dt.days
                       / float(DAYS_PER_MONTH)})  # fmt: skip

    # parts per Mission Locale and breakdown
    codes = structures.code_ml
    ml_of = jeunes.code_ml
    parts = {}
    for name, member in groups.items():
        sums = facts[member].groupby(ml_of[member]).sum().reindex(codes, fill_value=0)
        for key, durations in (("5", d5), ("7", d7)):
            kept = durations[durations.jeune_id.map(member).astype(bool)]
            by_ml = kept.groupby(kept.jeune_id.map(ml_of)).months
            sums[f"_dur{key}_sum"] = by_ml.sum().reindex(codes, fill_value=0)
            sums[f"_dur{key}_n"] = by_ml.count().reindex(codes, fill_value=0)
        parts[name] = sums.astype(float)
    resources, context = _read(folder, "ressources"), _read(folder, "contexte")
    values = {}
    for frame, columns in ((resources, RESOURCES), (context, CONTEXT)):
        rows = frame[frame.annee.astype(int) == year].set_index("code_ml").reindex(codes)
        for key, column in columns.items():
            values[key] = pd.to_numeric(rows[column].str.replace(",", "."), errors="raise")
    parts["total"] = parts["total"].join(pd.DataFrame(values, index=codes))

    # levels: sums of the parts (a resource sum is null when one Mission Locale has none)
    regions = {d["code"]: d["region"] for d in read_territories()[1]}
    department = structures.set_index("code_ml").departement
    keys = {"ml": codes, "departement": codes.map(department),
            "region": codes.map(department).map(regions), "national": pd.Series("FR", index=codes.index)}  # fmt: skip
    level_parts = {}
    for level, key in keys.items():
        key = pd.Index(key.values)
        for name, frame in parts.items():
            summed = frame.set_axis(key).groupby(level=0).sum(min_count=1)
            missing = frame.set_axis(key).isna().groupby(level=0).any()
            level_parts[(level, name)] = summed.mask(missing).to_dict("index")

    def ratio(num, den):
        return None if num is None or pd.isna(num) or den is None or pd.isna(den) or den == 0 else num / den

    def value(x):
        return None if pd.isna(x) else float(x)

    count = 0
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["niveau", "code", "annee", "indicateur", "ventilation", "valeur"])
        for level in keys:
            total = level_parts[(level, "total")]
            for code in sorted(total):
                rows = []
                t = total[code]
                rows += [(k, "total", value(t[k])) for k in CONTEXT]
                for name in BREAKDOWNS:
                    v = level_parts[(level, name)][code]
                    rows += [(k, name, int(v[k])) for k in YOUTH_OUTPUT if k not in MEANS]
                    rows += [(k, name, ratio(v[a], v[b])) for k, (a, b) in MEANS.items()]
                rows += [(k, "total", value(t[k])) for k in RESOURCES]
                rows += [(k, "total", ratio(t[a], t[b])) for k, (a, b) in PER_YOUTH_FUNDING.items()]
                for k, (num, den, per_breakdown) in RATIOS.items():
                    for name in BREAKDOWNS if per_breakdown else ("total",):
                        v = level_parts[(level, name)][code]
                        rows.append((k, name, ratio(v[num], v[den])))
                for indicator, name, x in rows:
                    writer.writerow([level, code, year, indicator, name, format_value(x)])
                    count += 1
    return count
