"""Upper levels recomputed from the Missions Locales' values when some of them send aggregates.

A loaded file may carry only Mission Locale rows (a Mission Locale that sends its own aggregates), or the
output of one regional warehouse whose department/region/nation rows cover only that region's Missions
Locales. After merging it into the current version, each department, region and the nation that contains a
Mission Locale of the file is made consistent again, with the rule of cpo-indicators.md "Levels": counts and
sums are summed over the Missions Locales (null when one of them has no value), ratios are recomputed from the
summed numerator and denominator, never averaged.

The long format does not carry every part, so three figures are recovered from the Mission Locale's ratio
when that is exact, and left empty otherwise (docs/indicators.md):
- R2's denominator (`2` of N-1 in the same export) = `2` / R2, and 0 when R2 is empty (zero denominator);
- R6's numerator = R6 × `3`, and 0 when R6 is empty (`3` = 0);
- the mean durations `5` and `7`: the number of pathways or situations they average over is not in the
  file, so they are empty at a recomputed upper level (averaging the means would break the rule).
"""

from decimal import Decimal

from pilotage.indicators.engine.compute import (
    BREAKDOWNS,
    CONTEXT,
    MEANS,
    PER_YOUTH_FUNDING,
    RATIOS,
    RESOURCES,
    YOUTH_OUTPUT,
)
from pilotage.indicators.models import STORED_PLACES

Key = tuple[str, str, str, str]  # level, code, indicator, breakdown
Values = dict[Key, Decimal | None]
MISSING = object()


def upper_entities(department: str, region_of: dict[str, str]) -> list[tuple[str, str]]:
    return [("departement", department), ("region", region_of[department]), ("national", "FR")]


def _members(merged: Values, ml_department: dict[str, str], region_of: dict[str, str]) -> dict:
    """Each upper entity → the codes of its Missions Locales that have rows in `merged`."""
    current_mls = {code for level, code, _, _ in merged if level == "ml" and code in ml_department}
    members: dict[tuple[str, str], set[str]] = {}
    for code in current_mls:
        for entity in upper_entities(ml_department[code], region_of):
            members.setdefault(entity, set()).add(code)
    return members


def _to_recompute(file_values: Values, members: dict) -> set[tuple[str, str]]:
    file_mls = {code for level, code, _, _ in file_values if level == "ml"}
    file_uppers = {(level, code) for level, code, _, _ in file_values if level != "ml"}
    touched = {entity for entity, codes in members.items() if codes & file_mls}
    return {entity for entity in touched if entity not in file_uppers or not members[entity] <= file_mls}


def entities_to_recompute(file_values: Values, merged: Values, ml_department: dict[str, str],
                          region_of: dict[str, str]) -> set[tuple[str, str]]:  # fmt: skip
    """The upper entities containing a Mission Locale of the file, except those the file itself gives for
    all their Missions Locales (a whole warehouse output) or gives with none of its Missions Locales (an
    upper-level aggregate sent as such)."""
    return _to_recompute(file_values, _members(merged, ml_department, region_of))


def _ratio(numerator, denominator) -> Decimal | None:
    if numerator is None or denominator in (None, 0):
        return None
    return (Decimal(numerator) / Decimal(denominator)).quantize(STORED_PLACES)


def _ml_parts(values: Values, code: str, breakdown: str) -> dict[str, Decimal | None]:
    """A Mission Locale's parts for one breakdown, with R2's and R6's hidden parts recovered."""

    def get(indicator):
        return values.get(("ml", code, indicator, breakdown), MISSING)

    parts = {}
    for indicator in (*YOUTH_OUTPUT, *CONTEXT, *RESOURCES):
        value = get(indicator)
        parts[indicator] = None if value is MISSING else value
    r2, first = get("R2"), parts.get("2")
    if r2 is MISSING or first is None:
        parts["_2prev"] = None
    elif r2 is None:
        parts["_2prev"] = Decimal(0)
    else:
        parts["_2prev"] = None if r2 == 0 else Decimal(round(first / r2))
    r6, entered = get("R6"), parts.get("3")
    if r6 is MISSING or entered is None:
        parts["_r6"] = None
    else:
        parts["_r6"] = Decimal(0) if r6 is None else Decimal(round(r6 * entered))
    return parts


def _sum(parts_list, key):
    total = Decimal(0)
    for parts in parts_list:
        if parts.get(key) is None:
            return None
        total += parts[key]
    return total


def recompute_entity(values: Values, level: str, code: str, ml_codes: list[str]) -> Values:
    """Every row of one upper entity from its Missions Locales' rows."""
    rows: Values = {}
    sums = {}
    for breakdown in BREAKDOWNS:
        members = [_ml_parts(values, ml, breakdown) for ml in ml_codes]
        keys = [*YOUTH_OUTPUT, "_2prev", "_r6"] + ([*CONTEXT, *RESOURCES] if breakdown == "total" else [])
        sums[breakdown] = {key: _sum(members, key) for key in keys}
    total = sums["total"]
    for key in (*CONTEXT, *RESOURCES):
        rows[(level, code, key, "total")] = total[key]
    for breakdown in BREAKDOWNS:
        for key in YOUTH_OUTPUT:
            rows[(level, code, key, breakdown)] = sums[breakdown][key]
        for key in MEANS:
            rows[(level, code, key, breakdown)] = None
    for key, (numerator, denominator) in PER_YOUTH_FUNDING.items():
        rows[(level, code, key, "total")] = _ratio(total[numerator], total[denominator])
    for key, (numerator, denominator, per_breakdown) in RATIOS.items():
        for breakdown in BREAKDOWNS if per_breakdown else ("total",):
            source = sums[breakdown]
            rows[(level, code, key, breakdown)] = _ratio(source[numerator], source[denominator])
    return rows


def recompute_upper_levels(file_values: Values, merged: Values, *, ml_department: dict[str, str],
                           region_of: dict[str, str]) -> Values:  # fmt: skip
    """`merged` with the upper entities touched by the file recomputed from their Missions Locales."""
    members = _members(merged, ml_department, region_of)
    targets = _to_recompute(file_values, members)
    if not targets:
        return merged
    result = {key: value for key, value in merged.items() if key[:2] not in targets}
    for level, code in targets:
        result.update(recompute_entity(merged, level, code, sorted(members[(level, code)])))
    return result
