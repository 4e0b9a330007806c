"""The efficiency × performance matrix of annex 2 §2a (docs/adr/0007-efficiency-performance-matrix.md).

Each axis is the mean of z-scores over the Missions Locales of the comparison set (all those with the values):
- efficiency (resources against activity): R13 (young people accompanied per accompaniment FTE) and young
  people accompanied per 100 k€ of total funding (4 / 10 × 100 000);
- performance (results against context): R1 (young people in contact / young jobseekers-or-inactive of the
  territory), R9 (situation begun within 12 months), R10 (exits to employment), and R11 reversed (exits with
  no known solution).
A z-score is (value − mean) / standard deviation; an axis needs at least one of its components. The region
and the nation are placed with their own aggregate values on the same scale.
"""

import statistics
from dataclasses import dataclass

EFFICIENCY = ("R13", "accompanied_per_100k")
PERFORMANCE = ("R1", "R9", "R10", "-R11")


@dataclass(frozen=True)
class Point:
    key: str
    efficiency: float | None
    performance: float | None


def components(values: dict) -> dict[str, float | None]:
    """The components of both axes from one entity's total values {indicator: value}."""

    def number(key):
        value = values.get(key)
        return None if value is None else float(value)

    funding, accompanied = number("10"), number("4")
    result = {key: number(key) for key in ("R13", "R1", "R9", "R10")}
    result["accompanied_per_100k"] = accompanied / funding * 100_000 if funding and accompanied is not None else None
    result["-R11"] = -number("R11") if number("R11") is not None else None
    return result


def place(entities: dict[str, dict], references: dict[str, dict] | None = None) -> dict[str, Point]:
    """Points for `entities` (the comparison set, usually Missions Locales) and for `references` (region,
    nation) on the scale of the comparison set."""
    parts = {key: components(values) for key, values in entities.items()}
    scales = {}
    for component in EFFICIENCY + PERFORMANCE:
        known = [p[component] for p in parts.values() if p[component] is not None]
        if len(known) >= 2 and statistics.pstdev(known) > 0:
            scales[component] = (statistics.fmean(known), statistics.pstdev(known))

    def axis(part, names):
        scores = [(part[n] - scales[n][0]) / scales[n][1] for n in names if n in scales and part[n] is not None]
        return statistics.fmean(scores) if scores else None

    points = {key: Point(key, axis(part, EFFICIENCY), axis(part, PERFORMANCE)) for key, part in parts.items()}
    for key, values in (references or {}).items():
        part = components(values)
        points[key] = Point(key, axis(part, EFFICIENCY), axis(part, PERFORMANCE))
    return points


def quadrant(point: Point) -> str | None:
    if point.efficiency is None or point.performance is None:
        return None
    return {
        (True, True): "efficace et performante",
        (True, False): "efficace, performance à améliorer",
        (False, True): "performante, efficience à améliorer",
        (False, False): "efficience et performance à améliorer",
    }[(point.efficiency >= 0, point.performance >= 0)]
