# Two commands matter: `make run` (the scenarios on the embedded reference DSP, with a
# report) and `make test` (lint, types, tests). Both bootstrap their own virtualenv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RESULTS ?= reports/allure-results
REPORT ?= reports/html

.PHONY: run test lint typecheck unit selftest bench bench-quick fuzz soak system-deps clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/dsp-conformance run --target reference --all-profiles --results $(RESULTS) --report $(REPORT)

test: lint typecheck selftest unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q

selftest: $(STAMP)
	$(BIN)/dsp-conformance selftest --target-mode inprocess

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run.py --quick

fuzz: $(STAMP)
	$(BIN)/python -m fuzz.run --inputs 100000

soak: $(STAMP)
	$(BIN)/python -m fuzz.soak --clients 50 --seconds 60

# Debian packages some tests use (xmlsec1 for independent signature checks, chromium to
# look at the rendered reports, a JDK to build the DCC's signing tool, Node.js and npm for
# duis-parser). Tests that need them skip with a reason when absent (fail under CI=true).
SYSTEM_PACKAGES := xmlsec1 chromium openjdk-17-jdk-headless nodejs npm poppler-utils
SYSTEM_PROGRAMS := xmlsec1 chromium javac node npm pdftoppm
system-deps:
	@missing=""; for p in $(SYSTEM_PROGRAMS); do command -v $$p >/dev/null || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		timeout 900 apt-get update -qq || true; \
		for pkg in $(SYSTEM_PACKAGES); do \
			DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -qq $$pkg >/dev/null 2>&1 || \
			echo "system-deps: could not install $$pkg; the tests that need it will skip and say so"; \
		done; \
	else echo "system-deps: not root or no apt-get; missing$$missing: install $(SYSTEM_PACKAGES) yourself"; fi

clean:
	rm -rf $(VENV) reports/allure-results reports/html .mypy_cache .ruff_cache .pytest_cache
