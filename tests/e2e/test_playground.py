"""The playground in a real browser: build a network by clicking, train it, watch it learn."""

from __future__ import annotations

import re
import time

import httpx
import pytest
import torch
from playwright.sync_api import Page, expect

from playground.ml.spec import RunSpec
from playground.ml.train import train
from tests.e2e.helpers import shot

TRAIN_TIMEOUT_MS = 120_000


def attr_int(page: Page, test_id: str, attr: str) -> int:
    # Inside the run's charts: the data preview draws its own (boundary-less) canvas.
    value = page.get_by_test_id("run-charts").get_by_test_id(test_id).get_attribute(attr)
    return int(value) if value and value.lstrip("-").isdigit() else -1


def run_id_from_url(page: Page) -> int:
    match = re.search(r"[?&]run=(\d+)", page.url)
    assert match, f"no run id in {page.url}"
    return int(match.group(1))


def build_two_layer_mlp(page: Page) -> None:
    """Spiral, then Linear(8)+Tanh -> Linear(2), all through the editor's controls."""
    page.goto("/")
    page.get_by_label("data set").select_option("spiral")
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_test_id("layer-card")).to_have_count(0)
    add_type = page.get_by_label("Layer type to add to the model")
    add = page.get_by_role("button", name="+ Add layer")
    add_type.select_option("Linear")
    add.click()
    page.locator("#f-model-layers-0-activation").select_option("Tanh")
    page.locator("#f-model-layers-0-out_features").fill("12")
    add.click()
    page.locator("#f-model-layers-1-out_features").fill("2")
    page.locator("#f-training-epochs").fill("30")
    page.get_by_placeholder("Run name (optional)").fill("e2e spiral mlp")
    cards = page.get_by_test_id("layer-card")
    expect(cards).to_have_count(2)
    # Shapes and parameters come back from /api/validate as the user edits.
    expect(cards.nth(0).get_by_test_id("layer-shape")).to_have_text("→ 12")
    expect(cards.nth(0).get_by_test_id("layer-params")).to_have_text("36 params")
    expect(cards.nth(1).get_by_test_id("layer-params")).to_have_text("26 params")
    expect(page.get_by_test_id("total-params")).to_have_text("62")
    # The peak-memory estimate beside them: the network's own share (tiny here), then the
    # worker process's (~400 MB), apart, so that a learner sees what the network costs.
    expect(page.get_by_test_id("total-memory")).to_have_text(
        re.compile(r"^~\d+(\.\d)? (bytes|kB|MB|GB) memory \(\+4\d\d\.\d MB worker\)$")
    )


def test_build_train_watch_and_match_the_engine(page: Page, api: httpx.Client) -> None:
    build_two_layer_mlp(page)
    shot(page, "playground-built")
    page.get_by_test_id("train").click()

    # Curves grow and the decision boundary changes while it trains.
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", re.compile("running|succeeded"), timeout=30_000
    )
    expect(page.get_by_test_id("chart-loss")).to_have_attribute(
        "data-points", re.compile(r"[1-9]\d*"), timeout=30_000
    )
    first_points = attr_int(page, "chart-loss", "data-points")
    first_epoch = attr_int(page, "boundary", "data-epoch")
    shot(page, "playground-training")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if (
            attr_int(page, "chart-loss", "data-points") > first_points
            and attr_int(page, "boundary", "data-epoch") > first_epoch
        ):
            break
        page.wait_for_timeout(100)
    assert attr_int(page, "chart-loss", "data-points") > first_points
    assert attr_int(page, "boundary", "data-epoch") > first_epoch

    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "succeeded", timeout=TRAIN_TIMEOUT_MS
    )
    expect(page.get_by_test_id("confusion")).to_be_visible()
    expect(page.get_by_test_id("run-charts").get_by_test_id("boundary")).to_have_attribute(
        "data-epoch", "30"
    )
    shot(page, "playground-trained")

    # The browser shows what the server stored, and that is what the engine itself reaches.
    run = api.get(f"/api/runs/{run_id_from_url(page)}").json()
    shown = page.get_by_test_id("test-metrics").inner_text()
    stored = run["result"]["test"]["accuracy"]
    assert f"{stored * 100:.1f} %" in shown
    torch.set_num_threads(1)  # as the server's workers train on this 2-core machine
    direct = train(RunSpec.model_validate(run["spec"]))
    assert direct.status == "succeeded"
    assert abs(direct.test["accuracy"] - stored) <= 0.02, (direct.test, stored)
    assert stored >= 0.6  # far above chance even for this small net


# The browser logs every 422 of /api/validate as a failed load; here they are the point.
@pytest.mark.allow_page_errors(r"status of 422")
def test_invalid_layer_shows_its_error_inline(page: Page) -> None:
    page.goto("/")
    expect(page.get_by_test_id("layer-card")).to_have_count(3)
    page.get_by_label("Layer type to add to the model").select_option("Conv2d")
    page.get_by_role("button", name="+ Add layer").click()
    bad = page.get_by_test_id("layer-card").nth(3)
    expect(bad.get_by_test_id("layer-error")).to_contain_text("Conv2d expects input")
    expect(page.get_by_test_id("train")).to_be_disabled()
    # A value that is not a number is caught as it is typed, on its own field.
    field = page.locator("#f-model-layers-0-out_features")
    field.fill("eight")
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".field-error", has_text="not a number")).to_be_visible()
    shot(page, "playground-invalid-layer")
    # Removing the bad layer and fixing the field makes the spec trainable again.
    page.get_by_role("button", name="Remove layer 4 (Conv2d)").click()
    field.fill("8")
    expect(page.get_by_test_id("train")).to_be_enabled()
    expect(page.get_by_test_id("layer-error")).to_have_count(0)


def test_stop_a_run(page: Page, api: httpx.Client) -> None:
    page.goto("/")
    page.locator("#f-training-epochs").fill("3000")
    page.get_by_placeholder("Run name (optional)").fill("e2e stop me")
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "running", timeout=30_000
    )
    page.get_by_test_id("stop").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "cancelled", timeout=10_000
    )
    expect(page.get_by_test_id("stop")).to_have_count(0)
    assert api.get(f"/api/runs/{run_id_from_url(page)}").json()["status"] == "cancelled"
    shot(page, "playground-stopped")


def test_a_permalink_reopens_the_spec_and_the_run(page: Page, api: httpx.Client) -> None:
    page.goto("/")
    page.locator("#f-model-layers-0-out_features").fill("5")
    page.locator("#f-training-epochs").fill("2")
    expect(page.get_by_test_id("layer-card").nth(0).get_by_test_id("layer-shape")).to_have_text(
        "→ 5"
    )
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "succeeded", timeout=TRAIN_TIMEOUT_MS
    )
    link = page.url
    assert "spec=" in link
    assert "run=" in link

    fresh = page.context.new_page()
    fresh.goto(link)
    expect(fresh.locator("#f-model-layers-0-out_features")).to_have_value("5")
    expect(fresh.locator("#f-training-epochs")).to_have_value("2")
    # The run is replayed from the store: same status and the full curves.
    expect(fresh.get_by_test_id("run-status")).to_have_attribute("data-status", "succeeded")
    expect(fresh.get_by_test_id("test-metrics")).to_be_visible()
    shot(fresh, "playground-permalink")
    fresh.close()
