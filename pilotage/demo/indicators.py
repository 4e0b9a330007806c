"""Demo indicators: a synthetic warehouse export for the real demo network (no real person), computed by the
engine for two years and loaded like real results."""

import tempfile
from pathlib import Path

from pilotage.indicators.engine import compute
from pilotage.indicators.engine.export import load_export
from pilotage.indicators.engine.synthetic import generate_export
from pilotage.indicators.services import indicator_results_load
from pilotage.reference.models import MissionLocale

YEARS = (2023, 2024)
YOUNG_PEOPLE_PER_ML = 60


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
            output = Path(workdir) / f"indicateurs_{year}.csv"
            compute.write_csv(compute.results(export.connection, year), output)
            reports.append(indicator_results_load(path_or_file=output, filename=f"indicateurs_demo_{year}.csv",
                                                  year=year, acting_user=acting_user, wet_run=True))  # fmt: skip
    return reports
