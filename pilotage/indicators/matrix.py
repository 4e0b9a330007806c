"""The efficiency × performance matrix of annex 2 §2a (docs/adr/0007-efficiency-performance-matrix.md).

Each axis is the mean of z-scores over the Missions Locales of the comparison set (all those with the values):
- efficiency (resources against activity): R13 (young people accompanied per accompaniment FTE) and young
  people accompanied per 100 k€ of total funding (4 / 10 × 100 000);
- performance (results against context): R1 (young people in contact / young jobseekers-or-inactive of the
  territory), R9 (situation begun within 12 months), R10 (exits to employment), and R11 reversed (exits with
  no known solution).
A z-score is (value − mean) / standard deviation over every Mission Locale of the country that has the value
(the scale), so 0 is the national mean of the Missions Locales whatever part of the country a reader sees, and a
Mission Locale alone on its page is placed too; an axis needs at least one of its components. The region and
the nation are placed with their own aggregate values (sums of numerators over sums of denominators) on the same
scale: not at 0, which is the mean of the Missions Locales, not the figure of the whole.
"""

import math
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


def place(
    entities: dict[str, dict], references: dict[str, dict] | None = None, *, scale: dict[str, dict] | None = None
) -> dict[str, Point]:
    """Points for `entities` (usually Missions Locales) and for `references` (region, nation) on the scale of
    the comparison set `scale` (by default `entities` themselves)."""
    parts = {key: components(values) for key, values in entities.items()}
    scale_parts = list(parts.values()) if scale is None else [components(values) for values in scale.values()]
    scales = {}
    for component in EFFICIENCY + PERFORMANCE:
        known = [p[component] for p in scale_parts if p[component] is not None]
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


QUADRANT_CORNERS = (  # (label, x side, y side) in the drawing: efficiency → right, performance → up
    ("efficace et performante", 1, 1),
    ("efficace, performance à améliorer", 1, -1),
    ("performante, efficience à améliorer", -1, 1),
    ("efficience et performance à améliorer", -1, -1),
)


@dataclass(frozen=True)
class Drawing:
    """The matrix as an SVG draws it: a square of side `size` around (0, 0), ±`bound` standard deviations."""

    bound: float
    size: int = 480
    margin: int = 56

    def x(self, value: float) -> float:
        return round(self.margin + (self.clamp(value) + self.bound) / (2 * self.bound) * self.size, 1)

    def y(self, value: float) -> float:
        return round(self.margin + (self.bound - self.clamp(value)) / (2 * self.bound) * self.size, 1)

    def clamp(self, value: float) -> float:
        return max(-self.bound, min(self.bound, value))

    def clamped(self, point: Point) -> bool:
        return abs(point.efficiency) > self.bound or abs(point.performance) > self.bound

    @property
    def centre(self) -> float:
        return self.margin + self.size / 2

    @property
    def end(self) -> int:
        return self.margin + self.size

    @property
    def total(self) -> int:
        return self.size + 2 * self.margin

    @property
    def ticks(self) -> list[tuple[float, float, str]]:
        """(x position, y position, label) of the whole standard deviations on the axes."""
        whole = int(self.bound)
        return [(self.x(t), self.y(t), f"{t:+d}".replace("-", "−") if t else "0") for t in range(-whole, whole + 1)]

    @property
    def quadrant_labels(self) -> list[tuple[str, float, float]]:
        """(label, x, y) of each quadrant's name, in its outer corner."""
        quarter = self.size / 4
        return [
            (label, self.centre + sx * quarter, self.margin + 16 if sy > 0 else self.end - 8)
            for label, sx, sy in QUADRANT_CORNERS
        ]


@dataclass(frozen=True)
class Mark:
    """One point as drawn: `kind` is ml, own (the reader's Mission Locale), region or nation."""

    name: str
    kind: str
    point: Point
    x: float
    y: float
    clamped: bool


def marks(drawing: Drawing, items) -> list[Mark]:
    """The marks of the placed (name, point, kind) items, the reader's own last (drawn on top)."""
    placed = [(n, p, k) for n, p, k in items if p.efficiency is not None and p.performance is not None]
    placed.sort(key=lambda item: item[2] == "own")
    return [
        Mark(name, kind, p, drawing.x(p.efficiency), drawing.y(p.performance), drawing.clamped(p))
        for name, p, kind in placed
    ]


def drawing_for(points) -> Drawing:
    """A frame that holds most placed points (the others are not drawn): ±2 standard deviations at least, ±4 at
    most (beyond, a point is drawn on the edge and says so)."""
    placed = [p for p in points if p.efficiency is not None and p.performance is not None]
    extent = max((max(abs(p.efficiency), abs(p.performance)) for p in placed), default=0)
    return Drawing(bound=float(min(4, max(2, math.ceil(extent)))))
