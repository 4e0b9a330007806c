"""Reading the current indicator values of a year (the latest loaded version)."""

from collections import defaultdict
from decimal import Decimal

from pilotage.indicators.models import IndicatorValue


def current_values(
    year: int, level: str, codes, *, indicators=None, breakdowns=None
) -> dict[str, dict[tuple[str, str], Decimal | None]]:
    """code → {(indicator, breakdown): value} for the entities `codes` of `level` (optionally only some
    indicators and breakdowns: the national distribution reads 448 Missions Locales)."""
    result: dict[str, dict] = defaultdict(dict)
    rows = IndicatorValue.objects.filter(dataset__year=year, dataset__is_current=True, level=level)
    if level != "ml" or len(codes) < 500:
        rows = rows.filter(code__in=list(codes))
    if indicators is not None:
        rows = rows.filter(indicator__in=list(indicators))
    if breakdowns is not None:
        rows = rows.filter(breakdown__in=list(breakdowns))
    rows = rows.values_list("code", "indicator", "breakdown", "value")
    wanted = set(codes)
    for code, indicator, breakdown, value in rows:
        if code in wanted:
            result[code][(indicator, breakdown)] = value
    return result


def available_years() -> list[int]:
    from pilotage.indicators.models import IndicatorDataset

    return sorted(set(IndicatorDataset.objects.filter(is_current=True).values_list("year", flat=True)), reverse=True)
