"""What a newcomer trips over (issue 8), in a real browser: presets replace what is on screen,
a stopped run says where it stopped, Train answers at once and starts one run, a layer's
defining fields are in view, an invalid layer keeps the earlier layers' shapes, fields speak
learner words, and the run's results read well at 1280 and 1920 px."""

from __future__ import annotations

import base64
import json
import re

import httpx
import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.helpers import ROOT, SCREENSHOTS, shot

TRAIN_TIMEOUT_MS = 60_000


def load_preset(page: Page, preset_id: str) -> None:
    page.locator("#preset").select_option(preset_id)
    page.get_by_role("button", name="Load").click()
    expect(page.locator("#preset")).to_have_attribute("data-on-screen", preset_id)


def preset_spec(preset_id: str) -> dict[str, object]:
    spec: dict[str, object] = json.loads((ROOT / "examples" / f"{preset_id}.json").read_text())
    return spec


def run_id(page: Page) -> int:
    match = re.search(r"[?&]run=(\d+)", page.url)
    assert match, page.url
    return int(match.group(1))


def train_and_wait(page: Page, status: str = "succeeded") -> int:
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", status, timeout=TRAIN_TIMEOUT_MS
    )
    return run_id(page)


def test_a_preset_replaces_the_data_the_layers_and_the_run_on_screen(page: Page) -> None:
    page.goto("/")
    page.locator("#f-training-epochs").fill("2")
    train_and_wait(page)
    expect(page.get_by_test_id("data-preview")).to_have_attribute("data-kind", "2d")

    load_preset(page, "cnn_digits")
    # The run belonged to the other spec: it leaves the screen and the link.
    expect(page.get_by_test_id("run-status")).to_have_count(0)
    assert "run=" not in page.url
    # The preview never shows the old points under the new data set.
    expect(page.locator(".preview-box")).to_have_attribute("data-dataset", "digits")
    expect(page.locator('[data-testid="data-preview"][data-kind="2d"]')).to_have_count(0)
    expect(page.get_by_test_id("data-preview")).to_have_attribute("data-kind", "image")
    cards = page.get_by_test_id("layer-card")
    expect(cards).to_have_count(6)
    expect(cards.nth(0).get_by_test_id("layer-shape")).to_have_text(re.compile(r"→ \d+×\d+×\d+"))
    # What the preset demonstrates, and its claim in learner words.
    expect(page.get_by_test_id("preset-description")).to_contain_text("See:")
    expect(page.get_by_test_id("preset-expected")).to_contain_text("test accuracy ≥ 95 %")

    # An edit makes it the learner's own; a permalink to a preset's spec selects that preset.
    page.locator("#f-training-epochs").fill("3")
    expect(page.locator("#preset")).to_have_value("custom")
    raw = json.dumps(preset_spec("mlp_spiral")).encode()
    token = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    fresh = page.context.new_page()
    fresh.goto(f"/#/play?spec={token}")
    expect(fresh.locator("#preset")).to_have_value("mlp_spiral")
    fresh.close()


def test_a_stopped_run_says_where_it_stopped(page: Page, api: httpx.Client) -> None:
    page.goto("/")
    page.locator("#f-training-epochs").fill("2000")
    page.get_by_test_id("train").click()
    epoch = page.get_by_test_id("run-epoch")
    expect(epoch).to_have_text(re.compile(r"epoch [1-9]\d* / 2000"), timeout=30_000)
    page.get_by_test_id("stop").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute("data-status", "cancelled")
    text = epoch.inner_text()
    match = re.fullmatch(r"stopped at epoch (\d+) of 2000", text)
    assert match, text
    n = int(match.group(1))
    bar = page.get_by_role("progressbar")
    expect(bar).to_have_attribute("data-state", "stopped")
    assert float(bar.get_attribute("data-fraction") or "nan") == pytest.approx(n / 2000, abs=1e-4)
    # The results count the same epochs as the status line.
    expect(page.get_by_test_id("result-counts")).to_contain_text(f"stopped at epoch {n},")
    assert api.get(f"/api/runs/{run_id(page)}").json()["status"] == "cancelled"
    shot(page, "learner-stopped-1280")


