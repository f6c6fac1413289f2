"""Grouping in the Summary, the ConfusionMatrix and the InstanceGrid.

The `animals` fixture, grouped by split, gives two groups of four:

    test:  r2 cat→dog, r4 dog→cat, r7 bird→bird, r8 bird→cat   (1 of 4 right)
    train: r1 cat→cat, r3 dog→dog, r5 cat→cat, r6 dog→dog      (4 of 4 right)
"""

import pandas as pd
import panel as pn
import pytest
from panel.models.tabulator import CellClickEvent

import symphony as sy
from symphony.selection import MISSING_GROUP


@pytest.fixture
def selection(animals):
    return sy.Selection(sy.Dataset(animals))


@pytest.fixture
def kinds():
    """A column holding 'a', a missing value and 'b', with values 1, 2, 3."""
    return pd.DataFrame({"id": [1, 2, 3], "kind": ["a", None, "b"], "v": [1, 2, 3]})


def click(table: pn.widgets.Tabulator, row: int, column: str) -> None:
    """A cell click as the browser sends it, through the table's own event path."""
    table._process_event(CellClickEvent(model=None, column=column, row=row))


# -- Summary --------------------------------------------------------------------------


def test_summary_groups_with_a_missing_value_add_up_and_hold_no_nan(kinds):
    summary = sy.Summary(kinds)
    summary.selection.group_by = ["kind"]
    table = summary.group_table()
    assert list(table.index) == [MISSING_GROUP, "a", "b"]
    assert table["filtered"].to_dict() == {MISSING_GROUP: 1, "a": 1, "b": 1}
    assert table["filtered"].sum() == summary.counts()["filtered"] == 3
    assert "accuracy" not in table.columns
    assert not table.isna().any().any()
    html = summary._view()
    assert "(missing)" in html and "nan" not in html.lower()


def test_summary_numeric_group_column_with_missing_value(kinds):
    summary = sy.Summary(kinds.assign(size=[1.5, float("nan"), 1.5]))
    summary.selection.group_by = ["size"]
    table = summary.group_table()
    assert table["filtered"].to_dict() == {MISSING_GROUP: 1, "1.5": 2}
    assert not any("nan" in str(label).lower() for label in table.index)


def test_summary_group_table_counts_selected_and_accuracy(selection):
    summary = sy.Summary(selection)
    selection.group_by = ["split"]
    selection.select_ids(["r1", "r2", "r7"])
    table = summary.group_table()
    assert table.to_dict(orient="index") == {
        "test": {"filtered": 4, "selected": 2, "accuracy": 0.25},
        "train": {"filtered": 4, "selected": 1, "accuracy": 1.0},
    }
    selection.filter = "confidence > 0.5"  # drops r4 and r8 from test
    table = summary.group_table()
    assert table.loc["test", "filtered"] == 2 and table.loc["test", "accuracy"] == 0.5
    assert table["filtered"].sum() == summary.counts()["filtered"] == 6


def test_summary_group_emptied_by_the_filter_shows_no_accuracy(selection):
    summary = sy.Summary(selection)
    selection.param.update(group_by=["split"], filter="split == 'train'")
    table = summary.group_table()
    assert table.loc["test", "filtered"] == 0
    assert table.loc["test", "accuracy"] is pd.NA
    assert table.loc["train", "accuracy"] == 1.0
    html = summary._view()
    assert "<td>test</td>" in html and "<td>–</td>" in html


def test_summary_two_group_columns(selection):
    summary = sy.Summary(selection)
    selection.group_by = ["split", "label"]
    table = summary.group_table()
    assert table["filtered"].to_dict() == {
        "test · bird": 2,
        "test · cat": 1,
        "test · dog": 1,
        "train · cat": 2,
        "train · dog": 2,
    }
    assert table["accuracy"].to_dict() == {
        "test · bird": 0.5,
        "test · cat": 0.0,
        "test · dog": 0.0,
        "train · cat": 1.0,
        "train · dog": 1.0,
    }
    html = summary._view()
    assert "<th>split · label</th>" in html and "test · bird" in html


def test_summary_html_lists_groups_with_a_total_row(selection):
    summary = sy.Summary(selection)
    selection.group_by = ["split"]
    html = summary._view()
    assert "<th>accuracy</th>" in html
    assert "<td>all groups</td><td><span class='sy-group-count'>8</span></td>" in html
    assert "<td>0</td><td>62.5%</td></tr>" in html
    assert "25.0%" in html and "100.0%" in html


def test_summary_without_group_by_draws_no_group_table(selection):
    summary = sy.Summary(selection)
    html = summary._view()
    assert "sy-groups" not in html
    assert summary.group_table().to_dict(orient="index") == {
        "all": {"filtered": 8, "selected": 0, "accuracy": 0.625}
    }


def test_summary_escapes_group_labels_and_column_names():
    frame = pd.DataFrame({"id": [1, 2], "<i>col</i>": ["<script>x</script>", "b"]})
    summary = sy.Summary(frame)
    summary.selection.group_by = ["<i>col</i>"]
    html = summary._groups_html()
    assert "<script>" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert "<i>" not in html and "&lt;i&gt;col&lt;/i&gt;" in html


# -- ConfusionMatrix ------------------------------------------------------------------


def test_confusion_matrix_per_group_exact_counts(selection):
    matrix = sy.ConfusionMatrix(selection)
    selection.group_by = ["split"]
    assert matrix.matrix("test").to_dict(orient="index") == {
        "bird": {"bird": 1, "cat": 1, "dog": 0},
        "cat": {"bird": 0, "cat": 0, "dog": 1},
        "dog": {"bird": 0, "cat": 1, "dog": 0},
    }
    assert matrix.matrix("train").to_dict(orient="index") == {
        "bird": {"bird": 0, "cat": 0, "dog": 0},
        "cat": {"bird": 0, "cat": 2, "dog": 0},
        "dog": {"bird": 0, "cat": 0, "dog": 2},
    }
    assert matrix.accuracy("test") == 0.25 and matrix.accuracy("train") == 1.0
    total = matrix.matrix("test") + matrix.matrix("train")
    assert total.equals(matrix.matrix())
    selection.filter = "confidence > 0.5"
    assert matrix.matrix("test").to_numpy().sum() == 2


def test_confusion_draws_one_titled_matrix_per_group(selection):
    matrix = sy.ConfusionMatrix(selection)
    pn.panel(matrix).get_root()
    assert matrix._body.objects == [matrix._table]
    selection.group_by = ["split"]
    assert list(matrix._group_views) == ["test", "train"]
    title, table = matrix._group_views["test"]
    assert title.object.endswith("<b>test</b> · 4 instances · accuracy 25.0%</div>")
    assert table.value.loc["bird", "cat"] == 1
    note, box = matrix._body.objects
    assert "One matrix per group of <b>split</b>" in note.object
    assert len(box.objects) == 2
    selection.filter = "label == 'cat'"
    assert "2 instances · accuracy 100.0%" in matrix._group_views["train"][0].object
    selection.group_by = []
    assert matrix._body.objects == [matrix._table]


def test_confusion_with_two_group_columns(selection):
    matrix = sy.ConfusionMatrix(selection)
    selection.group_by = ["split", "label"]
    assert matrix.matrix("test · bird").loc["bird"].to_dict() == {
        "bird": 1,
        "cat": 1,
        "dog": 0,
    }
    assert matrix.matrix("train · dog").to_numpy().sum() == 2


def test_confusion_click_in_a_group_matrix_selects_that_cell(selection):
    matrix = sy.ConfusionMatrix(selection)
    pn.panel(matrix).get_root()
    selection.group_by = ["split"]
    test = matrix._group_views["test"][1]
    names = matrix._names
    click(test, names.index("dog"), "cat")
    assert selection.selected == sy.ConfusionCell("dog", "cat")
    assert list(selection.selected_rows()["id"]) == ["r4"]
    # the cell predicate covers every group: cat→cat clicked in 'test' picks 'train's
    click(test, names.index("cat"), "cat")
    assert list(selection.selected_rows()["id"]) == ["r1", "r5"]
    # clicks on the row header are ignored
    click(matrix._group_views["train"][1], 0, "label ↓")
    assert selection.selected == sy.ConfusionCell("cat", "cat")


def test_confusion_shows_at_most_twelve_groups_with_a_note():
    sizes = list(range(1, 16))  # group g00 has 1 instance ... g14 has 15
    groups = [f"g{i:02d}" for i, size in enumerate(sizes) for _ in range(size)]
    frame = pd.DataFrame(
        {
            "id": range(len(groups)),
            "group": groups,
            "label": ["x"] * len(groups),
            "prediction": ["x"] * len(groups),
        }
    )
    matrix = sy.ConfusionMatrix(frame)
    pn.panel(matrix).get_root()
    matrix.selection.group_by = ["group"]
    assert list(matrix._group_views) == [f"g{i:02d}" for i in range(3, 15)]
    note, box = matrix._body.objects
    assert len(box.objects) == 12
    assert "12 of 15 groups shown; 3 smaller ones are left out." in note.object
    assert matrix.matrix("g00").to_dict() == {"x": {"x": 1}}


def test_confusion_matrix_of_an_unknown_group_says_what_exists(selection):
    matrix = sy.ConfusionMatrix(selection)
    with pytest.raises(ValueError, match=r"needs a grouping: set selection.group_by"):
        matrix.matrix("test")
    selection.group_by = ["split"]
    with pytest.raises(ValueError, match=r"No group 'tset'.*Did you mean 'test'"):
        matrix.matrix("tset")


def test_confusion_escapes_group_labels():
    frame = pd.DataFrame(
        {
            "id": [1, 2],
            "who": ["<img src=x onerror=alert(1)>", "b"],
            "label": ["a", "a"],
            "prediction": ["a", "b"],
        }
    )
    matrix = sy.ConfusionMatrix(frame)
    pn.panel(matrix).get_root()
    matrix.selection.group_by = ["who"]
    titles = " ".join(title.object for title, _ in matrix._group_views.values())
    assert "<img" not in titles and "&lt;img src=x onerror=alert(1)&gt;" in titles


# -- InstanceGrid ---------------------------------------------------------------------


def test_grid_orders_instances_by_group_stably(selection):
    grid = sy.InstanceGrid(selection)
    selection.group_by = ["split"]
    assert grid.shown_ids() == ["r2", "r4", "r7", "r8", "r1", "r3", "r5", "r6"]
    assert grid.shown_groups() == ["test"] * 4 + ["train"] * 4
    selection.group_by = []
    assert grid.shown_ids() == [f"r{i}" for i in range(1, 9)]
    assert grid.shown_groups() is None


def test_grid_groups_pages_and_selection(selection):
    grid = sy.InstanceGrid(selection, page_size=3)
    selection.group_by = ["label"]
    assert grid.shown_ids() == ["r7", "r8", "r1"]
    grid.page = 2
    assert grid.shown_ids() == ["r2", "r5", "r3"]
    assert grid.shown_groups() == ["cat", "cat", "dog"]
    selection.select_ids(["r6", "r2", "r7"])
    assert grid.page == 1 and grid.shown_ids() == ["r7", "r2", "r6"]


def test_grid_missing_group_and_header(kinds):
    grid = sy.InstanceGrid(kinds)
    grid.selection.group_by = ["kind"]
    assert grid.shown_ids() == [2, 1, 3]
    assert grid.shown_groups() == [MISSING_GROUP, "a", "b"]
    header = grid._header()
    assert "<span class='sy-grid-groups'>3</span> groups of kind" in header
    grid.selection.filter = "v > 2"
    assert "<span class='sy-grid-groups'>1</span> group of kind" in grid._header()


def test_grid_rows_and_thumbnails_show_their_group(selection):
    grid = sy.InstanceGrid(selection)
    selection.group_by = ["split", "label"]
    page = grid._table_page()
    assert list(page.columns) == ["group", *selection.dataset.columns]
    assert list(page["group"])[:3] == ["test · bird", "test · bird", "test · cat"]
    items = grid._items()
    assert [item["group"] for item in items[:2]] == ["test · bird"] * 2
    assert items[0]["title"].endswith("· test · bird")
    selection.group_by = []
    assert list(grid._table_page().columns) == selection.dataset.columns
    assert all(item["group"] == "" for item in grid._items())


def test_grid_header_escapes_group_column_names():
    grid = sy.InstanceGrid(pd.DataFrame({"id": [1], "<b>c</b>": ["x"]}))
    grid.selection.group_by = ["<b>c</b>"]
    header = grid._header()
    assert "<b>c</b>" not in header and "&lt;b&gt;c&lt;/b&gt;" in header


def test_grouped_components_render_to_bokeh(selection):
    selection.group_by = ["split"]
    for cls in (sy.Summary, sy.ConfusionMatrix, sy.InstanceGrid):
        assert pn.panel(cls(selection)).get_root() is not None
