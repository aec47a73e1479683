"""Pictures inside a network in a real browser: the MLP graph live and on the epoch slider, a
digits CNN's filters, maps, saliency and FGSM, a drawn digit, attention maps, gradient check."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import ROOT, shot
from tests.server import wait_status

TRAIN_TIMEOUT_MS = 90_000
WIDTHS = (1280, 1920)


def example(name: str, **training: Any) -> dict[str, Any]:
    spec: dict[str, Any] = json.loads(Path(ROOT / "examples" / f"{name}.json").read_text())
    spec["name"] = f"e2e inside {name}"
    spec["training"].update(training)
    return spec


def post_run(api: httpx.Client, spec: dict[str, Any]) -> int:
    response = api.post("/api/runs", json=spec)
    assert response.status_code == 201, response.text
    run_id: int = response.json()["id"]
    return run_id


def finished_run(api: httpx.Client, spec: dict[str, Any]) -> int:
    run_id = post_run(api, spec)
    wait_status(api, run_id, {"succeeded"}, timeout=TRAIN_TIMEOUT_MS / 1000)
    return run_id


def pixels(canvas: Locator) -> str:
    """What a canvas shows, as a data URL: equal strings, equal pictures."""
    value: str = canvas.evaluate("c => c.toDataURL()")
    return value


def shots(page: Page, name: str, panel: Locator | None = None) -> None:
    """Screenshots at each width (of the panel when given, else the page), back to 1280."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(200)  # layout and canvases settle after the resize
        if panel is None:
            shot(page, f"inside-{name}-{width}")
        else:
            panel.scroll_into_view_if_needed()
            panel.screenshot(path=shot_path(f"inside-{name}-{width}"))
    page.set_viewport_size({"width": 1280, "height": 900})


def shot_path(name: str) -> Path:
    path = Path(__file__).resolve().parent / "screenshots" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    return path


def test_mlp_graph_updates_live_then_scrubs_back(page: Page, api: httpx.Client) -> None:
    # Long enough (about 20 snapshots over some seconds) to be seen training.
    spec = example("mlp_spiral", epochs=150, batch_size=8)
    spec["data"]["n_samples"] = 3000
    run_id = post_run(api, spec)
    # (a) the playground's live run area, as after pressing Train.
    page.goto(f"/#/play?run={run_id}")
    graph = page.get_by_test_id("graph")
    unit = page.locator('[data-unit="model.layers[0]:0"]')
    expect(unit).to_be_visible(timeout=TRAIN_TIMEOUT_MS)
    first_epoch = int(graph.get_attribute("data-epoch") or -1)
    first = pixels(unit)
    expect(page.locator('[data-unit="model.layers[2]:7"]')).to_be_visible()
    expect(page.locator('[data-unit="model.layers[4]:1"]')).to_be_visible()
    # A newer snapshot redraws the unit while the run trains.
    page.wait_for_function(
        "e => Number(document.querySelector('[data-testid=graph]').dataset.epoch) > e",
        arg=first_epoch,
        timeout=TRAIN_TIMEOUT_MS,
    )
    assert pixels(unit) != first
    shots(page, "live-run")
    wait_status(api, run_id, {"succeeded"}, timeout=TRAIN_TIMEOUT_MS / 1000)

    # (b) the run page: the slider takes the boundary and the units back to epoch 0.
    page.goto(f"/#/runs/{run_id}")
    slider = page.get_by_test_id("timeline-slider")
    expect(page.get_by_test_id("timeline-epoch")).to_have_text("150")
    boundary = page.get_by_test_id("timeline-boundary")
    expect(boundary).to_have_attribute("data-epoch", "150")
    expect(graph).to_have_attribute("data-epoch", "150")
    trained = pixels(unit)
    trained_boundary = pixels(boundary)
    # Hovering a unit enlarges it with its incoming weights.
    unit.hover()
    expect(page.get_by_test_id("unit-card")).to_contain_text("Incoming weights")
    shots(page, "mlp-graph", page.get_by_test_id("network-graph"))
    shots(page, "run-page-mlp")
    slider.fill("0")
    expect(page.get_by_test_id("timeline-epoch")).to_have_text("0")
    expect(boundary).to_have_attribute("data-epoch", "0")
    expect(graph).to_have_attribute("data-epoch", "0")
    assert pixels(unit) != trained
    assert pixels(boundary) != trained_boundary
    # The toggles and a click on the plane (try the model).
    page.get_by_test_id("discretize").check()
    page.get_by_test_id("show-test").uncheck()
    boundary.click(position={"x": 60, "y": 60})
    expect(page.get_by_test_id("plane-answer").locator(".prob-bars li")).to_have_count(2)
    shots(page, "boundary-epoch0", page.get_by_test_id("inside-boundary"))


