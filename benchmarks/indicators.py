"""The indicator engine (issue 12, « Speed and memory »): on one CSV export of 300,000 young people, side by
side in one run, a bare DuckDB read of its files (`count(*)`, the yardstick of the target), a full read (every
column typed into a table, for information), the whole `compute_indicators` command (validate, compute, write)
and a straightforward pandas implementation of the definitions (`benchmarks/pandas_cpo.py`), with the ratios
and their targets; then national scale (1.2 M young people) in a child process, its time and peak
memory (targets: under 60 s and 4 GB). BENCH_NATIONAL=0 skips national scale, BENCH_PANDAS=0 the yardstick.

Generated exports are kept in BENCH_CACHE (default ~/.cache/pilotage-bench), keyed by size and generator."""

import csv
import hashlib
import io
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from pilotage.indicators.engine import synthetic
from pilotage.indicators.engine.export import CSV_OPTIONS, STRICT_TABLES, checked_rows, source_read
from pilotage.indicators.engine.export import TABLES as EXPORT_TABLES
from pilotage.indicators.engine.synthetic import generate_export
from pilotage.reference.territories import cog_codes

YOUNG_PEOPLE = int(os.environ.get("BENCH_YOUNG_PEOPLE", "1200000"))  # national scale
SIDE_BY_SIDE = int(os.environ.get("BENCH_SIDE_BY_SIDE_YOUNG_PEOPLE", "300000"))
YEAR = 2024
ROUNDS = 3
TABLES = ("structures", "jeunes", "evenements", "parcours", "situations", "ressources", "contexte")


def _fmt(n: float) -> str:
    return f"{n:,.0f}".replace(",", " ")


def cached_export(young_people: int) -> tuple[Path, dict[str, int]]:
    """The synthetic CSV export of that size, generated once per version of the generator."""
    version = hashlib.sha256(Path(synthetic.__file__).read_bytes()).hexdigest()[:12]
    root = Path(os.environ.get("BENCH_CACHE", Path.home() / ".cache" / "pilotage-bench"))
    folder = root / f"export-{young_people}-{version}"
    counts_file = folder / "COUNTS"
    if not counts_file.is_file():
        started = time.perf_counter()
        counts = generate_export(folder, young_people=young_people)
        counts_file.write_text(",".join(f"{t}={n}" for t, n in counts.items()))
        print(f"  (export généré en {time.perf_counter() - started:.1f} s dans {folder})")
    counts = {k: int(v) for k, v in (item.split("=") for item in counts_file.read_text().split(","))}
    return folder, counts


def bare_read(folder: Path) -> None:
    """count(*) over each file read by DuckDB's read_csv with the engine's options: the floor of any reading."""
    connection = duckdb.connect()
    for table in TABLES:
        connection.execute(f"SELECT count(*) FROM read_csv('{folder / table}.csv', {CSV_OPTIONS})").fetchone()
    connection.close()


def _cast(col) -> str:
    """A column of the export (all_varchar) typed as the format says, by plain casts; empty cells are NULL."""
    value = f'"{col.name}"'
    return {
        "date": f"CAST({value} AS DATE)",
        "bool": f"CAST({value} AS BOOLEAN)",
        "int": f"CAST({value} AS BIGINT)",
        "decimal": f"CAST(replace({value}, ',', '.') AS DOUBLE)",
        "enum": f"CAST({value} AS ENUM({', '.join(repr(v) for v in col.values)}))",
    }.get(col.kind, value)


def full_read(folder: Path) -> None:
    """Every column of every file materialised by DuckDB, typed as the format says (CREATE TABLE AS SELECT with
    the casts: dates, 0/1, enumerations, integers, decimals; texts as they are), nothing checked: the least a
    computation from these files has to do (for information beside the bare read, which decodes no value)."""
    connection = duckdb.connect()
    for table, columns in EXPORT_TABLES.items():
        typed = ", ".join(f'{_cast(col)} AS "{col.name}"' for col in columns)
        connection.execute(
            f"CREATE TABLE {table} AS SELECT {typed} FROM read_csv('{folder / table}.csv', {CSV_OPTIONS})"
        )
    connection.close()


