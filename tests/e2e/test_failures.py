"""What the app shows when things go wrong: a run that diverges, a server that goes away."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from playwright.sync_api import Browser, Page, expect

from tests.e2e.helpers import ROOT, VIEWPORT, frontend_dir, shot
from tests.server import Server, free_port


def test_a_diverged_run_says_so_with_its_message(page: Page, api: httpx.Client) -> None:
    spec = json.loads(Path(ROOT / "examples" / "mlp_spiral.json").read_text())
    spec["name"] = "e2e diverges"
    spec["training"]["optimizer"] = {"type": "SGD", "lr": 100, "momentum": 0.9}
    spec["model"]["layers"] = [
        {"type": "Linear", "out_features": 64, "activation": "ReLU"},
        {"type": "Linear", "out_features": 64, "activation": "ReLU"},
        {"type": "Linear", "out_features": 2},
    ]
    run_id = api.post("/api/runs", json=spec).json()["id"]
    page.goto(f"/#/runs/{run_id}")
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "diverged", timeout=60_000
    )
    stored = api.get(f"/api/runs/{run_id}").json()["error"]
    assert stored
    expect(page.get_by_test_id("run-error")).to_contain_text(stored)
    shot(page, "run-diverged")


# Its own server and browser context (not the `page` fixture): failed loads are the point here.
def test_a_server_that_goes_away_is_reported_and_the_app_recovers_by_itself(
    browser: Browser, tmp_path: Path
) -> None:
    port = free_port()
    server = Server(tmp_path / "down", port=port, frontend_dir=frontend_dir()).start()
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/#/runs")
        expect(page.get_by_test_id("runs-empty")).to_be_visible(timeout=10_000)
        server.stop()
        # Reloading the list (here: changing the filter) now fails visibly.
        page.get_by_test_id("runs-status-filter").select_option("failed")
        expect(page.get_by_test_id("runs-error")).to_be_visible(timeout=15_000)
        page.get_by_test_id("runs-status-filter").select_option("")
        expect(page.get_by_test_id("runs-error")).to_be_visible(timeout=15_000)
        shot(page, "runs-server-down")

        server = Server(tmp_path / "down", port=port, frontend_dir=frontend_dir()).start()
        with server.client() as api:
            api.post("/api/runs", json={"name": "after the restart", **_tiny()})
        # Nobody touches the page: it retries by itself and shows the list with the new run.
        expect(page.get_by_test_id("runs-error")).to_have_count(0, timeout=30_000)
        expect(page.get_by_test_id("run-row").filter(has_text="after the restart")).to_be_visible(
            timeout=30_000
        )
    finally:
        context.close()
        server.stop()


def _tiny() -> dict[str, object]:
    return {
        "data": {"dataset": "xor", "n_samples": 100},
        "model": {"layers": [{"type": "Linear", "out_features": 2}]},
        "training": {"epochs": 1},
    }
