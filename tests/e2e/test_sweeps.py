"""Sweeps in a real browser: build one from the playground, watch its trials, ablate a run,
ensemble the best trials from the results table."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import shot
from tests.e2e.test_runs import quick_spec
from tests.server import wait_status

SWEEP_TIMEOUT_MS = 180_000  # 4 small runs on 2 workers of a loaded 2-core machine


def test_lr_by_seed_sweep_from_the_playground(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_test_id("layer-card")).to_have_count(3)  # the starter spiral MLP
    page.locator("#f-training-epochs").fill("8")
    page.get_by_placeholder("Run name (optional)").fill("e2e sweep")
    page.get_by_test_id("sweep-open").click()

    builder = page.get_by_test_id("sweep-builder")
    builder.get_by_test_id("sweep-add-field").select_option("training.optimizer.lr")
    axis = builder.locator('[data-testid="sweep-axis"][data-path="training.optimizer.lr"]')
    axis.get_by_test_id("sweep-axis-values").fill("0.03, 0.3")
    expect(axis.get_by_test_id("sweep-axis-preview")).to_have_text("2 values: 0.03, 0.3")
    builder.get_by_test_id("sweep-seeds").fill("2")
    # The count is shown before anything is submitted: 2 learning rates x 2 seeds.
    expect(builder.get_by_test_id("sweep-trial-count")).to_have_attribute("data-trials", "4")
    shot(page, "sweep-builder")
    builder.get_by_test_id("sweep-start").click()

    expect(page).to_have_url(re.compile(r"#/sweeps/\d+$"))
    tiles = page.get_by_test_id("trial-tile")
    expect(tiles).to_have_count(4)
    # Every tile fills in live: a decision boundary and a loss curve, then its final status.
    for i in range(4):
        expect(tiles.nth(i)).to_have_attribute("data-status", "succeeded", timeout=SWEEP_TIMEOUT_MS)
    for i in range(4):
        expect(tiles.nth(i).get_by_test_id("trial-boundary")).to_have_attribute(
            "data-epoch", re.compile(r"[1-9]\d*")
        )
        expect(tiles.nth(i).get_by_test_id("trial-sparkline")).to_have_attribute(
            "data-points", re.compile(r"[1-9]\d*")
        )
    expect(page.get_by_test_id("sweep-status")).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_test_id("sweep-counts")).to_contain_text("4 of 4 done")

    # The table starts best first, and the best trial is the one marked on the grid too.
    rows = page.get_by_test_id("trial-row")
    expect(rows).to_have_count(4)
    expect(rows.first).to_have_attribute("data-best", "true")
    best_id = rows.first.get_attribute("data-run-id")
    expect(page.locator(f'[data-testid="trial-tile"][data-run-id="{best_id}"]')).to_have_attribute(
        "data-best", "true"
    )
    cells = page.locator('[data-testid="trial-row"] td[data-metric="val_accuracy"]')
    values = [float(t.rstrip(" %")) for t in cells.all_inner_texts()]
    assert values == sorted(values, reverse=True), values
    # A click on a header sorts by it; again, the other way.
    page.get_by_test_id("sort-param:training.optimizer.lr").click()
    lrs = page.locator(
        '[data-testid="trial-row"] td[data-param="training.optimizer.lr"]'
    ).all_inner_texts()
    assert lrs == ["0.03", "0.03", "0.3", "0.3"], lrs
    expect(page.get_by_test_id("parallel-coords")).to_have_attribute("data-lines", "4")
    shot(page, "sweep-done")

    # One click from a trial to its run.
    run_id = tiles.first.get_attribute("data-run-id")
    tiles.first.get_by_test_id("trial-run-link").click()
    expect(page).to_have_url(re.compile(rf"#/runs/{run_id}$"))
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "succeeded")

    # The list links back to it.
    page.goto("/#/sweeps")
    expect(page.get_by_test_id("sweep-row").filter(has_text="e2e sweep").first).to_be_visible()
    shot(page, "sweeps-list")


def dropout_spec() -> dict[str, Any]:
    return {
        "name": "e2e ablate",
        "data": {"dataset": "spiral", "n_samples": 300},
        "model": {
            "layers": [
                {"type": "Linear", "out_features": 16, "activation": "Tanh"},
                {"type": "Dropout", "p": 0.2},
                {"type": "Linear", "out_features": 2},
            ]
        },
        "training": {"epochs": 5, "batch_size": 10, "optimizer": {"type": "SGD", "lr": 0.1}},
    }


def test_ablate_a_run_with_dropout(page: Page, api: httpx.Client) -> None:
    response = api.post("/api/runs", json=dropout_spec())
    assert response.status_code == 201, response.text
    run_id = response.json()["id"]
    wait_status(api, run_id, {"succeeded"})

    page.goto(f"/#/runs/{run_id}")
    page.get_by_test_id("run-ablate").click()
    expect(page).to_have_url(re.compile(r"#/sweeps/\d+$"))
    expect(page.get_by_test_id("ablation-table")).to_be_visible()
    expect(page.get_by_test_id("ablation-note")).to_contain_text("How to read it")
    dropout = page.get_by_test_id("ablation-row").filter(has_text="no Dropout")
    expect(dropout).to_have_count(1)
    # Once the trial has trained, its change against the base run is shown.
    expect(dropout.get_by_test_id("ablation-delta")).to_have_text(
        re.compile(r"^[+−±]\d"), timeout=SWEEP_TIMEOUT_MS
    )
    expect(page.get_by_test_id("ablation-base")).to_contain_text(f"#{run_id}")
    shot(page, "sweep-ablation")


# The browser logs the refused POST as a failed load; the refusal is the point here.
@pytest.mark.allow_page_errors(r"status of 422")
def test_a_sweep_over_the_trial_limit_is_refused_with_the_reason(page: Page) -> None:
    page.goto("/")
    page.get_by_test_id("sweep-open").click()
    builder = page.get_by_test_id("sweep-builder")
    builder.get_by_test_id("sweep-add-field").select_option("training.optimizer.lr")
    axis = builder.locator('[data-testid="sweep-axis"][data-path="training.optimizer.lr"]')
    axis.get_by_test_id("sweep-axis-mode").select_option("range")
    axis.get_by_test_id("sweep-axis-n").fill("64")
    expect(axis.get_by_test_id("sweep-axis-preview")).to_contain_text("64 values: 0.003,")
    builder.get_by_test_id("sweep-seeds").fill("5")
    expect(builder.get_by_test_id("sweep-trial-count")).to_have_attribute("data-trials", "320")
    builder.get_by_test_id("sweep-start").click()
    # The server's limit on trials per sweep, in its own words; nothing was started.
    expect(builder.get_by_test_id("sweep-error")).to_contain_text("320 trials")
    expect(page).to_have_url(re.compile(r"#/play"))
    expect(builder.get_by_test_id("sweep-start")).to_be_enabled()


def test_ensemble_the_best_trials_of_a_sweep(page: Page, api: httpx.Client) -> None:
    base = quick_spec("e2e sweep ensemble", 0.1)
    base["training"]["epochs"] = 12  # trained enough that the accuracies mean something
    sweep = {
        "name": "e2e sweep ensemble",
        "base": base,
        "grid": {"training.optimizer.lr": [0.1, 0.3]},
        "seeds": 2,
    }
    response = api.post("/api/sweeps", json=sweep)
    assert response.status_code == 201, response.text
    sweep_id = response.json()["id"]

    page.goto(f"/#/sweeps/{sweep_id}")
    expect(page.get_by_test_id("sweep-status")).to_have_attribute(
        "data-status", "succeeded", timeout=SWEEP_TIMEOUT_MS
    )
    bar = page.get_by_test_id("sweep-ensemble")
    expect(bar).to_contain_text("An ensemble averages the predictions")
    # Every trial succeeded, so every one can be picked and nothing is explained away.
    expect(page.get_by_test_id("trial-pick")).to_have_count(4)
    for box in page.get_by_test_id("trial-pick").all():
        expect(box).to_be_enabled()
    expect(page.get_by_test_id("ensemble-blocked")).to_have_count(0)

    # The table starts best first (the sweep's metric), so the best 3 are its first 3 rows.
    rows = page.get_by_test_id("trial-row")
    expect(rows.first).to_have_attribute("data-best", "true")
    best = [rows.nth(i).get_attribute("data-run-id") for i in range(3)]
    expect(bar.get_by_test_id("ensemble-best")).to_have_text("Ensemble the best 4")  # k <= trials
    bar.get_by_test_id("ensemble-k").fill("3")
    bar.get_by_test_id("ensemble-best").click()

    table = page.get_by_test_id("ensemble-table")
    expect(table.locator("tbody tr")).to_have_count(4)  # three members and the ensemble
    links = table.locator("tbody tr a")
    expect(links).to_have_count(3)
    assert [(a.get_attribute("href") or "").split("/")[-1] for a in links.all()] == best
    expect(links.first).to_contain_text("Trial ")
    expect(table).to_contain_text("Ensemble (mean probability)")
    # Each member's test accuracy and the ensemble's, and the one comparison to look at.
    for row in table.locator("tbody tr").all():
        expect(row.locator("td").nth(1)).to_have_text(re.compile(r"^\d+\.\d %$"))
    expect(page.get_by_test_id("ensemble-verdict")).to_contain_text("for the mean member")
    for i in range(3):
        expect(rows.nth(i).get_by_test_id("trial-pick")).to_be_checked()
    expect(rows.nth(3).get_by_test_id("trial-pick")).not_to_be_checked()
    shot(page, "sweep-ensemble")
    page.set_viewport_size({"width": 1920, "height": 1080})
    shot(page, "sweep-ensemble-1920")

    # Picked by hand: drop one of the three, score the other two.
    rows.nth(2).get_by_test_id("trial-pick").uncheck()
    bar.get_by_test_id("ensemble-selected").click()
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr a")).to_have_count(2)
