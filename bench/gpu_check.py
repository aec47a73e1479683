"""One prepared check of the GPU path (issue 11), to run once on a machine with a GPU.

    .venv/bin/python bench/gpu_check.py                        # on cuda: at most ~8 minutes
    .venv/bin/python bench/gpu_check.py --device cpu --quick   # anywhere: the script works

On a lent GPU machine (its python3 has a CUDA torch but not FastAPI, SQLAlchemy, ...):
`bench/gpu_wheels.py` here first, then carry ".whl" and run there
`python3 -m pip install -q --no-index --no-deps --target /tmp/site .whl/*.whl &&
PYTHONPATH=/tmp/site:backend PYTHONUNBUFFERED=1 python3 bench/gpu_check.py` (timeout 600).

1. CLI: `playground train PRESET --json --device DEV` for the digits CNN and the spiral MLP
   presets, and the same with `--device cpu` as the reference.
2. Service: a real `playground serve` (its worker on the GPU when there is one); each preset
   POSTed with training.device = DEV and waited for.
   Both are checked against the CPU reference: test accuracy within ACC_TOL (absolute) and
   test loss within LOSS_TOL (relative, plus LOSS_ABS): floating-point sums run in another
   order on a GPU, so 100 epochs of SGD end near, not on, the CPU's weights. Full runs also
   check each preset's own claim (its `expect` accuracy).
3. Engine vs plain loop on DEV, samples/s end to end (data load and build included): the
   engine's `train(spec)` against the loop a careful user writes (data on the device, one
   shuffle per epoch, slices, per-epoch train and validation loss and accuracy read in one
   transfer, test accuracy at the end; no DataLoader). Alternating rounds after one warm-up
   round; median and range. Target: engine >= 0.95x the plain loop.
4. Tiny net: spiral MLP training steps per second (training time as the run reports it,
   per-epoch evaluation included) with training.cuda_graphs "auto" and "off", alternating;
   the graph's capture (or its fallback) is read from the engine's log.

Prints a table; writes gpu_check.json under $OUT (or --out) when either is set. Torch
threads in this process follow the CLI's rule (ml/threads.py: the model's size, free cores).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import torch
import torch.nn.functional as F
from torch import nn

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The CLI and server subprocesses import this checkout's package, whatever .venv points at.
os.environ["PYTHONPATH"] = os.pathsep.join(
    p for p in (str(ROOT / "backend"), os.environ.get("PYTHONPATH")) if p
)

from bench.plain_loops import digits_cnn, mlp_2_8_8_2  # noqa: E402
from tests.server import Server, wait_status  # noqa: E402

from playground.executors.host import free_cores  # noqa: E402
from playground.ml.datasets import DataContext, load  # noqa: E402
from playground.ml.hooks import EpochReport, Hooks  # noqa: E402
from playground.ml.spec import RunSpec  # noqa: E402
from playground.ml.threads import threads_for, use_threads  # noqa: E402
from playground.ml.train import train  # noqa: E402

ACC_TOL = 0.04  # test accuracy, absolute (spiral: 4 of its 100 test points)
LOSS_TOL, LOSS_ABS = 0.30, 0.02  # test loss: |gpu - cpu| <= LOSS_TOL * cpu + LOSS_ABS
SPEED_TARGET = 0.95  # engine samples/s over the plain loop's
PRESETS = {
    "cnn": ROOT / "examples" / "cnn_digits.json",
    "mlp": ROOT / "examples" / "mlp_spiral.json",
}
QUICK_EPOCHS = {"cnn": 2, "mlp": 5}


def preset(name: str, device: str, quick: bool, **training: Any) -> dict[str, Any]:
    raw: dict[str, Any] = json.loads(PRESETS[name].read_text())
    raw["training"] = {**raw["training"], "device": device, **training}
    if quick:
        raw["training"]["epochs"] = QUICK_EPOCHS[name]
        raw.pop("expect", None)  # a claim about the full run
    return raw


def close(got: dict[str, float], ref: dict[str, float]) -> bool:
    return (
        abs(got["accuracy"] - ref["accuracy"]) <= ACC_TOL
        and abs(got["loss"] - ref["loss"]) <= LOSS_TOL * ref["loss"] + LOSS_ABS
    )


def claim_holds(raw: dict[str, Any], test: dict[str, float]) -> bool | None:
    """The preset's own test-accuracy claim ([low, high]); None when it makes none."""
    bounds = raw.get("expect", {}).get("test.accuracy")
    if bounds is None:
        return None
    low, high = bounds
    return (low is None or test["accuracy"] >= low) and (high is None or test["accuracy"] <= high)


