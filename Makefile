# One command runner: the README and CI use these targets and nothing else.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
DB ?= data/briefs.duckdb
PORT ?= 8501
# Streamlit processes behind one port (dashboard/serve.py); each session stays in one.
WORKERS ?= 1

.PHONY: run demo test test-fast lint format db bench clean

# The stamp is rebuilt whenever pyproject.toml changes, so a pull that adds a
# dependency installs it on the next run without a manual step. The last step puts DuckDB 2.0
# beside the pinned one, only to convert stores earlier releases wrote
# (loaders/store/convert.py); never imported by the program itself. setuptools' notes to
# itself about editable installs (BuildBackendWarning: "Please be careful with folders in
# your working directory…", a UserWarning) stay out of a fresh clone's `make run` log.
# (Comments stay out of the recipe: make echoes a recipe's comment lines into that log.)
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS=ignore::UserWarning $(PY) -m pip install --quiet -e '.[dev]'
	$(PY) -m pip install --quiet --upgrade --no-deps --target $(VENV)/duckdb-2.0 duckdb==2.0.1 \
		2>&1 | grep -v "incompatible\|dependency resolver" || true
	touch $@

# Rebuilt when the sample briefs, the catalog or the loaders change, so better rules reach
# the shipped issues; --force re-reads only those issues, and --shipped replaces only
# versions stored from the shipped files themselves: uploads made in the app, an editor's
# commit and a corrected copy ingested with the CLI stay.
$(DB): $(VENV)/.installed $(wildcard data/briefs/*) data/catalog.yaml data/sources.yaml $(wildcard loaders/*.py loaders/*/*.py)
	BRIEFS_DB=$(DB) $(PY) -m loaders ingest --force --shipped data/briefs/*
	touch $@

db: $(DB)

# The demo: a store of its own, of generated issues over six years (bench/demo.py), rebuilt
# from scratch when the generator, the catalog or the loaders change (bench.demo refuses a
# store holding any other issue, so it never replaces the real one).
DEMO_DB ?= data/demo.duckdb
$(DEMO_DB): $(VENV)/.installed bench/demo.py bench/synthetic.py data/catalog.yaml data/sources.yaml $(wildcard loaders/*.py loaders/*/*.py)
	$(PY) -m bench.demo --db $(DEMO_DB)
	touch $@

# SIGTERM (kill, docker stop, systemd) is how a server is stopped: Streamlit then exits with
# 143, which is no failure of the recipe (make printed `*** [Makefile] Error 143` for it).
STOPPED_BY_SIGTERM = || [ $$? -eq 143 ]

demo: $(VENV)/.installed $(DEMO_DB)
	BRIEFS_DEMO=1 BRIEFS_DB=$(abspath $(DEMO_DB)) $(PY) -m dashboard.serve --port $(PORT) --workers $(WORKERS) $(STOPPED_BY_SIGTERM)

run: $(VENV)/.installed $(DB)
	BRIEFS_DB=$(abspath $(DB)) $(PY) -m dashboard.serve --port $(PORT) --workers $(WORKERS) $(STOPPED_BY_SIGTERM)

test: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

# The inner loop (about 3.5 minutes of CPU): no browser, no PostgreSQL, no served dashboard,
# no whole page runs, no processes (marked by tests/conftest.py); `make test` runs everything.
test-fast: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest -q -m "not browser and not postgres and not slow"

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(VENV)/.installed
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

bench: $(VENV)/.installed
	$(PY) -m bench

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB).wal $(DEMO_DB).published $(DEMO_DB).imports $(DB) $(DB).wal $(DB).lock $(DB).waiting $(DB).published $(DB).imports
