"""Loading indicator results (the long CSV of `compute_indicators`, or aggregates in the same format)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from pilotage.core.tabular import Column, ImportReport, read_file_bytes, read_rows
from pilotage.indicators.aggregation import recompute_entity, recompute_upper_levels
from pilotage.indicators.catalogue import INDICATORS, LEVELS
from pilotage.indicators.engine.compute import RATIOS
from pilotage.indicators.models import STORED_PLACES, IndicatorDataset, IndicatorValue, Target
from pilotage.indicators.perms import sets_targets
from pilotage.reference.models import Department, MissionLocale, Region

COLUMNS = (
    *(Column(name) for name in ("niveau", "code", "annee", "indicateur", "ventilation")),
    Column("valeur", required=False),
)


def _known_codes() -> dict[str, set[str]]:
    return {
        "ml": set(MissionLocale.objects.values_list("code", flat=True)),
        "departement": set(Department.objects.values_list("code", flat=True)),
        "region": set(Region.objects.values_list("code", flat=True)),
        "national": {"FR"},
    }


def stored_value(text: str) -> Decimal | None:
    """A value of the long results file as the database keeps it (quantized to `STORED_PLACES`; empty: None);
    InvalidOperation when it is not a number."""
    return Decimal(text).quantize(STORED_PLACES) if text else None


def read_results(path_or_file, filename: str, year: int, report: ImportReport) -> dict[tuple, Decimal | None]:
    """The rows of a long results file {(level, code, indicator, breakdown): value}, every problem in `report`
    (file, line, column, value, reason); the values are meaningful only when `report.ok`."""
    rows = read_rows(read_file_bytes(path_or_file), filename, COLUMNS, report)
    if not report.ok:
        return {}
    codes = _known_codes()
    values: dict[tuple, Decimal | None] = {}
    first_line: dict[tuple, int] = {}
    for row in rows:
        errors = []
        level, code, indicator, breakdown = row["niveau"], row["code"], row["indicateur"], row["ventilation"]
        if level not in LEVELS:
            errors.append(("niveau", level, f"niveau inconnu ; valeurs possibles : {', '.join(LEVELS)}."))
        elif code not in codes[level]:
            errors.append(("code", code, f"code inconnu pour le niveau {level}."))
        if row["annee"] != str(year):
            errors.append(("annee", row["annee"], f"le fichier est chargé pour l'année {year}."))
        spec = INDICATORS.get(indicator)
        if spec is None:
            errors.append(("indicateur", indicator, "indicateur inconnu (voir cpo-indicators.md)."))
        elif breakdown not in spec.breakdowns:
            errors.append(("ventilation", breakdown, f"ventilation impossible pour {indicator} : "
                                                     f"{', '.join(spec.breakdowns)}."))  # fmt: skip
        value = None
        try:
            value = stored_value(row["valeur"])
        except InvalidOperation:
            errors.append(("valeur", row["valeur"], "nombre attendu avec un point décimal (ex. 0.4321)."))
        key = (level, code, indicator, breakdown)
        if not errors and key in first_line:
            errors.append(("indicateur", indicator, f"valeur en double (déjà ligne {first_line[key]})."))
        for column, bad, reason in errors:
            report.add(row.line, column, bad, reason)
        if not errors:
            first_line[key] = row.line
            values[key] = value
    return values


def dataset_values(dataset) -> dict[tuple, Decimal | None]:
    if dataset is None:
        return {}
    return {
        (level, code, indicator, breakdown): value
        for level, code, indicator, breakdown, value in dataset.values.values_list(
            "level", "code", "indicator", "breakdown", "value"
        )
    }


def merge_results(values: dict, previous: dict) -> dict:
    """`previous` (a whole version) with the entities (level, code) of `values` replaced by theirs, and the
    departments, regions and nation of their Missions Locales recomputed from their parts (`aggregation.py`)."""
    entities = {(level, code) for level, code, _, _ in values}
    merged = {key: value for key, value in previous.items() if key[:2] not in entities}
    merged.update(values)
    region_of = dict(Department.objects.values_list("code", "region_id"))
    ml_department = dict(MissionLocale.objects.values_list("code", "department_id"))
    return recompute_upper_levels(values, merged, ml_department=ml_department, region_of=region_of)


_VALUE_COLUMNS = ("dataset_id", "level", "code", "indicator", "breakdown", "value")


def _values_table() -> tuple[str, str]:
    """The values' table and its columns, quoted, for the inserts written in SQL (`_save_values`, `_copy_rows`)."""
    return (connection.ops.quote_name(IndicatorValue._meta.db_table),
            ", ".join(connection.ops.quote_name(c) for c in _VALUE_COLUMNS))  # fmt: skip