# ---- 1. CLI ---------------------------------------------------------------------------------
def cli_train(raw: dict[str, Any], device: str, tmp: Path) -> dict[str, Any]:
    path = tmp / f"spec-{time.monotonic_ns()}.json"
    path.write_text(json.dumps(raw))
    cmd = [sys.executable, "-m", "playground.cli", "train", str(path), "--json", "--device", device]
    started = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT)
    out: dict[str, Any] = json.loads(proc.stdout) if proc.stdout.strip() else {"status": "crashed"}
    out["wall_seconds"] = time.perf_counter() - started
    if out.get("status") != "succeeded":
        out["stderr"] = proc.stderr[-2000:]
    return out


def check_cli(device: str, quick: bool, tmp: Path) -> dict[str, Any]:
    results: dict[str, Any] = {}
    for name in PRESETS:
        raw = preset(name, device, quick)
        ref = cli_train(raw, "cpu", tmp)
        got = ref if device == "cpu" else cli_train(raw, device, tmp)
        ok = got.get("status") == "succeeded" and ref.get("status") == "succeeded"
        results[name] = {
            "device": got.get("device"), "test": got.get("test"), "cpu_test": ref.get("test"),
            "close_to_cpu": ok and close(got["test"], ref["test"]),
            "claim": claim_holds(raw, got["test"]) if ok else None,
            "seconds": got.get("seconds"), "cpu_seconds": ref.get("seconds"),
            "error": got.get("error") or ref.get("error") or got.get("stderr"),
        }  # fmt: skip
    return results


# ---- 2. Service ------------------------------------------------------------------------------
def check_service(device: str, quick: bool, tmp: Path, cli: dict[str, Any]) -> dict[str, Any]:
    results: dict[str, Any] = {}
    started = time.perf_counter()
    server = Server(tmp / "server", workers=1).start()
    boot = time.perf_counter() - started
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            pool = client.get("/api/system").json().get("pool", [])
            for name in PRESETS:
                raw = preset(name, device, quick)
                posted = client.post("/api/runs", json=raw)
                if posted.status_code != 201:
                    results[name] = {"error": f"POST {posted.status_code}: {posted.text[:500]}"}
                    continue
                run = wait_status(client, posted.json()["id"], {"succeeded", "failed",
                                  "cancelled", "diverged"}, timeout=300)  # fmt: skip
                test = (run.get("result") or {}).get("test")
                ref = cli.get(name, {}).get("cpu_test")
                results[name] = {
                    "status": run["status"], "device": run.get("device"), "test": test,
                    "close_to_cpu": bool(test and ref and close(test, ref)),
                    "claim": claim_holds(raw, test) if test else None,
                    "seconds": (run.get("result") or {}).get("seconds"), "error": run.get("error"),
                }  # fmt: skip
    finally:
        server.stop()
    results["boot_seconds"] = boot
    results["workers"] = [w.get("device") for w in pool]
    return results


# ---- 3. Engine vs plain loop -----------------------------------------------------------------
# The same hand-written nets as the CPU bench's plain loops (bench/plain_loops.py).
MODELS: dict[str, Callable[[], nn.Module]] = {"cnn": digits_cnn, "mlp": mlp_2_8_8_2}


def plain(raw: dict[str, Any], make: Callable[[], nn.Module], dev: torch.device) -> float:
    """The hand-written loop on `dev`; returns its test accuracy."""
    spec = RunSpec.model_validate(raw)
    t = spec.training
    data = load(spec.data, DataContext())
    x, y = data.train.x.to(dev), data.train.y.to(dev)
    xv, yv = data.val.x.to(dev), data.val.y.to(dev)
    torch.manual_seed(t.seed)
    model = make().to(dev)
    opt = t.optimizer.build(model.parameters())
    n, bs = len(x), int(t.batch_size)
    history = []
    for _ in range(t.epochs):
        model.train()
        perm = torch.randperm(n, device=dev)
        xs, ys = x[perm], y[perm]
        total = torch.zeros((), device=dev)
        for i in range(0, n, bs):
            loss = F.cross_entropy(model(xs[i : i + bs]), ys[i : i + bs])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.detach() * len(xs[i : i + bs])
        model.eval()
        with torch.no_grad():
            out = model(xv)
            val = torch.stack([F.cross_entropy(out, yv), (out.argmax(1) == yv).float().mean()])
        history.append(torch.cat([(total / n)[None], val]).tolist())  # one read per epoch
    with torch.no_grad():
        xt, yt = data.test.x.to(dev), data.test.y.to(dev)
        return float((model.eval()(xt).argmax(1) == yt).float().mean())


