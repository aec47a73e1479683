# The two commands a user needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
SPEC ?= examples/mlp_spiral.json

.PHONY: install run test lint typecheck unit bench clean

# torch==2.13.0 first: it is the CPU wheel; a bare `torch` would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install  ## train one example spec with a progress bar (SPEC=path to choose)
	$(VENV)/bin/playground train $(SPEC)

lint: install
	$(VENV)/bin/ruff check backend tests bench
	$(VENV)/bin/ruff format --check backend tests bench

typecheck: install
	$(VENV)/bin/mypy

unit: install
	$(PY) -m pytest -q -p no:cacheprovider

test: lint typecheck unit  ## everything CI runs

bench: install  ## engine vs a hand-written PyTorch loop
	$(PY) bench/engine_vs_plain.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
