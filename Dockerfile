# NN Playground image: the API, the worker processes and the browser app.
#
#   docker build -t nn-playground:cpu .                                   # CPU torch (default)
#   docker build -t nn-playground:cuda --build-arg TORCH_VARIANT=cuda .   # CUDA torch
#   docker run -p 8000:8000 -v playground-data:/data nn-playground:cpu
#
# TORCH_VARIANT=cpu installs torch from PyTorch's CPU wheel index: PyPI's plain `torch` wheel
# for Linux is the CUDA build and pulls several GB of nvidia-* libraries a CPU host never uses.
# TORCH_VARIANT=cuda installs that default PyPI wheel: it bundles its own CUDA runtime (whichever
# CUDA release PyTorch chose as the default for that torch version), so the host needs only an
# NVIDIA driver new enough for it plus the NVIDIA Container Toolkit. For an older driver, build
# against a specific CUDA index instead, for example
#   --build-arg TORCH_VARIANT=cuda --build-arg TORCH_INDEX_URL=https://download.pytorch.org/whl/cu126
# (any index that has torch==TORCH_VERSION for that CUDA release).
#
# Static checks that run without Docker: `make deploy-check` (hadolint, compose config) and
# tests/deploy/.

# One pinned base for every Python stage: the build and the runtime must share the interpreter
# at /usr/local/bin, which the virtual environment copied between them links to. The tag names
# the Debian release so that a new Debian does not arrive silently with a rebuild.
FROM python:3.11-slim-trixie AS base

# ---------------------------------------------------------------------------------------------
# Frontend: the browser app, built with Node 20 (the release the lock file is made with) into
# static files; only its dist/ reaches the runtime image. The repository's layout is kept
# (frontend/ next to examples/): the app bundles examples/*.json as presets through a relative
# import.meta.glob.
FROM node:20-bookworm-slim AS frontend
WORKDIR /build/frontend
# The lock file alone first: the npm ci layer is reused until dependencies change.
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY examples /build/examples
COPY frontend/ ./
RUN npm run build

# ---------------------------------------------------------------------------------------------
# Build: a virtual environment in /opt/venv with torch, the dependencies and the package.
FROM base AS build

ARG TORCH_VARIANT=cpu
ARG TORCH_VERSION=2.13.0
# Empty: derived from TORCH_VARIANT (see the top of this file).
ARG TORCH_INDEX_URL=

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH

# torch first and on its own layer: it is by far the largest download and changes only with
# the build args. torch (and its few own dependencies) comes from the variant's index; the
# project's dependencies below come from PyPI.
RUN set -eu; \
    case "$TORCH_VARIANT" in \
      cpu) default_index=https://download.pytorch.org/whl/cpu ;; \
      cuda) default_index=https://pypi.org/simple ;; \
      *) echo "TORCH_VARIANT must be cpu or cuda, not '$TORCH_VARIANT'" >&2; exit 1 ;; \
    esac; \
    python -m venv /opt/venv; \
    /opt/venv/bin/pip install --no-cache-dir --index-url "${TORCH_INDEX_URL:-$default_index}" \
        "torch==${TORCH_VERSION}"

# The dependencies next, read from pyproject.toml alone, so that editing the source does not
# reinstall them. torch is already there and satisfies its range in pyproject.toml, so pip
# keeps the variant installed above. EXTRAS (comma-separated optional-dependency groups, e.g.
# "ray" for the compose ray profile's image) adds those groups.
ARG EXTRAS=
COPY pyproject.toml /src/
RUN python -c "import os, tomllib; p = tomllib.load(open('/src/pyproject.toml', 'rb'))['project']; extra = [d for e in os.environ['EXTRAS'].split(',') if e.strip() for d in p['optional-dependencies'][e.strip()]]; print(*p['dependencies'], *extra, sep=chr(10))" > /tmp/requirements.txt \
    && pip install --no-cache-dir -r /tmp/requirements.txt

# The package itself, as a regular (non-editable) install; README.md is its readme metadata.
# --no-deps: every dependency is in place; `pip check` proves it, and the last command fails
# the build if pip swapped the torch variant after all.
COPY README.md /src/
COPY backend /src/backend
RUN pip install --no-cache-dir --no-deps /src \
    && pip check \
    && python -c "import os, torch; v, cuda = torch.__version__, torch.version.cuda; ok = v.startswith(os.environ['TORCH_VERSION']) and (cuda is None) == (os.environ['TORCH_VARIANT'] == 'cpu'); print('torch', v, 'cuda', cuda); raise SystemExit(None if ok else 'torch does not match TORCH_VERSION and TORCH_VARIANT')" \
    && python -c "import playground.api.main" \
    && playground --help > /dev/null

# ---------------------------------------------------------------------------------------------
# Runtime: the base image plus the finished virtual environment; no compilers, no pip cache,
# no source tree.
FROM base AS runtime

LABEL org.opencontainers.image.title="NN Playground" \
      org.opencontainers.image.description="Build neural networks as JSON run specs, train them with PyTorch, watch them learn." \
      org.opencontainers.image.licenses="MIT"

# PLAYGROUND_DATA_DIR: the database, uploads and data sets live on the /data volume.
# PLAYGROUND_FRONTEND_DIR: absolute, so it does not depend on the working directory.
# PYTHONDONTWRITEBYTECODE: the environment is read-only to the app user (pip compiled it).
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PLAYGROUND_DATA_DIR=/data \
    PLAYGROUND_FRONTEND_DIR=/app/frontend/dist

# A fixed, non-root uid/gid (10001): files it writes on /data keep the same owner across
# rebuilds, and Kubernetes' runAsNonRoot can verify a numeric USER. /data is created and
# chowned before VOLUME so that a new named volume starts out writable by that user (a bind
# mount instead must be writable by uid 10001).
RUN groupadd --system --gid 10001 playground \
    && useradd --system --uid 10001 --gid playground --create-home \
        --home-dir /home/playground --shell /usr/sbin/nologin playground \
    && mkdir -p /data /app \
    && chown playground:playground /data

COPY --from=build /opt/venv /opt/venv
COPY --from=frontend /build/frontend/dist /app/frontend/dist

WORKDIR /app
USER 10001:10001
VOLUME /data
EXPOSE 8000

# Python's urllib rather than curl: the slim image has no curl, and installing it only for this
# would add a package to keep patched. urlopen raises on a refused connection or an HTTP error,
# which exits 1; a healthy answer must also say {"status": "ok"}. The start period covers
# importing torch, migrating the database and spawning the workers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import json, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:8000/api/health', timeout=4); raise SystemExit(json.load(r).get('status') != 'ok')"]

# Exec form: the server is PID 1's direct child under `init` (compose sets init: true) or PID 1
# itself, and receives SIGTERM to cancel runs and stop the workers cleanly.
CMD ["playground", "serve", "--host", "0.0.0.0", "--port", "8000"]
