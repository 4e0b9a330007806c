"""Reading the current indicator values of a year (the latest loaded version)."""

from collections import defaultdict
from decimal import Decimal

from pilotage.indicators.models import IndicatorValue


def current_values(year: int, level: str, codes) -> dict[str, dict[tuple[str, str], Decimal | None]]:
    """code → {(indicator, breakdown): value} for the entities `codes` of `level`."""
    result: dict[str, dict] = defaultdict(dict)
    rows = IndicatorValue.objects.filter(
        dataset__year=year, dataset__is_current=True, level=level, code__in=list(codes)
    ).values_list("code", "indicator", "breakdown", "value")
    for code, indicator, breakdown, value in rows:
        result[code][(indicator, breakdown)] = value
    return result


def available_years() -> list[int]:
    from pilotage.indicators.models import IndicatorDataset

    return sorted(set(IndicatorDataset.objects.filter(is_current=True).values_list("year", flat=True)), reverse=True)
