"""The login page of a server with accounts on: wrong password, log in, the header's user,
log out. This module's server (auth on) replaces the session's shared one (auth off)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import shot
from tests.server import Server

PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, built_frontend: Path) -> Iterator[Server]:
    srv = Server(
        tmp_path_factory.mktemp("e2e-auth"), workers=1, frontend_dir=built_frontend,
        env={"PLAYGROUND_AUTH": "on"},
    )  # fmt: skip
    srv.start()
    done = subprocess.run(
        [sys.executable, "-m", "playground.cli", "users", "add", "ann",
         "--data-dir", str(srv.data_dir)],
        input=PASSWORD, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    yield srv
    srv.stop()


# The browser logs each 401 (the first /api/auth/me, the wrong password) as a console error.
@pytest.mark.allow_page_errors("401")
def test_log_in_see_the_user_and_log_out(page: Page) -> None:
    page.goto("/")
    form = page.get_by_role("form", name="Log in")
    expect(form).to_be_visible()

    page.get_by_label("User name").fill("ann")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong user name or password.")
    shot(page, "login")

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".topbar .user")).to_contain_text("ann")
    expect(page.get_by_role("link", name="Runs")).to_be_visible()

    page.reload()  # the cookie keeps the login
    expect(page.locator(".topbar .user")).to_contain_text("ann")

    page.get_by_role("button", name="Log out").click()
    expect(form).to_be_visible()
    page.reload()
    expect(page.get_by_role("form", name="Log in")).to_be_visible()
