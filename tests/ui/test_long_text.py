"""Fifty thousand instances with a 1 KB caption each, served by `panel serve`.

About 50 MB of text sits in the table. The page must receive one page of rows with
each caption cut on the server, never the captions of every instance, so each
websocket message stays far below Bokeh's limit and the session stays connected
through a filter, a page turn and a click that shows one caption whole.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from symphony.synthetic import synthetic_table

from .conftest import free_port, wait_for_http
from .helpers import (
    FILTERED,
    assert_no_traceback,
    open_dashboard,
    page_text,
    type_filter,
    wait_number,
)

pytestmark = pytest.mark.timeout(300)

N = 50_000
CAPTION = 1_000

SCRIPT = f"""
import symphony as sy
from symphony.synthetic import synthetic_table

table = synthetic_table({N}, seed=7)
table["caption"] = [
    (f"caption {{i:05d}} " + "lorem ipsum " * 90)[:{CAPTION}] for i in range(len(table))
]
sy.Symphony(sy.Dataset(table), title="Long captions").servable()
"""

LIMIT = 3_000_000  # bytes: the embedding's image is about 1 MB; Bokeh refuses 20 MB


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("long-text")
    script = folder / "captions.py"
    script.write_text(SCRIPT)
    port = free_port()
    log = folder / "serve.log"
    command = [
        sys.executable, "-m", "panel", "serve", str(script), "--port", str(port),
        "--address", "127.0.0.1", "--allow-websocket-origin", f"127.0.0.1:{port}",
    ]  # fmt: skip
    with log.open("w") as output:
        process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/captions"
        wait_for_http(url, process, log)
        yield url, log
    finally:
        process.terminate()
        process.wait(timeout=20)


def watch_websockets(page) -> dict:
    """Record the size of every websocket message the page receives, and closes."""
    seen = {"sizes": [], "closed": []}

    def on_socket(socket) -> None:
        socket.on("framereceived", lambda payload: seen["sizes"].append(len(payload)))
        socket.on("close", lambda socket: seen["closed"].append(socket.url))

    page.on("websocket", on_socket)
    return seen


def grid_captions(page) -> list[str]:
    cells = page.locator(".sy-instancegrid .tabulator-cell[tabulator-field='caption']")
    return cells.all_inner_texts()


def test_long_captions_stay_on_the_server(page, served):
    url, log = served
    seen = watch_websockets(page)
    open_dashboard(page, url)
    wait_number(page, FILTERED, N)
    captions = grid_captions(page)  # the rows the table has drawn, of one page of 40
    assert 1 <= len(captions) <= 40
    assert captions[0].startswith("caption 00000 lorem")
    assert all(len(text) <= 200 for text in captions), max(map(len, captions))

    type_filter(page, "label == 3 and caption != ''")
    threes = synthetic_table(N, seed=7)["label"] == 3  # pandas on the same table
    wait_number(page, FILTERED, int(threes.sum()))
    page.get_by_role("button", name="next ›").first.click()
    page.locator(".sy-grid-range").filter(has_text="41–80").wait_for(timeout=30_000)

    first = grid_captions(page)[0]
    page.locator(".sy-instancegrid .tabulator-row").first.click()
    detail = page.locator(".sy-detail .sy-fields")
    detail.filter(has_text=first[:14]).wait_for(timeout=30_000)
    whole = detail.inner_text()
    assert first[:-1] in whole and len(whole) > CAPTION

    assert seen["closed"] == [], "the session's websocket closed"
    assert seen["sizes"] and max(seen["sizes"]) < LIMIT, max(seen["sizes"])
    assert sum(seen["sizes"]) < 20_000_000
    assert_no_traceback(page_text(page))
    assert page.errors == []
    page.screenshot(path=str(log.parent / "long-text.png"), full_page=False)
    assert "Traceback" not in log.read_text()