def _save_values(dataset, merged: dict) -> None:
    """Insert a version's values (a national version holds some 175,000 per year) without building a model
    object for each: COPY on PostgreSQL, one prepared statement on SQLite. Each value is prepared for the
    database by the model field itself, as `bulk_create` would (no signal or history is attached to values)."""
    if not merged:
        return
    prepare = IndicatorValue._meta.get_field("value").get_db_prep_save
    database = connections[DEFAULT_DB_ALIAS]  # not the `connection` proxy: a lookup per attribute, per value
    # each distinct value prepared once: a few thousand among some 175,000 (counts, ratios that repeat)
    prepared = {value: prepare(value, database) for value in set(merged.values())}
    rows = [(dataset.pk, *key, prepared[value]) for key, value in merged.items()]
    table, columns = _values_table()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * len(_VALUE_COLUMNS))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})", rows)


def _next_version(year: int) -> int:
    return IndicatorDataset.objects.filter(year=year, is_published=True).count() + 1


def current_dataset(year: int):
    return IndicatorDataset.objects.filter(year=year, is_current=True).first()


def indicator_results_load(*, path_or_file, filename: str, year: int, acting_user=None, wet_run: bool = False):
    """Check every row, then (wet run) make a new version of year `year`: the entities (level, code) of the
    file take the file's values, the others keep the current ones, and the departments, regions and nation
    of the file's Missions Locales are recomputed from their Missions Locales where the file does not give
    them whole (`aggregation.py`). Nothing changes → no new version."""
    report = ImportReport(filename=filename, wet_run=wet_run)
    values = read_results(path_or_file, filename, year, report)
    if not report.ok:
        return report
    return indicator_values_load(values=values, year=year, report=report, acting_user=acting_user)


def indicator_values_load(*, values: dict[tuple, Decimal | None], year: int, report: ImportReport, acting_user=None):
    """The second half of `indicator_results_load`: `values` already checked, {(level, code, indicator,
    breakdown): value quantized to `STORED_PLACES` or None}, as `read_results` returns them (the demo gives
    the engine's results directly, without writing and reading back a file); `report` names the source and
    says whether the run is wet, and receives the counts."""
    previous = dataset_values(current_dataset(year))
    entities = {(level, code) for level, code, _, _ in values}
    merged = merge_results(values, previous)
    changed = {key[:2] for key, value in merged.items() if previous.get(key) != value}
    changed |= {key[:2] for key, value in previous.items() if value is not None and key not in merged}
    report.updated = len(changed & {k[:2] for k in previous})
    report.created = len(changed) - report.updated
    report.unchanged = len(entities - changed)
    if report.wet_run and changed:
        with transaction.atomic():
            version = _next_version(year)
            IndicatorDataset.objects.filter(year=year, is_current=True).update(is_current=False)
            dataset = IndicatorDataset.objects.create(
                year=year, source=report.filename, loaded_by=acting_user, changed_entities=len(changed),
                version=version, published_at=timezone.now(), published_by=acting_user,
            )  # fmt: skip
            _save_values(dataset, merged)
    report.saved = report.wet_run
    return report


def entity_values(dataset, entities: set[tuple[str, str]]) -> dict:
    """The values of `entities` (level, code) in `dataset`, read with one filtered query."""
    if dataset is None or not entities:
        return {}
    rows = dataset.values.filter(_entities_q(entities)).values_list("level", "code", "indicator", "breakdown", "value")
    return {(level, code, indicator, breakdown): value for level, code, indicator, breakdown, value in rows}


def _entities_q(entities: set[tuple[str, str]]) -> Q:
    condition = Q(pk__in=[])
    for level in {level for level, _ in entities}:
        condition |= Q(level=level, code__in=sorted(code for lv, code in entities if lv == level))
    return condition


def region_entities(region_code: str) -> set[tuple[str, str]]:
    """The (level, code) of a region, its departments and its Missions Locales."""
    departments = set(Department.objects.filter(region_id=region_code).values_list("code", flat=True))
    mls = MissionLocale.objects.filter(department_id__in=departments).values_list("code", flat=True)
    return {("region", region_code)} | {("departement", d) for d in departments} | {("ml", c) for c in mls}


def _copy_rows(base, dataset, entities: set[tuple[str, str]]) -> None:
    """Copy the rows of `base` outside `entities` and the nation into `dataset`, inside the database (a national
    version holds some 150 000 values: they never travel through Python)."""
    kept = IndicatorValue.objects.filter(dataset=base).exclude(level="national").exclude(_entities_q(entities))
    sql, params = kept.values_list(*_VALUE_COLUMNS[1:]).query.sql_with_params()
    table, columns = _values_table()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT %s, kept.* FROM ({sql}) kept", [dataset.pk, *params])


