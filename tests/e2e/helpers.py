"""Helpers for the browser tests: screenshots and the browser's settings."""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Page, ViewportSize

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"

# Debian's package (`make chromium`); Playwright's own browser downloads are not used.
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
# headless=True adds --headless. The rest keep Chromium off the network and quiet: without
# the background-networking flags it keeps retrying a network the CI machine cannot reach.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _viewport() -> ViewportSize:
    """1280x900, or E2E_VIEWPORT ("1920x1080") to look at every screen on a wide monitor."""
    width, _, height = os.environ.get("E2E_VIEWPORT", "1280x900").partition("x")
    return {"width": int(width), "height": int(height)}


VIEWPORT: ViewportSize = _viewport()


def frontend_dir() -> Path:
    """The built app the server serves: E2E_FRONTEND_DIR, else frontend/dist."""
    return Path(os.environ.get("E2E_FRONTEND_DIR") or ROOT / "frontend" / "dist").resolve()


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot as tests/e2e/screenshots/<name>.png and return its path."""
    if not re.fullmatch(r"[\w.-]+", name):
        raise ValueError(f"screenshot name {name!r}: letters, digits, '_', '-' and '.' only")
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path