def checked_read(folder: Path) -> None:
    """Every file read and each of its values checked by the export's own rules, as the command's first pass
    checks them (`export.checked_rows`: the strict pass, typed values and a flag per row, counted), nothing
    staged, no relation across rows or files, nothing computed: what the exact checks cost on their own, the
    floor of any command that checks every value before computing (for information)."""
    _, codes = cog_codes()
    connection = duckdb.connect()
    for table in TABLES:
        read = source_read(folder, table)
        strict = table in STRICT_TABLES
        bad = connection.execute(f"SELECT count_if(_bad) FROM ({checked_rows(table, read, codes, strict=strict)})")
        assert bad.fetchone()[0] == 0, table
    connection.close()


def phases(folder: Path, output: Path) -> dict[str, float]:
    """Where the time of the command goes: its steps one by one, in this process."""
    from pilotage.indicators.engine import compute
    from pilotage.indicators.engine.export import load_export

    times, started = {}, time.perf_counter()

    def lap(name):
        nonlocal started
        now = time.perf_counter()
        times[name], started = now - started, now

    export = load_export(folder)
    assert export.ok, [str(i) for i in export.issues[:3]]
    lap("lecture et contrôle")
    compute.build_facts(export.connection, YEAR)
    lap("faits par jeune")
    compute.build_parts(export.connection, YEAR)
    compute.build_levels(export.connection)
    lap("parties et niveaux")
    compute.write_results(export.connection, YEAR, output)
    lap("écriture du CSV")
    export.connection.close()
    return times


def same_values(engine_csv: Path, other_csv: Path) -> tuple[int, int]:
    """(values equal within 1e-9 relative, values of the engine)."""

    def read(path):
        with path.open(encoding="utf-8") as handle:
            return {
                (r["niveau"], r["code"], r["indicateur"], r["ventilation"]): r["valeur"] for r in csv.DictReader(handle)
            }

    engine, other = read(engine_csv), read(other_csv)
    equal = 0
    for key, value in engine.items():
        theirs = other.get(key)
        if theirs == value or (
            value and theirs and abs(float(value) - float(theirs)) <= 1e-9 * max(1, abs(float(value)))
        ):
            equal += 1
    return equal, len(engine)


def run(measure, workdir):
    from django.core.management import call_command

    folder, counts = cached_export(SIDE_BY_SIDE)
    size = sum((folder / f"{t}.csv").stat().st_size for t in TABLES) / 2**20
    print(f"Moteur d'indicateurs CPO, export CSV de {_fmt(SIDE_BY_SIDE)} jeunes ({size:.0f} Mio : "
          + ", ".join(f"{t} {_fmt(n)}" for t, n in counts.items()) + ")")  # fmt: skip
    output = workdir / "indicateurs-300k.csv"
    bare, full, checked, command = [], [], [], []
    for _ in range(ROUNDS):  # interleaved, so that all four see the same load of the machine
        started = time.perf_counter()
        bare_read(folder)
        bare.append(time.perf_counter() - started)
        started = time.perf_counter()
        full_read(folder)
        full.append(time.perf_counter() - started)
        started = time.perf_counter()
        checked_read(folder)
        checked.append(time.perf_counter() - started)
        started = time.perf_counter()
        call_command(
            "compute_indicators", str(folder), "--year", str(YEAR), "--output", str(output), stdout=io.StringIO()
        )
        command.append(time.perf_counter() - started)
    bare_s, full_s, checked_s, command_s = min(bare), min(full), min(checked), min(command)
    print(
        f"  {'Lecture DuckDB nue (count(*) de chaque fichier, read_csv)':<66} {bare_s:7.2f} s  (meilleur de {ROUNDS})"
    )
    print(f"  {'Lecture DuckDB complète (chaque colonne typée, en table)':<66} {full_s:7.2f} s  (meilleur de {ROUNDS})")
    print(f"  {'Lecture et contrôle de chaque valeur seulement (règles de l’export)':<66} {checked_s:7.2f} s  "
          f"(meilleur de {ROUNDS})")  # fmt: skip
    print(
        f"  {'compute_indicators (lecture, contrôle, calcul, écriture)':<66} {command_s:7.2f} s  (meilleur de {ROUNDS})"
    )
    steps = phases(folder, workdir / "indicateurs-phases.csv")
    print("    dont " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in steps.items()))
    print(f"  {'Rapport compute_indicators / lecture nue':<66} {command_s / bare_s:7.1f} ×  (objectif : au plus 3 ×)")
    print(f"  {'Rapport compute_indicators / lecture complète':<66} {command_s / full_s:7.1f} ×  (pour information)")
    print(
        f"  {'Rapport lecture et contrôle seulement / lecture nue':<66} {checked_s / bare_s:7.1f} ×  (pour information)"
    )
    if os.environ.get("BENCH_PANDAS", "1") != "0":
        from benchmarks.pandas_cpo import compute_pandas

        yardstick = workdir / "indicateurs-pandas.csv"
        started = time.perf_counter()
        compute_pandas(folder, YEAR, yardstick)
        pandas_s = time.perf_counter() - started
        equal, total = same_values(output, yardstick)
        print(f"  {'pandas, implémentation directe des définitions (benchmarks/pandas_cpo.py)':<66} {pandas_s:7.2f} s  "
              f"(mêmes valeurs que le moteur : {_fmt(equal)} sur {_fmt(total)})")  # fmt: skip
        print(
            f"  {'Rapport pandas / compute_indicators':<66} {pandas_s / command_s:7.1f} ×  (objectif : au moins 10 ×)"
        )
    else:
        pandas_s = None
    national_s = peak = None
    if os.environ.get("BENCH_NATIONAL", "1") != "0":
        national_s, peak = national(workdir)
    summary(bare_s, full_s, command_s, pandas_s, national_s, peak)


