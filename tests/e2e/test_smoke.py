"""The app loads from the real server and its top-bar links switch screens."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.helpers import shot


def test_app_loads_and_navigates(page: Page) -> None:
    page.goto("/")
    expect(page).to_have_title("NN Playground")
    topbar = page.locator("header.topbar")
    expect(topbar).to_be_visible()
    shot(page, "smoke-home")

    topbar.get_by_role("link", name="Runs", exact=True).click()
    expect(page).to_have_url(re.compile(r"#/runs(\?.*)?$"))
    shot(page, "smoke-runs")

    topbar.get_by_role("link", name="Compare", exact=True).click()
    expect(page).to_have_url(re.compile(r"#/compare(\?.*)?$"))
    shot(page, "smoke-compare")
