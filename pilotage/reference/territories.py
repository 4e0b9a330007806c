"""Load the 18 regions and 101 departments shipped in `reference/data` (origin: data/ORIGIN.md)."""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_territories() -> tuple[list[dict], list[dict]]:
    regions = json.loads((DATA_DIR / "regions.json").read_text(encoding="utf-8"))["regions"]
    departments = json.loads((DATA_DIR / "departements.json").read_text(encoding="utf-8"))["departements"]
    return regions, departments


def sync_territories(region_model, department_model) -> int:
    """Create or update every region and department; returns how many rows changed.

    Takes the models as arguments so that the data migration can pass its historical models.
    """
    regions, departments = read_territories()
    changed = 0
    for row in regions:
        _, created = region_model.objects.update_or_create(code=row["code"], defaults={"name": row["nom"]})
        changed += created
    for row in departments:
        _, created = department_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["nom"], "region_id": row["region"]}
        )
        changed += created
    return changed