def summary(bare_s, full_s, command_s, pandas_s, national_s, peak):
    """The figures of issue 12 in one block, each with its target and whether this run meets it."""

    def verdict(ok):
        return "atteint" if ok else "NON atteint"

    print("Synthèse (objectifs de l'issue 12, mesurés dans ce passage) :")
    print(f"  lecture nue {bare_s:.2f} s ; lecture complète {full_s:.2f} s ; commande {command_s:.2f} s"
          + (f" ; pandas {pandas_s:.2f} s" if pandas_s else ""))  # fmt: skip
    ratio = command_s / bare_s
    print(f"  commande / lecture nue     {ratio:5.1f} ×  objectif au plus 3 ×     {verdict(ratio <= 3)}")
    print(f"  commande / lecture complète {command_s / full_s:4.1f} ×  (pour information : sans objectif)")
    if pandas_s:
        ratio = pandas_s / command_s
        print(f"  pandas / commande          {ratio:5.1f} ×  objectif au moins 10 ×   {verdict(ratio >= 10)}")
    if national_s:
        print(f"  échelle nationale          {national_s:5.1f} s  objectif moins de 60 s   {verdict(national_s < 60)}")
        print(f"  pic mémoire national       {peak:5.0f} Mio objectif moins de 4 096 {verdict(peak < 4096)}")


def national(workdir):
    """`compute_indicators` at national scale in a child process: its wall time and its own peak memory."""
    folder, counts = cached_export(YOUNG_PEOPLE)
    size = sum((folder / f"{t}.csv").stat().st_size for t in TABLES) / 2**20
    print(f"Échelle nationale, export CSV de {_fmt(YOUNG_PEOPLE)} jeunes ({size:.0f} Mio : "
          + ", ".join(f"{t} {_fmt(n)}" for t, n in counts.items()) + ")")  # fmt: skip
    output = workdir / "indicateurs.csv"
    started = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, "-m", "pilotage.manage", "compute_indicators", str(folder), "--year", str(YEAR), "--output",
         str(output)], stdout=subprocess.DEVNULL,
    )  # fmt: skip
    _, status, usage = os.wait4(child.pid, 0)  # the rusage of this child alone
    child.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    assert child.returncode == 0, child.returncode
    peak = usage.ru_maxrss / 1024
    rows = sum(counts[t] for t in ("jeunes", "evenements", "parcours", "situations"))
    print(
        f"  {'compute_indicators, processus fils':<66} {elapsed:7.2f} s  pic mémoire {peak:6.0f} Mio, "
        f"{_fmt(rows / elapsed)} lignes/s — objectifs : moins de 60 s et de 4 096 Mio"
    )
    return elapsed, peak


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
