"""A Parquet table served through dask: `symphony serve --lazy`, in a real Chromium.

The server opens the table lazily, so every count on the page comes from dask
passes over its partitions; each must equal what pandas finds in the same file.
"""

from __future__ import annotations

import pytest

from symphony.synthetic import write_parquet

from .helpers import (
    FILTERED,
    SELECTED,
    draw_box,
    open_dashboard,
    type_filter,
    wait_link_state,
    wait_number,
)

pytestmark = pytest.mark.timeout(300)


@pytest.fixture(scope="module")
def lazy_table(serve, tmp_path_factory):
    import pandas as pd

    path = tmp_path_factory.mktemp("lazy") / "synthetic.parquet"
    write_parquet(path, 200_000, chunk=50_000, seed=11)
    url = serve(str(path), "--lazy")
    return url, pd.read_parquet(path)


def test_served_lazy_table_counts_as_pandas(page, lazy_table):
    url, table = lazy_table
    open_dashboard(page, url)
    wait_number(page, FILTERED, len(table), timeout=60_000)

    type_filter(page, "label != prediction and confidence < 0.6")
    wrong = table[(table.label != table.prediction) & (table.confidence < 0.6)]
    wait_number(page, FILTERED, len(wrong), timeout=60_000)
    wait_number(page, ".sy-count-filtered", len(wrong))

    draw_box(page, (0.20, 0.20), (0.60, 0.55))
    # the box as the server holds it, read from the link the page keeps
    state = wait_link_state(page, lambda state: state.get("selected") is not None)
    (x0, x1), (y0, y1) = state["selected"]["x"], state["selected"]["y"]
    x, y = wrong.projection_synthetic_x, wrong.projection_synthetic_y
    picked = wrong[(x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)]
    assert 50 < len(picked) < len(wrong)
    wait_number(page, SELECTED, len(picked), timeout=60_000)
    wait_number(page, ".sy-grid-total", len(picked))
    assert page.errors == []
