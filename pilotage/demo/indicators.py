"""Demo indicators: a synthetic warehouse export for the real demo network (no real person), computed by the
engine for two years and loaded like real results: the values the long CSV would carry (`compute.format_value`,
read back as `read_results` reads them), given to the loading service without writing and parsing the file."""

import tempfile
from pathlib import Path

from pilotage.core.tabular import ImportReport
from pilotage.indicators.engine import compute
from pilotage.indicators.engine.export import load_export
from pilotage.indicators.engine.synthetic import generate_export
from pilotage.indicators.services import indicator_values_load, stored_value
from pilotage.reference.models import MissionLocale

YEARS = (2023, 2024)
YOUNG_PEOPLE_PER_ML = 60


def engine_values(connection, year: int) -> dict:
    """{(level, code, indicator, breakdown): value} of the engine's results for `year`, each value as the long
    CSV writes it then `read_results` reads it (each distinct value converted once)."""
    stored: dict = {}
    values = {}
    for level, code, _, indicator, breakdown, value in compute.results(connection, year):
        if value not in stored:
            stored[value] = stored_value(compute.format_value(value))
        values[(level, code, indicator, breakdown)] = stored[value]
    return values


def demo_indicators_load(acting_user=None) -> list:
    structures = list(MissionLocale.objects.active().order_by("code").values_list("code", "department_id"))
    reports = []
    with tempfile.TemporaryDirectory(prefix="pilotage-demo-") as workdir:
        folder = Path(workdir) / "export"
        generate_export(
            folder, young_people=len(structures) * YOUNG_PEOPLE_PER_ML, structures=structures, year=YEARS[-1]
        )
        export = load_export(folder)
        if not export.ok:
            raise RuntimeError(f"Export de démonstration invalide : {export.issues[:3]}")
        for year in YEARS:
            compute.compute(export.connection, year)
            report = ImportReport(filename=f"indicateurs_demo_{year}.csv", wet_run=True)
            reports.append(indicator_values_load(values=engine_values(export.connection, year), year=year,
                                                 report=report, acting_user=acting_user))  # fmt: skip
    return reports
