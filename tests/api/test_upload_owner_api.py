"""Uploads belong to their uploader, through a real server with PLAYGROUND_AUTH=on: a
member lists, reads, deletes and trains on only their own (another's is 404, or 422 at
data.upload worded as a missing one), an admin sees and uses all, and the quota is per user."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.api.test_accounts_api import PASSWORD, as_, cli, finished, new_token
from tests.factories import spec_dict
from tests.server import Server
from tests.upload_files import csv_bytes

BODY = csv_bytes(120)
# Room for two of ann's uploads and not a third: the quota is hers alone, not the server's.
SERVER_ENV = {"PLAYGROUND_AUTH": "on", "PLAYGROUND_UPLOAD_QUOTA_BYTES": str(2 * len(BODY) + 100)}


@pytest.fixture(scope="module")
def tokens(server: Server) -> dict[str, str]:
    """teacher (admin), ann and bob (members): a token each."""
    for name, admin in (("teacher", True), ("ann", False), ("bob", False)):
        done = cli(server, "users", "add", name, *(["--admin"] if admin else []), stdin=PASSWORD)
        assert done.returncode == 0, done.stderr
    return {name: new_token(server, name) for name in ("teacher", "ann", "bob")}


def send(client: httpx.Client, name: str = "points.csv") -> httpx.Response:
    return client.post("/api/uploads", files=[("file", (name, BODY, "text/csv"))])


def upload_data(upload_id: int) -> dict[str, Any]:
    return {"dataset": "upload", "upload": upload_id}


def on(upload_id: int) -> dict[str, Any]:
    return spec_dict(data=upload_data(upload_id), training={"epochs": 2, "batch_size": 20})


def refused_at_upload(r: httpx.Response, upload_id: int, prefix: tuple[Any, ...] = ()) -> None:
    """422 at data.upload, in the words used for an upload that does not exist."""
    assert r.status_code == 422, r.text
    (item,) = r.json()["detail"]
    assert item["loc"] == [*prefix, "data", "upload"]
    assert item["msg"].startswith(f"no upload {upload_id}: it was deleted or never existed")


@pytest.fixture(scope="module")
def ann_upload(server: Server, tokens: dict[str, str]) -> int:
    with as_(server, tokens["ann"]) as ann:
        r = send(ann, "ann.csv")
        assert r.status_code == 201, r.text
        return int(r.json()["id"])


def test_another_members_upload_is_not_found(
    server: Server, tokens: dict[str, str], ann_upload: int
) -> None:
    with as_(server, tokens["bob"]) as bob, as_(server, tokens["ann"]) as ann:
        assert ann_upload in [u["id"] for u in ann.get("/api/uploads").json()]
        assert ann_upload not in [u["id"] for u in bob.get("/api/uploads").json()]
        for r in (bob.get(f"/api/uploads/{ann_upload}"), bob.delete(f"/api/uploads/{ann_upload}")):
            assert r.status_code == 404
            assert r.json()["detail"] == f"no upload {ann_upload}"  # as for a missing one
        assert ann.get(f"/api/uploads/{ann_upload}").status_code == 200  # still there


def test_a_member_trains_only_on_their_own_upload(
    server: Server, tokens: dict[str, str], ann_upload: int
) -> None:
    missing = 987654
    with as_(server, tokens["bob"]) as bob, as_(server, tokens["ann"]) as ann:
        for upload_id in (ann_upload, missing):  # the same answer: ids cannot be probed
            refused_at_upload(bob.post("/api/validate", json=on(upload_id)), upload_id)
            refused_at_upload(bob.post("/api/runs", json=on(upload_id)), upload_id)
            preview = bob.post("/api/datasets/preview", json={"data": upload_data(upload_id)})
            refused_at_upload(preview, upload_id)
            spec = {"spec": on(upload_id)}
            refused_at_upload(bob.post("/api/sanity", json=spec), upload_id, ("spec",))
            refused_at_upload(bob.post("/api/lr-find", json=spec), upload_id, ("spec",))
        sweep = {"base": on(ann_upload), "grid": {"training.optimizer.lr": [0.1, 0.01]}}
        r = bob.post("/api/sweeps", json=sweep)
        assert r.status_code == 422, r.text
        assert r.json()["detail"][0]["loc"] == ["trials", 0, "data", "upload"]
        assert bob.get("/api/runs").json()["items"] == []  # nothing was queued

        assert ann.post("/api/validate", json=on(ann_upload)).status_code == 200
        preview = ann.post("/api/datasets/preview", json={"data": upload_data(ann_upload)})
        assert preview.status_code == 200, preview.text


def test_a_shared_run_on_an_upload_is_seen_but_not_rerun_by_others(
    server: Server, tokens: dict[str, str], ann_upload: int
) -> None:
    with as_(server, tokens["ann"]) as ann, as_(server, tokens["bob"]) as bob:
        created = ann.post("/api/runs", json=on(ann_upload))
        assert created.status_code == 201, created.text
        run_id = created.json()["id"]
        assert finished(ann, run_id)["status"] == "succeeded"
        assert ann.patch(f"/api/runs/{run_id}", json={"shared": True}).status_code == 200
        assert bob.get(f"/api/runs/{run_id}").status_code == 200  # shared: bob may view it
        refused_at_upload(bob.post(f"/api/runs/{run_id}/rerun", json={}), ann_upload)
        again = ann.post(f"/api/runs/{run_id}/rerun", json={})  # its owner may
        assert again.status_code == 201, again.text


def test_an_admin_sees_uses_and_deletes_every_upload(
    server: Server, tokens: dict[str, str], ann_upload: int
) -> None:
    with as_(server, tokens["teacher"]) as teacher, as_(server, tokens["bob"]) as bob:
        assert ann_upload in [u["id"] for u in teacher.get("/api/uploads").json()]
        assert teacher.get(f"/api/uploads/{ann_upload}").status_code == 200
        assert teacher.post("/api/validate", json=on(ann_upload)).status_code == 200
        preview = teacher.post("/api/datasets/preview", json={"data": upload_data(ann_upload)})
        assert preview.status_code == 200, preview.text
        bobs = send(bob, "bob-extra.csv")
        assert bobs.status_code == 201, bobs.text
        assert teacher.delete(f"/api/uploads/{bobs.json()['id']}").status_code == 204
        assert bob.get(f"/api/uploads/{bobs.json()['id']}").status_code == 404


def test_the_quota_counts_each_user_apart(
    server: Server, tokens: dict[str, str], ann_upload: int
) -> None:
    with as_(server, tokens["ann"]) as ann, as_(server, tokens["bob"]) as bob:
        second = send(ann, "second.csv")
        assert second.status_code == 201, second.text
        over = send(ann, "third.csv")
        assert over.status_code == 413  # ann is at her quota...
        assert "delete an upload first" in over.json()["detail"]
        theirs = send(bob, "bob.csv")
        assert theirs.status_code == 201, theirs.text  # ...bob is not
        assert [u["id"] for u in bob.get("/api/uploads").json()] == [theirs.json()["id"]]
        assert bob.delete(f"/api/uploads/{theirs.json()['id']}").status_code == 204
        assert ann.delete(f"/api/uploads/{second.json()['id']}").status_code == 204
        assert send(ann, "fits.csv").status_code == 201  # room again after deleting
