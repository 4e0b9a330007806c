"""Reading the current indicator values of a year (the latest loaded version)."""

from collections import defaultdict
from decimal import Decimal
from functools import cache

from django.conf import settings

from pilotage.indicators.catalogue import INDICATORS
from pilotage.indicators.masking import mask_small_counts
from pilotage.indicators.models import IndicatorDataset, IndicatorValue
from pilotage.indicators.perms import sees_unmasked


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
    return sorted(set(IndicatorDataset.objects.filter(is_current=True).values_list("year", flat=True)), reverse=True)


@cache
def _counts() -> frozenset[str]:
    """The indicators that count young people (masked when small); the context counts 0.x are public data."""
    return frozenset(key for key, spec in INDICATORS.items() if spec.is_count and not key.startswith("0."))


def masked_values(user, level: str, code: str, values: dict, breakdown: str = "total") -> dict[str, object]:
    """One entity's values {indicator: value} for one breakdown, as `user` may read them: small counts
    masked (masking.py) unless the user sees this entity unmasked (perms.sees_unmasked)."""
    flat = {indicator: value for (indicator, b), value in values.items() if b == breakdown}
    if breakdown != "total":  # context, resources and some ratios exist for the whole population only
        flat.update({i: v for (i, b), v in values.items() if b == "total" and INDICATORS[i].breakdowns == ("total",)})
    if sees_unmasked(user, level, code):
        return flat
    return mask_small_counts(flat, counts=_counts(), threshold=settings.INDICATORS_MASKING_THRESHOLD)


def visible_values(user, year: int, level: str, code: str, breakdown: str = "total") -> dict[str, object]:
    return masked_values(user, level, code, current_values(year, level, [code]).get(code, {}), breakdown)
