"""The quality review of a staged submission (issue 15, slice C): completeness, validation rules declared as data
(`data/quality_rules.json`), outliers (modified z-score on the median, against the peers that year and against
the Mission Locale's own N-1), and what changes against the published version. Plain functions over values
{(level, code, indicator, breakdown): Decimal | None}; the page (`views.submission_quality`) shows the report.

Outliers (Iglewicz and Hoaglin): M = 0.6745 × (x − median) / MAD, MAD = median(|x − median|); a value is flagged
when |M| > the threshold (`SUBMISSION_OUTLIER_THRESHOLD`, 3.5 by default; a value exactly at the threshold is not
flagged); with MAD = 0 (half the peers or more share the median) no score is computed. Against the peers: the
size-independent figures only (ratios, mean durations, funding per young person), a count grows with the
Mission Locale. Against N-1: the relative change of every figure from the published N-1, scored among the
peers' changes.
"""

import calendar
import hashlib
import json
import operator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings

from pilotage.indicators.catalogue import INDICATORS

Key = tuple[str, str, str, str]
CONSISTENCY = Decimal("0.6745")
OPERATORS = {"<=": operator.le, "<": operator.lt, ">=": operator.ge, ">": operator.gt, "==": operator.eq}
OPERATOR_LABELS = {"<=": "≤", "<": "<", ">=": "≥", ">": ">", "==": "=", "between": "dans"}


@dataclass(frozen=True)
class Rule:
    left: str
    op: str
    right: object  # an indicator id, a number, or [min, max] for "between"
    severity: str
    label: str

    @property
    def declared(self) -> dict:
        return {"left": self.left, "op": self.op, "right": self.right, "severity": self.severity, "label": self.label}

    @property
    def text(self) -> str:
        right = f"[{self.right[0]}, {self.right[1]}]" if self.op == "between" else self.right
        return f"{self.left} {OPERATOR_LABELS[self.op]} {right}"


@cache
def _rules_file() -> dict:
    return json.loads((Path(__file__).parent / "data" / "quality_rules.json").read_text(encoding="utf-8"))


def rule_of(declared: dict) -> Rule:
    """A rule from its declaration (the rules file, a stored report)."""
    return Rule(declared["left"], declared["op"], declared["right"], declared["severity"], declared["label"])


def load_rules() -> list[Rule]:
    return [rule_of(r) for r in _rules_file()["rules"]]


def _group(name: str) -> list[str]:
    if name == "comptages":
        return [key for key, spec in INDICATORS.items() if spec.is_count]
    return list(_rules_file()["groups"][name])


@dataclass(frozen=True)
class Violation:
    rule: Rule
    level: str
    code: str
    indicator: str
    breakdown: str
    value: Decimal
    other: Decimal | None  # the right side's value when it is an indicator

    @property
    def key(self) -> Key:
        return (self.level, self.code, self.indicator, self.breakdown)


def _breaks(rule: Rule, value: Decimal, other) -> bool:
    if rule.op == "between":
        low, high = (Decimal(str(x)) for x in rule.right)
        return not low <= value <= high
    return not OPERATORS[rule.op](value, other)


def rule_violations(values: dict, entities: set[tuple[str, str]], rules: list[Rule] | None = None) -> list[Violation]:
    """Every value of `entities` that breaks a rule (a rule with a missing side is not checked)."""
    rules = load_rules() if rules is None else rules
    # entity → indicator → {breakdown: value}
    by_entity: dict[tuple[str, str], dict[str, dict[str, Decimal | None]]] = {}
    for (level, code, indicator, breakdown), value in values.items():
        if (level, code) in entities:
            by_entity.setdefault((level, code), {}).setdefault(indicator, {})[breakdown] = value
    lefts_of = [_group(rule.left[1:]) if rule.left.startswith("@") else [rule.left] for rule in rules]
    found = []
    for (level, code), entity in sorted(by_entity.items()):
        for rule, lefts in zip(rules, lefts_of, strict=True):
            for left in lefts:
                for breakdown, value in entity.get(left, {}).items():
                    if value is None:
                        continue
                    if isinstance(rule.right, str):
                        other = entity.get(rule.right, {}).get(breakdown)
                        if other is None:
                            continue
                    else:
                        other = None if rule.op == "between" else Decimal(str(rule.right))
                    if _breaks(rule, value, other):
                        found.append(Violation(rule, level, code, left, breakdown, value,
                                               other if isinstance(rule.right, str) else None))  # fmt: skip
    return found


def _median(numbers: list[Decimal]) -> Decimal:
    ordered = sorted(numbers)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def modified_z_scores(values: dict[str, Decimal], only=None) -> dict[str, Decimal]:
    """{peer: M} for every peer (or for the peers `only`), or {} when there are fewer than 3 peers or MAD = 0."""
    if len(values) < 3:
        return {}
    median = _median(list(values.values()))
    mad = _median([abs(v - median) for v in values.values()])
    if mad == 0:
        return {}
    wanted = values if only is None else {peer: values[peer] for peer in only if peer in values}
    return {peer: CONSISTENCY * (v - median) / mad for peer, v in wanted.items()}


@dataclass(frozen=True)
class Outlier:
    code: str
    indicator: str
    against: str  # "peers" or "n-1"
    value: Decimal
    reference: Decimal | None  # the peers' median, or the N-1 value
    score: Decimal

    @property
    def key(self) -> Key:
        return ("ml", self.code, self.indicator, "total")


