"""The digits dashboard served by `symphony serve`, driven in a real Chromium."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from .conftest import DOCS
from .helpers import FRAME_JS

pytestmark = pytest.mark.timeout(600)


def number(page, selector: str) -> int:
    return int(page.locator(selector).first.inner_text().replace(",", ""))


def wait_number(page, selector: str, expected: int, timeout: float = 20_000) -> None:
    """Wait until the number shown by `selector` equals `expected`."""
    pattern = re.compile(rf"^{expected:,}$")
    from playwright.sync_api import expect

    expect(page.locator(selector).first).to_have_text(pattern, timeout=timeout)


@pytest.fixture(scope="module")
def digits(serve, example_cache):
    url = serve(env={"SYMPHONY_CACHE": str(example_cache)})
    table = pd.read_parquet(example_cache / "digits-v1" / "digits.parquet")
    return url, table


def test_filter_box_select_and_confusion_cell(page, digits):
    url, table = digits
    page.goto(url)
    page.locator(".sy-thumb").first.wait_for(timeout=60_000)
    page.locator(".bk-Canvas, canvas").first.wait_for(timeout=60_000)
    wait_number(page, ".sy-status-filtered", len(table))
    assert page.locator(".sy-thumb").count() == 40

    # a filter typed in the box: the count shown equals the count from the table
    expected = table[(table.label != table.prediction) & (table.confidence < 0.6)]
    box = page.locator(".sy-filter input")
    box.fill("label != prediction and confidence < 0.6")
    box.press("Enter")
    wait_number(page, ".sy-status-filtered", len(expected))
    wait_number(page, ".sy-count-filtered", len(expected))
    page.locator(".sy-clear button").click()
    wait_number(page, ".sy-status-filtered", len(table))

    # a box drawn on the embedding: the count equals the points inside it
    frame = page.evaluate(FRAME_JS)
    start = (frame["left"] + 0.30 * frame["width"], frame["top"] + 0.25 * frame["height"])
    end = (frame["left"] + 0.65 * frame["width"], frame["top"] + 0.70 * frame["height"])
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, steps=5)
    page.mouse.move(*end, steps=5)
    page.mouse.up()

    def to_data(px, py):
        x = frame["x0"] + (px - frame["left"]) / frame["width"] * (
            frame["x1"] - frame["x0"]
        )
        y = frame["y1"] - (py - frame["top"]) / frame["height"] * (
            frame["y1"] - frame["y0"]
        )
        return x, y

    (xa, ya), (xb, yb) = to_data(*start), to_data(*end)
    x, y = table.projection_tsne_x, table.projection_tsne_y
    inside = table[
        (x >= min(xa, xb)) & (x <= max(xa, xb)) & (y >= min(ya, yb)) & (y <= max(ya, yb))
    ]
    assert 20 < len(inside) < len(table)
    wait_number(page, ".sy-status-selected", len(inside))
    wait_number(page, ".sy-grid-total", len(inside))
    page.screenshot(path=str(DOCS / "dashboard-box-select.png"), full_page=True)

    # a click on a confusion cell: the grid shows exactly that cell's instances
    label, prediction = 8, 1
    cell = table[(table.label == label) & (table.prediction == prediction)]
    assert len(cell) > 0
    row = page.locator(".tabulator-row").nth(label)
    row.locator(f".tabulator-cell[tabulator-field='{prediction}']").click()
    wait_number(page, ".sy-status-selected", len(cell))
    wait_number(page, ".sy-grid-total", len(cell))
    shown = page.locator(".sy-thumb").evaluate_all("cards => cards.map(c => c.dataset.id)")
    assert shown == list(cell.id[:40])
    assert page.errors == []
    page.screenshot(path=str(DOCS / "dashboard.png"), full_page=True)

    # a click on a Summary bar selects that value's instances; shift adds another
    page.locator(".sy-bar-row[title^='split: test']").click()
    wait_number(page, ".sy-status-selected", int((table.split == "test").sum()))
    page.locator(".sy-bar-row[title^='label: 3']").click(modifiers=["Shift"])
    wait_number(
        page,
        ".sy-status-selected",
        int(((table.split == "test") | (table.label == 3)).sum()),
    )
