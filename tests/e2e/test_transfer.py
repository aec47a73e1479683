"""Transfer learning in the browser: start a layer from a trained run, freeze it, train."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import shot
from tests.e2e.test_playground import TRAIN_TIMEOUT_MS, build_two_layer_mlp, run_id_from_url
from tests.factories import spec_dict
from tests.server import wait_status


# The browser logs the 422s of /api/validate (and the unknown run's 404) as failed loads.
@pytest.mark.allow_page_errors(r"status of 4(22|04)")
def test_a_layer_from_a_trained_run_frozen_trains_and_shows_frozen(
    page: Page, api: httpx.Client
) -> None:
    # A small run to copy from: its first layer is Linear(2 -> 12) + Tanh, as built below.
    base_spec = spec_dict(
        name="e2e transfer base",
        model={
            "layers": [
                {"type": "Linear", "out_features": 12, "activation": "Tanh"},
                {"type": "Linear", "out_features": 2},
            ]
        },
    )
    base = api.post("/api/runs", json=base_spec).json()["id"]
    wait_status(api, base, {"succeeded"})

    build_two_layer_mlp(page)
    first = page.get_by_test_id("layer-card").nth(0)
    # A run that does not exist: the server's 422 shows on the layer, training is off.
    first.get_by_role("button", name="Initialise from run…").click()
    first.get_by_label("Source run of layer 1 (Linear)").fill("987654")
    expect(first.get_by_test_id("source-shape")).to_have_text("(no such run)")
    first.get_by_role("button", name="Use").click()
    expect(first.get_by_role("alert")).to_contain_text("no run 987654")
    expect(page.get_by_test_id("train")).to_be_disabled()

    first.get_by_role("button", name="change").click()
    first.get_by_label("Source run of layer 1 (Linear)").fill(str(base))
    # The source layer's shape shows before it is used.
    expect(first.get_by_test_id("source-shape")).to_contain_text("Linear: 2 → 12")
    first.get_by_role("button", name="Use").click()
    expect(first.get_by_test_id("transfer-source")).to_contain_text(f"from run {base}")
    first.get_by_label("Freeze layer 1 (Linear)").check()
    expect(first.get_by_test_id("layer-frozen")).to_be_visible()
    expect(first).to_have_class(re.compile(r"\bfrozen\b"))
    shot(page, "transfer-frozen-layer")

    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "succeeded", timeout=TRAIN_TIMEOUT_MS
    )
    run = api.get(f"/api/runs/{run_id_from_url(page)}").json()
    layer = run["spec"]["model"]["layers"][0]
    assert layer["freeze"] is True
    assert layer["from_run"]["run"] == base
    assert isinstance(layer["from_run"]["epoch"], int)  # "last", stored as its number
    expect(page.get_by_test_id("layer-card").nth(0).get_by_test_id("layer-frozen")).to_be_visible()
    shot(page, "transfer-trained")