def engine(raw: dict[str, Any]) -> float:
    result = train(RunSpec.model_validate(raw), Hooks())
    assert result.status == "succeeded", result.error
    return result.test["accuracy"]


def timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return time.perf_counter() - started


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def check_speed(device: str, quick: bool, rounds: int) -> dict[str, Any]:
    dev = torch.device(device)
    results: dict[str, Any] = {}
    for name, make in MODELS.items():
        raw = preset(name, device, quick)
        spec = RunSpec.model_validate(raw)
        use_threads(threads_for(spec, cores=free_cores()))
        samples = spec.training.epochs * load(spec.data, DataContext()).info.n_train
        engine(raw), plain(raw, make, dev)  # warm-up: CUDA context, cuBLAS/cuDNN, caches
        ours, theirs = [], []
        for _ in range(rounds):
            ours.append(samples / timed(lambda raw=raw: engine(raw)))
            theirs.append(samples / timed(lambda raw=raw, make=make: plain(raw, make, dev)))
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        results[name] = {
            "engine_samples_per_s": summary(ours), "plain_samples_per_s": summary(theirs),
            "ratio": summary(ratios), "meets_target": statistics.median(ratios) >= SPEED_TARGET,
        }  # fmt: skip
    return results


# ---- 4. CUDA graphs on the tiny net ----------------------------------------------------------
class _Log(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


class _LastEpoch(Hooks):
    report: EpochReport | None = None

    def on_epoch(self, report: EpochReport) -> None:
        self.report = report


def steps_per_second(raw: dict[str, Any]) -> tuple[float, float]:
    """(training steps per second of training time, test accuracy)."""
    hooks = _LastEpoch()
    result = train(RunSpec.model_validate(raw), hooks)
    assert result.status == "succeeded", result.error
    assert hooks.report is not None
    return hooks.report.step / hooks.report.seconds, result.test["accuracy"]


def check_graphs(device: str, quick: bool, rounds: int) -> dict[str, Any]:
    log = _Log()
    for name in ("playground.ml.cuda_graphs", "playground.ml.train"):
        logging.getLogger(name).addHandler(log)
        logging.getLogger(name).setLevel(logging.INFO)
    on, off = preset("mlp", device, quick), preset("mlp", device, quick, cuda_graphs="off")
    use_threads(threads_for(RunSpec.model_validate(on), cores=free_cores()))
    steps_per_second(on), steps_per_second(off)  # warm-up
    with_graphs, without, acc_on, acc_off = [], [], [], []
    for _ in range(rounds):
        rate, acc = steps_per_second(on)
        with_graphs.append(rate)
        acc_on.append(acc)
        rate, acc = steps_per_second(off)
        without.append(rate)
        acc_off.append(acc)
    ratios = [a / b for a, b in zip(with_graphs, without, strict=True)]
    return {
        "steps_per_s_graphs": summary(with_graphs), "steps_per_s_eager": summary(without),
        "ratio": summary(ratios),
        "captured": sum("captured" in m for m in log.messages),
        "capture_failed": [m for m in log.messages if "failed" in m][:3],
        "eager_reasons": sorted({m for m in log.messages if m.startswith("training eagerly")}),
        "accuracy_graphs_vs_eager": [acc_on[-1], acc_off[-1]],
        "close": abs(acc_on[-1] - acc_off[-1]) <= ACC_TOL,
    }  # fmt: skip


# ---- report ----------------------------------------------------------------------------------
def table(report: dict[str, Any]) -> str:
    rows = [("check", "result", "ok")]
    for section in ("cli", "service", "speed", "graphs"):
        if "error" in report[section]:  # the section crashed: its traceback is in the JSON
            rows.append((section, report[section]["error"].strip().splitlines()[-1][:90], "NO"))
    for section in ("cli", "service"):
        for name in PRESETS:
            if name not in report[section]:
                continue
            r = report[section].get(name, {})
            test = r.get("test") or {}
            shown = f"acc {test.get('accuracy', float('nan')):.4f} loss {test.get('loss', float('nan')):.4f}"
            claim = r.get("claim")
            ok = r.get("close_to_cpu") and claim is not False
            rows.append(
                (
                    f"{section} {name} on {r.get('device')}",
                    f"{shown} (claim: {claim})",
                    "yes" if ok else "NO",
                )
            )
    for name, r in report["speed"].items():
        if name == "error":
            continue
        ratio = r["ratio"]
        rows.append((
            f"engine/plain samples/s {name}",
            f"{ratio['median']:.3f}x ({ratio['min']:.3f}-{ratio['max']:.3f}); engine "
            f"{r['engine_samples_per_s']['median']:,.0f}/s",
            "yes" if r["meets_target"] else "NO",
        ))  # fmt: skip
    g = report["graphs"]
    rows.append((
        "spiral steps/s graphs/eager",
        f"{g['ratio']['median']:.2f}x ({g['steps_per_s_graphs']['median']:,.0f} vs "
        f"{g['steps_per_s_eager']['median']:,.0f}); captured {g['captured']}",
        # On a GPU the spiral run must have been captured; the CPU never captures.
        "yes" if g["close"] and (g["captured"] > 0 or report["device"] == "cpu") else "NO",
    ) if "error" not in g else ("spiral steps/s graphs/eager", "(failed)", "NO"))  # fmt: skip
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, width, strict=True)) for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--device", default="cuda", help='"cuda", "cuda:N" or "cpu"')
    parser.add_argument("--quick", action="store_true", help="few epochs, one round")
    parser.add_argument(
        "--rounds", type=int, default=None, help="timed rounds (default 5; quick 1)"
    )
    parser.add_argument("--out", type=Path, default=None, help="folder for gpu_check.json ($OUT)")
    args = parser.parse_args()
    if args.device.startswith("cuda") and not torch.cuda.is_available():
        sys.exit("no CUDA device here: use --device cpu (with --quick to just check the script)")
    rounds = args.rounds or (1 if args.quick else 5)
    started = time.perf_counter()
    report: dict[str, Any] = {
        "device": args.device, "quick": args.quick, "rounds": rounds,
        "gpu": torch.cuda.get_device_name() if args.device.startswith("cuda") else None,
        "torch": torch.__version__, "load_before": os.getloadavg(),
        "tolerance": {"accuracy_abs": ACC_TOL, "loss_rel": LOSS_TOL, "loss_abs": LOSS_ABS},
    }  # fmt: skip
    out = args.out or (Path(os.environ["OUT"]) if os.environ.get("OUT") else None)
    with tempfile.TemporaryDirectory() as tmp:
        for section, fn in [
            ("cli", lambda: check_cli(args.device, args.quick, Path(tmp))),
            ("service", lambda: check_service(args.device, args.quick, Path(tmp), report["cli"])),
            ("speed", lambda: check_speed(args.device, args.quick, rounds)),
            ("graphs", lambda: check_graphs(args.device, args.quick, rounds)),
        ]:
            t = time.perf_counter()
            try:
                report[section] = fn()
            except Exception:  # one try on a lent GPU: keep going, keep the traceback
                report[section] = {"error": traceback.format_exc()}
            print(f"{section}: {time.perf_counter() - t:.1f} s", flush=True)
            save(report, out)  # what is done survives a run cut short
    report["load_after"] = os.getloadavg()
    report["seconds"] = time.perf_counter() - started
    print(table(report))
    print(f"load (1/5/15 min) before {report['load_before']}, after {report['load_after']}; "
          f"{report['seconds']:.0f} s in all")  # fmt: skip
    save(report, out)
    if out is not None:
        print(f"wrote {out / 'gpu_check.json'}")


def save(report: dict[str, Any], out: Path | None) -> None:
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "gpu_check.json").write_text(json.dumps(report, indent=2, default=str))


if __name__ == "__main__":
    main()