def _national_from_regions(dataset) -> dict:
    """The nation recomputed from the regions' parts (the sums of their Missions Locales' parts), with the rule
    of `aggregation.py`: counts and sums summed, ratios recomputed from summed parts, never averaged."""
    rows = dataset.values.filter(level="region").values_list("code", "indicator", "breakdown", "value")
    as_parts = {("ml", code, indicator, breakdown): value for code, indicator, breakdown, value in rows}
    regions = sorted({key[1] for key in as_parts})
    return recompute_entity(as_parts, "national", "FR", regions) if regions else {}


def _regional_version(*, base, entities: set[tuple[str, str]], region_values: dict, **fields):
    """A new version: `base` outside the region (copied in the database), the region's `region_values`, and the
    nation recomputed from the regions' parts."""
    before = entity_values(base, entities | {("national", "FR")})
    dataset = IndicatorDataset.objects.create(**fields)
    if base is not None:
        _copy_rows(base, dataset, entities)
    _save_values(dataset, {key: value for key, value in region_values.items() if key[0] != "national"})
    national = _national_from_regions(dataset)
    _save_values(dataset, national)
    after = {**region_values, **national}
    changed = {key[:2] for key in set(after) | set(before) if after.get(key) != before.get(key)}
    IndicatorDataset.objects.filter(pk=dataset.pk).update(changed_entities=len(changed))
    dataset.changed_entities = len(changed)
    return dataset


@transaction.atomic
def results_stage(*, year: int, values: dict, source: str, region, data_date, acting_user):
    """A staged copy of year `year`: the current published version with `values` (a region's results) merged
    in, the region's departments and the region recomputed where the file does not give them whole, the nation
    recomputed from the regions; not current, not published (the State services review it)."""
    base = current_dataset(year)
    entities = region_entities(region.code) | {key[:2] for key in values if key[0] != "national"}
    region_values = merge_results(values, entity_values(base, entities))
    return _regional_version(
        base=base, entities=entities, region_values=region_values, year=year, source=source[:255],
        loaded_by=acting_user, is_current=False, is_published=False, is_staged=True, region=region,
        data_date=data_date,
    )  # fmt: skip


@transaction.atomic
def results_publish(*, staged, acting_user):
    """Publish a staged copy's region: the current published version with that region's entities taken from
    the staged copy, the nation recomputed from the regions' parts (never averaged) — a new current version."""
    entities = region_entities(staged.region_id)
    # two regions published at once: the second waits for the first, then merges onto the version it made (on
    # PostgreSQL; SQLite has one writer at a time) — the year's versions, its staged copies included, locked (no
    # key: the submissions pointing to them keep their key-share locks)
    list(IndicatorDataset.objects.select_for_update(no_key=True).filter(year=staged.year).order_by("pk").only("pk"))
    base = current_dataset(staged.year)
    version = _next_version(staged.year)
    IndicatorDataset.objects.filter(year=staged.year, is_current=True).update(is_current=False)
    dataset = _regional_version(
        base=base, entities=entities, region_values=entity_values(staged, entities), year=staged.year,
        source=staged.source, loaded_by=staged.loaded_by, region_id=staged.region_id, data_date=staged.data_date,
        version=version, published_at=timezone.now(), published_by=acting_user,
    )  # fmt: skip
    IndicatorDataset.objects.filter(pk=staged.pk).update(is_staged=False)
    return dataset


def results_unstage(*, dataset_id: int) -> None:
    """A staged copy no longer waits for its publication (its submission rejected, replaced or withdrawn)."""
    IndicatorDataset.objects.filter(pk=dataset_id).update(is_staged=False)


def results_restage(*, dataset_id: int) -> None:
    """A staged copy waits for its publication again (an approval withdrawn puts it back under review)."""
    IndicatorDataset.objects.filter(pk=dataset_id).update(is_staged=True)


@transaction.atomic
def targets_set(*, mission_locale, year: int, values: dict[str, Decimal | None], acting_user) -> int:
    """Record the negotiated targets {ratio: value} of a Mission Locale for a year; None removes one.
    Returns how many changed."""
    if not sets_targets(acting_user, mission_locale):
        raise PermissionDenied("Vous ne pouvez pas fixer les objectifs de cette Mission Locale.")
    changed = 0
    for ratio, value in values.items():
        if ratio not in RATIOS:
            raise ValueError(f"Ratio inconnu : {ratio}")
        target = Target.objects.filter(mission_locale=mission_locale, year=year, ratio=ratio).first()
        if value is None:
            if target:
                target._history_user = acting_user
                target.delete()
                changed += 1
            continue
        if target is None or target.value != value:
            target = target or Target(mission_locale=mission_locale, year=year, ratio=ratio)
            target.value = value
            target._history_user = acting_user
            target.save()
            changed += 1
    return changed
