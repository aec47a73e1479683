"""POST/GET/DELETE /api/uploads through a real server: each format checked before it is kept,
bombs and pickles refused from their headers, links never followed, uploads as data sets."""

from __future__ import annotations

import gzip
import io
import os
import time
from pathlib import Path

import httpx
import numpy as np
import pytest

from tests.factories import spec_dict
from tests.server import Server, wait_status
from tests.upload_files import csv_bytes, idx_set, npz_bomb, npz_bytes, zip_of

CSV = "text/csv"
NPZ = "application/octet-stream"


def send(
    client: httpx.Client, *files: tuple[str, bytes], name: str | None = None
) -> httpx.Response:
    parts = [("file", (filename, data, NPZ)) for filename, data in files]
    return client.post("/api/uploads", files=parts, data={"name": name} if name else None)


def uploads_on_disk(server: Server) -> list[str]:
    folder = server.data_dir / "uploads"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def npy_bytes() -> bytes:
    buf = io.BytesIO()
    np.save(buf, np.zeros((4, 2)))
    return buf.getvalue()


def rss(pid: int) -> int:
    """Resident memory of a process, in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_csv_upload_previews_and_trains(server: Server, client: httpx.Client) -> None:
    r = send(client, ("points.csv", csv_bytes(120)))
    assert r.status_code == 201, r.text
    up = r.json()
    assert (up["kind"], up["name"], up["task"]) == ("csv", "points.csv", "classification")
    assert up["shapes"] == {"x": [120, 2], "y": [120]}
    assert up["columns"] == ["x1", "x2", "label"]
    preview = up["preview"]
    assert preview["kind"] == "tabular"
    assert preview["columns"] == ["x1", "x2", "target"]
    assert preview["class_names"] == ["down", "up"]
    assert uploads_on_disk(server) == [f"{up['id']}.csv"]  # named by id only
    assert [u["id"] for u in client.get("/api/uploads").json()] == [up["id"]]
    assert client.get(f"/api/uploads/{up['id']}").json()["preview"]["rows"]

    data = {"dataset": "upload", "upload": up["id"], "split": {"val": 0.2, "test": 0.2}}
    run = client.post("/api/runs", json=spec_dict(data=data, training={"epochs": 5}))
    assert run.status_code == 201, run.text
    done = wait_status(client, run.json()["id"], {"succeeded", "failed"})
    assert done["status"] == "succeeded", done["error"]
    assert done["test_accuracy"] > 0.8  # the label is a line through the plane
    view = client.post(
        f"/api/runs/{done['id']}/inspect", json={"view": "predict", "inputs": [[0.5, 0.5]]}
    )
    assert view.status_code == 200, view.text  # probes read the upload too


def test_npz_upload_is_an_image_set(client: httpx.Client) -> None:
    r = send(client, ("small.npz", npz_bytes(60)))
    assert r.status_code == 201, r.text
    up = r.json()
    assert up["kind"] == "npz"
    assert up["shapes"] == {"x": [60, 1, 8, 8], "y": [60]}
    assert up["preview"]["kind"] == "image"
    assert up["preview"]["classes"] == 3


def test_idx_set_as_four_gz_files_and_as_a_zip(server: Server, client: httpx.Client) -> None:
    files = idx_set(n_train=40, n_test=10)
    four = send(client, *files.items(), name="tiny mnist")
    assert four.status_code == 201, four.text
    up = four.json()
    assert (up["kind"], up["name"]) == ("idx", "tiny mnist")
    assert up["shapes"] == {"x": [40, 1, 8, 8], "y": [40], "x_test": [10, 1, 8, 8]}
    assert up["preview"]["kind"] == "image"
    zipped = send(client, ("mnist.zip", zip_of(files)))
    assert zipped.status_code == 201, zipped.text
    assert zipped.json()["shapes"] == up["shapes"]
    data = {"dataset": "upload", "upload": up["id"]}
    preview = client.post("/api/datasets/preview", json={"data": data}).json()
    assert preview["samples"] == {"train": 32, "val": 8, "test": 10}  # t10k is the test split
    model = {"layers": [{"type": "Flatten"}, {"type": "Linear", "out_features": 3}]}
    run = client.post("/api/runs", json=spec_dict(data=data, model=model))
    assert run.status_code == 201, run.text
    done = wait_status(client, run.json()["id"], {"succeeded", "failed"})
    assert done["status"] == "succeeded", done["error"]


def test_idx_with_a_bad_magic_number_is_refused(server: Server, client: httpx.Client) -> None:
    files = idx_set()
    files["t10k-labels-idx1-ubyte.gz"] = b"\x1f\x8b" + b"junk" * 10
    r = send(client, *files.items())
    assert r.status_code == 422
    assert "t10k-labels-idx1-ubyte.gz" in r.text
    assert not [n for n in uploads_on_disk(server) if n.startswith(".incoming")]


def test_bad_csv_line_is_reported_and_nothing_is_kept(server: Server, client: httpx.Client) -> None:
    before = uploads_on_disk(server)
    r = send(client, ("bad.csv", csv_bytes(30, bad_line=7)))
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    assert item["path"] == "file"
    assert "column 'x1' must be numeric: line 7 holds 'oops'" in item["msg"]
    assert uploads_on_disk(server) == before


def test_pickled_npz_is_refused(server: Server, client: httpx.Client) -> None:
    before = uploads_on_disk(server)
    r = send(client, ("objects.npz", npz_bytes(pickled=True)))
    assert r.status_code == 422
    assert "pickle" in r.text
    assert "object" in r.text
    assert uploads_on_disk(server) == before


def test_npz_bomb_is_refused_from_its_headers(
    server: Server, client: httpx.Client, tmp_path: Path
) -> None:
    bomb = npz_bomb(tmp_path / "bomb.npz")  # ~1.1 MB expanding to 1.1 GB
    assert bomb.stat().st_size < 1_500_000
    pid = server.proc.pid if server.proc else 0
    before = rss(pid)
    started = time.monotonic()
    r = send(client, ("bomb.npz", bomb.read_bytes()))
    seconds = time.monotonic() - started
    grown = rss(pid) - before
    print(
        f"npz bomb: {r.status_code} in {seconds:.2f} s, API RSS {before >> 20} MB, +{grown >> 20} MB"
    )
    assert r.status_code == 422
    assert "1101100256 bytes" in r.text
    assert grown < 50_000_000  # the 1.1 GB array was never allocated
    assert seconds < 10


def test_a_link_in_the_uploads_folder_is_never_read(server: Server, client: httpx.Client) -> None:
    folder = server.data_dir / "uploads"
    folder.mkdir(exist_ok=True)
    os.symlink("/etc/passwd", folder / "424242.csv")
    os.symlink("/etc/passwd", folder / "evil.csv")
    try:
        for data in (
            {"dataset": "upload", "upload": 424242},
            {"dataset": "csv", "file": "evil.csv"},
        ):
            r = client.post("/api/datasets/preview", json={"data": data})
            assert r.status_code == 422, r.text
            assert "root" not in r.text
            assert "line" not in r.text
            assert "fields" not in r.text
            run = client.post("/api/runs", json=spec_dict(data=data))
            assert run.status_code == 422
            assert "root" not in run.text
        r = client.post(
            "/api/datasets/preview", json={"data": {"dataset": "upload", "upload": 424242}}
        )
        assert r.json()["detail"][0]["path"] == "data.upload"
        assert client.get("/api/uploads/424242").status_code == 404
    finally:
        (folder / "424242.csv").unlink()
        (folder / "evil.csv").unlink()


def test_delete_removes_file_and_row(server: Server, client: httpx.Client) -> None:
    up = send(client, ("gone.csv", csv_bytes(20))).json()
    assert f"{up['id']}.csv" in uploads_on_disk(server)
    assert client.delete(f"/api/uploads/{up['id']}").status_code == 204
    assert f"{up['id']}.csv" not in uploads_on_disk(server)
    assert client.get(f"/api/uploads/{up['id']}").status_code == 404
    assert client.delete(f"/api/uploads/{up['id']}").status_code == 404
    data = {"dataset": "upload", "upload": up["id"]}
    r = client.post("/api/runs", json=spec_dict(data=data))
    assert r.status_code == 422
    (item,) = r.json()["detail"]
    assert item["path"] == "data.upload"
    assert "deleted" in item["msg"]
    again = send(client, ("again.csv", csv_bytes(20))).json()
    assert again["id"] > up["id"]  # ids are never reused: old runs never see new data


def test_uploads_pass_the_origin_check_and_only_multipart(client: httpx.Client) -> None:
    foreign = {"Origin": "http://evil.example"}
    r = client.post(
        "/api/uploads", files=[("file", ("a.csv", csv_bytes(10), CSV))], headers=foreign
    )
    assert r.status_code == 403
    r = client.post("/api/uploads", content=csv_bytes(10), headers={"Content-Type": "text/plain"})
    assert r.status_code == 415


@pytest.mark.parametrize(
    ("filename", "data", "says"),
    [
        ("junk.npz", b"\x00\x01junk" * 50, "not a zip archive"),
        ("single.npy", npy_bytes(), "single array"),
        ("images.gz", gzip.compress(b"\x00\x00\x08\x03" + bytes(20)), "four together"),
        ("empty.csv", b"", "header row"),
        ("binary.csv", b"\xff\xfe\x00\x00" * 10, "UTF-8"),
        ("broken.zip", b"PK\x05\x06" + bytes(18) + b"PK\x03\x04", "IDX"),
    ],
)
def test_damaged_files_are_422_at_file(
    server: Server, client: httpx.Client, filename: str, data: bytes, says: str
) -> None:
    before = uploads_on_disk(server)
    r = send(client, (filename, data))
    assert r.status_code == 422, r.text
    (item,) = r.json()["detail"]
    assert item["path"] == "file"
    assert says in item["msg"]
    assert uploads_on_disk(server) == before


def test_a_large_upload_is_streamed_to_disk_not_held(
    server: Server, client: httpx.Client, tmp_path: Path
) -> None:
    """60 MB of images: the API process's memory grows by far less than the file."""
    path = tmp_path / "large.npz"
    rng = np.random.default_rng(0)
    np.savez(
        path, x=rng.integers(0, 255, (60_000, 1, 20, 50), dtype=np.uint8), y=np.arange(60_000) % 10
    )
    pid = server.proc.pid if server.proc else 0
    before = rss(pid)
    started = time.monotonic()
    with path.open("rb") as f:
        r = client.post("/api/uploads", files=[("file", ("large.npz", f, NPZ))], timeout=120)
    seconds = time.monotonic() - started
    grown = rss(pid) - before
    size = path.stat().st_size
    print(
        f"large upload: {size >> 20} MB in {seconds:.1f} s, API RSS {before >> 20} MB, +{grown >> 20} MB"
    )
    assert r.status_code == 201, r.text
    assert r.json()["shapes"] == {"x": [60_000, 1, 20, 50], "y": [60_000]}
    assert grown < size / 3
    assert client.delete(f"/api/uploads/{r.json()['id']}").status_code == 204
