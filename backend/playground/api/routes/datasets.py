"""/api/datasets: a sample of a data set to draw before training."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from playground.api.deps import RunsDep
from playground.ml.datasets import DataSpec


class DataSpecRoute(APIRoute):
    """Reports errors in a posted data spec under "data", its place in a run spec.

    So the paths are those /api/validate gives for the same fields ("data.noise"), and
    agree with the data sets' own errors ("data.file"); an unknown set is "data", not "".
    """

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as e:
                errors = [_under_data(error) for error in e.errors()]
                raise RequestValidationError(errors, body=e.body) from None

        return handle


def _under_data(error: dict[str, Any]) -> dict[str, Any]:
    loc = tuple(error["loc"])
    if loc[:1] != ("body",) or error["type"] == "json_invalid":  # not JSON: no field to name
        return error
    return {**error, "loc": ("body", "data", *loc[1:])}


router = APIRouter(prefix="/api/datasets", tags=["datasets"], route_class=DataSpecRoute)


@router.post("/preview")
def preview(spec: DataSpec, runs: RunsDep) -> dict[str, Any]:
    """Task, split sizes and a small sample of the set (points, images, series, rows, text)."""
    return runs.preview(data=spec)
