"""Fixtures for the browser tests: a real server serving the built app, and headless Chromium.

- `server` (session): `playground serve` on 127.0.0.1 (real uvicorn, worker pool, SQLite file
  in a fresh data dir) serving the built app at / (frontend/dist, or E2E_FRONTEND_DIR).
- `api` (function): an httpx client on that server, to create runs the way a user's other
  tab would.
- `browser` (session): Debian's Chromium, headless, through Playwright's sync API.
- `page` (function): a new browser context (1280x900 or E2E_VIEWPORT, base URL = the server, so
  `page.goto("/")` works) and its page. A console error or an uncaught exception on the page
  fails the test at teardown; `@pytest.mark.allow_page_errors("regex", ...)` allows the
  errors that match (no pattern: all), for tests that break the server or the websocket on
  purpose. A failed test leaves `screenshots/failed-<test>.png`.

The server is shared by the whole session: tests see each other's runs, so a test should find
its runs by id or by a name of its own rather than count what is on the list.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Generator, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

from tests.e2e.helpers import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, VIEWPORT, frontend_dir, shot
from tests.server import Server

# How long Playwright's actions and `expect` assertions wait (their defaults: 30 s and 5 s).
# Room for a loaded 2-core CI machine, where the server and Chromium share the cores.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


PHASES = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item,
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the item, so `page` can tell whether the test failed."""
    report = yield
    item.stash.setdefault(PHASES, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def built_frontend() -> Path:
    dist = frontend_dir()
    if not (dist / "index.html").is_file():
        pytest.fail(
            f"{dist / 'index.html'} is missing: build the browser app first with `make frontend`"
            " (or point E2E_FRONTEND_DIR at a built app)",
            pytrace=False,
        )
    return dist


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, built_frontend: Path) -> Iterator[Server]:
    srv = Server(tmp_path_factory.mktemp("e2e"), workers=2, frontend_dir=built_frontend)
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def api(server: Server) -> Iterator[httpx.Client]:
    with server.client() as client:
        yield client


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make chromium` installs it", pytrace=False)
    browser = playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


def _allowed_patterns(item: pytest.Item) -> list[re.Pattern[str]] | None:
    """None: nothing allowed; []: everything; else the regexes of allow_page_errors markers."""
    markers = list(item.iter_markers("allow_page_errors"))
    if not markers:
        return None
    patterns = [re.compile(p) for m in markers for p in m.args]
    return patterns if all(m.args for m in markers) else []


@pytest.fixture
def page(browser: Browser, server: Server, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = browser.new_context(viewport=VIEWPORT, base_url=server.url)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            url, line = message.location["url"], message.location["lineNumber"]
            errors.append(f"console error: {message.text}" + (f" ({url}:{line})" if url else ""))

    def on_page_error(error: Error) -> None:
        errors.append(f"uncaught exception: {error.stack or f'{error.name}: {error.message}'}")

    page.on("console", on_console)
    page.on("pageerror", on_page_error)
    yield page

    failed_shot = "failed-" + re.sub(r"[^\w.-]+", "_", request.node.name)
    call = request.node.stash.get(PHASES, {}).get("call")
    if call is not None and call.failed:
        # A page that crashed cannot be photographed; the failure itself says enough then.
        with contextlib.suppress(Error):
            shot(page, failed_shot)
    else:  # no stale picture of an earlier failure
        (SCREENSHOTS / f"{failed_shot}.png").unlink(missing_ok=True)
    context.close()

    allowed = _allowed_patterns(request.node)
    if allowed == []:
        errors = []
    elif allowed is not None:
        errors = [e for e in errors if not any(p.search(e) for p in allowed)]
    if errors:
        pytest.fail(
            "the page reported errors (allow expected ones with "
            "@pytest.mark.allow_page_errors):\n" + "\n".join(errors),
            pytrace=False,
        )
