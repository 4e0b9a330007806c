"""Reading the current indicator values of a year (the latest loaded version)."""

from collections import defaultdict
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

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


# The versions a reader sees (the API's list of indicators). Issue 15's publication states plug in here: every
# reader of a dataset other than the dashboard's own pages goes through `current_dataset_for`.


def current_dataset_for(user, year: int):
    """The dataset of `year` whose values `user` reads (today the current version, the same for every reader),
    or None when nothing is loaded for that year."""
    return IndicatorDataset.objects.filter(year=year, is_current=True).order_by("-loaded_at", "-pk").first()


def dataset_version(dataset) -> int:
    """The version number of a dataset: 1 for the first load of its year, then 2, 3…"""
    return IndicatorDataset.objects.filter(year=dataset.year, pk__lte=dataset.pk).count()


def dataset_data_date(dataset):
    """The « données au » date of a dataset: the day it was loaded (until the export's own date is recorded)."""
    return timezone.localdate(dataset.loaded_at)


def dataset_rows(dataset, entities: dict[str, set[str]], *, indicator=None, breakdown=None):
    """The values of `dataset` for the entities {level: codes} (already restricted to what the reader sees), in a
    stable order (level, code, indicator, breakdown)."""
    wanted = Q(pk__in=[])
    for level, codes in entities.items():
        if codes:
            wanted |= Q(level=level, code__in=sorted(codes))
    rows = IndicatorValue.objects.filter(wanted, dataset=dataset)
    if indicator is not None:
        rows = rows.filter(indicator=indicator)
    if breakdown is not None:
        rows = rows.filter(breakdown=breakdown)
    return rows.order_by("level", "code", "indicator", "breakdown", "pk")


def masked_rows(user, dataset, rows) -> list[tuple[object, object]]:
    """(row, value as `user` may read it) for some values of `dataset`: each entity and breakdown masked as its
    dashboard masks it (`masked_values`, which needs all of that entity's values, read here)."""
    entities: dict[str, set[str]] = defaultdict(set)
    breakdowns = {"total"}
    for row in rows:
        entities[row.level].add(row.code)
        breakdowns.add(row.breakdown)
    values: dict[tuple[str, str], dict] = defaultdict(dict)
    for level, codes in entities.items():
        stored = IndicatorValue.objects.filter(dataset=dataset, level=level, code__in=codes, breakdown__in=breakdowns)
        for code, indicator, breakdown, value in stored.values_list("code", "indicator", "breakdown", "value"):
            values[(level, code)][(indicator, breakdown)] = value
    masked: dict[tuple[str, str, str], dict] = {}
    result = []
    for row in rows:
        key = (row.level, row.code, row.breakdown)
        if key not in masked:
            masked[key] = masked_values(user, row.level, row.code, values[(row.level, row.code)], row.breakdown)
        result.append((row, masked[key].get(row.indicator)))
    return result
