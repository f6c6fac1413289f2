"""Small page helpers for the browser tests: the filter box, the counts, the embedding.

Every selector that names the toolbar's filter box is in `filter_box`, so a new
filter widget changes one line here and no test.
"""

from __future__ import annotations

import json
import re
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Locator, Page, expect

FILTERED = ".sy-status-filtered"
SELECTED = ".sy-status-selected"
NOTICE = ".sy-notice"
ALERT = ".alert"
STATUS = ".sy-status"
FILTER_ERROR = ".sy-filter-error"

# the Bokeh plot with a box-select tool (the embedding): its frame on the page and
# its data ranges; null until it is drawn
FRAME_JS = """
() => {
  if (typeof Bokeh === "undefined" || Bokeh.index === undefined) return null;
  const view = Bokeh.index.query_one(v => v.frame !== undefined
    && v.model.toolbar !== undefined
    && v.model.toolbar.tools.some(t => t.constructor.__name__ === "BoxSelectTool"));
  if (view === null || view.frame.bbox.width < 50) return null;
  const canvas = view.canvas_view.el.getBoundingClientRect();
  const bbox = view.frame.bbox;
  return {left: canvas.left + bbox.left, top: canvas.top + bbox.top,
          width: bbox.width, height: bbox.height,
          x0: view.model.x_range.start, x1: view.model.x_range.end,
          y0: view.model.y_range.start, y1: view.model.y_range.end};
}
"""

# All text a person can read on the page, shadow roots included; scripts and
# styles left out.
_PAGE_TEXT_JS = """
() => {
  const parts = [];
  const visit = (root) => {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentNode;
      if (parent && !["SCRIPT", "STYLE"].includes(parent.nodeName)) {
        parts.push(node.data);
      }
    }
    for (const element of root.querySelectorAll("*")) {
      if (element.shadowRoot) {
        visit(element.shadowRoot);
      }
    }
  };
  visit(document.body);
  return parts.join(" ");
}
"""

# Apply each text through the filter box as Enter does, then wait until the toolbar
# shows the expected answer. The text is set as the box's value and Enter is sent
# as key events (and a change event, on which a plain text input commits), so it
# reaches the server through the widget's own code. `items` holds
# {text, filtered, error}: the count and whether an error is expected; consecutive
# items must differ in what the toolbar shows, or the wait cannot see the answer.
_SUBMIT_JS = """
async (input, [items, timeout, selectors]) => {
  let node = input;
  while (node && !(node.classList && node.classList.contains("sy-toolbar"))) {
    node = node.parentNode || node.host;
  }
  const toolbar = node ? node.shadowRoot || node : document;

  const find = (root, selector) => {
    const found = root.querySelector(selector);
    if (found) {
      return found;
    }
    for (const element of root.querySelectorAll("*")) {
      const inner = element.shadowRoot && find(element.shadowRoot, selector);
      if (inner) {
        return inner;
      }
    }
    return null;
  };
  const number = (element) =>
    element ? parseInt(element.textContent.replace(/,/g, ""), 10) : NaN;
  const shown = () => {
    const status = find(toolbar, selectors.status);
    if (!status) {
      return null;
    }
    const error = find(toolbar, selectors.error);
    return {
      text: status.parentNode.textContent,
      filtered: number(find(status, selectors.filtered)),
      selected: number(find(status, selectors.selected)),
      error: error && error.textContent.trim() ? error.textContent : null,
    };
  };
  const key = (state) => (state ? state.text + "\\u0000" + state.error : "");
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  const results = [];
  let before = key(shown());
  for (const item of items) {
    const start = performance.now();
    input.value = item.text;
    const sent = input.value;
    for (const type of ["keydown", "keyup"]) {
      input.dispatchEvent(new KeyboardEvent(type, { key: "Enter", bubbles: true }));
    }
    input.dispatchEvent(new Event("change", { bubbles: true }));
    let state = null;
    let done = false;
    while (!done && performance.now() - start < timeout) {
      await sleep(8);
      state = shown();
      done =
        state !== null &&
        key(state) !== before &&
        state.filtered === item.filtered &&
        (state.error !== null) === item.error;
    }
    results.push({ sent: sent, shown: state, ms: performance.now() - start, done: done });
    before = key(state);
  }
  return results;
}
"""

# What the browser's text input keeps of each text (it drops line breaks).
_AS_TYPED_JS = """
(texts) => {
  const input = document.createElement("input");
  input.type = "text";
  return texts.map((text) => {
    input.value = text;
    return input.value;
  });
}
"""


def filter_box(page: Page) -> Locator:
    """The text field of the toolbar's filter box."""
    return page.locator(".sy-filter input").first


