"""Runs and Compare in a real browser: stored runs listed live, replayed, reopened, compared."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, WebSocketRoute, expect

from tests.e2e.helpers import ROOT, shot
from tests.server import wait_status


def quick_spec(name: str, lr: float) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(Path(ROOT / "examples" / "mlp_spiral.json").read_text())
    spec["name"] = name
    spec["training"]["epochs"] = 4
    spec["training"]["optimizer"]["lr"] = lr
    return spec


def post_run(api: httpx.Client, spec: dict[str, Any]) -> int:
    response = api.post("/api/runs", json=spec)
    assert response.status_code == 201, response.text
    run_id: int = response.json()["id"]
    return run_id


def test_runs_table_detail_and_open_in_playground(page: Page, api: httpx.Client) -> None:
    page.goto("/#/runs")
    expect(page.get_by_test_id("runs-table").or_(page.get_by_test_id("runs-empty"))).to_be_visible()
    # A run created elsewhere (another tab, a script) appears and finishes live, via /api/events.
    run_id = post_run(api, quick_spec("e2e listed", 0.05))
    row = page.locator(f'[data-testid="run-row"][data-run-id="{run_id}"]')
    expect(row).to_be_visible()
    expect(row).to_have_attribute("data-status", "succeeded", timeout=60_000)
    expect(row).to_contain_text("e2e listed")
    shot(page, "runs-table")

    row.get_by_test_id("run-link").click()
    expect(page).to_have_url(re.compile(rf"#/runs/{run_id}$"))
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "succeeded")
    # Curves replayed from the store: every epoch (0..4) of the run.
    expect(page.get_by_test_id("chart-accuracy")).to_have_attribute("data-points", "5")
    expect(page.get_by_test_id("confusion")).to_be_visible()
    shot(page, "run-detail")

    page.get_by_role("button", name="Open in playground").click()
    expect(page).to_have_url(re.compile(r"#/play\?spec="))
    expect(page.get_by_placeholder("Run name (optional)")).to_have_value("e2e listed")
    expect(page.locator("#f-training-optimizer-lr")).to_have_value("0.05")
    expect(page.get_by_test_id("layer-card")).to_have_count(5)


def test_compare_two_runs_shows_the_differing_field(page: Page, api: httpx.Client) -> None:
    a = post_run(api, quick_spec("e2e compare a", 0.03))
    b = post_run(api, quick_spec("e2e compare b", 0.3))
    for run_id in (a, b):
        wait_status(api, run_id, {"succeeded"})
    page.goto(f"/#/compare?ids={a},{b}")
    rows = page.get_by_test_id("diff-row")
    expect(rows).to_have_count(1)
    lr = page.locator('[data-testid="diff-row"][data-path="training.optimizer.lr"]')
    expect(lr).to_contain_text("0.03")
    expect(lr).to_contain_text("0.3")
    expect(page.get_by_test_id("compare-chart").first).to_be_visible()
    shot(page, "compare")

    # The selection lives in the URL: a reload shows the same comparison.
    page.reload()
    expect(page.get_by_test_id("diff-row")).to_have_count(1)


# The dropped page-side socket may be reported by Chromium; losing it is the point here.
@pytest.mark.allow_page_errors(r"WebSocket")
def test_a_lost_stream_reconnects_by_itself_and_resumes_without_gaps(
    page: Page, api: httpx.Client
) -> None:
    spec = quick_spec("e2e reconnect", 0.03)
    spec["training"]["epochs"] = 60  # still running when the page connects, even on a slow CI
    routed: list[str] = []

    def route(ws: WebSocketRoute) -> None:
        routed.append(ws.url)
        server = ws.connect_to_server()
        if len(routed) > 1:
            return  # later connections pass through untouched
        frames = 0

        def forward_then_drop(message: str | bytes) -> None:
            # Drop the browser's side mid-run: at the 4th frame, or earlier if this frame
            # ends the run (a run that finished before the page came gets its history in
            # one replay frame). Only the part before the frame's last seq (or before the
            # result) gets through.
            nonlocal frames
            frames += 1
            messages = json.loads(message)
            ends = [m["seq"] for m in messages if m["type"] == "result"]
            if frames < 4 and not ends:
                ws.send(message)
                return
            cut = min(ends) if ends else max(m["seq"] for m in messages)
            ws.send(json.dumps([m for m in messages if m["seq"] < cut]))
            ws.close(code=4000, reason="test drops the connection")
            server.close()

        server.on_message(forward_then_drop)

    page.route_web_socket(re.compile(r"/api/runs/\d+/stream"), route)
    run_id = post_run(api, spec)
    page.goto(f"/#/runs/{run_id}")
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "succeeded", timeout=120_000
    )
    # Every epoch 0..60 arrived once: the resumed stream filled exactly what was missed.
    expect(page.get_by_test_id("chart-accuracy")).to_have_attribute("data-points", "61")
    # The browser opened the stream again by itself, asking only for what came after.
    assert len(routed) >= 2, routed
    resumed_from = int(re.search(r"from_seq=(\d+)", routed[1]).group(1))  # type: ignore[union-attr]
    assert resumed_from > 0
    stored = api.get(f"/api/runs/{run_id}/metrics").json()["series"]
    assert len(stored["val/accuracy"]) == 61
