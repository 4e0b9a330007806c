"""Reading the indicator values of a year: the version in force (the last published one), or for the State
services the staged version of a submission under review (`dataset_for`, the one selector the dashboard
reads through)."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from pilotage.core.roles import STATE_ROLES, Role
from pilotage.indicators.catalogue import INDICATORS
from pilotage.indicators.masking import mask_small_counts
from pilotage.indicators.models import IndicatorDataset, IndicatorValue
from pilotage.indicators.perms import sees_unmasked


@dataclass(frozen=True)
class Reading:
    """Which version a user reads for a year: `dataset` (None: nothing loaded), `staged` when it is a
    submission's copy not yet published (shown marked « non publié »)."""

    dataset: IndicatorDataset | None
    staged: bool = False


def _sees_staged(user) -> bool:
    return bool(user is not None and user.is_active and (user.is_superuser or user.role in STATE_ROLES))


def _staged_for(user, year: int, region_code: str | None):
    """The latest staged copy of `year` that `user` (a State service) reviews: of `region_code` when given and
    in the user's territory, else of any region the user reviews."""
    staged = IndicatorDataset.objects.filter(year=year, is_staged=True, is_published=False)
    if not (user.is_superuser or user.role == Role.NATIONAL_ADMIN):
        scope = user.scope
        staged = staged.filter(region_id__in=scope.region_codes | scope.related_region_codes)
    if region_code is not None:
        staged = staged.filter(region_id=region_code)
    return staged.order_by("-loaded_at", "-pk").first()


def dataset_for(user, year: int, region_code: str | None = None) -> Reading:
    """The version of `year` that `user` reads (for an entity of `region_code`, or the nation when None):
    councils, municipalities, Missions Locales, the ARML and the UNML read the last published version; the State
    services read the staged copy of a submission under review in their territory, marked, when there is one."""
    if _sees_staged(user):
        staged = _staged_for(user, year, region_code)
        if staged is not None:
            return Reading(staged, staged=True)
    return Reading(IndicatorDataset.objects.filter(year=year, is_current=True).first())


def published_versions(year: int) -> dict[int, IndicatorDataset]:
    """The published versions of `year` by number (versions are kept: a dashboard can be shown as published then)."""
    rows = IndicatorDataset.objects.filter(year=year, is_published=True, version__isnull=False).order_by("version")
    return {dataset.version: dataset for dataset in rows}


#: from this many Missions Locales on, `current_values` reads the values of all of them and keeps the wanted ones
MANY_MISSIONS_LOCALES = 150


def current_values(
    year: int, level: str, codes, *, indicators=None, breakdowns=None, dataset: IndicatorDataset | None = None
) -> dict[str, dict[tuple[str, str], Decimal | None]]:
    """code → {(indicator, breakdown): value} for the entities `codes` of `level` (optionally only some
    indicators and breakdowns: the national distribution reads 448 Missions Locales), from the version in force
    of `year`, or from `dataset` when given (`dataset_for`)."""
    result: dict[str, dict] = defaultdict(dict)
    if dataset is not None:
        rows = IndicatorValue.objects.filter(dataset=dataset, level=level)
    else:
        rows = IndicatorValue.objects.filter(dataset__year=year, dataset__is_current=True, level=level)
    if level != "ml" or len(codes) < MANY_MISSIONS_LOCALES:
        rows = rows.filter(code__in=list(codes))  # else all of them, kept below: no IN list of hundreds of codes
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


def available_years(user=None) -> list[int]:
    """The years with a published version, and for the State services those with a staged one."""
    years = set(IndicatorDataset.objects.filter(is_current=True).values_list("year", flat=True))
    if user is not None and _sees_staged(user):
        years |= {d.year for d in [_staged_for(user, y, None) for y in
                                    IndicatorDataset.objects.filter(is_staged=True).values_list("year", flat=True)
                                    .distinct()] if d is not None}  # fmt: skip
    return sorted(years, reverse=True)


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


# The versions a reader sees outside the dashboard's pages (the API's list of indicators): the same selector.


def current_dataset_for(user, year: int):
    """The dataset of `year` whose values `user` reads (`dataset_for`: the last published version, or a State
    service's staged copy), or None when nothing is loaded for that year."""
    return dataset_for(user, year).dataset


def dataset_version(dataset) -> int:
    """The version number of a dataset: the n-th published version of its year (a staged copy: the number of the
    published versions before it)."""
    if dataset.version is not None:
        return dataset.version
    return IndicatorDataset.objects.filter(year=dataset.year, is_published=True, pk__lte=dataset.pk).count()


def dataset_data_date(dataset):
    """The « données au » date of a dataset: the export's date when the submission gave it, else the day it was
    loaded."""
    return dataset.data_date or timezone.localdate(dataset.loaded_at)


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
