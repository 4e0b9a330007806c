"""Load the 18 regions and 101 departments shipped in `reference/data` (origin: data/ORIGIN.md)."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_territories() -> tuple[list[dict], list[dict]]:
    regions = json.loads((DATA_DIR / "regions.json").read_text(encoding="utf-8"))["regions"]
    departments = json.loads((DATA_DIR / "departements.json").read_text(encoding="utf-8"))["departements"]
    return regions, departments


def cog_codes() -> tuple[set[str], set[str]]:
    """The codes of the regions and of the departments (the COG's, as `read_territories` gives them)."""
    regions, departments = read_territories()
    return {r["code"] for r in regions}, {d["code"] for d in departments}


def sync_territories(region_model, department_model) -> int:
    """Create or update every region and department; returns how many rows changed.

    Takes the models as arguments so that the data migration can pass its historical models.
    """
    regions, departments = read_territories()
    changed = _sync(region_model, {row["code"]: {"name": row["nom"]} for row in regions})
    changed += _sync(
        department_model, {row["code"]: {"name": row["nom"], "region_id": row["region"]} for row in departments}
    )
    return changed


def _sync(model, wanted: dict[str, dict]) -> int:
    """Rows keyed by code: the missing ones created in one statement (an empty database: the data migration, a
    test database after a flush), the ones that differ updated."""
    existing = {row.code: row for row in model.objects.filter(code__in=wanted)}
    missing = [model(code=code, **values) for code, values in wanted.items() if code not in existing]
    model.objects.bulk_create(missing)
    changed = len(missing)
    for code, row in existing.items():
        if any(getattr(row, field) != value for field, value in wanted[code].items()):
            for field, value in wanted[code].items():
                setattr(row, field, value)
            row.save()
            changed += 1
    return changed
