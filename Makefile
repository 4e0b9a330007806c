# Pilotage Missions Locales — see README.md.
PORT ?= 8000
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# pytest keeps its rewritten test modules in __pycache__ (each xdist worker would compile them again otherwise)
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/pytest
# `make test-postgres` reaches the local server through its Unix socket when it has one (the Debian directory):
# measured 6 % faster than TCP on 127.0.0.1 (each of the suite's queries is a round trip; no TCP stack on either
# side). 127.0.0.1 stays the fallback, and any POSTGRES_URL or DATABASE_URL given keeps working as it is (the
# tests that build a URL for another database quote the socket's directory as its host).
PG_SOCKET_DIR := /var/run/postgresql
POSTGRES_URL ?= $(if $(wildcard $(PG_SOCKET_DIR)/.s.PGSQL.5432),postgres://postgres@$(subst /,%2F,$(PG_SOCKET_DIR)):5432/pilotage,postgres://postgres@127.0.0.1:5432/pilotage)

HOST ?= 127.0.0.1
UV_VERSION := 0.13.9

.PHONY: install bench-install run serve test test-fast test-postgres test-requirements lint bench bench-load bench-engine check-engine check-api demo requirements clean

install: $(VENV)/.installed

# uv installs the same pinned requirements as pip, faster: on a fresh clone 37 s with pip, 13 s with uv. The venv is made
# without pip (its ensurepip: 3 s): uv comes from the interpreter's own pip (`pip --python`), else from the venv's pip
# once ensurepip has made it. Every requirement is pinned, so uv first installs from its cache without asking the
# index (--offline: 0.2 s instead of 1.8 s) and asks the index only when something is missing there. pip is installed
# last, for whoever wants it in the venv. Should uv fail to install or to run (no PyPI, say, but a local index for pip),
# pip does the work.
UV_INSTALL = $(BIN)/uv pip install --python $(BIN)/python --quiet
uv_install = { $(UV_INSTALL) --offline $(1) 2>/dev/null || $(UV_INSTALL) $(1); }
# The bytecode is compiled here (left to the first imports, both test workers would compile the same modules at once),
# except where no process ever reads it: the packages of the pytest plugins (pytest compiles them itself when it loads
# them, rewriting their asserts: faker, schemathesis, hypothesis, anyio, pytest-django, xdist), pip, and the parts of
# libraries that neither the platform nor its suite imports (GeoDjango, other languages' formats, Pygments' lexers,
# GraphQL, other countries' identifiers…). Whatever is imported anyway is compiled by the first process that does.
# 5,955 compiled files -> 3,536.
PYC_SKIP := /((pip|faker|schemathesis|hypothesis|anyio|pytest_django|xdist|graphql|greenlet/tests|pydantic/v1|duckdb/experimental|django/contrib/gis)/|_hypothesis_\w+\.py$$|django/conf/locale/(?!fr/|en/|__init__)|pygments/lexers/(?!__init__|_mapping|python|special|diff)|stdnum/(?!fr/|__init__|exceptions|util|luhn))

$(VENV)/.installed: requirements.txt requirements-dev.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv --without-pip $(VENV)
	if { $(BIN)/uv --version 2>/dev/null | grep -q '^uv $(UV_VERSION) ' \
	        || $(PYTHON) -m pip --python $(BIN)/python install --quiet --disable-pip-version-check uv==$(UV_VERSION) 2>/dev/null \
	        || { $(BIN)/python -m ensurepip --default-pip >/dev/null \
	             && $(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION); }; } \
	    && $(call uv_install,-r requirements.txt -r requirements-dev.txt) \
	    && $(call uv_install,--no-deps -e .) \
	    && $(call uv_install,pip); then \
	    $(BIN)/python -m compileall -q -j0 -x '$(PYC_SKIP)' "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')" || :; \
	else \
	    { test -x $(BIN)/pip || $(BIN)/python -m ensurepip --default-pip >/dev/null; } \
	    && $(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-dev.txt \
	    && $(BIN)/python -m pip install --quiet --no-deps -e .; \
	fi
	touch $@

# The benchmarks' yardstick (pandas, benchmarks/pandas_cpo.py) is installed by the bench targets only: the suite does
# not need it, and its 1,900 files would be installed and compiled at each fresh CI clone for nothing.
bench-install: $(VENV)/.bench-installed

$(VENV)/.bench-installed: requirements-bench.txt $(VENV)/.installed
	if test -x $(BIN)/uv; then $(UV_INSTALL) --compile-bytecode -r requirements-bench.txt; \
	else $(BIN)/python -m pip install --quiet -r requirements-bench.txt; fi
	touch $@

# The one-command demo: development server and background jobs, SQLite, demo accounts.
run: install
	$(BIN)/pilotage migrate --no-input
	$(BIN)/pilotage load_demo
	$(BIN)/pilotage serve --dev --host 127.0.0.1 --port $(PORT)

# Production (see README « Production »): migrate, collect static files, gunicorn + the task worker.
serve: install
	$(BIN)/pilotage serve --host $(HOST) --port $(PORT)

demo: install
	$(BIN)/pilotage migrate --no-input
	$(BIN)/pilotage load_demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/ruff format --check .
	$(BIN)/pilotage makemigrations --check --dry-run --no-input

# System packages the suite needs (Chromium, Pango, HarfBuzz subset, fonts): installed when missing and root.
test-requirements:
	scripts/test_requirements.sh

# The whole suite on the embedded SQLite database, real browser journeys included. Both runs build their test
# database from the models (--nomigrations --create-db: a few seconds, tests/conftest.py); tests/test_migrations.py
# applies every migration once on an empty PostgreSQL database and compares the two schemas.
# The ten slowest tests are printed at the end (--durations=10): where the time goes, run after run.
test: test-requirements lint
	$(PYTEST) -n auto --nomigrations --create-db --durations=10

# The edit-test loop: no browser journeys, no slow tests.
test-fast: install
	$(PYTEST) -n auto --nomigrations --create-db -m "not browser and not slow"

# The suite's database tests again on PostgreSQL (the production database); CI runs both.
# What gives the same result whatever the database runs once, in `make test`: the tests that use no database
# (the engine and its oracles, pure functions, the production start on its own SQLite file:
# `--database-tests-only`, tests/conftest.py) and the browser journeys.
test-postgres: test-requirements install
	DATABASE_URL=$(POSTGRES_URL) $(PYTEST) -n auto --nomigrations --create-db -m "not browser" --database-tests-only --durations=10

bench: bench-install
	$(BIN)/python -m benchmarks

# The load test alone (issue 11 point 11, ADR 0024): 20 users on `pilotage serve` over PostgreSQL (BENCH_POSTGRES_URL;
# BENCH_LOAD_REUSE=1 keeps the database a previous run prepared).
bench-load: bench-install
	$(BIN)/python -m benchmarks load

# The indicator engine alone (issue 12): side by side at 300,000 young people, then national scale (BENCH_NATIONAL=0
# skips it).
bench-engine: bench-install
	$(BIN)/python -m benchmarks indicators

# The long differential run (tests/oracles, docs/indicators.md): N random exports through the CPO engine
# against its oracle, N/50 more one by one, N/5 funding files (N/100 through the platform), N/100 loadings.
N ?= 5000
check-engine: install
	time env CHECK_ENGINE_N=$(N) CHECK_ENGINE_SINGLE_N=$$(( $(N) / 50 )) CHECK_ENGINE_BATCH=50 \
	    CHECK_FUNDING_N=$$(( $(N) / 5 )) CHECK_AGGREGATION_N=$$(( $(N) / 100 )) CHECK_ENGINE_SEED=$${SEED:-100000} \
	    CHECK_ENGINE_PROGRESS=1 $(BIN)/pytest -p no:xdist -s -q --basetemp=/tmp/pilotage-check-engine-$$$$ tests/oracles

# The long Schemathesis run over the whole API schema (tests/api/test_schemathesis.py), as the DGEFP and as a
# departmental council: EXAMPLES examples per operation, data mode and role (the suite runs 5; here 100).
check-api: install
	time env SCHEMATHESIS_EXAMPLES=$${EXAMPLES:-100} $(BIN)/pytest -p no:xdist -q -m slow tests/api/test_schemathesis.py

requirements:
	$(PYTHON) -m venv /tmp/pilotage-req && /tmp/pilotage-req/bin/pip install -q -r requirements.in
	/tmp/pilotage-req/bin/pip freeze > requirements.txt

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles
