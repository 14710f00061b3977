# Two commands matter: `make run` (the scenarios on the embedded reference DSP, with a
# report) and `make test` (lint, types, tests). Both bootstrap their own virtualenv.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RESULTS ?= reports/allure-results
REPORT ?= reports/html

.PHONY: run test test-slow lint typecheck unit selftest bench bench-quick fuzz soak system-deps clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/dsp-conformance run --target reference --all-profiles --results $(RESULTS) --report $(REPORT)

# `make test` is the everyday gate (a few minutes on 2 cores): it checks in process what the
# end-to-end suites check through runner and server processes (the mutant catalogue, the
# generated suite, the DUIS adapter against the served app). `make test-slow` runs those
# end-to-end suites (tests marked `slow`, the CLI selftest); CI runs both.
test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest -q -m "not slow"

test-slow: selftest
	$(BIN)/pytest -q -m slow

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
# look at the rendered reports and print PDFs, poppler-utils to read those PDFs, a JDK to
# build the DCC's signing tool, Node.js and npm for duis-parser). Only the package of a
# program that is missing is installed, one at a time: a machine whose Node.js comes from
# elsewhere (with its own npm) must not be offered Debian's npm. Tests that need a missing
# program skip with a reason (and fail under CI=true, where this target installs them).
SYSTEM_DEPS := xmlsec1:xmlsec1 chromium:chromium pdftoppm:poppler-utils \
	javac:openjdk-17-jdk-headless node:nodejs npm:npm
system-deps:
	@missing=""; for pair in $(SYSTEM_DEPS); do \
		command -v $${pair%%:*} >/dev/null || missing="$$missing $${pair#*:}"; done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		timeout 900 apt-get update -qq || true; \
		for pkg in $$missing; do \
			DEBIAN_FRONTEND=noninteractive timeout 1200 apt-get install -y -qq $$pkg >/dev/null 2>&1 || \
			echo "system-deps: could not install $$pkg; the tests that need it will skip and say so"; \
		done; \
	else echo "system-deps: not root or no apt-get; install$$missing yourself"; fi

clean:
	rm -rf $(VENV) reports/allure-results reports/html .mypy_cache .ruff_cache .pytest_cache
