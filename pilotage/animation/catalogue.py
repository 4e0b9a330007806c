"""Loading the State's catalogue (seed 001) from `data/catalogue.json` — used by the data migration."""

import json
from pathlib import Path

CATALOGUE_FILE = Path(__file__).parent / "data" / "catalogue.json"


def read_catalogue() -> dict:
    return json.loads(CATALOGUE_FILE.read_text(encoding="utf-8"))


def sync_catalogue(Mission, Objective, ActionType) -> None:
    """Create or update the 4 missions, 6 objectives and 16 numbered action types; local actions untouched."""
    data = read_catalogue()
    missions = {}
    for row in data["missions"]:
        missions[row["number"]], _ = Mission.objects.update_or_create(
            number=row["number"], defaults={"roman": row["roman"], "label": row["label"]}
        )
    objectives = {}
    for row in data["objectives"]:
        objectives[row["number"]], _ = Objective.objects.update_or_create(
            number=row["number"], defaults={"mission": missions[row["mission"]], "label": row["label"]}
        )
    for row in data["actions"]:
        ActionType.objects.update_or_create(
            number=row["number"],
            defaults={
                "objective": objectives[row["objective"]],
                "title": row["title"],
                "why": row["why"],
                "how": row["how"],
                "is_local": False,
            },
        )
