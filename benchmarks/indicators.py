"""Indicator engine at national scale: generate an export, then `compute_indicators` in a child process
(its own peak memory measured), against the targets: under 60 s and under 4 GB."""

import os
import resource
import subprocess
import sys
import time

from pilotage.indicators.engine.synthetic import generate_export

YOUNG_PEOPLE = int(os.environ.get("BENCH_YOUNG_PEOPLE", "1200000"))


def run(measure, workdir):
    folder = workdir / "export"
    with measure(f"Génération d'un export synthétique ({YOUNG_PEOPLE:,} jeunes)".replace(",", " ")):
        counts = generate_export(folder, young_people=YOUNG_PEOPLE)
    print("  " + ", ".join(f"{table} {n:,}".replace(",", " ") for table, n in counts.items()))
    output = workdir / "indicateurs.csv"
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run(
        [sys.executable, "-m", "pilotage.manage", "compute_indicators", str(folder), "--year", "2024", "--output",
         str(output)],
        check=True,
    )  # fmt: skip
    elapsed = time.perf_counter() - started
    peak = max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before) / 1024
    rows = sum(counts[t] for t in ("jeunes", "evenements", "parcours", "situations"))
    rate = f"{rows / elapsed:,.0f}".replace(",", " ")
    print(
        f"{'compute_indicators, année 2024':<62} {elapsed * 1000:>9.1f} ms  pic mémoire du calcul {peak:6.0f} Mio, "
        f"{rate} lignes/s — objectifs : moins de 60 s et de 4 096 Mio"
    )


def run_pages(measure, workdir):
    """The dashboard pages with national-scale results loaded (target: under 200 ms at the national level)."""
    from django.test import Client

    from benchmarks.reference import _page_times
    from pilotage.accounts.models import User
    from pilotage.indicators.engine import compute
    from pilotage.indicators.engine.export import load_export
    from pilotage.indicators.services import indicator_results_load
    from pilotage.reference.models import MissionLocale

    # the real network only: the 20,000 Missions Locales of the import bench above are set aside
    MissionLocale.objects.exclude(code__endswith="S00").update(is_active=False)
    structures = list(MissionLocale.objects.active().values_list("code", "department_id"))
    folder = workdir / "export_reseau"
    generate_export(folder, young_people=YOUNG_PEOPLE, structures=structures)
    export = load_export(folder)
    for year in (2023, 2024):
        compute.compute(export.connection, year)
        output = workdir / f"indicateurs_{year}.csv"
        rows = compute.write_csv(compute.results(export.connection, year), output)
        with measure(f"Chargement des résultats {year} ({rows} valeurs)", rows=rows):
            indicator_results_load(path_or_file=output, filename=output.name, year=year, wet_run=True)
    print("Pages du tableau de bord avec les résultats nationaux chargés (objectif : moins de 200 ms) :")
    for email in ("dgefp@demo.pilotage.fr", "unml@demo.pilotage.fr"):
        client = Client()
        client.force_login(User.objects.get(email=email))
        for url in ("/tableau-de-bord/national/FR/?annee=2024", "/tableau-de-bord/region/93/?annee=2024",
                    "/tableau-de-bord/departement/13/?annee=2024", "/tableau-de-bord/ml/13201S00/?annee=2024",
                    "/tableau-de-bord/matrice/?annee=2024"):  # fmt: skip
            print(f"  {email:<26} {url:<44} {_page_times(client, url, repeat=10)}")
