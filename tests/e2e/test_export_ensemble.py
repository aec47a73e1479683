"""Export and ensembles in a real browser: download a run's files from its Export menu;
score selected runs of the same data as an ensemble from the runs list."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.helpers import shot
from tests.e2e.test_runs import post_run, quick_spec
from tests.server import wait_status


def seeded(name: str, seed: int) -> dict[str, Any]:
    spec = quick_spec(name, 0.05)
    spec["training"]["seed"] = seed
    return spec


def test_export_menu_downloads_each_file(page: Page, api: httpx.Client) -> None:
    run_id = post_run(api, quick_spec("e2e export", 0.05))
    wait_status(api, run_id, {"succeeded"})
    page.goto(f"/#/runs/{run_id}")
    menu = page.get_by_test_id("export-menu")
    menu.get_by_text("Export", exact=True).click()
    expect(menu.get_by_test_id("export-pytorch")).to_be_visible()
    expect(menu).to_contain_text("plain PyTorch")
    shot(page, "export-menu")

    with page.expect_download() as info:
        menu.get_by_test_id("export-zip").click()
    download = info.value
    assert download.suggested_filename.startswith(f"run-{run_id}-epoch-")
    with zipfile.ZipFile(io.BytesIO(download.path().read_bytes())) as z:
        assert {"spec.json", "weights.safetensors", "model.py", "model.onnx"} <= set(z.namelist())
        assert json.loads(z.read("spec.json"))["name"] == "e2e export"

    with page.expect_download() as info:
        menu.get_by_test_id("export-pytorch").click()
    assert info.value.suggested_filename.endswith("-model.py")
    assert "def load(" in info.value.path().read_text()


def test_ensemble_of_selected_runs(page: Page, api: httpx.Client) -> None:
    ids = [post_run(api, seeded(f"e2e ensemble {s}", s)) for s in (1, 2, 3)]
    for run_id in ids:
        wait_status(api, run_id, {"succeeded"})
    page.goto("/#/runs")
    for run_id in ids:
        row = page.locator(f'[data-testid="run-row"][data-run-id="{run_id}"]')
        row.get_by_role("checkbox").check()
    page.get_by_test_id("ensemble-selected").click()
    table = page.get_by_test_id("ensemble-table")
    expect(table).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(4)  # three members and the ensemble
    expect(table).to_contain_text("Ensemble (mean probability)")
    expect(page.get_by_test_id("ensemble-panel")).to_contain_text("test samples")
    shot(page, "ensemble")

    page.get_by_test_id("ensemble-method").select_option("vote")
    page.get_by_test_id("ensemble-selected").click()
    expect(table).to_contain_text("Ensemble (majority vote)")
