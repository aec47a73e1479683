"""Browser-app benchmarks in Debian's Chromium against a real server on 127.0.0.1.

1. Bundle size: every file of frontend/dist, raw and gzip-compressed (level 9).
2. Time to interactive of a local load of `/`: navigation start -> the spec editor shows its
   layers with shapes from /api/validate and the Train button is enabled (median of N loads).
3. Frame time while a run streams at full speed: requestAnimationFrame intervals and long
   tasks (> 50 ms) in the page during a spiral run whose steps arrive as fast as it trains.

    make frontend && .venv/bin/python bench/frontend.py [--loads 7] [--seconds 20]
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS, VIEWPORT  # noqa: E402
from tests.server import running  # noqa: E402

DIST = ROOT / "frontend" / "dist"
# The playground's starter network (spiral, 2-8-8-2 tanh, batch 10) for this many epochs:
# here about 30 epochs a second, each with its metrics, layer stats and a boundary grid, plus
# step losses at the engine's report rate; about as busy as a stream gets.
EPOCHS = 1000

# Records every animation-frame interval and every long task from now on.
FRAME_PROBE = """() => {
  window.__frames = []; window.__long = [];
  let last = performance.now();
  const tick = (t) => { window.__frames.push(t - last); last = t; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  new PerformanceObserver((l) => l.getEntries().forEach((e) => window.__long.push(e.duration)))
    .observe({ type: "longtask", buffered: false });
}"""


def bundle() -> list[tuple[str, int, int]]:
    out = []
    for f in sorted(DIST.rglob("*")):
        if f.is_file():
            raw = f.read_bytes()
            out.append((str(f.relative_to(DIST)), len(raw), len(gzip.compress(raw, 9))))
    return out


def time_to_interactive(browser: Browser, url: str) -> float:
    """Milliseconds from navigation start until the editor is usable with validated shapes."""
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)
    page.locator('[data-testid="layer-shape"]:has-text("→")').first.wait_for()
    page.locator('[data-testid="train"]:enabled').wait_for()
    ms: float = page.evaluate("() => performance.now()")  # since navigation start
    context.close()
    return ms


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def stream_frames(browser: Browser, url: str, seconds: float) -> dict[str, Any]:
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(url)
    page.locator('[data-testid="train"]:enabled').wait_for()
    page.locator("#f-training-epochs").fill(str(EPOCHS))
    page.get_by_placeholder("Run name (optional)").fill("bench stream")
    page.get_by_test_id("train").click()
    page.locator('[data-testid="run-status"][data-status="running"]').wait_for(timeout=60_000)
    page.locator('[data-testid="chart-loss"]').wait_for(timeout=60_000)
    page.evaluate(FRAME_PROBE)
    start_points = int(page.get_by_test_id("chart-loss").get_attribute("data-points") or 0)
    time.sleep(seconds)
    frames: list[float] = page.evaluate("() => window.__frames")
    long_tasks: list[float] = page.evaluate("() => window.__long")
    points = int(page.get_by_test_id("chart-loss").get_attribute("data-points") or 0)
    epoch = page.get_by_test_id("run-epoch").inner_text()
    status = page.get_by_test_id("run-status").get_attribute("data-status")
    if status == "running":
        page.get_by_test_id("stop").click(timeout=5_000)
    context.close()
    return {
        "frames": len(frames),
        "p50": statistics.median(frames),
        "p95": pct(frames, 0.95),
        "p99": pct(frames, 0.99),
        "max": max(frames),
        "long_tasks": len(long_tasks),
        "long_max": max(long_tasks, default=0.0),
        "points": (start_points, points),
        "epoch": epoch,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loads", type=int, default=7)
    ap.add_argument("--seconds", type=float, default=20)
    args = ap.parse_args()
    if not (DIST / "index.html").is_file():
        sys.exit("frontend/dist is missing: run `make frontend` first")

    files = bundle()
    print("bundle (bytes, raw -> gzip -9):")
    for name, raw, gz in files:
        print(f"  {name:40s} {raw:>9,d} -> {gz:>8,d}")
    print(f"  {'total':40s} {sum(r for _, r, _ in files):>9,d} -> {sum(g for *_, g in files):>8,d}")

    with (
        tempfile.TemporaryDirectory() as tmp,
        running(Path(tmp), workers=1, frontend_dir=DIST) as server,
        sync_playwright() as pw,
    ):
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        time_to_interactive(browser, server.url + "/")  # warm the server's caches
        tti = [time_to_interactive(browser, server.url + "/") for _ in range(args.loads)]
        print(f"time to interactive (ms, {args.loads} loads): median {statistics.median(tti):.0f},"
              f" min {min(tti):.0f}, max {max(tti):.0f}")  # fmt: skip
        f = stream_frames(browser, server.url + "/", args.seconds)
        print(f"streaming for {args.seconds:.0f} s ({f['epoch']}, loss chart points"
              f" {f['points'][0]} -> {f['points'][1]}): {f['frames']} frames, interval ms"
              f" p50 {f['p50']:.1f}, p95 {f['p95']:.1f}, p99 {f['p99']:.1f}, max {f['max']:.1f};"
              f" long tasks {f['long_tasks']} (longest {f['long_max']:.0f} ms)")  # fmt: skip
        browser.close()


if __name__ == "__main__":
    main()
