"""What the pages and the annex read of a programme: its actions with their funding, totals, band, gaps."""

from dataclasses import dataclass

from django.db.models import Prefetch, Sum

from pilotage.animation.budget import RegionBand, region_band, state_budgets
from pilotage.animation.models import ActionFunding, Programme, ProgrammeAction, ProgrammeStatus
from pilotage.animation.rules import ZERO, Gaps, Totals, action_gaps, band_position, programme_totals
from pilotage.reference.models import Region


def programme_actions(programme: Programme) -> list[ProgrammeAction]:
    """The actions in order, each with `cofundings` [(funder name, amount)] and `gaps` (activity report)."""
    actions = list(
        programme.actions.select_related("objective__mission", "action_type").prefetch_related(
            Prefetch("fundings", queryset=ActionFunding.objects.select_related("funder")),
            "milestones",
            "indicators",
        )
    )
    for action in actions:
        action.cofundings = [(str(f.funder), f.amount) for f in action.fundings.all()]
        action.gaps = action_gaps(
            forecast_cost=action.forecast_cost,
            cost_spent=action.cost_spent,
            achievements=[m.achievement for m in action.milestones.all()],
            indicators=[(i.target, i.achieved) for i in action.indicators.all()],
        )
    return actions


@dataclass
class Summary:
    actions: list[ProgrammeAction]
    totals: Totals
    region_band: RegionBand

    @property
    def flagged_actions(self) -> list[ProgrammeAction]:
        return [a for a in self.actions if a.gaps.flagged]

    @property
    def cost_spent(self):
        spent = [a.cost_spent for a in self.actions if a.cost_spent is not None]
        return sum(spent, ZERO) if spent else None


def programme_summary(programme: Programme) -> Summary:
    actions = programme_actions(programme)
    totals = programme_totals(actions)
    band = region_band(region_code=programme.regional_association.region_id, year=programme.year,
                       state_amount=totals.state)  # fmt: skip
    return Summary(actions=actions, totals=totals, region_band=band)


@dataclass
class RegionRow:
    region: Region
    programme: Programme | None
    state_amount: object
    band: object
    budget_year: int | None
    gaps: Gaps | None = None


def national_follow_up(year: int, programmes, regions) -> list[RegionRow]:
    """One row per region (those the user sees): its programme of the year (visible ones only), the State's
    amount, the band position, whether the activity report is in."""
    programmes = {
        p.regional_association.region_id: p
        for p in programmes.filter(year=year)
        .select_related("regional_association__region")
        .annotate(state_total=Sum("actions__state_amount"))
    }
    budgets = state_budgets(year, [r.code for r in regions])
    rows = []
    for region in regions:
        programme = programmes.get(region.code)
        amount = (programme.state_total or ZERO) if programme else None
        budget, budget_year = budgets.get(region.code, (None, None))
        band = band_position(amount, budget) if programme else None
        rows.append(RegionRow(region=region, programme=programme, state_amount=amount, band=band,
                              budget_year=budget_year))  # fmt: skip
    return rows


REPORT_STATUSES = {ProgrammeStatus.REPORTED, ProgrammeStatus.CLOSED}


def national_distribution(year: int) -> dict:
    """The State's share of every region's programme of the year, without names (shown to every region: a
    region sees where it stands among the others, not who the others are)."""
    all_programmes = Programme.objects.filter(year=year).annotate(state_total=Sum("actions__state_amount"))
    regions = [p.regional_association.region_id for p in all_programmes.select_related("regional_association")]
    budgets = state_budgets(year, regions)
    shares, counts = [], {"recommended": 0, "observed": 0, "outside": 0, "unknown": 0}
    for programme in all_programmes.select_related("regional_association"):
        budget = budgets.get(programme.regional_association.region_id, (None, None))[0]
        band = band_position(programme.state_total or ZERO, budget)
        counts[band.position] += 1
        if band.share_pct is not None:
            shares.append(band.share_pct)
    shares.sort()
    return {
        "count": len(shares),
        "counts": counts,
        "min": shares[0] if shares else None,
        "median": shares[len(shares) // 2] if shares else None,
        "max": shares[-1] if shares else None,
    }