def test_cnn_filters_maps_saliency_fgsm_and_drawing(page: Page, api: httpx.Client) -> None:
    run_id = finished_run(api, example("cnn_digits", epochs=3))
    page.goto(f"/#/runs/{run_id}")
    # (c) filters of the first conv layer: 16 kernels.
    expect(page.get_by_test_id("filter-tiles").locator("canvas")).to_have_count(16)
    expect(page.get_by_test_id("receptive-field")).to_contain_text("10 × 10")
    # A chosen sample: its feature maps and its saliency.
    page.get_by_test_id("sample-index").fill("5")
    page.get_by_test_id("sample-index").press("Enter")
    expect(page.get_by_test_id("feature-maps").locator(".maps")).to_have_attribute(
        "data-index", "5"
    )
    expect(page.get_by_test_id("feature-maps").locator("canvas").first).to_be_visible()
    expect(page.get_by_test_id("saliency").locator(".saliency")).to_have_attribute(
        "data-index", "5"
    )
    expect(page.get_by_test_id("saliency-map")).to_be_visible()
    shots(page, "cnn-filters", page.get_by_test_id("filters"))
    shots(page, "cnn-maps", page.get_by_test_id("feature-maps"))
    shots(page, "cnn-saliency", page.get_by_test_id("saliency"))
    shots(page, "cnn-receptive-field", page.get_by_test_id("receptive-field"))
    shots(page, "activations", page.get_by_test_id("activations"))

    # FGSM: a growing eps flips the prediction.
    fgsm = page.get_by_test_id("adversarial").locator(".adversarial")
    expect(fgsm).to_be_visible()
    before = fgsm.get_attribute("data-before")
    flipped = False
    for eps in ("0.1", "0.2", "0.3", "0.5", "0.7", "1"):
        page.get_by_test_id("eps").fill(eps)
        expect(fgsm).to_have_attribute("data-eps", eps)
        if fgsm.get_attribute("data-after") != before:
            flipped = True
            break
    assert flipped, "FGSM up to eps 1 did not change the prediction"
    expect(page.get_by_test_id("adversarial")).to_contain_text("flipped")
    shots(page, "cnn-fgsm", page.get_by_test_id("adversarial"))

    # (d) draw a 1: a vertical stroke with the mouse, classified.
    pad = page.get_by_test_id("draw-pad")
    # Mid-screen, clear of the sticky top bar and slider, which would take the mouse events.
    pad.evaluate("e => e.scrollIntoView({block: 'center'})")
    box = pad.bounding_box()
    assert box
    x = box["x"] + box["width"] / 2
    page.mouse.move(x, box["y"] + 25)
    page.mouse.down()
    for k in range(1, 11):
        page.mouse.move(x, box["y"] + 25 + k * (box["height"] - 50) / 10)
    page.mouse.up()
    expect(page.get_by_test_id("draw-predicted")).to_have_text(re.compile(r"^\d$"))
    expect(page.get_by_test_id("draw-probabilities").locator("li")).to_have_count(5)
    shots(page, "draw-digit", page.get_by_test_id("try-draw"))

    # (f) the gradient check agrees with back-propagation.
    page.get_by_test_id("gradcheck-run").click()
    result = page.get_by_test_id("gradcheck-result")
    expect(result).to_contain_text("gradients agree", timeout=30_000)
    assert float(result.get_attribute("data-max-rel-error") or "1") < 1e-5
    shots(page, "gradcheck", page.get_by_test_id("gradcheck"))
    shots(page, "run-page-cnn")


def test_attention_heads(page: Page, api: httpx.Client) -> None:
    # (e) per-head attention maps of a character model.
    run_id = finished_run(api, example("char_attention", epochs=1))
    page.goto(f"/#/runs/{run_id}")
    heads = page.get_by_test_id("attention-head")
    expect(heads).to_have_count(4)
    expect(page.get_by_test_id("attention")).to_contain_text("head 3")
    page.get_by_test_id("prompt").fill("the ")
    page.get_by_test_id("prompt-go").click()
    expect(page.get_by_test_id("continuation")).to_be_visible()
    shots(page, "attention", page.get_by_test_id("attention"))
    shots(page, "try-text", page.get_by_test_id("try-text"))


def test_rnn_hidden_states(page: Page, api: httpx.Client) -> None:
    run_id = finished_run(api, example("gru_sine", epochs=1))
    page.goto(f"/#/runs/{run_id}")
    expect(page.get_by_test_id("hidden-map")).to_have_count(1)
    page.get_by_role("button", name="Predict").click()
    expect(page.get_by_test_id("sequence-answer")).to_contain_text("The model answers")
    shots(page, "hidden-states", page.get_by_test_id("hidden-states"))


def test_compare_shows_boundaries_side_by_side(page: Page, api: httpx.Client) -> None:
    slow = example("mlp_spiral", epochs=4)
    fast = example("mlp_spiral", epochs=4)
    fast["name"] = "e2e inside fast"
    fast["training"]["optimizer"]["lr"] = 0.1
    ids = [finished_run(api, slow), finished_run(api, fast)]
    page.goto(f"/#/compare?ids={ids[0]},{ids[1]}")
    figures = page.get_by_test_id("compare-boundary")
    expect(figures).to_have_count(2)
    for run_id in ids:
        expect(
            page.locator(f'[data-testid="compare-boundary"][data-run-id="{run_id}"]')
        ).to_have_attribute("data-epoch", "4")
    page.get_by_test_id("compare-epoch-slider").fill("1")
    expect(figures.nth(0)).to_have_attribute("data-epoch", "1")
    expect(figures.nth(1)).to_have_attribute("data-epoch", "1")
    shots(page, "compare-boundaries", page.get_by_test_id("compare-boundaries"))
