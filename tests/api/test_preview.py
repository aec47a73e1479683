"""POST /api/datasets/preview against a real server: a sample to draw, or 422 with a path."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.factories import spec_dict
from tests.server import Server

URL = "/api/datasets/preview"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    server = Server(tmp_path_factory.mktemp("preview"), workers=1).start()
    try:
        with server.client() as c:
            yield c
    finally:
        server.stop()


def test_spiral_preview(client: httpx.Client) -> None:
    r = client.post(URL, json={"data": {"dataset": "spiral", "noise": 0.2, "n_samples": 300}})
    assert r.status_code == 200, r.text
    out = r.json()
    assert (out["kind"], out["task"], out["classes"]) == ("2d", "classification", 2)
    assert out["samples"] == {"train": 180, "val": 60, "test": 60}
    assert (len(out["train"]), len(out["test"])) == (180, 60)
    assert len(r.content) < 100_000


@pytest.mark.parametrize(
    ("data", "path", "fragment"),
    [
        ({"dataset": "spiral", "noise": -1}, "data.noise", "greater than or equal to 0"),
        (
            {"dataset": "spirals"},
            "data.dataset",
            "unknown data set 'spirals'; did you mean 'spiral'?",
        ),
        ({"noise": 0.1}, "data", "missing the field 'dataset'"),
        ({"dataset": "mnist"}, "data.dataset", "MNIST files not found"),
        ({"dataset": "csv", "file": "mine.csv"}, "data.file", "no uploaded file 'mine.csv'"),
    ],
)
def test_bad_data_specs_get_the_paths_validate_gives(
    client: httpx.Client, data: dict[str, Any], path: str, fragment: str
) -> None:
    r = client.post(URL, json={"data": data})
    assert r.status_code == 422, r.text
    detail = r.json()["detail"]
    assert detail[0]["path"] == path
    assert fragment in detail[0]["msg"]
    # The same data section inside a whole run spec fails at the same path.
    same = client.post("/api/validate", json={**spec_dict(), "data": data}).json()["detail"]
    assert same[0]["path"] == path


def test_preview_is_in_the_openapi_schema(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "requestBody" in paths[URL]["post"]
