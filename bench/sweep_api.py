"""A sweep through the API against one run, side by side on one warm server (issue 9's target).

Each is timed from the POST until every run it made has succeeded, on the same server with
its warm worker pool (default: one worker, as `make run` starts). The bench learns that from
`WS /api/events`, the status stream the browser's Runs list follows (subscribed before the
POST): polling, as it first did, cost the server a request every 50 ms (~2 ms of CPU each,
with uvicorn's share), which a 3-second sweep paid 60 times and a 1-second run 20.

1. one spiral 2-8-8-2 run (tanh, SGD, batch 10, 100 epochs: TensorFlow Playground's net);
2. a sweep of the same net, lr x seed grid, 64 trials (and 256 with --big), which the
   executor trains as grouped trials (ml/vectorized.py) where it can.

Rounds alternate one run / sweep so a change in the machine's load hits both alike; "x one
run" is the median of the medians, "paired" the median of each round's sweep / its one run
(this 2-core VM's speed drifts by tens of percent over a minute: pairs see the same drift).
`--busy`: the same with one core kept busy by a spinning process all along.
Also printed: the CPU seconds the API process and its worker(s) spent on each (from
/proc), the metric rows a sweep stored, and the API's CPU per 1,000 of them (issue 11:
what the API costs per metric while a sweep streams in).

    .venv/bin/python bench/sweep_api.py [--rounds 3] [--trials 64] [--workers 1] [--busy]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.server import Server  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from cli_threads import busy_core  # noqa: E402

SPIRAL: dict[str, Any] = {
    "data": {"dataset": "spiral"},  # 500 points: 300 to train on
    "model": {"layers": [{"type": "Linear", "out_features": 8, "activation": "Tanh"},
                         {"type": "Linear", "out_features": 8, "activation": "Tanh"},
                         {"type": "Linear", "out_features": 2}]},
    "training": {"epochs": 100, "batch_size": 10, "optimizer": {"type": "SGD", "lr": 0.03}},
}  # fmt: skip
ACTIVE = ("queued", "running")
LRS = [0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 0.001, 0.05, 0.2, 0.5, 0.02, 0.07, 0.15, 0.4, 0.7, 2.0]


class Statuses:
    """Status changes of every run, from `WS /api/events`, from the moment it is made."""

    def __init__(self, server: Server) -> None:
        self._ws = connect(f"{server.ws_url}/api/events", max_size=None)
        self._status: dict[int, str] = {}

    def close(self) -> None:
        self._ws.close()

    def wait(self, ids: list[int], timeout: float = 1800) -> None:
        """Until every run has ended; raises unless all succeeded."""
        deadline = time.monotonic() + timeout
        while pending := [i for i in ids if self._status.get(i) in (None, *ACTIVE)]:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{len(pending)} runs still going")
            for m in json.loads(self._ws.recv(timeout=left)):
                if m["type"] == "status":
                    self._status[m["run_id"]] = m["status"]
        failed = {i: self._status[i] for i in ids if self._status[i] != "succeeded"}
        if failed:
            raise RuntimeError(f"runs ended otherwise: {failed}")


def one_run(client: httpx.Client, statuses: Statuses) -> float:
    start = time.perf_counter()
    run_id = client.post("/api/runs", json=SPIRAL).json()["id"]
    statuses.wait([run_id])
    return time.perf_counter() - start


def sweep_with_id(client: httpx.Client, statuses: Statuses, trials: int) -> tuple[float, int]:
    seeds = max(1, trials // len(LRS))
    lrs = LRS[: trials // seeds]
    body = {"name": "bench", "base": SPIRAL, "grid": {"training.optimizer.lr": lrs},
            "seeds": seeds}  # fmt: skip
    start = time.perf_counter()
    response = client.post("/api/sweeps", json=body)
    response.raise_for_status()
    ids = [t["run_id"] for t in response.json()["trials"]]
    assert len(ids) == trials
    statuses.wait(ids)
    return time.perf_counter() - start, response.json()["id"]


def cpu_seconds(pid: int) -> dict[str, float]:
    """User + system CPU seconds of a process ("api") and of each of its children."""
    tick = os.sysconf("SC_CLK_TCK")

    def stat(p: int) -> list[str]:
        return Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()

    seconds = {"api": (int(stat(pid)[11]) + int(stat(pid)[12])) / tick}
    for entry in Path("/proc").iterdir():
        try:
            fields = stat(int(entry.name)) if entry.name.isdigit() else None
        except OSError:  # gone meanwhile
            continue
        if fields is not None and int(fields[1]) == pid:
            seconds[f"worker {entry.name}"] = (int(fields[11]) + int(fields[12])) / tick
    return seconds


def metric_rows(database: Path, sweep_id: int) -> int:
    query = "SELECT count(*) FROM metrics WHERE run_id IN (SELECT id FROM runs WHERE sweep_id = ?)"
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as conn:
        return int(conn.execute(query, (sweep_id,)).fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--trials", type=int, nargs="+", default=[64])
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--busy", action="store_true", help="keep one core busy throughout")
    args = parser.parse_args()
    cpu: dict[str, list[tuple[float, float, int]]] = {}  # api s, workers s, metric rows
    with tempfile.TemporaryDirectory() as tmp, busy_core(args.busy):
        server = Server(Path(tmp), workers=args.workers).start()
        assert server.proc is not None
        pid = server.proc.pid
        try:
            statuses = Statuses(server)
            with httpx.Client(base_url=server.url, timeout=60) as client:
                one_run(client, statuses)  # warm the data set cache and the first-call paths
                times: dict[str, list[float]] = {"one run": []}
                for _ in range(args.rounds):
                    before = cpu_seconds(pid)
                    times["one run"].append(one_run(client, statuses))
                    cpu.setdefault("one run", []).append((*_spent(before, pid), 0))
                    for n in args.trials:
                        before = cpu_seconds(pid)
                        wall, sweep_id = sweep_with_id(client, statuses, n)
                        times.setdefault(f"sweep of {n}", []).append(wall)
                        rows = metric_rows(Path(tmp) / "playground.db", sweep_id)
                        cpu.setdefault(f"sweep of {n}", []).append((*_spent(before, pid), rows))
            statuses.close()
        finally:
            server.stop()
    base = statistics.median(times["one run"])
    print(f"{'':>14} {'median s':>9} {'runs':>24} {'x one run':>10} {'paired':>7}"
          f" {'API CPU s':>10} {'worker CPU s':>13} {'metric rows':>12} {'API ms/1k rows':>15}")  # fmt: skip
    for name, values in times.items():
        shown = " ".join(f"{v:.1f}" for v in values)
        api = statistics.median(c[0] for c in cpu[name])
        workers = statistics.median(c[1] for c in cpu[name])
        rows = statistics.median(c[2] for c in cpu[name])
        per_k = f"{statistics.median(1000 * c[0] / c[2] * 1000 for c in cpu[name]):15.1f}" if rows else f"{'':>15}"  # fmt: skip
        paired = statistics.median(v / b for v, b in zip(values, times["one run"], strict=True))
        print(f"{name:>14} {statistics.median(values):9.2f} {shown:>24} "
              f"{statistics.median(values) / base:10.2f} {paired:7.2f} {api:10.2f} {workers:13.2f} "
              f"{rows:12.0f} {per_k}")  # fmt: skip


def _spent(before: dict[str, float], pid: int) -> tuple[float, float]:
    """CPU seconds the API and its workers spent since `before`."""
    now = cpu_seconds(pid)
    api = now["api"] - before["api"]
    workers = sum(v - before.get(k, 0.0) for k, v in now.items() if k != "api")
    return api, workers


if __name__ == "__main__":
    main()
