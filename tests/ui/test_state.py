"""The selection in the page's address, and sessions kept apart, in a real Chromium.

A served dashboard keeps its state in the `state` query parameter. Opening that
address in another browser must show the same view; a bad or stale address must
show the plain dashboard with a notice; and two browsers on one server must never
see each other's filter or selection. Counts are checked against the cached table
read with pandas.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pandas as pd
import pytest
from playwright.sync_api import expect

from .helpers import (
    ALERT,
    FILTER_ERROR,
    FILTERED,
    NOTICE,
    SELECTED,
    assert_no_traceback,
    draw_box,
    filter_box,
    link_state,
    open_dashboard,
    page_text,
    shown_number,
    submit_filters,
    type_filter,
    wait_link_state,
    wait_number,
)

pytestmark = pytest.mark.timeout(300)

VIEWPORT = {"width": 1400, "height": 1800}
FILTER = "label != 1 and confidence >= 0.7"
BOX = ((0.30, 0.25), (0.65, 0.70))


@pytest.fixture(scope="module")
def digits(serve, example_cache):
    url = serve(env={"SYMPHONY_CACHE": str(example_cache)})
    table = pd.read_parquet(example_cache / "digits-v1" / "digits.parquet")
    return url, table


@pytest.fixture
def new_page(browser):
    """A page in a browser context of its own, as another user's browser would be."""
    contexts = []

    def make():
        context = browser.new_context(viewport=VIEWPORT)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


def passes(table: pd.DataFrame) -> pd.Series:
    """The instances that pass `FILTER`, computed with pandas."""
    return (table.label != 1) & (table.confidence >= 0.7)


def inside(table: pd.DataFrame, box: dict) -> pd.Series:
    """The instances inside a box predicate's rectangle, edges included."""
    (x0, x1), (y0, y1) = box["x"], box["y"]
    x = table.projection_tsne_x.astype("float64")
    y = table.projection_tsne_y.astype("float64")
    return x.between(x0, x1) & y.between(y0, y1)


def filter_and_box(page, table: pd.DataFrame) -> tuple[dict, int, int]:
    """Type `FILTER`, draw `BOX`; returns the link's state and the pandas counts."""
    type_filter(page, FILTER)
    filtered = int(passes(table).sum())
    wait_number(page, FILTERED, filtered)

    drawn = draw_box(page, *BOX)
    state = wait_link_state(page, lambda state: "selected" in state)
    box = state["selected"]
    assert box["kind"] == "box" and box["projection"] == "tsne"
    width, height = drawn[1] - drawn[0], drawn[3] - drawn[2]
    assert box["x"] == pytest.approx(drawn[:2], abs=0.01 * width)
    assert box["y"] == pytest.approx(drawn[2:], abs=0.01 * height)
    selected = int((passes(table) & inside(table, box)).sum())
    assert 10 <= selected < filtered
    wait_number(page, SELECTED, selected)
    return state, filtered, selected


def test_the_address_reopens_the_same_filter_and_box(new_page, digits):
    url, table = digits
    first = new_page()
    open_dashboard(first, url)
    wait_number(first, FILTERED, len(table))
    state, filtered, selected = filter_and_box(first, table)
    assert state["filter"] == FILTER
    link = first.evaluate("location.href")
    assert "state" in urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)

    second = new_page()
    open_dashboard(second, link)
    wait_number(second, FILTERED, filtered)
    wait_number(second, SELECTED, selected)
    expect(filter_box(second)).to_have_value(FILTER)
    assert shown_number(second, FILTERED) == shown_number(first, FILTERED)
    assert shown_number(second, SELECTED) == shown_number(first, SELECTED)
    expect(second.locator(NOTICE)).to_have_count(0)
    assert first.errors == [] and second.errors == []


ALL_IDS = [f"digit_{i:04d}" for i in range(1797)]

BAD_STATES = [
    pytest.param('{"filter": "label == 3"', id="malformed JSON"),
    pytest.param('{"filter": "label == 3", "colour": "red"}', id="unknown key"),
    pytest.param('{"filter": "no_such_column > 1"}', id="filter on a missing column"),
    pytest.param(
        '{"selected": {"kind": "box", "projection": "umap", "x": [0, 1], "y": [0, 1]}}',
        id="box in an unknown projection",
    ),
    pytest.param(
        json.dumps({"selected": {"kind": "ids", "ids": ALL_IDS}}), id="huge: 1,797 ids"
    ),
    pytest.param("[" * 3000 + "]" * 3000, id="deeply nested"),
    pytest.param('{"group_by": "label"}', id="group_by that is not a list"),
    pytest.param(
        '{"selected": {"kind": "ids", "ids": [' + "9" * 400 + "]}}",
        id="id too large for any integer",
    ),
    pytest.param(
        '{"selected": {"kind": "range", "column": "confidence", "range": ["a", "b"]}}',
        id="range bounds that are text",
    ),
    pytest.param(
        '{"selected": {"kind": "compound", "steps": [{"mode": "replace", '
        '"predicate": null}]}}',
        id="compound step without a predicate",
    ),
    pytest.param(
        '{"focus": "\\ud800"}',
        id="focus with a lone surrogate",
    ),
]


@pytest.mark.parametrize("text", BAD_STATES)
def test_a_bad_or_stale_address_shows_the_plain_dashboard(page, digits, text):
    url, table = digits
    open_dashboard(page, url + "?state=" + urllib.parse.quote(text, safe=""))

    expect(page.locator(ALERT)).to_have_count(0)  # "The dashboard could not be built"
    wait_number(page, FILTERED, len(table))
    assert shown_number(page, SELECTED) == 0
    expect(page.locator(f"{NOTICE}, {FILTER_ERROR}").first).to_be_visible()
    assert_no_traceback(page_text(page))

    type_filter(page, "label == 3")
    wait_number(page, FILTERED, int((table.label == 3).sum()))
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
    assert page.errors == []


def test_sessions_do_not_share_filter_or_selection(new_page, digits):
    url, table = digits
    first = new_page()
    open_dashboard(first, url)
    wait_number(first, FILTERED, len(table))
    state, filtered, selected = filter_and_box(first, table)

    second = new_page()
    open_dashboard(second, url)
    wait_number(second, FILTERED, len(table))
    assert shown_number(second, SELECTED) == 0
    expect(filter_box(second)).to_have_value("")
    assert link_state(second) is None

    type_filter(second, "label == 7")
    wait_number(second, FILTERED, int((table.label == 7).sum()))
    assert shown_number(second, SELECTED) == 0

    first.wait_for_timeout(1000)  # time for anything that leaked to arrive
    assert shown_number(first, FILTERED) == filtered
    assert shown_number(first, SELECTED) == selected
    expect(filter_box(first)).to_have_value(FILTER)
    assert link_state(first) == state
    assert first.errors == [] and second.errors == []


def test_a_filter_with_a_lone_surrogate_is_undone_like_any_other(page, digits):
    url, table = digits
    open_dashboard(page, url)
    type_filter(page, "label == 3")
    threes = int((table.label == 3).sum())
    wait_number(page, FILTERED, threes)
    wait_link_state(page, lambda state: state.get("filter") == "label == 3")

    text = 'label == "\ud800"'
    [result] = submit_filters(page, [{"text": text, "filtered": threes, "error": True}])
    assert result["done"]
    page.locator(".sy-undo button").click()
    expect(filter_box(page)).to_have_value("label == 3", timeout=10_000)
    wait_number(page, FILTERED, threes)
