# opsdesk — every target installs what it needs first (a virtualenv in .venv, from pyproject.toml).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1

.PHONY: dev dev-reset test test-fast lint format synth bench clean help

help:
	@echo "make dev        run the whole platform locally (API on http://127.0.0.1:$${PORT:-3000}) with demo data"
	@echo "make dev-reset  the same, starting from clean data"
	@echo "make test       the whole test suite (unit, integration, API, infra)"
	@echo "make lint       ruff and mypy"
	@echo "make synth      synthesize the CDK app into cdk.out (cdk-nag runs in synth)"
	@echo "make bench      benchmarks: cold imports, latency, DynamoDB items read per list"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "opsdesk needs Python 3.11"'
	@command -v node >/dev/null || { echo "CDK synth needs Node.js (20 or newer) on PATH"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,infra]'
	@touch $(STAMP)

dev: $(STAMP)
	$(PY) -m scripts.dev

dev-reset: $(STAMP)
	$(PY) -m scripts.dev --reset

# The typed frontend client's TypeScript toolchain (clients/ts: openapi-typescript, typescript, openapi-fetch).
TS_CLIENT := clients/ts
TS_STAMP := $(TS_CLIENT)/node_modules/.installed

$(TS_STAMP): $(TS_CLIENT)/package-lock.json
	npm ci --prefix $(TS_CLIENT) --no-audit --no-fund --loglevel=error
	@touch $(TS_STAMP)

test: $(STAMP) $(TS_STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup

test-fast: $(STAMP)
	$(PY) -m pytest tests/unit -q

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .

synth: $(STAMP)
	$(PY) -m infra.app

bench: $(STAMP)
	$(PY) -m scripts.bench

clean:
	rm -rf cdk.out build .pytest_cache .mypy_cache .ruff_cache
