"""Run every benchmark on a throw-away database and print the figures.

The database is a temporary SQLite file unless BENCH_DATABASE_URL names another one (e.g. PostgreSQL). The load
test (benchmarks/load.py) then runs the production server on PostgreSQL (BENCH_POSTGRES_URL; BENCH_LOAD=0 skips
it); `python -m benchmarks load` runs it alone, `python -m benchmarks indicators` the indicator engine alone
(benchmarks/indicators.py: BENCH_NATIONAL=0 skips national scale).
"""

import os
import resource
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def measure(label: str, rows: int | None = None):
    """Wall time of the block, the process's peak resident memory so far, and the rows per second."""
    started = time.perf_counter()
    yield
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rate = f", {rows / elapsed:>9,.0f} lignes/s".replace(",", " ") if rows else ""
    print(f"{label:<62} {elapsed * 1000:>9.1f} ms  pic mémoire du processus {peak:6.0f} Mio{rate}")


def main() -> int:
    workdir = Path(tempfile.mkdtemp(prefix="pilotage-bench-"))
    if sys.argv[1:] == ["load"]:  # `python -m benchmarks load`: the load test alone
        from benchmarks import load

        load.run(workdir)
        return 0
    os.environ.setdefault(
        "DATABASE_URL", os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pilotage.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from benchmarks import funding, indicators, reference, submissions

    if sys.argv[1:] == ["indicators"]:  # the indicator engine alone: no database needed
        indicators.run(measure, workdir)
        return 0
    print(f"Base : {os.environ['DATABASE_URL']}")
    call_command("migrate", verbosity=0)
    if sys.argv[1:] == ["submissions"]:  # `python -m benchmarks submissions`: on the demo's national results
        from benchmarks import submissions

        call_command("load_demo", verbosity=0)
        submissions.run(measure, workdir)
        return 0
    reference.run(measure, workdir)
    print()
    funding.run(measure, workdir)
    print()
    indicators.run(measure, workdir)
    print()
    indicators.run_pages(measure, workdir)
    print()
    submissions.run(measure, workdir)
    print()
    if os.environ.get("BENCH_LOAD", "1") != "0":
        from benchmarks import load

        load.run(workdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
