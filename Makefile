# Quick start: `make demo` and `make test` (both create .venv on first use).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest clean docs docs-check bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,docs]'
	touch $(STAMP)

# The engine's hot modules, compiled by mypyc when the package is installed (pyproject.toml): an
# edited source is compiled again, so that nothing runs a stale build.
COMPILED      := $(VENV)/.compiled
ENGINE_HOT    := src/etiquette/_engine/machine.py src/etiquette/_engine/times.py \
                 src/etiquette/_engine/advice.py src/etiquette/_engine/wire.py

$(COMPILED): $(STAMP) $(ENGINE_HOT)
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

demo: $(COMPILED)
	$(BIN)/etiquette demo

lint: $(STAMP)
	$(BIN)/ruff check src tests examples bench
	$(BIN)/ruff format --check src tests examples bench

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(COMPILED)
	$(BIN)/pytest

# The documentation: pages generated from specs/ (committed, in docs/generated), then the Sphinx
# site in docs/_build/html, warnings as errors. Mermaid is served from a local copy, fetched once
# from the npm registry, so the site needs no network to be viewed.
DOCS_PAGES      := $(BIN)/etiquette docs --spec specs/default.toml --scenarios specs/scenarios --out docs/generated
SPHINX_BUILD    := $(BIN)/sphinx-build -W --keep-going -q -E -b html docs docs/_build/html
MERMAID_VERSION := 11.12.1
MERMAID_STAMP   := docs/_static/mermaid/.mermaid-$(MERMAID_VERSION)

$(MERMAID_STAMP):
	rm -rf $(@D) && mkdir -p $(@D)
	cd $(@D) && npm pack --silent mermaid@$(MERMAID_VERSION) > /dev/null \
	  && tar -xzf mermaid-$(MERMAID_VERSION).tgz --strip-components=2 package/dist/mermaid.min.js \
	  && tar -xzf mermaid-$(MERMAID_VERSION).tgz --strip-components=1 package/LICENSE \
	  && rm mermaid-$(MERMAID_VERSION).tgz
	touch $@

docs: $(STAMP) $(MERMAID_STAMP)
	$(DOCS_PAGES)
	$(SPHINX_BUILD)
	@echo "open docs/_build/html/index.html"

# Fails if regenerating the pages from specs/ would change docs/generated, or the site warns.
docs-check: $(STAMP)
	$(DOCS_PAGES) --check
	$(SPHINX_BUILD)

test: lint typecheck pytest docs-check

# The benchmark: one run on one core, a seeded workload, a table on stdout (several minutes;
# `$(BIN)/python bench/run.py --quick` for a short look). Figures go to docs/performance.md.
bench: $(COMPILED)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis docs/_build
