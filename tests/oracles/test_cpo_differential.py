"""Differential tests: the CPO engine (`pilotage compute_indicators`'s code) against the oracle of
cpo-indicators.md (`tests/oracles/cpo.py`), on random exports and on the kept fixtures.

Every value of every indicator, ratio, breakdown and level is compared, read back from the long CSV the
engine writes: same rows, same nulls, counts equal, other numbers within 1e-9 relative (the CSV has 10
significant digits). In CI: `CHECK_ENGINE_SINGLE_N` exports (default 30) of 20–300 young people run one by
one (every file shape), then `CHECK_ENGINE_N` more (default 200) combined 100 at a time into one export per
year; `make check-engine N=5000` for a long run. A failing seed is shrunk and written to
`tests/oracles/fixtures/cpo-<seed>/` (kept as a regression fixture once the engine is fixed).
"""

import csv
import os
import shutil
from fractions import Fraction
from pathlib import Path

import pytest

from pilotage.indicators.engine import compute
from pilotage.indicators.engine.export import load_export
from tests.oracles.cpo import oracle_values
from tests.oracles.cpo_exports import RandomExport, combined, random_export, shrink, write_export

FIXTURES = Path(__file__).parent / "fixtures"
RUNS = int(os.environ.get("CHECK_ENGINE_N", "200"))
SINGLE_RUNS = int(os.environ.get("CHECK_ENGINE_SINGLE_N", "30"))
#: the same exports (same seeds, codes prefixed, every one compared entity by entity) combined 100 at a time: each
#: engine run has a fixed cost (~0.4 s of DuckDB), so 2 runs per year instead of 10 (CPU 23.6 s -> 13.3 s)
BATCH = int(os.environ.get("CHECK_ENGINE_BATCH", "100"))
FIRST_SEED = int(os.environ.get("CHECK_ENGINE_SEED", "0"))


#: the long CSV's columns read back: the key of a value, then the value
KEY_COLUMNS = ("niveau", "code", "indicateur", "ventilation", "valeur")
#: the relative tolerance of a non-integer value (the CSV has 10 significant digits)
TOLERANCE = Fraction(1, 10**9)


def engine_values(folder: Path, year: int, output: Path) -> dict:
    export = load_export(folder)
    assert export.ok, [str(issue) for issue in export.issues[:5]]
    compute.compute(export.connection, year)
    compute.write_results(export.connection, year, output)  # the command's writer, formatted in DuckDB
    rows = output.with_suffix(".rows.csv")  # and the values as `results` gives them to the platform
    compute.write_csv(compute.results(export.connection, year), rows)
    export.connection.close()
    assert output.read_bytes() == rows.read_bytes()
    with output.open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle)
        level, code, indicator, breakdown, value = map(next(rows).index, KEY_COLUMNS)
        return {(r[level], r[code], r[indicator], r[breakdown]): r[value] for r in rows}


def differences(engine: dict, oracle: dict) -> list[str]:
    problems = [f"{key}: the engine has no row (oracle {oracle[key]})" for key in oracle.keys() - engine.keys()]
    problems += [f"{key}: row not in the definitions ({engine[key]})" for key in engine.keys() - oracle.keys()]
    for key in engine.keys() & oracle.keys():
        got, expected = engine[key], oracle[key]
        if expected is None or got == "":
            if not (expected is None and got == ""):
                problems.append(f"{key}: engine {got!r}, oracle {expected}")
        elif isinstance(expected, int) and not isinstance(expected, bool):
            if got != str(expected):
                problems.append(f"{key}: engine {got}, oracle {expected}")
        elif abs(Fraction(got) - expected) > TOLERANCE * max(1, abs(expected)):
            problems.append(f"{key}: engine {got}, oracle {float(expected)}")
    return sorted(problems)


def compare(folder: Path, year: int, work: Path) -> list[str]:
    return differences(engine_values(folder, year, work / "engine.csv"), oracle_values(folder, year))


def check(export: RandomExport, name: str, work: Path, seed: int) -> list[str]:
    """Engine against oracle on one export; on a difference, the export is shrunk and kept as a fixture."""
    folder = write_export(export, work / f"export-{name}", seed)
    problems = compare(folder, export.year, work)
    if problems:
        counter = iter(range(10**6))

        def fails(candidate):
            attempt = write_export(candidate, work / f"shrink-{name}-{next(counter)}", seed)
            try:
                return bool(compare(attempt, candidate.year, work))
            finally:
                shutil.rmtree(attempt)

        small = shrink(export, fails)
        kept = FIXTURES / f"cpo-{name}"
        shutil.rmtree(kept, ignore_errors=True)
        write_export(small, kept, seed)
        (kept / "YEAR").write_text(f"{small.year}\n")
        problems = [f"{name} (shrunk case written to {kept}):", *compare(kept, small.year, work)[:20]]
    shutil.rmtree(folder, ignore_errors=True)
    return problems


@pytest.mark.slow
def test_engine_equals_oracle_on_random_exports(tmp_path):
    """Each export alone: every file shape (CSV or Parquet, BOM, column order, absent optional files)."""
    for seed in range(FIRST_SEED, FIRST_SEED + SINGLE_RUNS):
        problems = check(random_export(seed), f"seed-{seed}", tmp_path, seed)
        assert not problems, "\n".join(problems)


@pytest.mark.slow
def test_engine_equals_oracle_on_batches_of_random_exports(tmp_path):
    """`CHECK_ENGINE_N` exports, `BATCH` at a time combined into one export per year (codes prefixed): many
    more young people's shapes per engine run."""
    seeds = range(FIRST_SEED + SINGLE_RUNS, FIRST_SEED + SINGLE_RUNS + RUNS)
    for start in range(seeds.start, seeds.stop, BATCH):
        batch = [random_export(seed) for seed in range(start, min(start + BATCH, seeds.stop))]
        for year in sorted({e.year for e in batch}):
            name = f"batch-{start}-{year}"
            problems = check(combined([e for e in batch if e.year == year]), name, tmp_path, start)
            assert not problems, "\n".join(problems)
        if os.environ.get("CHECK_ENGINE_PROGRESS"):
            print(f"exports {seeds.start}–{min(start + BATCH, seeds.stop) - 1}: engine = oracle", flush=True)


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("cpo-*")) if FIXTURES.exists() else [])
def test_engine_equals_oracle_on_kept_fixtures(fixture, tmp_path):
    folder = FIXTURES / fixture
    year = int((folder / "YEAR").read_text())
    assert compare(folder, year, tmp_path) == []
