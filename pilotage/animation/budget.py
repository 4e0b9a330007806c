"""The State budget of a region's Missions Locales, read from the funding lines (the funding app's data).

The band is a figure of the programme: it is computed on all the State's lines of the region, whoever looks
(a regional council sees the share, not the lines). A Mission Locale counts in the region of its head
office. Without lines for the programme's year, the last known year is used, and said.
"""

from dataclasses import dataclass
from decimal import Decimal

from pilotage.animation.rules import BandPosition, band_position
from pilotage.funding.models import FundingLine
from pilotage.reference.models import FunderType

LOOKBACK_YEARS = 5


@dataclass(frozen=True)
class RegionBand:
    band: BandPosition
    budget_year: int | None  # the year of the State budget used (the programme's, or the last known)


def state_budgets(year: int, region_codes=None) -> dict[str, tuple[Decimal, int]]:
    """{region code: (State budget of its Missions Locales, year used)} — the year, or the last known."""
    lines = FundingLine.objects.of_funder_type(FunderType.ETAT).for_year_range(year - LOOKBACK_YEARS + 1, year)
    if region_codes is not None:
        lines = lines.in_regions(region_codes)
    rows = lines.totals_by("mission_locale__department__region_id", "year")
    budgets: dict[str, tuple[Decimal, int]] = {}
    for region_code, line_year, total in rows:
        if region_code not in budgets or budgets[region_code][1] < line_year:
            budgets[region_code] = (total, line_year)
    return budgets


def region_band(*, region_code: str, year: int, state_amount: Decimal) -> RegionBand:
    budget, budget_year = state_budgets(year, [region_code]).get(region_code, (None, None))
    return RegionBand(band=band_position(state_amount, budget), budget_year=budget_year)
