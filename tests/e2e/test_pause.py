"""Pause, step one epoch and resume a training run from the playground, in a real browser."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

TIMEOUT_MS = 60_000


def _epochs(api: httpx.Client, run_id: int) -> int:
    return int(api.get(f"/api/runs/{run_id}").json()["epochs_done"])


def test_pause_step_resume_from_the_playground(page: Page, api: httpx.Client) -> None:
    page.goto("/")
    page.locator("#f-training-epochs").fill("3000")
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "running", timeout=TIMEOUT_MS
    )
    match = re.search(r"[?&]run=(\d+)", page.url)
    assert match, page.url
    run_id = int(match.group(1))

    page.get_by_test_id("pause").click()
    badge = page.get_by_test_id("paused")
    expect(badge).to_be_visible(timeout=TIMEOUT_MS)
    held = int(re.findall(r"\d+", badge.inner_text())[0])
    assert _epochs(api, run_id) == held  # the server agrees: nothing trains while paused

    page.get_by_test_id("step").click()
    expect(badge).to_have_text(f"paused after epoch {held + 1}", timeout=TIMEOUT_MS)
    assert _epochs(api, run_id) == held + 1

    page.get_by_test_id("resume").click()
    expect(badge).to_have_count(0, timeout=TIMEOUT_MS)
    expect(page.get_by_test_id("pause")).to_be_visible()
    page.get_by_test_id("stop").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "cancelled", timeout=TIMEOUT_MS
    )
