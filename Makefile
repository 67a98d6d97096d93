# The README's commands. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo serve test test-fast lint format typecheck migrations-check check bench install install-dev assets clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(VENV)/.dev: requirements-dev.lock pyproject.toml $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.runtime assets
install-dev: $(VENV)/.dev assets
assets: node_modules/.installed

## Set up, seed the demo data, print the demo sign-ins and serve on http://127.0.0.1:8000/
demo: install
	$(BIN)/healtheos demo

## The production server on the current database
serve: install
	$(BIN)/healtheos serve

## Every test: unit, integration, browser (Playwright + system Chromium)
test: install-dev
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## Everything but the browser tests
test-fast: install-dev
	$(BIN)/python -m pytest -n 2 -m "not browser" $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install-dev
	$(BIN)/mypy

migrations-check: install-dev
	$(BIN)/healtheos makemigrations --check --dry-run

## Lint, types, migrations and tests: what CI runs on each database
check: lint typecheck migrations-check test

## Benchmarks; results go to docs/benchmarks.md
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/healtheos bench all

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
