# Two commands for a fresh machine: `make site` and `make test` (see README.md).
# Every install step lives here, in pyproject.toml and in package.json.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: site pdf serve test test-fast lint bench bench-hostile lock chromium clean wheel \
        properdocs zensical

## site: create .venv, install the locked toolchain and Mermaid, build site/ from sops/
site: $(VENV)/.installed node_modules/.installed
	$(BIN)/sopsite build

## pdf: build the site, then print each document's controlled copy and the handbook to pdf/
pdf: $(VENV)/.installed node_modules/.installed chromium
	$(BIN)/sopsite pdf

## serve: live preview on http://127.0.0.1:8000 (reloads when sops/ or docs/ change)
serve: $(VENV)/.installed node_modules/.installed
	$(BIN)/sopsite serve

# On every core, a module's tests in a row on one worker (its build or browser is made once);
# the modules that build or browse go first (tests/conftest.py orders them).
PYTEST_PARALLEL ?= -n auto --dist loadscope --no-loadscope-reorder
# The slowest tests are listed at the end of `make test`, to see where its time goes.
PYTEST_TIMES ?= --durations=20

## test: install the test tools, lint, type-check and run the whole suite (browser tests too)
test: $(VENV)/.test-installed node_modules/.installed chromium properdocs zensical
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_PARALLEL) $(PYTEST_TIMES)

## test-fast: the suite without real builds and browsers (-m "not slow and not browser"), for
## the edit-test loop; `make test` runs everything
test-fast: $(VENV)/.test-installed node_modules/.installed
	$(BIN)/pytest $(PYTEST_PARALLEL) -m "not slow and not browser"

## bench: time check, generation, builds, the plain-MkDocs floor and live reload on synthetic
## handbooks of 100, 1000 and 5000 documents; writes docs/benchmarks.md (BENCH_ARGS=--quick: 100, 1000)
bench: $(VENV)/.installed node_modules/.installed
	$(BIN)/python benchmarks/run.py $(BENCH_ARGS)

## bench-hostile: time check and build on hostile YAML shapes (n and 4n) against ordinary files
## of the same size; writes the Hostile shapes section of docs/benchmarks.md and
## benchmarks/hostile.json (HOSTILE_ARGS=--quick, --shapes a,b, --timeout S)
bench-hostile: $(VENV)/.installed node_modules/.installed
	$(BIN)/python benchmarks/hostile.py $(HOSTILE_ARGS)

lint: $(VENV)/.test-installed
	$(BIN)/ruff check generator tests benchmarks
	$(BIN)/mypy

$(VENV)/.installed: requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "sopsite needs Python 3.11 or newer; set PYTHON=python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

$(VENV)/.test-installed: requirements-test.lock $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -r requirements-test.lock
	touch $@

## properdocs, zensical: the other engines of `sopsite build --engine`, each in its own
## virtualenv (ProperDocs replaces mkdocs where it is installed; Zensical needs none of it)
EXTRA = $(shell $(PYTHON) -c "import tomllib; print(' '.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['$(1)']))")
properdocs: .venv-properdocs/.installed
zensical: .venv-zensical/.installed

# sopsite goes in too, editable: ProperDocs runs the sopsite plugin from this checkout.
.venv-properdocs/.installed: requirements-properdocs.lock pyproject.toml
	$(PYTHON) -m venv .venv-properdocs
	.venv-properdocs/bin/python -m pip install --quiet --upgrade pip
	.venv-properdocs/bin/python -m pip install --quiet -r requirements-properdocs.lock
	.venv-properdocs/bin/python -m pip install --quiet --no-deps -e .
	touch $@

.venv-zensical/.installed: requirements-zensical.lock
	$(PYTHON) -m venv .venv-zensical
	.venv-zensical/bin/python -m pip install --quiet --upgrade pip
	.venv-zensical/bin/python -m pip install --quiet -r requirements-zensical.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## chromium: Chromium prints the PDFs and drives the browser tests (no browser downloads
## here); poppler-utils gives the tests pdftotext
SYSTEM_TOOLS := chromium:chromium pdftotext:poppler-utils
chromium:
	@missing=""; for pair in $(SYSTEM_TOOLS); do \
	  command -v "$${pair%%:*}" >/dev/null 2>&1 || missing="$$missing $${pair#*:}"; done; \
	[ -z "$$missing" ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then \
	    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "sopsite pdf and the tests need:$$missing (Debian: apt-get install$$missing);"; \
	    echo "for Chromium, SOPSITE_CHROMIUM may point to a Chromium binary instead."; \
	    exit 1; \
	  fi; }

## wheel: dist/sopsite-<version>-py3-none-any.whl, for `sopsite init --sopsite <wheel>`
wheel: $(VENV)/.installed
	rm -rf dist build
	$(BIN)/python -m pip wheel --quiet --no-deps --wheel-dir dist .
	rm -rf build

## lock: re-resolve the exact versions from the ranges in pyproject.toml
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet .
	{ echo "# Exact versions for 'make site' (regenerate with 'make lock'); ranges live in pyproject.toml."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^sopsite'; } > requirements.lock
	.lock-venv/bin/python -m pip install --quiet '.[test]'
	{ echo "# Exact versions for 'make test' (regenerate with 'make lock')."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^sopsite'; } > requirements-test.lock
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -c requirements.lock '.[properdocs]'
	{ echo "# Exact versions for .venv-properdocs, sopsite build --engine properdocs (regenerate with 'make lock')."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^sopsite'; } > requirements-properdocs.lock
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet $(call EXTRA,zensical)
	{ echo "# Exact versions for .venv-zensical, sopsite build --engine zensical (regenerate with 'make lock')."; \
	  .lock-venv/bin/python -m pip freeze; } > requirements-zensical.lock
	rm -rf .lock-venv build

clean:
	rm -rf $(VENV) .venv-properdocs .venv-zensical node_modules site .sopsite-cache .sopsite-build-cache
