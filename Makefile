# The README's commands. `make demo` and `make test` are all a newcomer needs.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
PYTEST_ARGS ?=

.PHONY: demo serve test test-fast lint format typecheck migrations-check check audit-deps bench proof install install-dev assets clean

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

## Known vulnerabilities in the pinned Python packages (both lock files, PyPI's data) and the
## production npm packages (the npm registry's advisories); dependency-audit.toml lists the
## accepted ones. Fails when a service cannot be asked; AUDIT_ARGS=--if-unreachable=warn
## reports that without failing.
AUDIT_ARGS ?=
audit-deps: install-dev
	$(BIN)/python -m healtheos.core.depaudit --lock requirements.lock \
		--lock requirements-dev.lock --npm $(AUDIT_ARGS)

## Benchmarks; results go to docs/benchmarks.md
bench: install-dev
	@command -v wrk >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk)
	$(BIN)/healtheos bench all

## Monday-morning load with PostgreSQL, Redis and worker faults; results go to docs/benchmarks.md.
## Runs on a private PostgreSQL cluster and Redis (ports below), never on shared servers.
PROOF_PG_VERSION ?= $(shell ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
PROOF_PG_CLUSTER ?= proof
PROOF_PG_PORT    ?= 5433
PROOF_REDIS_PORT ?= 6380
PROOF_DB         ?= proof
PROOF_SCALE      ?= 1m
PROOF_ARGS       ?=
PROOF_DATABASE_URL := postgres://postgres@127.0.0.1:$(PROOF_PG_PORT)/$(PROOF_DB)
PROOF_REDIS_START  := redis-server --daemonize yes --bind 127.0.0.1 --port $(PROOF_REDIS_PORT) --save '' --appendonly no --dir /tmp
proof: install-dev
	@pg_lsclusters -h | grep -q "^$(PROOF_PG_VERSION) $(PROOF_PG_CLUSTER) " || \
		pg_createcluster $(PROOF_PG_VERSION) $(PROOF_PG_CLUSTER) --port $(PROOF_PG_PORT) -- --auth=trust
	@pg_ctlcluster --skip-systemctl-redirect $(PROOF_PG_VERSION) $(PROOF_PG_CLUSTER) status >/dev/null || \
		pg_ctlcluster --skip-systemctl-redirect $(PROOF_PG_VERSION) $(PROOF_PG_CLUSTER) start
	@redis-cli -p $(PROOF_REDIS_PORT) ping >/dev/null 2>&1 || $(PROOF_REDIS_START)
	@psql -h 127.0.0.1 -p $(PROOF_PG_PORT) -U postgres -d $(PROOF_DB) -c 'select 1' >/dev/null 2>&1 || \
		( psql -h 127.0.0.1 -p $(PROOF_PG_PORT) -U postgres -c 'create database $(PROOF_DB)' && \
		  DATABASE_URL=$(PROOF_DATABASE_URL) $(BIN)/healtheos migrate && \
		  DATABASE_URL=$(PROOF_DATABASE_URL) $(BIN)/healtheos seed --scale $(PROOF_SCALE) )
	DATABASE_URL=$(PROOF_DATABASE_URL) REDIS_URL=redis://127.0.0.1:$(PROOF_REDIS_PORT)/0 \
		$(BIN)/healtheos migrate --no-input
	DATABASE_URL=$(PROOF_DATABASE_URL) REDIS_URL=redis://127.0.0.1:$(PROOF_REDIS_PORT)/0 \
		$(BIN)/healtheos proof \
		--pg-restart "pg_ctlcluster --skip-systemctl-redirect $(PROOF_PG_VERSION) $(PROOF_PG_CLUSTER) restart" \
		--redis-stop "redis-cli -p $(PROOF_REDIS_PORT) shutdown nosave" \
		--redis-start "$(PROOF_REDIS_START)" $(PROOF_ARGS)

clean:
	rm -rf $(VENV) node_modules var .pytest_cache .mypy_cache .ruff_cache
