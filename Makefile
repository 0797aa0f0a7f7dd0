# The one entry point. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000
# Test processes (pytest-xdist): one per core. Each test file runs whole on one of them, so a module's
# fixtures (a Dovecot, an installed CLI, a seeded database) start once, and the two Redis tests never overlap.
WORKERS ?= auto
XDIST  := -n $(WORKERS) --dist loadfile

.DEFAULT_GOAL := help
.PHONY: help run test test-fast lint bench lock format clean screenshots

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-11s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@rm -f $(VENV)/.installed-*
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check --require-hashes -r requirements.lock
	$(BIN)/python -m pip install -q --disable-pip-version-check --no-deps -e .
	@touch $@

run: $(STAMP) ## set up, migrate, seed the demo once and serve on HOST:PORT (127.0.0.1:8000)
	$(BIN)/sameside init
	$(BIN)/sameside demo --once --host $(HOST) --port $(PORT)
	$(BIN)/sameside serve --host $(HOST) --port $(PORT)

# `make test COVERAGE=1` (what CI runs) also measures coverage and fails below the floor: its data is written
# to a folder of this run's own (other runs in this checkout may be going on at once) and the combined file kept
# as .coverage, for `.venv/bin/coverage report` file by file. Without it the suite runs untraced, about a third
# faster. The tests that time our code (marked `timed`) run afterwards on their own: no second process and no
# tracer competing with them.
COVERAGE ?=
test: $(STAMP) ## the whole suite in parallel, on SQLite and (when reachable) PostgreSQL (COVERAGE=1: with coverage)
	@data=$$(mktemp -d) && trap 'rm -rf "$$data"' EXIT && \
	  cov="$(if $(COVERAGE),--cov --cov-report=)" && \
	  echo "$(BIN)/pytest $(XDIST) $$cov --durations=12 -m 'not timed'" && \
	  COVERAGE_FILE="$$data/.coverage" $(BIN)/pytest $(XDIST) $$cov --durations=12 -m "not timed"; code=$$?; \
	  cp "$$data/.coverage" .coverage 2>/dev/null; exit $$code
	$(BIN)/pytest -m timed

test-fast: $(STAMP) ## the inner loop: SQLite only, no browser, no slow or timed tests, no coverage
	$(BIN)/pytest $(XDIST) -m "not slow and not browser and not postgresql and not timed"

screenshots: $(STAMP) ## the browser tests on SQLite, saving each page to docs/screenshots/
	SAMESIDE_SCREENSHOTS=1 $(BIN)/pytest tests/web -k "browser and sqlite" -p no:cacheprovider -q

lint: $(STAMP) ## ruff, mypy (strict) and the import-layer contracts
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: $(STAMP) ## the benchmarks, side by side with the peer (several minutes)
	$(BIN)/python bench/run.py

format: $(STAMP) ## apply ruff's formatting and import order
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

lock: ## re-resolve requirements.lock from pyproject.toml (needs the network)
	@test -x $(BIN)/uv || { test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); $(BIN)/python -m pip install -q uv; }
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes \
	  --no-header --quiet -o requirements.lock

clean: ## remove the environment and local data
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage
