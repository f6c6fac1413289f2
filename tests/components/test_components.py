"""Each component's reaction to Selection changes, at the parameter level."""

import pandas as pd
import panel as pn
import param
import pytest

import symphony as sy
from symphony.components import ComponentError, component_class


@pytest.fixture
def selection(animals):
    return sy.Selection(sy.Dataset(animals))


def test_summary_counts_follow_filter_and_selection(selection):
    summary = sy.Summary(selection)
    selection.filter = "split == 'train'"
    selection.select_ids(["r1", "r2", "r3"])
    assert summary.counts() == {"total": 8, "filtered": 4, "selected": 2}
    labels = summary.distribution("label").set_index("value")
    assert labels.loc["cat", "filtered"] == 2 and labels.loc["cat", "selected"] == 1
    assert labels.loc["dog", "selected"] == 1
    confidence = summary.distribution("confidence")
    assert confidence["filtered"].sum() == 4 and confidence["selected"].sum() == 2


def test_summary_html_escapes_values():
    frame = pd.DataFrame({"id": [1], "note": ["<script>alert(1)</script>"]})
    summary = sy.Summary(frame)
    summary.selection.group_by = ["note"]
    html = summary._view()
    assert "<script>" not in html and "&lt;script&gt;" in html
    # bars go to the browser as data and are set there with textContent
    assert summary._bars()[0]["bars"][0]["label"] == "<script>alert(1)</script>"
    source = sy.components.summary.BarCharts._esm
    assert "innerHTML" not in source and "textContent" in source


def test_clicking_bars_selects_values_and_ranges(selection):
    summary = sy.Summary(selection)
    summary._on_bar("label", "dog", "replace")
    assert list(selection.selected_rows()["id"]) == ["r3", "r4", "r6"]
    summary._on_bar("label", "bird", "add")
    assert list(selection.selected_rows()["id"]) == ["r3", "r4", "r6", "r7", "r8"]
    edges = selection.dataset.codes("confidence", 12).edges
    top = summary._bars()[[c["column"] for c in summary._bars()].index("confidence")]
    last = top["bars"][-1]["label"]
    summary._on_bar("confidence", last, "replace")
    expected = selection.dataset.frame["confidence"] >= edges[-2]
    assert list(selection.selected_rows()["id"]) == list(selection.dataset.ids[expected])
    with pytest.raises(ValueError, match="has no bar 'zebra'"):
        summary.select_bar("label", "zebra")


def test_confusion_cell_selects_those_instances(selection):
    matrix = sy.ConfusionMatrix(selection)
    table = matrix.matrix()
    assert table.loc["cat", "dog"] == 1 and table.loc["bird", "cat"] == 1
    assert table.to_numpy().sum() == 8
    matrix.select_cell("cat", "cat")
    assert list(selection.selected_rows()["id"]) == ["r1", "r5"]
    selection.filter = "confidence > 0.92"
    assert list(selection.selected_rows()["id"]) == ["r5"]
    assert matrix.matrix().to_numpy().sum() == 1
    assert matrix.accuracy() == 1.0


def test_confusion_click_event_maps_to_cell(selection):
    matrix = sy.ConfusionMatrix(selection)
    names = matrix._names
    event = type("Click", (), {"column": "dog", "row": names.index("cat")})()
    matrix._on_click(event)
    assert selection.selected == sy.ConfusionCell("cat", "dog")


def test_embedding_box_gesture_selects_points_inside(selection):
    embedding = sy.Embedding(selection)
    assert embedding.missing_coordinates == 3
    embedding._on_box(bounds=(-0.5, -0.5, 2.5, 2.5))
    assert selection.selected == sy.Box("tsne", -0.5, 2.5, -0.5, 2.5)
    assert list(selection.selected_rows()["id"]) == ["r1", "r2", "r7", "r8"]


def test_embedding_draws_selected_in_colour_over_grey(selection):
    embedding = sy.Embedding(selection)
    plain = embedding.render((-1, 4), (-1, 4), 60, 60)
    selection.selected = sy.Box("tsne", 2.5, 3.5, 2.5, 3.5)  # only r5, at (3, 3)
    marked = embedding.render((-1, 4), (-1, 4), 60, 60)
    grey = tuple(int(sy.components.embedding._REST[i : i + 2], 16) for i in (1, 3, 5))

    def colours(element):
        r, g, b, a = (element.dimension_values(d, flat=False) for d in element.vdims)
        return {
            (int(x), int(y), int(z))
            for x, y, z, w in zip(r.ravel(), g.ravel(), b.ravel(), a.ravel(), strict=True)
            if w
        }

    assert grey not in colours(plain)
    assert grey in colours(marked)
    assert len(colours(marked) - {grey}) >= 1


def test_grid_click_selects_and_focuses_without_repaging():
    grid = sy.InstanceGrid(pd.DataFrame({"id": list("abcde"), "num": [1, 2, 3, 5, 6]}))
    grid.selection.filter = "num >= 3"
    assert grid.shown_ids() == ["c", "d", "e"]
    grid.pick(0)
    assert grid.selection.selected == sy.Ids(("c",)) and grid.selection.focus == "c"
    assert grid.shown_ids() == ["c", "d", "e"]
    grid.pick(2, extend=True)
    assert list(grid.selection.selected_rows()["id"]) == ["c", "e"]
    grid.pick(0, extend=True)
    assert list(grid.selection.selected_rows()["id"]) == ["e"]


def test_grid_shows_selection_made_elsewhere_and_pages(animals):
    selection = sy.Selection(sy.Dataset(animals))
    grid = sy.InstanceGrid(selection, page_size=3)
    assert grid.pages == 3 and grid.shown_ids() == ["r1", "r2", "r3"]
    grid.page = 3
    assert grid.shown_ids() == ["r7", "r8"]
    sy.ConfusionMatrix(selection).select_cell("dog", "dog")
    assert grid.page == 1 and grid.shown_ids() == ["r3", "r6"]


def test_component_alone_gets_private_selection(animals):
    first, second = sy.Summary(animals), sy.Summary(animals)
    first.selection.filter = "label == 'cat'"
    assert second.counts()["filtered"] == 8


def test_registry_finds_by_short_name_and_suggests():
    assert component_class("embedding") is sy.Embedding
    with pytest.raises(ComponentError, match=r"Did you mean summary"):
        component_class("sumary")


def test_components_render_to_bokeh(selection):
    for cls in (sy.Summary, sy.Embedding, sy.ConfusionMatrix, sy.InstanceGrid):
        model = pn.panel(cls(selection)).get_root()
        assert model is not None


def test_every_public_parameter_has_a_doc():
    from symphony.components.grid import ThumbnailWall
    from symphony.components.summary import BarCharts
    from symphony.filter_box import FilterBox

    classes = [
        FilterBox,
        BarCharts,
        ThumbnailWall,
        sy.Selection,
        sy.Dataset,
        sy.Summary,
        sy.Embedding,
        sy.ConfusionMatrix,
        sy.InstanceGrid,
        sy.Symphony,
        sy.Toolbar,
    ]
    inherited = set(pn.viewable.Viewer.param) | set(param.Parameterized.param)
    missing = [
        f"{cls.__name__}.{name}"
        for cls in classes
        for name, parameter in cls.param.objects("existing").items()
        if name not in inherited and not name.startswith("_") and not parameter.doc
    ]
    assert missing == []


def test_bars_send_short_labels_and_select_by_key():
    """A bar of a long text shows 60 characters; the click names its category by
    position, so the full value never travels to the browser and back."""
    long = "a caption " * 100
    frame = pd.DataFrame({"id": [1, 2, 3], "caption": [long, long, "short"]})
    summary = sy.Summary(frame)
    bars = summary._bars()[0]["bars"]
    assert [len(b["label"]) for b in bars] == [60, 5] and bars[0]["label"].endswith("…")
    BarCharts = sy.components.summary.BarCharts
    charts = BarCharts(summary._on_bar)
    charts._handle_msg({"column": "caption", "key": bars[0]["key"], "mode": "replace"})
    assert list(summary.selection.selected_rows()["id"]) == [1, 2]
    charts._handle_msg({"column": "caption", "key": 99, "mode": "replace"})
    charts._handle_msg({"column": "caption", "key": "1", "mode": "replace"})
    assert list(summary.selection.selected_rows()["id"]) == [1, 2]


def test_embedding_shading_matches_datashader():
    """The embedding's own shading gives datashader's colours and opacities, within
    rounding, on the pixels that hold instances; empty pixels stay transparent."""
    import datashader.transfer_functions as tf
    import numpy as np
    import xarray as xr

    from symphony.components.embedding import _shade_categories

    rng = np.random.default_rng(4)
    counts = rng.poisson(0.4, size=(60, 80, 5)) * (rng.random((60, 80, 1)) < 0.4)
    counts = counts.astype(np.uint32)
    colours = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b"]
    aggregate = xr.DataArray(counts, dims=("y", "x", "c"), coords={"c": list("abcde")})
    expected = (
        tf.shade(
            aggregate,
            color_key=dict(zip("abcde", colours, strict=True)),
            how="log",
            min_alpha=200,
        )
        .data.view(np.uint8)
        .reshape(60, 80, 4)
        .astype(int)
    )
    shaded = _shade_categories(counts, colours, vary_alpha=True)
    shaded = shaded.view(np.uint8).reshape(60, 80, 4).astype(int)
    filled = counts.sum(axis=2) > 0
    assert np.abs(shaded - expected)[filled].max() <= 3
    assert (shaded[~filled] == 0).all() and (shaded[filled, 3] >= 200).all()
    grey = _shade_categories(counts, ["#c8c8c8"] * 5, vary_alpha=False)
    grey = grey.view(np.uint8).reshape(60, 80, 4)
    assert (grey[filled] == [200, 200, 200, 255]).all()


def test_detail_shows_long_text_whole_up_to_a_bound():
    frame = pd.DataFrame({"id": [1, 2], "note": ["n" * 1_500, "m" * 50_000]})
    grid = sy.InstanceGrid(frame)
    grid.selection.focus = 1
    assert "n" * 1_500 in grid._detail()
    grid.selection.focus = 2
    detail = grid._detail()
    assert "m" * 20_000 in detail and "m" * 20_001 not in detail
    assert "50,000 characters in all" in detail
