"""FilterBox in a real Chromium: completion, Enter to apply, and text set from Python.

A small Panel app is served on loopback from this process, so each test can read
the server-side FilterBox of its own browser session.
"""

from __future__ import annotations

import time
import urllib.error
import urllib.request

import panel as pn
import pytest
from playwright.sync_api import expect

from symphony.filter_box import _COMPLETE_JS, FilterBox, complete

from .conftest import free_port

pytestmark = pytest.mark.timeout(300)

COLUMNS = ["label", "prediction", "confidence", "my col"]


def wait_until(condition, timeout: float = 10, message: str = "") -> None:
    """Poll `condition` until it is true, failing after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(message or f"not true within {timeout} s")
        time.sleep(0.05)


def wait_for_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="module")
def served():
    """Serve an app with one FilterBox per session, above a table it must not push."""
    boxes: list[FilterBox] = []

    def app():
        box = FilterBox(columns=COLUMNS, placeholder="e.g. label != prediction")
        boxes.append(box)
        below = pn.pane.Markdown("Content below the box", css_classes=["below"])
        return pn.Column(box, below, width=600)

    port = free_port()
    server = pn.serve(
        {"filter-box": app}, port=port, address="127.0.0.1", threaded=True, show=False
    )
    url = f"http://127.0.0.1:{port}/filter-box"
    try:
        wait_for_http(url)
        yield url, boxes
    finally:
        server.stop()


@pytest.fixture
def session(page, served):
    """A fresh page on the app, and the server-side FilterBox of its session."""
    url, boxes = served
    known = len(boxes)
    page.goto(url)
    page.locator(".sy-fb-input").wait_for(timeout=30_000)
    wait_until(lambda: len(boxes) > known, message="the session made no FilterBox")
    yield page, boxes[-1]
    assert page.errors == []


def test_complete_in_the_browser_agrees_with_python(page):
    """The widget's own JavaScript, run on every cursor position of many texts."""
    assert FilterBox._esm.startswith(_COMPLETE_JS)
    columns = [
        *COLUMNS,
        "for",
        "size.mm",
        "température",
        "a`b\\c",
        "__x",
        "Conflict",
        "score_conf",
        *[f"col_{i}" for i in range(10)],
    ]
    texts = [
        "label != prediction and conf < 0.5",
        "label == 'it\\'s conf' or CONF",
        'contains(label, "my \\"col") and `my c',
        "`a\\`b\\\\c` > 1 and fo",
        "col_ > 1e5 and (pred == 'x' or tempé)",
        "__ and _ and co",
        "size.mm",
    ]
    cases = [(text, cursor) for text in texts for cursor in range(len(text) + 1)]
    script = (
        "(cases) => {\n"
        + _COMPLETE_JS
        + "\nreturn cases.map(([text, cursor, columns]) => complete(text, cursor, columns));\n}"
    )
    in_browser = page.evaluate(script, [[text, cursor, columns] for text, cursor in cases])
    in_python = [complete(text, cursor, columns) for text, cursor in cases]
    differ = [
        (case, js, py)
        for case, js, py in zip(cases, in_browser, in_python, strict=True)
        if js != py
    ]
    assert differ == []
    assert any(len(offered) > 2 for offered in in_python)


def test_tab_completes_and_enter_applies(session):
    page, box = session
    field = page.locator(".sy-fb-input")
    field.click()
    field.press_sequentially("conf")
    option = page.locator(".sy-fb-option", has_text="confidence")
    expect(option).to_be_visible()
    expect(page.locator(".sy-fb-option")).to_have_count(1)

    field.press("Tab")
    expect(field).to_have_value("confidence")
    expect(page.locator(".sy-fb-list")).to_be_hidden()
    expect(field).to_be_focused()

    field.press_sequentially(" < 0.5")
    expect(field).to_have_value("confidence < 0.5")
    assert box.value == "", "the text reached Python before Enter"

    field.press("Enter")
    wait_until(lambda: box.value == "confidence < 0.5", message=f"value is {box.value!r}")


