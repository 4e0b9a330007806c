"""The business rules of the regional animation programme (seed 001), as plain functions.

- The operator is never a Mission Locale (§3 of the circular): `operator_refusal`.
- The State's share of the programme against the budget of the region's Missions Locales: observed 1–6 %,
  2–4 % recommended (§3): `band_position`.
- Totals per mission, objective and funder: `programme_totals`.
- Gaps of the activity report against the plan: `action_gaps`.
"""

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

from pilotage.core import formatting
from pilotage.reference.models import MissionLocale

ZERO = Decimal("0")
HUNDRED = Decimal("100")
RECOMMENDED = (Decimal("2"), Decimal("4"))
OBSERVED = (Decimal("1"), Decimal("6"))
#: a cost actually spent further than this from the forecast is a gap to explain
COST_GAP_TOLERANCE_PCT = Decimal("10")


NOT_A_MISSION_LOCALE = "l'opérateur du programme d'animation ne peut pas être une Mission Locale."


def operator_refusal(regional_association) -> str | None:
    """None if the ARML may operate the programme, else the French reason: its SIRET, or its SIREN (the same
    legal person with another establishment), is a Mission Locale's."""
    siret = (regional_association.siret or "").replace(" ", "")
    if not siret:
        return None
    if MissionLocale.objects.filter(siret=siret).exists():
        return f"Ce SIRET est celui d'une Mission Locale : {NOT_A_MISSION_LOCALE}"
    if MissionLocale.objects.filter(siret__startswith=siret[:9]).exists():
        return f"Ce SIREN est celui d'une Mission Locale : {NOT_A_MISSION_LOCALE}"
    return None


# The band of the State's share


RECOMMENDED_LABEL = "dans la fourchette recommandée 2–4 %"
OBSERVED_LABEL = "dans la fourchette observée 1–6 %"
OUTSIDE_LABEL = "hors fourchette"
UNKNOWN_LABEL = "budget de l'État des Missions Locales de la région inconnu"
BAND_LABELS = {
    "recommended": RECOMMENDED_LABEL,
    "observed": OBSERVED_LABEL,
    "outside": OUTSIDE_LABEL,
    "unknown": UNKNOWN_LABEL,
}


@dataclass(frozen=True)
class BandPosition:
    state_amount: Decimal
    state_budget: Decimal | None
    share_pct: Decimal | None
    position: str  # recommended | observed | outside | unknown

    @property
    def label(self) -> str:
        return BAND_LABELS[self.position]


def band_position(state_amount: Decimal, state_budget: Decimal | None) -> BandPosition:
    """Where the programme's State funding stands as a share of the State budget for the region's Missions
    Locales: 2–4 % recommended, 1–6 % observed (boundaries included), otherwise outside the band."""
    if not state_budget:
        return BandPosition(state_amount, state_budget, None, "unknown")
    share = state_amount / state_budget * HUNDRED
    if RECOMMENDED[0] <= share <= RECOMMENDED[1]:
        position = "recommended"
    elif OBSERVED[0] <= share <= OBSERVED[1]:
        position = "observed"
    else:
        position = "outside"
    return BandPosition(state_amount, state_budget, share, position)


# Totals


STATE = "État"


@dataclass
class Totals:
    cost: Decimal = ZERO
    state: Decimal = ZERO
    by_mission: "OrderedDict[object, dict]" = field(default_factory=OrderedDict)
    by_objective: "OrderedDict[object, dict]" = field(default_factory=OrderedDict)
    by_funder: "OrderedDict[str, Decimal]" = field(default_factory=OrderedDict)

    @property
    def funded(self) -> Decimal:
        return sum(self.by_funder.values(), ZERO)

    @property
    def unfunded(self) -> Decimal:
        return self.cost - self.funded


def programme_totals(actions) -> Totals:
    """Forecast cost and State amount per mission and objective; amount per funder (the State first).

    `actions`: objects with `objective` (with `.mission`), `forecast_cost`, `state_amount` and
    `cofundings` — a list of (funder name, amount)."""
    totals = Totals()
    totals.by_funder[STATE] = ZERO
    for action in sorted(actions, key=lambda a: (a.objective.mission.number, a.objective.number)):
        objective, mission = action.objective, action.objective.mission
        for bucket, key in ((totals.by_mission, mission), (totals.by_objective, objective)):
            row = bucket.setdefault(key, {"cost": ZERO, "state": ZERO, "actions": 0})
            row["cost"] += action.forecast_cost
            row["state"] += action.state_amount
            row["actions"] += 1
        totals.cost += action.forecast_cost
        totals.state += action.state_amount
        totals.by_funder[STATE] += action.state_amount
        for name, amount in action.cofundings:
            totals.by_funder[name] = totals.by_funder.get(name, ZERO) + amount
    return totals


def funding_refusal(forecast_cost: Decimal, state_amount: Decimal, cofunding_amounts) -> str | None:
    """The State and the co-funders together cannot give more than the action's forecast cost."""
    funded = state_amount + sum(cofunding_amounts, ZERO)
    if funded > forecast_cost:
        return (
            f"Les financements ({_euros(funded)}) dépassent le coût prévisionnel de l'action ({_euros(forecast_cost)})."
        )
    return None


def _euros(value: Decimal) -> str:
    return formatting.amount(value, cents=True)


# The activity report's gaps


@dataclass(frozen=True)
class Gaps:
    cost_gap: Decimal | None  # spent − forecast
    cost_gap_pct: Decimal | None
    cost_flagged: bool
    milestones_missed: int
    milestones_partial: int
    milestones_unreported: int
    indicators_below_target: int

    @property
    def flagged(self) -> bool:
        return bool(
            self.cost_flagged or self.milestones_missed or self.milestones_partial or self.indicators_below_target
        )


def action_gaps(*, forecast_cost: Decimal, cost_spent: Decimal | None, achievements, indicators) -> Gaps:
    """Gaps between the plan and what was done: the cost spent beyond ±10 % of the forecast, milestones
    missed or partly met, result indicators below their target.

    `achievements`: the milestones' achievement codes ("met", "partial", "missed" or "" = not reported);
    `indicators`: (target, achieved) pairs."""
    cost_gap = cost_gap_pct = None
    cost_flagged = False
    if cost_spent is not None:
        cost_gap = cost_spent - forecast_cost
        if forecast_cost:
            cost_gap_pct = cost_gap / forecast_cost * HUNDRED
            cost_flagged = abs(cost_gap_pct) > COST_GAP_TOLERANCE_PCT
        else:
            cost_flagged = cost_gap != 0
    achievements = list(achievements)
    below = sum(1 for target, achieved in indicators if target is not None and (achieved is None or achieved < target))
    return Gaps(
        cost_gap=cost_gap,
        cost_gap_pct=cost_gap_pct,
        cost_flagged=cost_flagged,
        milestones_missed=achievements.count("missed"),
        milestones_partial=achievements.count("partial"),
        milestones_unreported=achievements.count(""),
        indicators_below_target=below,
    )
