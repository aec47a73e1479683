"""Bring your own data: upload a generated CSV from the data panel, see it, train on it."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import shot
from tests.upload_files import csv_bytes

TRAIN_TIMEOUT_MS = 120_000


# Between choosing "Your upload" and sending a file the spec names no upload yet: the
# editor's validation and preview are answered 422 ("data.upload: Field required").
@pytest.mark.allow_page_errors("status of 422")
def test_upload_a_csv_preview_and_train_on_it(page: Page, api: httpx.Client) -> None:
    page.goto("/")
    page.get_by_label("data set").select_option("upload")
    expect(page.get_by_text("MNIST and Fashion-MNIST come as four IDX files")).to_be_visible()
    page.get_by_label("upload a data file").set_input_files(
        files=[{"name": "e2e-points.csv", "mimeType": "text/csv", "buffer": csv_bytes(150)}]
    )
    choice = page.get_by_label("your uploads")
    expect(choice.locator("option:checked")).to_contain_text("e2e-points.csv — CSV, 150 × 2")
    preview = page.locator(".preview-box")
    expect(preview).to_contain_text("x1")
    expect(preview).to_contain_text("x2")
    shot(page, "upload-preview")

    page.locator("#f-training-epochs").fill("10")
    page.get_by_placeholder("Run name (optional)").fill("e2e upload")
    page.get_by_test_id("train").click()
    expect(page.get_by_test_id("run-status")).to_have_attribute(
        "data-status", "succeeded", timeout=TRAIN_TIMEOUT_MS
    )
    shot(page, "upload-trained")
    runs = api.get("/api/runs", params={"name": "e2e upload"}).json()["items"]
    assert runs[0]["spec"]["data"]["dataset"] == "upload"


@pytest.mark.allow_page_errors("status of 422")  # the browser logs the refused upload
def test_a_bad_file_is_refused_with_its_line(page: Page) -> None:
    page.goto("/")
    page.get_by_label("data set").select_option("upload")
    page.get_by_label("upload a data file").set_input_files(
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": csv_bytes(20, bad_line=4)}]
    )
    expect(page.get_by_text("Upload refused")).to_contain_text("line 4 holds 'oops'")