def test_the_list_overlays_what_is_below(session):
    page, box = session
    below = page.locator(".below")
    before = below.bounding_box()
    field = page.locator(".sy-fb-input")
    field.click()
    field.press_sequentially("c")
    listing = page.locator(".sy-fb-list")
    expect(listing).to_be_visible()
    assert below.bounding_box() == before
    assert listing.bounding_box()["y"] + listing.bounding_box()["height"] > before["y"]
    clicked_at = page.evaluate(
        """([x, y]) => {
          let node = document.elementFromPoint(x, y);
          while (node && node.shadowRoot && node.shadowRoot.elementFromPoint(x, y) !== node) {
            node = node.shadowRoot.elementFromPoint(x, y);
          }
          return node ? node.className : null;
        }""",
        [before["x"] + 5, before["y"] + 5],
    )
    assert "sy-fb-option" in clicked_at


def test_a_name_with_a_space_is_inserted_in_backticks(session):
    page, box = session
    field = page.locator(".sy-fb-input")
    field.click()
    field.press_sequentially("my")
    option = page.locator(".sy-fb-option", has_text="`my col`")
    expect(option).to_be_visible()
    option.click()
    expect(field).to_have_value("`my col`")
    expect(field).to_be_focused()

    field.press("Enter")
    wait_until(lambda: box.value == "`my col`", message=f"value is {box.value!r}")


def test_arrows_move_and_escape_closes(session):
    page, box = session
    field = page.locator(".sy-fb-input")
    field.click()
    field.press_sequentially("c")
    options = page.locator(".sy-fb-option")
    expect(options).to_have_text(["confidence", "prediction", "`my col`"])
    expect(options.nth(0)).to_have_class("sy-fb-option sy-fb-active")

    field.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    field.press("ArrowUp")
    field.press("ArrowUp")
    expect(options.nth(2)).to_have_attribute("aria-selected", "true")
    field.press("ArrowDown")
    field.press("ArrowDown")
    field.press("Enter")
    expect(field).to_have_value("prediction")
    assert box.value == ""

    field.press_sequentially(" == lab")
    expect(options).to_have_text(["label"])
    field.press("Escape")
    expect(page.locator(".sy-fb-list")).to_be_hidden()
    field.press("Enter")
    wait_until(lambda: box.value == "prediction == lab", message=f"value is {box.value!r}")


def test_a_name_in_the_middle_is_replaced_whole(session):
    page, box = session
    field = page.locator(".sy-fb-input")
    field.fill("conf < 0.5")
    field.press("Home")
    for _ in range(2):
        field.press("ArrowRight")
    field.press("ArrowDown")
    expect(page.locator(".sy-fb-option")).to_have_text(["confidence", "`my col`"])
    field.press("Tab")
    expect(field).to_have_value("confidence < 0.5")


def test_nothing_is_offered_inside_quoted_text(session):
    page, box = session
    field = page.locator(".sy-fb-input")
    field.click()
    field.press_sequentially("label == 'conf")
    page.wait_for_timeout(200)
    expect(page.locator(".sy-fb-list")).to_be_hidden()
    field.press_sequentially("' and conf")
    expect(page.locator(".sy-fb-option")).to_have_text(["confidence"])


def test_value_and_error_set_from_python_are_shown_as_text(session):
    page, box = session
    field = page.locator(".sy-fb-input")
    error = page.locator(".sy-fb-error")
    expect(error).to_be_hidden()

    box.value = "label == '<b>x</b>'"
    expect(field).to_have_value("label == '<b>x</b>'")

    message = "unknown column 'lable' <img src=x onerror=alert(1)>; did you mean 'label'?"
    box.error = message
    expect(error).to_be_visible()
    expect(error).to_have_text(message)
    assert error.evaluate("node => node.children.length") == 0
    expect(field).to_have_attribute("aria-invalid", "true")

    box.error = ""
    expect(error).to_be_hidden()
    expect(field).to_have_attribute("aria-invalid", "false")
