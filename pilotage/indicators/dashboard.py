"""The CPO dashboard's read model: one place's indicators for one year as one user may read them — values N
and N-1, evolution, the region's and the nation's beside them, small counts masked (masking.py, perms.py),
targets, reviewers' explanations and the lineage stamp (provenance.py), and for an aggregate the distribution
of its Missions Locales. The dashboard page, its export and the management dialogue all read it
(`dashboard_read`); they only choose the place, the year, the breakdown and the version. The dialogue also reads
here a Mission Locale's targets beside what it achieved (`targets_read`) and, for a campaign's follow-up, how many
reached them (`targets_reached`)."""

import hashlib
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache

from pilotage.core import formatting
from pilotage.indicators.catalogue import INDICATORS
from pilotage.indicators.engine.compute import RATIOS
from pilotage.indicators.masking import MASKED, inputs_of_ratio_masking
from pilotage.indicators.models import IndicatorDataset, Target
from pilotage.indicators.perms import sees_entity, sees_unmasked
from pilotage.indicators.provenance import explanations_of, lineage_of
from pilotage.indicators.queries import Reading, current_values, dataset_for, masked_values
from pilotage.reference.models import Department, MissionLocale, Region


@dataclass(frozen=True)
class Place:
    """A dashboard's entity: `level` (ml, departement, region, national) and `code`, its name, the codes of its
    department and region (None above them) and its model instance (None for France)."""

    level: str
    code: str
    name: str
    department_code: str | None
    region_code: str | None
    obj: object = field(default=None, compare=False, repr=False)


def place_of(level: str, code: str) -> Place | None:
    """The place of `level` and `code`, or None if it does not exist."""
    if level == "ml":
        ml = MissionLocale.objects.select_related("department__region").filter(code=code).first()
        return ml and Place(level, code, ml.display_name, ml.department.code, ml.department.region_id, ml)
    if level == "departement":
        department = Department.objects.select_related("region").filter(code=code).first()
        return department and Place(level, code, str(department), department.code, department.region_id, department)
    if level == "region":
        region = Region.objects.filter(code=code).first()
        return region and Place(level, code, region.name, None, region.code, region)
    if level == "national" and code == "FR":
        return Place(level, code, "France", None, None, None)
    return None


def visible_place(user, level: str, code: str) -> Place | None:
    """The place of `level` and `code` if it exists and `user` may read its dashboard (`perms.sees_entity`)."""
    place = place_of(level, code)
    return place if place is not None and sees_entity(user, level, code) else None


@dataclass
class Dashboard:
    """What a dashboard shows. `rows`: one per indicator of the breakdown (id, label, ratio, unit, value, previous,
    change, region, national, explanation; at the level of a Mission Locale also target and gap), a masked value
    being `masking.MASKED`; `benchmarks`: the benchmarks shown ("region", "national"); `distribution`: for an
    aggregate asked with a ranked ratio, each ratio over its Missions Locales (count, min, max, quartiles,
    hidden) and the ranking of the ranked one."""

    user: object = field(repr=False)
    place: Place
    year: int
    breakdown: str
    reading: Reading
    rows: list[dict]
    benchmarks: list[str]
    targets: dict[str, object]
    distribution: list[dict]
    ranked: str | None

    @property
    def masked_for_user(self) -> bool:
        return not sees_unmasked(self.user, self.place.level, self.place.code)

    @property
    def unpublished(self) -> bool:
        return self.reading.staged

    @property
    def ranked_rows(self) -> list:
        return next((d["ranking"] for d in self.distribution if d["id"] == self.ranked), [])

    @cached_property
    def lineage(self):
        """The lineage stamp of the version read (provenance.py), or None."""
        region_code = None if self.place.level == "national" else self.place.region_code
        return lineage_of(self.reading.dataset, region_code, self.user)

    def rows_of(self, keys) -> list[dict]:
        """The rows of the indicators `keys`, in that order (the steps of the management dialogue)."""
        by_id = {row["id"]: row for row in self.rows}
        return [by_id[key] for key in keys if key in by_id]


def _shown(key: str, breakdown: str) -> bool:
    """An indicator is shown for its breakdowns; one that exists for the whole population only is shown beside
    any breakdown (context, resources, some ratios)."""
    breakdowns = INDICATORS[key].breakdowns
    return breakdown in breakdowns or (breakdown != "total" and breakdowns == ("total",))


def _values(user, level: str, code: str, year: int, dataset, breakdown: str) -> dict:
    return masked_values(user, level, code, current_values(year, level, [code], dataset=dataset).get(code, {}),
                         breakdown)  # fmt: skip