def type_filter(page: Page, text: str) -> None:
    """Type `text` into the filter box and press Enter, as a user does."""
    box = filter_box(page)
    box.fill(text)
    box.press("Escape")  # close a list of completions, so Enter applies the text
    box.press("Enter")


def submit_filters(
    page: Page, items: list[dict[str, Any]], timeout: float = 10_000
) -> list[dict[str, Any]]:
    """Apply each item's text through the filter box and wait for the toolbar's answer.

    Each item is {"text", "filtered", "error"}: the text, the count expected once it
    applies, and whether a filter error is expected. Returns, per item, the text the
    box sent, what the toolbar showed (text, filtered, selected, error), the round
    trip in milliseconds and whether the expected answer came within `timeout` ms.
    """
    selectors = {
        "status": STATUS,
        "filtered": FILTERED,
        "selected": SELECTED,
        "error": FILTER_ERROR,
    }
    return filter_box(page).evaluate(_SUBMIT_JS, [items, timeout, selectors])


def as_typed(page: Page, texts: list[str]) -> list[str]:
    """What a text input of this browser keeps of each text (line breaks go)."""
    return page.evaluate(_AS_TYPED_JS, texts)


def shown_number(page: Page, selector: str) -> int:
    """The number shown by the first element matching `selector`, such as '1,797'."""
    return int(page.locator(selector).first.inner_text().replace(",", ""))


def wait_number(page: Page, selector: str, expected: int, timeout: float = 30_000) -> None:
    """Wait until the number shown by `selector` equals `expected`."""
    pattern = re.compile(rf"^\s*{expected:,}\s*$")
    expect(page.locator(selector).first).to_have_text(pattern, timeout=timeout)


def open_dashboard(page: Page, url: str) -> None:
    """Open `url` and wait until the toolbar's counts show, or a page-wide alert."""
    page.goto(url)
    page.locator(f"{FILTERED}, {ALERT}").first.wait_for(timeout=90_000)


def link_state(page: Page) -> dict | None:
    """The selection state kept in the page's address, or None when there is none.

    Read from the page itself: Playwright's `page.url` learns of a changed address
    only at its next call into the browser.
    """
    query = parse_qs(urlsplit(page.evaluate("location.href")).query)
    return json.loads(query["state"][-1]) if "state" in query else None


def wait_link_state(page: Page, condition, timeout: float = 30) -> dict:
    """Wait until the page's address holds a state for which `condition` is true."""
    deadline = time.monotonic() + timeout
    while True:
        state = link_state(page)
        if state is not None and condition(state):
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"the link's state is {state!r} after {timeout} s")
        page.wait_for_timeout(100)


def page_text(page: Page) -> str:
    """All readable text of the page, inside shadow roots too."""
    return page.evaluate(_PAGE_TEXT_JS)


def assert_no_traceback(text: str) -> None:
    """Fail if `text` shows a Python traceback."""
    assert "Traceback" not in text, text[:2000]
    assert 'File "' not in text, text[:2000]


def plot_frame(page: Page, timeout: float = 60_000) -> dict[str, float]:
    """The embedding's frame on the page and its data ranges, once it is drawn."""
    return page.wait_for_function(FRAME_JS, timeout=timeout).json_value()


def inside(table, box: tuple[float, float, float, float]):
    """The rows of the digits table inside a box (x0, x1, y0, y1) of its t-SNE."""
    x0, x1, y0, y1 = box
    x, y = table.projection_tsne_x, table.projection_tsne_y
    return table[(x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)]


def draw_box(
    page: Page, start: tuple[float, float], end: tuple[float, float]
) -> tuple[float, float, float, float]:
    """Drag a box on the embedding between two points given as fractions of its frame.

    Returns the box in data coordinates as (x0, x1, y0, y1), smallest first.
    """
    frame = plot_frame(page)

    def pixel(fraction: tuple[float, float]) -> tuple[float, float]:
        return (
            frame["left"] + fraction[0] * frame["width"],
            frame["top"] + fraction[1] * frame["height"],
        )

    def data(fraction: tuple[float, float]) -> tuple[float, float]:
        x = frame["x0"] + fraction[0] * (frame["x1"] - frame["x0"])
        y = frame["y1"] - fraction[1] * (frame["y1"] - frame["y0"])
        return x, y

    (sx, sy), (ex, ey) = pixel(start), pixel(end)
    page.mouse.move(sx, sy)
    page.mouse.down()
    page.mouse.move((sx + ex) / 2, (sy + ey) / 2, steps=5)
    page.mouse.move(ex, ey, steps=5)
    page.mouse.up()
    (xa, ya), (xb, yb) = data(start), data(end)
    return min(xa, xb), max(xa, xb), min(ya, yb), max(ya, yb)
