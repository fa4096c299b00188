# kentei: two commands on a fresh machine (python3 >= 3.11, node >= 20, make, git):
#   make demo    runs the system locally and shows a smoke flow
#   make test    runs every test tier and the linters
# Everything installs into the repo (.venv/, node_modules/), idempotently.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

# Offline-friendly, quiet tooling: no credentials, no instance metadata, no Node EOL banner.
export JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export AWS_EC2_METADATA_DISABLED := true
export CDK_DISABLE_VERSION_CHECK := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: openapi help setup python-setup system-tools demo local test test-unit test-integration test-infra test-e2e test-tiers test-lifecycle lint synth bench clean

help:
	@echo "make demo   run the local system and a smoke flow, then stop"
	@echo "make test   every test tier (unit, integration, infra, e2e) and lint"
	@echo "make test-lifecycle  the whole lifecycle under faults, a thousand applicants (CI runs it)"
	@echo "make local  the local runtime in the foreground (Ctrl-C stops it); PORT overrides 8000"
	@echo "make synth  CloudFormation templates into cdk.out/"
	@echo "make bench  benchmarks (ratios against baselines in the same run)"
	@echo "make lint   ruff, mypy --strict, the exam, fee, pass rule, result mapping, English name and retention checks"
	@echo "make openapi  regenerate the committed openapi.json from the code"

# Installed without compiling, then compiled on both cores: pip compiles one file at a time
# (45 of the install's 78 s here). Compiled ahead all the same: a module first imported inside a
# test that traces memory would count its compilation.
$(STAMP): pyproject.toml constraints.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "python3 3.11 or newer is required")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade 'pip==25.3'
	$(PY) -m pip install --quiet --no-compile -c constraints.txt -e '.[dev]'
	$(PY) -m compileall -q -j 0 $$($(PY) -c 'import sysconfig; print(sysconfig.get_path("purelib"))') > /dev/null
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' || { echo "node 20 or newer is required"; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# System tools the tests use as an independent client would: OpenSSL (cms -sign), xmlsec1
# (XML signatures), poppler's pdffonts, pdftotext and pdftoppm (the exam ticket PDF) and
# Chromium (the verification page's browser test, driven by Playwright; never a downloaded
# browser: Playwright is pointed at /usr/bin/chromium).
# Each is `command` or `command:Debian package`. Installed with apt-get only where missing
# (CI runs as root).
SYSTEM_TOOLS := openssl xmlsec1 pdffonts:poppler-utils pdftotext:poppler-utils pdftoppm:poppler-utils chromium
system-tools:
	@missing=$$(for t in $(SYSTEM_TOOLS); do command -v $${t%%:*} >/dev/null || echo $${t#*:}; done | sort -u | xargs); \
	if [ -n "$$missing" ]; then \
	  echo "installing: $$missing"; \
	  if [ "$$(id -u)" -ne 0 ]; then echo "install $$missing (Debian: apt-get install $$missing)"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

# What the Python tiers, the demo and the benchmarks use: the venv and the system tools.
# setup adds Node (the CDK CLI and jsii, for synth and the infra tests).
python-setup: $(STAMP) system-tools

setup: python-setup $(NODE_STAMP)

demo: python-setup
	$(PY) -m kentei_local demo

local: python-setup
	$(PY) -m kentei_local serve

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy layers functions local infra tests bench
	$(PY) -m kentei.exams check
	$(PY) -m kentei.results check
	$(PY) -m kentei.results.imports check
	$(PY) -m kentei.fees check
	$(PY) -m kentei.certificates check
	$(PY) -m kentei.retention check
	$(PY) -m kentei.person_requests check

# Tests that need openssl or xmlsec1 fail (never skip) when one is missing; every target
# below installs them first. The e2e tier runs in a random order (pytest-randomly; the seed
# is in the header: `-p randomly --randomly-seed=N` replays it) and over two workers.
PYTEST_WORKERS ?= 2
E2E_ORDER ?= -p randomly

test-unit: python-setup
	$(PY) -m pytest tests/unit -q

test-integration: python-setup
	$(PY) -m pytest tests/integration -q

test-infra: setup
	$(PY) -m pytest tests/infra -q

test-e2e: python-setup
	$(PY) -m pytest tests/e2e -q -n $(PYTEST_WORKERS) --dist loadgroup $(E2E_ORDER)

# The linters run beside the unit, integration and infra tiers (mypy takes one core for about
# 100 s; the tiers leave some of the two idle while they wait on queues and backoffs); make
# fails if either fails. Then the e2e tier.
test: setup
	$(MAKE) --no-print-directory -j2 --output-sync=line lint test-tiers
	$(MAKE) --no-print-directory test-e2e

# --dist loadgroup: the infra tier is one xdist group (one worker synthesizes the app once,
# tests/infra/conftest.py), each integration module another (its runtime started once,
# tests/integration/conftest.py); the rest is handed out test by test, the modules with a slow
# test first (tests/conftest.py), so the long ones do not run last and alone.
test-tiers: setup
	$(PY) -m pytest tests -q -n $(PYTEST_WORKERS) --dist loadgroup --ignore=tests/e2e

# The whole lifecycle under faults with a thousand applicants (make test runs it with 100):
# about a second of CPU an applicant on one core; CI runs it after make test.
LIFECYCLE_APPLICANTS ?= 1000

test-lifecycle: python-setup
	KENTEI_LIFECYCLE_APPLICANTS=$(LIFECYCLE_APPLICANTS) $(PY) -m pytest \
		tests/integration/test_lifecycle_faults_local.py -q -s -p no:randomly

synth: setup
	node_modules/.bin/cdk synth --quiet

bench: python-setup
	$(PY) bench/cold_init.py
	$(PY) bench/cold_request.py
	$(PY) bench/intake_cpu.py
	$(PY) bench/verify_cost.py
	$(PY) bench/result_import.py
	$(PY) bench/intake_load.py
	$(PY) bench/lifecycle_cost.py

# The committed OpenAPI document, regenerated from the code (a unit test fails on drift).
openapi: $(STAMP)
	$(PY) -m intake.export > openapi.json

clean:
	rm -rf cdk.out .local .pytest_cache .mypy_cache .ruff_cache