def dashboard_read(
    user,
    place: Place,
    year: int,
    *,
    breakdown: str = "total",
    version: int | None = None,
    published: bool = False,
    ranked: str | None = None,
) -> Dashboard:
    """The dashboard of `place` for `year` as `user` reads it.

    Which version: by default what `user` reads (`queries.dataset_for`: the last published version, or a State
    service's staged copy marked « non publié »), for N and for N-1; `version`: the n-th published version of
    `year` (N-1 stays as by default); `published`: the version in force of both years, staged copies ignored
    (the management dialogue). `ranked`: a ratio to rank the Missions Locales of an aggregate by (the page);
    None: no distribution (the export, the dialogue). The caller has checked that `user` sees `place`
    (`visible_place`) and that `version` exists."""
    level, code, region_code = place.level, place.code, place.region_code
    if version is not None:  # the dashboard as it was published at that version
        reading = Reading(IndicatorDataset.objects.get(year=year, version=version, is_published=True))
    elif published:
        reading = Reading(IndicatorDataset.objects.filter(year=year, is_current=True).first())
    else:
        reading = dataset_for(user, year, region_code)
    if published:
        previous_dataset = IndicatorDataset.objects.filter(year=year - 1, is_current=True).first()
    else:
        previous_dataset = dataset_for(user, year - 1, region_code).dataset
    dataset = reading.dataset
    now = _values(user, level, code, year, dataset, breakdown)
    before = _values(user, level, code, year - 1, previous_dataset, breakdown)
    benchmarks = {}
    if region_code and level in ("ml", "departement"):
        benchmarks["region"] = _values(user, "region", region_code, year, dataset, breakdown)
    if level != "national":
        benchmarks["national"] = _values(user, "national", "FR", year, dataset, breakdown)
    explained = explanations_of(dataset, level, code, region_code)  # reviewers' comments on flagged values
    rows = []
    for key, spec in INDICATORS.items():
        if not _shown(key, breakdown):
            continue
        value, previous = now.get(key), before.get(key)
        rows.append({
            "id": key, "label": spec.label, "ratio": spec.is_ratio, "unit": spec.unit, "value": value,
            "previous": previous, "change": formatting.evolution(value, previous, spec.unit),
            "region": benchmarks.get("region", {}).get(key),
            "national": benchmarks.get("national", {}).get(key),
            "explanation": explained.get((key, breakdown if breakdown in spec.breakdowns else "total"), ""),
        })  # fmt: skip
    targets = {}
    if level == "ml":
        targets = Target.objects.by_ratio(place.obj, year)
        for row in rows:
            target = targets.get(row["id"]) if breakdown == "total" else None
            row["target"] = target
            row["gap"] = formatting.difference(row["value"], target, row["unit"])
    distribution = []
    if ranked is not None and level != "ml":
        distribution = _distribution(user, place, year, breakdown, ranked, dataset)
    return Dashboard(user=user, place=place, year=year, breakdown=breakdown, reading=reading, rows=rows,
                     benchmarks=list(benchmarks), targets=targets, distribution=distribution,
                     ranked=ranked)  # fmt: skip


def targets_read(mission_locale, year: int) -> list[dict]:
    """Each ratio of a Mission Locale: the value achieved in `year` (the version in force, exact: read by those
    who negotiate it), the target set for `year` and the gap to it, the target set for `year` + 1 (the management
    dialogue's targets)."""
    set_targets = defaultdict(dict)
    for target_year, ratio, value in Target.objects.filter(
        mission_locale=mission_locale, year__in=[year, year + 1]
    ).values_list("year", "ratio", "value"):
        set_targets[target_year][ratio] = value
    code = mission_locale.code
    achieved = current_values(year, "ml", [code], indicators=list(RATIOS), breakdowns=["total"]).get(code, {})
    rows = []
    for ratio in RATIOS:
        value = achieved.get((ratio, "total"))
        previous_target = set_targets[year].get(ratio)
        unit = INDICATORS[ratio].unit
        rows.append({
            "id": ratio, "label": INDICATORS[ratio].label, "unit": unit, "achieved": value,
            "previous_target": previous_target, "gap": formatting.difference(value, previous_target, unit),
            "target": set_targets[year + 1].get(ratio),
        })  # fmt: skip
    return rows


