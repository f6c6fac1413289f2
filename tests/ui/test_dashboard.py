"""The digits dashboard served by `symphony serve`, driven in a real Chromium."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from .conftest import DOCS
from .helpers import draw_box, inside

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
    box = draw_box(page, (0.30, 0.25), (0.65, 0.70))
    inside_box = inside(table, box)
    assert 20 < len(inside_box) < len(table)
    wait_number(page, ".sy-status-selected", len(inside_box))
    wait_number(page, ".sy-grid-total", len(inside_box))
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
