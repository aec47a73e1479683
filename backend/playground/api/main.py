"""`create_app(settings)`: the FastAPI app; its lifespan owns engine, executor, manager, hub."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

import playground
from playground.api import errors, wire
from playground.api.auth import current_user
from playground.api.body_limit import BodyLimit, RouteLimits
from playground.api.guard import Guard
from playground.api.routes import (
    auth,
    datasets,
    ensembles,
    experiments,
    meta,
    runs,
    stream,
    sweep_stream,
    sweeps,
    uploads,
)
from playground.config import Settings
from playground.executors.base import EventCallback, Executor
from playground.executors.local import LocalExecutor
from playground.executors.probes import ProbePool
from playground.services.accounts import Accounts
from playground.services.ensembles import Ensembles
from playground.services.experiments import Experiments
from playground.services.exports import Exporter
from playground.services.hub import Hub
from playground.services.inspect import Inspector
from playground.services.manager import RunManager
from playground.services.runs import Runs
from playground.services.sweeps import Sweeps
from playground.services.uploads import Uploads
from playground.store.db import make_engine, migrate
from playground.store.repo import RunStore
from playground.store.sweeps import SweepStore
from playground.store.uploads import UploadStore
from playground.store.users import UserStore

log = logging.getLogger(__name__)

NO_FRONTEND = """<!doctype html><meta charset="utf-8"><title>NN Playground</title>
<h1>NN Playground</h1><p>The API is running: see <a href="/docs">/docs</a>.</p>
<p>No browser app is installed: <code>frontend/dist/index.html</code> is missing (set
<code>PLAYGROUND_FRONTEND_DIR</code> to where it was built).</p>"""


def make_executor(settings: Settings, on_event: EventCallback) -> Executor:
    """The engine `settings.executor` names; Ray is imported only when it is chosen."""
    if settings.executor == "ray":
        from playground.executors.ray import RayExecutor  # here: ray takes seconds to import

        return RayExecutor(
            on_event, address=settings.ray_address, local_cpus=settings.workers,
            cpus_per_run=settings.ray_cpus_per_run, gpus_per_run=settings.ray_gpus_per_run,
            max_running=settings.ray_max_running or None, data_dir=settings.data_dir,
            limits=settings.limits, artifacts_dir=settings.artifacts_dir(),
            max_running_per_owner=settings.max_running_per_user,
        )  # fmt: skip
    return LocalExecutor(
        on_event, workers=settings.workers, workers_per_gpu=settings.workers_per_gpu,
        data_dir=settings.data_dir, limits=settings.limits, artifacts_dir=settings.artifacts_dir(),
        memory_cap=settings.memory_cap(), max_running_per_owner=settings.max_running_per_user,
    )  # fmt: skip


UPLOADS = "/api/uploads"  # the one route that takes a multipart body
MULTIPART_SLACK = 64 * 1024  # bytes of part headers and boundaries around the files


def create_app(settings: Settings | None = None) -> FastAPI:
    """The app for `settings`; nothing is started until the lifespan runs."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = make_engine(settings.db_url())
        migrate(engine)
        store, hub = RunStore(engine), Hub()
        loop = asyncio.get_running_loop()
        manager = RunManager(
            store, hub.publish, loop, settings.artifacts_dir(), watched=hub.watched
        )
        manager.start()
        executor = make_executor(settings, manager.on_event)
        executor.start()
        upload_store = UploadStore(engine)
        service = Runs(store, executor, manager, settings, upload_store)
        probes = ProbePool(processes=settings.probe_processes, data_dir=settings.data_dir)
        probes.warm_up()
        app.state.inspector = Inspector(store, settings, probes.run)
        app.state.experiments = Experiments(settings, probes.run_task, upload_store)
        app.state.exporter = Exporter(store, settings, probes.run_job)
        app.state.ensembles = Ensembles(store, settings, probes.run_job)
        failed, queued = service.recover()
        if failed or queued:
            log.info(
                "restart: %d interrupted runs failed, %d queued runs resumed",
                len(failed),
                len(queued),
            )
        app.state.runs, app.state.hub = service, hub
        app.state.sweeps = Sweeps(SweepStore(engine), service)
        app.state.accounts = accounts = Accounts(UserStore(engine), settings)
        if settings.auth_on and accounts.users.count() == 0:
            log.warning(
                "accounts are on and there are no users yet: create the first admin with "
                "`playground users add NAME --admin` (in Docker: `docker compose exec "
                "playground playground users add NAME --admin`)"
            )
        app.state.uploads = Uploads(upload_store, settings, probes.run_job)
        app.state.uploads.clean()
        try:
            yield
        finally:
            probes.stop()
            executor.stop()
            manager.stop()
            engine.dispose()

    app = FastAPI(title="NN Playground", version=playground.__version__, lifespan=lifespan)
    app.state.settings = settings
    errors.install(app)
    wire.install(app)
    # Every route needs a user (with accounts off, everyone is the local admin) but health
    # and auth/*; websockets check theirs at the handshake (a dependency cannot close one
    # with a reason), so their routers carry none.
    user = [Depends(current_user)]
    app.include_router(meta.public)
    app.include_router(auth.router)
    app.include_router(meta.router, dependencies=user)
    app.include_router(datasets.router, dependencies=user)
    app.include_router(runs.router, dependencies=user)
    app.include_router(experiments.router, dependencies=user)
    app.include_router(ensembles.router, dependencies=user)
    app.include_router(stream.router)
    app.include_router(sweeps.router, dependencies=user)
    app.include_router(sweep_stream.router)
    app.include_router(uploads.router, dependencies=user)
    # Outermost last: Guard (Host, Origin, Content-Type) -> CORS -> BodyLimit -> routes.
    app.add_middleware(
        BodyLimit, max_bytes=settings.max_body_bytes, timeout_s=settings.body_timeout,
        # An upload's body: the file's limit plus room for the multipart framing.
        routes={UPLOADS: RouteLimits(
            settings.max_upload_bytes + MULTIPART_SLACK, settings.upload_timeout,
            f"the upload is larger than the limit of {settings.max_upload_bytes} bytes "
            "(PLAYGROUND_MAX_UPLOAD_BYTES)",
        )},
    )  # fmt: skip
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
            allow_headers=["content-type"],
        )  # fmt: skip
    app.add_middleware(
        Guard, allowed_hosts=settings.allowed_hosts,
        allowed_origins=[*settings.allowed_origins, *settings.cors_origins],
        body_types={UPLOADS: frozenset({"multipart/form-data"})},
    )  # fmt: skip
    if (settings.frontend_dir / "index.html").is_file():
        app.mount("/", StaticFiles(directory=settings.frontend_dir, html=True), name="frontend")
    else:
        app.add_api_route("/", lambda: HTMLResponse(NO_FRONTEND), include_in_schema=False)
    return app
