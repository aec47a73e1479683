"""Error responses: 422 with JSON paths, 404, 409, 413; never a traceback."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from playground.executors.probes import ViewTimeoutError
from playground.ml.errors import ErrorItem, SpecError, from_error_dicts
from playground.services.exports import NoSnapshotError
from playground.services.runs import NotRunningError, QueueFullError
from playground.services.sweeps import SweepNotFoundError
from playground.services.uploads import UploadNotFoundError, UploadTooLargeError
from playground.store.errors import InvalidCursorError, RunNotFoundError
from playground.store.states import IllegalTransition


def error_body(items: list[ErrorItem]) -> dict[str, object]:
    return {"detail": [e.as_dict() for e in items]}


async def _request_invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    # Body errors are reported relative to the spec ("model.layers[0]"), not "body.model...".
    items = from_error_dicts(
        [
            {**e, "loc": tuple(e["loc"])[1:] if e["loc"][:1] == ("body",) else e["loc"]}
            for e in errors
        ]
    )
    return JSONResponse(error_body(items), status_code=422)


async def _spec_invalid(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SpecError)
    return JSONResponse(error_body(exc.errors), status_code=422)


async def _not_found(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc) or "not found"}, status_code=404)


async def _conflict(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=409)


async def _too_large(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=413)


async def _view_timeout(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=503)


async def _bad_cursor(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(error_body([ErrorItem(("cursor",), str(exc))]), status_code=422)


async def _queue_full(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=429)


def install(app: FastAPI) -> None:
    app.add_exception_handler(QueueFullError, _queue_full)
    app.add_exception_handler(RequestValidationError, _request_invalid)
    app.add_exception_handler(SpecError, _spec_invalid)
    app.add_exception_handler(RunNotFoundError, _not_found)
    app.add_exception_handler(SweepNotFoundError, _not_found)
    app.add_exception_handler(NoSnapshotError, _not_found)
    app.add_exception_handler(UploadNotFoundError, _not_found)
    app.add_exception_handler(UploadTooLargeError, _too_large)
    app.add_exception_handler(IllegalTransition, _conflict)
    app.add_exception_handler(NotRunningError, _conflict)
    app.add_exception_handler(InvalidCursorError, _bad_cursor)
    app.add_exception_handler(ViewTimeoutError, _view_timeout)