def test_train_answers_at_once_and_a_double_click_starts_one_run(page: Page) -> None:
    page.goto("/")
    page.locator("#f-training-epochs").fill("2")
    expect(page.get_by_test_id("train")).to_be_enabled()
    held: list[Route] = []
    # Hold the POST, as a loaded server would: the page must answer before the server does.
    page.route("**/api/runs", lambda route: held.append(route))
    page.get_by_test_id("train").dblclick()
    expect(page.get_by_test_id("train")).to_be_disabled()
    expect(page.get_by_test_id("train")).to_have_text("Queuing…")
    expect(page.get_by_test_id("run-queuing")).to_contain_text("queued…")
    page.get_by_test_id("train").click(force=True)  # a third, impatient click
    page.wait_for_timeout(300)
    assert len(held) == 1, f"{len(held)} requests to create a run"
    held[0].continue_()
    page.unroute("**/api/runs")
    expect(page.get_by_test_id("run-status")).to_be_visible()
    expect(page.get_by_test_id("train")).to_have_text("Train")
    expect(page.get_by_test_id("train")).to_be_enabled()


@pytest.mark.allow_page_errors(r"status of 422")
def test_defining_fields_in_view_and_shapes_kept_before_an_invalid_layer(page: Page) -> None:
    page.goto("/")
    cards = page.get_by_test_id("layer-card")
    expect(cards).to_have_count(3)
    for i in range(3):
        expect(cards.nth(i).get_by_test_id("layer-shape")).to_have_text(re.compile(r"→ \d"))
    add_type = page.get_by_label("Layer type to add to the model")
    add_type.select_option("Conv2d")
    page.get_by_role("button", name="+ Add layer").click()
    # A Conv2d's kernel and padding are in view without unfolding anything.
    expect(page.locator("#f-model-layers-3-kernel_size")).to_be_visible()
    expect(page.locator("#f-model-layers-3-padding")).to_be_visible()
    expect(page.locator("#f-model-layers-3-dilation")).to_be_hidden()
    # It does not fit a vector input: its card says so, the earlier cards keep their shapes.
    expect(cards.nth(3).get_by_test_id("layer-error")).to_be_visible()
    expect(cards.nth(3).get_by_test_id("layer-shape")).to_have_text("")
    expect(cards.nth(0).get_by_test_id("layer-shape")).to_have_text("→ 8")
    expect(cards.nth(2).get_by_test_id("layer-shape")).to_have_text("→ 2")
    expect(cards.nth(2).get_by_test_id("layer-params")).to_have_text("18 params")
    add_type.select_option("MaxPool2d")
    page.get_by_role("button", name="+ Add layer").click()
    expect(page.locator("#f-model-layers-4-kernel_size")).to_be_visible()


def test_fields_speak_learner_words_and_the_lr_has_a_slider(page: Page) -> None:
    page.goto("/")
    samples = page.locator("label[for=f-data-n_samples]")
    expect(samples).to_contain_text("samples")
    expect(samples.locator("code.py-name")).to_have_text("n_samples")
    expect(samples).to_have_attribute("title", re.compile(r"\w"))  # the catalog's help
    units = page.locator("label[for=f-model-layers-0-out_features]")
    expect(units).to_contain_text("output units")
    expect(units.locator("code.py-name")).to_have_text("out_features")
    expect(page.locator("label[for=f-training-boundary_every]")).to_contain_text(
        "boundary every N epochs"
    )
    slider = page.get_by_label("learning rate (log scale)")
    expect(slider).to_have_value(re.compile(r"-1\.5\d*"))  # lr 0.03
    slider.fill("-2")
    expect(page.locator("#f-training-optimizer-lr")).to_have_value("0.01")
    page.locator("#f-training-optimizer-lr").fill("0.1")
    expect(slider).to_have_value("-1")


def test_results_read_well_at_1280_and_1920(page: Page) -> None:
    page.goto("/")
    load_preset(page, "mlp_spiral")
    train_and_wait(page)
    claims = page.get_by_test_id("run-claims")
    expect(claims).to_contain_text("Expected test accuracy ≥ 93 %")
    expect(claims.locator("li[data-ok=true]")).to_have_count(2)
    shot(page, "learner-spiral-1280")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.wait_for_timeout(300)
    shot(page, "learner-spiral-1920")

    load_preset(page, "char_gru")
    train_and_wait(page)
    top = page.get_by_test_id("top-confusions")
    expect(top).to_be_visible()
    expect(top.locator("li")).to_have_count(10)
    expect(page.get_by_test_id("confusion")).to_have_count(0)
    shot(page, "learner-chars-1920")
    top.screenshot(path=SCREENSHOTS / "learner-top-confusions.png")
    page.locator(".editor .panel").first.screenshot(path=SCREENSHOTS / "learner-preset.png")