def targets_reached(mission_locales_by_year: dict[int, list]) -> list[dict]:
    """For each ratio, over these Missions Locales (by examined year Y): how many had a target for Y, how many
    of those have a value Y known (the version in force) and how many reached it (value ≥ target; for R11, the
    share of exits without solution, value ≤ target) — the follow-up of the management dialogue's campaigns."""
    result = {ratio: {"id": ratio, "label": INDICATORS[ratio].label, "with_target": 0, "reached": 0, "known": 0}
              for ratio in RATIOS}  # fmt: skip
    for year, mls in mission_locales_by_year.items():
        codes = {ml.pk: ml.code for ml in mls}
        values = current_values(year, "ml", list(codes.values()), indicators=list(RATIOS), breakdowns=["total"])
        for ml_id, ratio, target in Target.objects.filter(mission_locale_id__in=codes, year=year).values_list(
            "mission_locale_id", "ratio", "value"
        ):
            row = result[ratio]
            row["with_target"] += 1
            achieved = values.get(codes[ml_id], {}).get((ratio, "total"))
            if achieved is None:
                continue
            row["known"] += 1
            row["reached"] += achieved <= target if ratio == "R11" else achieved >= target
    return list(result.values())


def _children(place: Place):
    mls = MissionLocale.objects.active()
    if place.level == "departement":
        return mls.for_department(place.code)
    if place.level == "region":
        return mls.for_region(place.code)
    return mls if place.level == "national" else mls.none()


#: how long a distribution stays in the cache (a version's values never change: the key names the version)
DISTRIBUTION_CACHE_SECONDS = 3600


def _distribution(user, place: Place, year: int, breakdown: str, ranked: str, dataset) -> list[dict]:
    """For each ratio: its value for each Mission Locale of the place, ranked, with quartiles.

    The national distribution reads some 6,000 values and masks them per Mission Locale: it is computed once per
    version and kept in the cache (ADR 0024), under a key that names everything it depends on — the version
    (values are never changed in a version: a change makes a new one), the place, the breakdown, the ranked ratio
    and which Missions Locales the reader sees and which of them unmasked. The names in the ranking are read
    afresh each time."""
    # one query, and only what the ranking shows (code and name) of the up to ~450 Missions Locales
    mls = {ml.code: ml for ml in _children(place).visible_to(user).only("code", "name", "usual_name")}
    unmasked = {c: sees_unmasked(user, "ml", c) for c in mls}
    key = None
    if dataset is not None:
        readers = hashlib.sha256(",".join(f"{c}{'+' if u else '-'}" for c, u in sorted(unmasked.items())).encode())
        key = (f"indicators:distribution:{dataset.pk}:{dataset.loaded_at.isoformat()}:{place.level}:{place.code}:"
               f"{breakdown}:{ranked}:{readers.hexdigest()}")  # fmt: skip
        cached = cache.get(key)
        if cached is not None:
            return [{**ratio, "ranking": [(mls[c], v) for c, v in ratio["ranking"]]} for ratio in cached]
    result = _distribution_of(user, mls, all(unmasked.values()), year, breakdown, ranked, dataset)
    if key is not None:
        kept = [{**ratio, "ranking": [(ml.code, v) for ml, v in ratio["ranking"]]} for ratio in result]
        cache.set(key, kept, DISTRIBUTION_CACHE_SECONDS)
    return result


def _distribution_of(user, mls: dict, exact: bool, year: int, breakdown: str, ranked: str, dataset) -> list[dict]:
    # exact: the reader sees every one unmasked (masking needs some counts, exact values only the ratios)
    indicators = list(RATIOS) if exact else [*RATIOS, *inputs_of_ratio_masking()]
    values = current_values(year, "ml", mls, indicators=indicators, breakdowns={breakdown, "total"}, dataset=dataset)
    masked = {c: masked_values(user, "ml", c, v, breakdown) for c, v in values.items()}
    result = []
    for ratio in RATIOS:
        if breakdown not in INDICATORS[ratio].breakdowns:
            continue
        known, hidden = [], 0
        for c, entity_values in masked.items():
            value = entity_values.get(ratio)
            if value is None:
                continue
            if isinstance(value, str):  # a value is a Decimal, or MASKED
                hidden += value == MASKED
            else:
                known.append((value, c))
        numbers = [float(v) for v, _ in known]
        quartiles = statistics.quantiles(numbers, n=4) if len(numbers) >= 2 else []  # (it sorts them itself)
        ranking = [(mls[c], v) for v, c in sorted(known, reverse=True)] if ratio == ranked else []  # only one shown
        result.append({
            "id": ratio, "label": INDICATORS[ratio].label, "unit": INDICATORS[ratio].unit, "count": len(numbers),
            "min": min(numbers) if numbers else None, "max": max(numbers) if numbers else None,
            "quartiles": quartiles, "ranking": ranking, "hidden": hidden,
        })  # fmt: skip
    return result
