"""The service end to end with its runs in PostgreSQL: a real server whose database URL
points at a database on the session's throwaway PostgreSQL server (tests/pg.py), where
the rest of tests/api uses a SQLite file.

A chosen few of the SQLite tests run again here, unchanged (assigned below: pytest
collects them in this module, with this module's server), and three of its own: the
rows really are in PostgreSQL, two runs write at once, and restart recovery on this
module's server (the SQLite test starts a server of its own; one boot fewer here).
Together they cover create, list, keyset pagination, get, cancel and delete, the
websocket stream (replay, reconnect and live), a sweep, restart recovery and concurrent
writers, at the cost of two server boots; the store and service tests cover the rest on
both backends.
Skipped, with the reason, when there is no PostgreSQL; under CI that is a failure.
"""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy import text

from playground.store import make_engine
from tests.api import test_http_api as http
from tests.api import test_sweeps_api as sweeps
from tests.server import Server, collect, wait_status

SERVER_DATABASE = "postgresql"
SERVER_WORKERS = 2  # two runs train, and write, at once

# Create, get, the live stream and the stored series agree.
test_posted_spec_trains_and_streams = http.test_posted_spec_trains_and_streams
# Replay from the store, a reconnect from a seq, and live events, each message once.
test_late_and_reconnecting_viewers_see_everything_once = (
    http.test_late_and_reconnecting_viewers_see_everything_once
)
# Patch, rerun, list with filters, keyset pages, delete.
test_patch_rerun_delete_and_list = http.test_patch_rerun_delete_and_list
# A sweep's trials train, stream and are listed by sweep.
test_a_sweep_trains_every_trial_and_streams_it = (
    sweeps.test_a_sweep_trains_every_trial_and_streams_it
)


def test_the_server_keeps_its_runs_in_postgresql(server: Server, client: httpx.Client) -> None:
    """Else every test here could pass on a SQLite file the server made by itself."""
    url = server.env["PLAYGROUND_DATABASE_URL"]
    assert url.startswith("postgresql")
    run_id = client.post("/api/runs", json=http.small(epochs=2)).json()["id"]
    wait_status(client, run_id, {"succeeded"})
    stored = len(client.get(f"/api/runs/{run_id}/metrics").json()["series"]["val/loss"])
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            status = conn.execute(text("SELECT status FROM runs WHERE id = :id"), {"id": run_id})
            assert status.scalar_one() == "succeeded"
            rows = conn.execute(
                text("SELECT count(*) FROM metrics WHERE run_id = :id AND name = 'loss' "
                     "AND split = 'val'"),
                {"id": run_id},
            )  # fmt: skip
            assert rows.scalar_one() == stored == 3  # epochs 0, 1, 2
    finally:
        engine.dispose()
    assert not (server.data_dir / "playground.db").exists()


def test_two_runs_write_at_once_and_a_queued_one_cancels(
    server: Server, client: httpx.Client
) -> None:
    """Both workers' metrics are stored while both train; cancel ends each with its
    history whole (every epoch from 0, no gap, as the stream replays it)."""
    first, second, waiting = (client.post("/api/runs", json=http.long_run()).json()["id"]
                              for _ in range(3))  # fmt: skip
    for run_id in (first, second):
        wait_status(client, run_id, {"running"}, timeout=120)
    assert client.get(f"/api/runs/{waiting}").json()["queue_position"] == 0
    deadline = time.monotonic() + 60
    while min(_epochs_stored(client, r) for r in (first, second)) < 3:
        assert time.monotonic() < deadline, "the two runs did not both store epochs"
        time.sleep(0.1)
    assert {client.get(f"/api/runs/{r}").json()["status"] for r in (first, second)} == {"running"}

    for run_id in (waiting, first, second):
        assert client.post(f"/api/runs/{run_id}/cancel").status_code == 200
    for run_id in (waiting, first, second):
        assert wait_status(client, run_id, {"cancelled"}, timeout=30)["status"] == "cancelled"
    assert _epochs_stored(client, waiting) == 0
    for run_id in (first, second):
        run = client.get(f"/api/runs/{run_id}").json()
        epochs = [p[1] for p in client.get(f"/api/runs/{run_id}/metrics").json()["series"]
                  ["val/loss"]]  # fmt: skip
        assert epochs == list(range(run["epochs_done"] + 1))
        replayed = collect(server, run_id, timeout=30)
        assert http.epochs_of(replayed) == epochs


def _epochs_stored(client: httpx.Client, run_id: int) -> int:
    series: dict[str, Any] = client.get(f"/api/runs/{run_id}/metrics").json()["series"]
    return len(series.get("val/loss", []))


def test_restart_fails_running_and_resumes_queued(server: Server) -> None:
    """Last: it kills this module's server mid-run and starts it again (one boot fewer than
    a server of its own)."""
    http.check_restart_recovery(server)
