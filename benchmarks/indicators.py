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
