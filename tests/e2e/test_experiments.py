"""The "Before you train" panel in a real browser: find a learning rate, see it plotted,
use it; run the sanity checks and read their verdicts."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import shot
from tests.e2e.test_learner import load_preset

FINDER_TIMEOUT_MS = 60_000  # a few hundred steps in a probe process on a busy machine


def test_find_a_learning_rate_and_use_it(page: Page) -> None:
    page.goto("/")
    load_preset(page, "optimizer_adam_spiral")
    lr_field = page.locator("#f-training-optimizer-lr")
    expect(lr_field).to_have_value("0.01")
    page.get_by_role("button", name="Find learning rate").click()
    chart = page.get_by_test_id("lr-chart")
    expect(chart).to_be_visible(timeout=FINDER_TIMEOUT_MS)
    expect(chart.locator("canvas")).to_have_count(1)
    assert int(chart.get_attribute("data-points") or 0) > 50
    expect(page.get_by_test_id("lr-note")).to_contain_text("fell fastest")
    suggested = page.get_by_test_id("lr-suggested").inner_text()
    assert 1e-3 <= float(suggested) <= 1.0
    shot(page, "lr-finder")
    page.get_by_role("button", name="Use this lr").click()
    expect(lr_field).to_have_value(suggested)
    assert suggested != "0.01"  # the field changed (the preset's 0.01 is not the suggestion)
    # The finder sweeps its own rates: a new lr does not make its plot out of date...
    expect(page.get_by_test_id("experiment-stale")).to_have_count(0)
    # ...a new model does.
    page.locator("#f-model-layers-0-out_features").fill("12")
    expect(page.get_by_test_id("experiment-stale")).to_contain_text("click again")


def test_sanity_checks_show_a_verdict_each(page: Page) -> None:
    page.goto("/")
    load_preset(page, "optimizer_adam_spiral")
    page.get_by_role("button", name="Sanity checks").click()
    verdicts = page.get_by_test_id("sanity-verdicts")
    expect(verdicts).to_be_visible(timeout=FINDER_TIMEOUT_MS)
    initial = page.get_by_test_id("verdict-initial_loss")
    expect(initial).to_have_attribute("data-verdict", "ok")
    expect(initial).to_contain_text(re.compile(r"ln C = ln 2"))
    expect(page.get_by_test_id("verdict-overfit_small")).to_have_attribute("data-verdict", "ok")
    # A learning rate too small to learn anything: the overfit check fails with advice.
    page.locator("#f-training-optimizer-lr").fill("1e-9")
    expect(page.get_by_test_id("experiment-stale")).to_be_visible()
    page.get_by_role("button", name="Sanity checks").click()
    overfit = page.get_by_test_id("verdict-overfit_small")
    expect(overfit).to_have_attribute("data-verdict", "failed", timeout=FINDER_TIMEOUT_MS)
    expect(overfit).to_contain_text("check the learning rate")
    expect(page.get_by_test_id("experiment-stale")).to_have_count(0)
    shot(page, "sanity-checks")
