"""Service benchmarks against a real server process on 127.0.0.1 (warm worker pool).

1. POST /api/runs -> first metric on the run's websocket, for a tiny spec (p50, p95).
2. Training time of one run with 0 viewers vs 50 websocket viewers (median ratio).
3. GET /api/runs and GET /api/runs/{id}/metrics latency with 10,000 runs and 1,000,000
   metric rows in the store.

    .venv/bin/python bench/service.py [--latency-runs 20] [--viewers 50] [--load 2]
        [--parts latency,viewers,http]

`--load N` starts N busy-loop processes (one core each) for the whole run, to measure the
service on a loaded machine; the load average is printed beside every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import websockets

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from tests.server import Server, running  # noqa: E402

from playground.store import RunStore, make_engine, migrate  # noqa: E402
from store_queries import fill_metrics, fill_runs  # noqa: E402

TINY = {
    "data": {"dataset": "xor", "n_samples": 100},
    "model": {"layers": [{"type": "Linear", "out_features": 4, "activation": "Tanh"},
                         {"type": "Linear", "out_features": 2}]},
    "training": {"epochs": 2, "batch_size": 10},
}  # fmt: skip
# About 10 s of training: long enough that viewers' cost would show.
STEADY = {
    "data": {"dataset": "spiral", "n_samples": 1000},
    "model": {"layers": [{"type": "Linear", "out_features": 32, "activation": "Tanh"},
                         {"type": "Linear", "out_features": 32, "activation": "Tanh"},
                         {"type": "Linear", "out_features": 2}]},
    "training": {"epochs": 60, "batch_size": 8, "optimizer": {"type": "Adam", "lr": 0.003}},
}  # fmt: skip


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


@dataclass
class Timeline:
    """One tiny run's way to its first metric: seconds since the epoch (time.time()).

    The client's marks are its own; the server's are the store's timestamps of the rows
    it wrote (same machine, same clock), read back once the run is over.
    """

    run_id: int
    post: float  # the client sends POST /api/runs
    answered: float  # the client has the POST's answer
    opened: float  # the client's websocket is open
    first: float  # the client has the first step/epoch message
    created: float = math.nan  # the run row is stored (queued)
    started: float = math.nan  # the worker's Started is stored (running, start event)
    stored: float = math.nan  # the first metric batch is stored

    @property
    def total_ms(self) -> float:
        return (self.first - self.post) * 1000


async def first_metric(server: Server, client: httpx.AsyncClient) -> Timeline:
    """POST a tiny run, open its stream, wait for the first step/epoch message."""
    post = time.time()
    run_id = (await client.post("/api/runs", json=TINY)).json()["id"]
    answered = time.time()
    async with websockets.connect(f"{server.ws_url}/api/runs/{run_id}/stream") as ws:
        opened = time.time()
        async for raw in ws:
            if any(m["type"] in ("step", "epoch") for m in json.loads(raw)):
                first = time.time()
                break
    await _wait_done(client, run_id)
    return Timeline(run_id, post, answered, opened, first)


def read_store_marks(db: Path, timelines: list[Timeline]) -> None:
    """Fill each timeline's server-side marks from the rows' stored timestamps."""
    engine = make_engine(f"sqlite:///{db}")
    epoch = datetime(1970, 1, 1, tzinfo=UTC)

    def seconds(value: str | None) -> float:  # SQLite keeps UTC datetimes as naive text
        return (
            math.nan
            if value is None
            else (datetime.fromisoformat(value).replace(tzinfo=UTC) - epoch).total_seconds()
        )

    with engine.connect() as conn:
        for t in timelines:
            created = conn.exec_driver_sql(
                "SELECT created_at FROM runs WHERE id = ?", (t.run_id,)
            ).scalar()
            started = conn.exec_driver_sql(
                "SELECT created_at FROM run_events WHERE run_id = ? AND type = 'start'", (t.run_id,)
            ).scalar()
            # The first metric batch's other rows (its epoch-0 boundary grid) carry its time.
            stored = conn.exec_driver_sql(
                "SELECT min(created_at) FROM run_events WHERE run_id = ? AND seq = "
                "(SELECT min(seq) FROM metrics WHERE run_id = ?)", (t.run_id, t.run_id),
            ).scalar()  # fmt: skip
            t.created, t.started, t.stored = seconds(created), seconds(started), seconds(stored)
    engine.dispose()


def print_breakdown(timelines: list[Timeline]) -> None:
    """Median time of each mark after the POST was sent, in the order they usually come."""
    marks = [
        ("run row stored (validated, queued)", "created"),
        ("client has the POST's answer", "answered"),
        ("worker's Started stored (running)", "started"),
        ("client's websocket open", "opened"),
        ("first metric batch stored", "stored"),
        ("client has the first metric", "first"),
    ]
    print("  where the time goes (median ms after POST; two paths in parallel: the client's")
    print("  POST then websocket, and the run's worker -> store -> hub -> websocket)")
    for label, name in marks:
        values = [(getattr(t, name) - t.post) * 1000 for t in timelines]
        values = [v for v in values if not math.isnan(v)]
        if values:
            print(
                f"    {label:<36} {statistics.median(values):6.1f}  (range {min(values):.1f}-{max(values):.1f})"
            )


async def _wait_done(client: httpx.AsyncClient, run_id: int) -> dict[str, Any]:
    while True:
        run: dict[str, Any] = (await client.get(f"/api/runs/{run_id}")).json()
        if run["status"] not in ("queued", "running"):
            return run
        await asyncio.sleep(0.05)


async def train_seconds(server: Server, client: httpx.AsyncClient, viewers: int) -> float:
    """Worker-side training time of STEADY while `viewers` websockets follow it live."""
    run_id = (await client.post("/api/runs", json=STEADY)).json()["id"]
    received = [0] * viewers

    async def view(i: int) -> None:
        async with websockets.connect(
            f"{server.ws_url}/api/runs/{run_id}/stream", max_size=None
        ) as ws:
            async for raw in ws:
                received[i] += len(json.loads(raw))

    tasks = [asyncio.create_task(view(i)) for i in range(viewers)]
    run = await _wait_done(client, run_id)
    await asyncio.gather(*tasks)
    assert run["status"] == "succeeded", run["error"]
    assert all(n == received[0] for n in received), "every viewer gets every byte"
    return float(run["result"]["seconds"])


async def latency_and_viewers(server: Server, n: int, viewers: int, parts: set[str]) -> None:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        if "latency" in parts:
            await first_metric(server, client)  # warm-up
            timelines = [await first_metric(server, client) for _ in range(n)]
            lat = [t.total_ms for t in timelines]
            print(f"POST -> first metric on the websocket ({n} tiny runs, warm pool): "
                  f"p50 {pct(lat, 0.5):.1f} ms, p95 {pct(lat, 0.95):.1f} ms, "
                  f"max {max(lat):.1f} ms ({load_note()})")  # fmt: skip
            read_store_marks(server.data_dir / "playground.db", timelines)
            print_breakdown(timelines)
        if "viewers" not in parts:
            return
        ratios = []
        for _ in range(3):
            alone = await train_seconds(server, client, 0)
            watched = await train_seconds(server, client, viewers)
            ratios.append(watched / alone)
            print(f"  training {alone:.2f} s alone, {watched:.2f} s with {viewers} viewers")
        print(
            f"{viewers} viewers vs none: median slowdown {100 * (statistics.median(ratios) - 1):+.1f} %"
        )


def http_latency(data_dir: Path, runs: int, rows: int) -> None:
    engine = make_engine(f"sqlite:///{data_dir / 'playground.db'}")
    migrate(engine)
    fill_runs(engine, runs)
    run_id = fill_metrics(RunStore(engine), rows)
    engine.dispose()
    with running(data_dir, workers=1) as server, httpx.Client(base_url=server.url) as c:
        for label, url, params in [
            ("GET /api/runs (first page of 50)", "/api/runs", {}),
            ("GET /api/runs?sort=test_accuracy", "/api/runs", {"sort": "test_accuracy"}),
            ("GET /api/runs?status=failed", "/api/runs", {"status": "failed"}),
            (f"GET /api/runs/{run_id}/metrics?names=loss&split=train&max_points=1000",
             f"/api/runs/{run_id}/metrics", {"names": "loss", "split": "train", "max_points": 1000}),
            (f"GET /api/runs/{run_id}/metrics?max_points=1000 (all series)",
             f"/api/runs/{run_id}/metrics", {"max_points": 1000}),
        ]:  # fmt: skip
            times = []
            for _ in range(7):
                t = time.perf_counter()
                r = c.get(url, params=params, timeout=120)
                times.append((time.perf_counter() - t) * 1000)
                r.raise_for_status()
            print(
                f"{label}: median {statistics.median(times):.1f} ms ({runs:,} runs, {rows:,} rows)"
            )


@contextlib.contextmanager
def busy_loops(n: int) -> Iterator[None]:
    """`n` processes spinning (one core each) while the block runs: a loaded machine."""
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        if spinners:
            time.sleep(1.0)  # past their start-up
        yield
    finally:
        for p in spinners:
            p.kill()
            p.wait()


def load_note() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


PARTS = ("latency", "viewers", "http")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-runs", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=50)
    parser.add_argument("--runs", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--load", type=int, default=0, help="busy-loop processes to start")
    parser.add_argument(
        "--parts", default=",".join(PARTS), help="comma-separated: " + ",".join(PARTS)
    )
    args = parser.parse_args()
    parts = set(args.parts.split(","))
    if unknown := parts - set(PARTS):
        parser.error(f"unknown parts {sorted(unknown)}; known: {', '.join(PARTS)}")
    with tempfile.TemporaryDirectory() as tmp, busy_loops(args.load):
        if args.load:
            print(f"{args.load} busy-loop process(es) running")
        if parts & {"latency", "viewers"}:
            server = Server(Path(tmp) / "live", workers=1).start()
            try:
                asyncio.run(latency_and_viewers(server, args.latency_runs, args.viewers, parts))
            finally:
                server.stop()
        if "http" in parts:
            http_latency(Path(tmp) / "big", args.runs, args.rows)


if __name__ == "__main__":
    main()