def _size_independent(indicator: str) -> bool:
    spec = INDICATORS[indicator]
    return spec.is_ratio or not (spec.is_count or indicator in ("9", "9.1", "10", "10.1.a", "10.1.b", "10.1.c"))


def outliers(now: dict[str, dict[str, Decimal | None]], before: dict[str, dict[str, Decimal | None]],
             codes: set[str], threshold: Decimal) -> list[Outlier]:  # fmt: skip
    """`now`/`before`: Mission Locale code → {indicator: value} (breakdown total) for year N (every peer) and
    the published N-1; the outliers among `codes`, largest score first."""
    found = []
    indicators = sorted({i for values in now.values() for i in values})
    for indicator in indicators:
        peers = {c: v[indicator] for c, v in now.items() if v.get(indicator) is not None}
        if _size_independent(indicator):
            scores = modified_z_scores(peers, only=codes)
            median = _median(list(peers.values())) if scores else None
            for code in scores:
                if abs(scores[code]) > threshold:
                    found.append(Outlier(code, indicator, "peers", peers[code], median, scores[code]))
        changes = {}
        for code, value in peers.items():
            previous = before.get(code, {}).get(indicator)
            if previous:  # a change relative to 0 or to nothing is not scored
                changes[code] = (value - previous) / abs(previous)
        scores = modified_z_scores(changes, only=codes)
        for code in scores:
            if abs(scores[code]) > threshold:
                found.append(Outlier(code, indicator, "n-1", peers[code], before[code][indicator], scores[code]))
    return sorted(found, key=lambda o: (-abs(o.score), o.code, o.indicator))


def closing_dates(year: int) -> list[tuple[str, date]]:
    """The activity report of year N closes at the end of February N+1 (activity and human resources) and at the
    end of June N+1 (the financial part) — seed 004, annex 2 § 1b."""
    following = year + 1
    return [
        ("activité et ressources humaines", date(following, 2, calendar.monthrange(following, 2)[1])),
        ("partie financière", date(following, 6, 30)),
    ]


def timeliness(submitted_on: date, year: int) -> list[dict]:
    return [
        {"part": part, "closing": closing, "late_days": max(0, (submitted_on - closing).days),
         "on_time": submitted_on <= closing}
        for part, closing in closing_dates(year)
    ]  # fmt: skip


@dataclass
class Completeness:
    absent: list = field(default_factory=list)  # Missions Locales of the region absent from the file
    without_resources: list[str] = field(default_factory=list)
    without_context: list[str] = field(default_factory=list)
    timeliness: list[dict] = field(default_factory=list)


def completeness(*, region_mls: dict[str, object], file_codes: set[str], values: dict, submitted_on: date,
                 year: int, own_ml: str | None = None) -> Completeness:  # fmt: skip
    """`region_mls`: code → Mission Locale of the region (active); `file_codes`: the Missions Locales the file
    carries. A Mission Locale's own submission is complete for itself only."""
    expected = {own_ml} if own_ml else set(region_mls)
    report = Completeness(timeliness=timeliness(submitted_on, year))
    report.absent = [region_mls[c] for c in sorted(expected - file_codes) if c in region_mls]
    for code in sorted(file_codes):
        if values.get(("ml", code, "9", "total")) is None:
            report.without_resources.append(code)
        if values.get(("ml", code, "0.1", "total")) is None:
            report.without_context.append(code)
    return report


@dataclass(frozen=True)
class Change:
    level: str
    code: str
    indicator: str
    breakdown: str
    before: Decimal | None
    after: Decimal | None

    @property
    def relative(self) -> Decimal | None:
        if self.before in (None, 0) or self.after is None:
            return None
        return (self.after - self.before) / abs(self.before)

    @property
    def size(self) -> tuple:
        """Biggest first: a value appearing or vanishing, then the largest relative change."""
        relative = self.relative
        return (relative is not None, -abs(relative) if relative is not None else 0)


def changes(staged: dict, published: dict, entities: set[tuple[str, str]]) -> list[Change]:
    found = [
        Change(*key, published.get(key), staged.get(key))
        for key in set(staged) | set(published)
        if key[:2] in entities and staged.get(key) != published.get(key)
    ]
    return sorted(found, key=lambda c: (*c.size, c.level, c.code, c.indicator, c.breakdown))


def threshold_setting() -> Decimal:
    return Decimal(str(settings.SUBMISSION_OUTLIER_THRESHOLD))


#: the outlier thresholds the review page offers (with the setting's)
THRESHOLDS = ("2", "2.5", "3", "3.5", "4", "5", "6")


def thresholds() -> list[str]:
    return sorted({*THRESHOLDS, str(threshold_setting())}, key=Decimal)


def lowest_threshold() -> Decimal:
    """A stored report keeps every outlier beyond this: the page filters it for the threshold chosen."""
    return min(Decimal(t) for t in thresholds())


def rules_digest() -> str:
    """What a stored report depends on besides the data: the rules declared as data and the lowest threshold."""
    text = json.dumps(_rules_file(), sort_keys=True) + str(lowest_threshold())
    return hashlib.sha256(text.encode()).hexdigest()[:16]
