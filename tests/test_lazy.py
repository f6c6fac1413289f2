"""A lazy (dask) dataset gives the same answers as the same table in pandas."""

from __future__ import annotations

import dask.dataframe as dd
import numpy as np
import pandas as pd
import panel as pn
import pytest
from bokeh.document import Document
from dask.callbacks import Callback

import symphony as sy
from symphony import dataset as dataset_module
from symphony import lazy
from symphony.predicates import Lasso, Range, Values
from symphony.synthetic import synthetic_table, write_parquet


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    frame = synthetic_table(6000, seed=3)
    # a text column with missing values, and one long caption per instance
    frame["note"] = np.where(frame["label"] % 3 == 0, None, "odd")
    frame["caption"] = [f"{i:05d} " + "w" * 995 for i in range(len(frame))]
    return frame


@pytest.fixture
def cluster():
    """A dask.distributed LocalCluster of two worker processes on loopback; its
    client is the default scheduler only while the test runs."""
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as local,
        Client(local) as client,
    ):
        yield client


def dashboard(data) -> sy.Symphony:
    """The standard dashboard over `data`, rendered into a document as served."""
    app = sy.Symphony(sy.Dataset(data))
    document = Document()
    document.add_root(pn.panel(app).get_root(document))
    return app


def observe(app: sy.Symphony) -> dict:
    """What every component of the dashboard shows, as plain data."""
    parts = {type(c).__name__: c for c in app.components}
    summary, matrix = parts["Summary"], parts["ConfusionMatrix"]
    embedding, grid = parts["Embedding"], parts["InstanceGrid"]
    selection = app.selection
    selected = selection.selected_rows()
    if app.selection.dataset.lazy:
        selected = selected.compute()
    image = np.asarray(embedding.render().data)
    seen = {
        "counts": summary.counts(),
        "distributions": {
            c: summary.distribution(c).set_index("value").to_dict()
            for c in summary._columns
        },
        "matrix": matrix.matrix().to_numpy().tolist(),
        "accuracy": matrix.accuracy(),
        "selected ids": sorted(selected["id"].tolist()),
        "image": (int(image.sum()), int((image[..., 3] > 0).sum())),
        "grid": (grid.shown_ids(), grid._header()),
        "groups": summary.group_table().to_dict(),
        "missing": embedding.missing_coordinates,
    }
    if selection.group_by:
        group = selection.group_labels[0]
        seen["group matrix"] = matrix.matrix(group).to_numpy().tolist()
        seen["grid groups"] = grid.shown_groups()
        grid.page = 2
        seen["page 2"] = (grid.shown_ids(), grid.shown_groups())
        grid.page = 1
    return seen


CHANGES = [
    {"filter": "confidence < 0.8 and note != 'odd'"},
    {"selected": sy.Box("synthetic", 0, 10, -3, 3)},
    {"group_by": ["split"]},
    {"selected": Lasso("synthetic", (-10, 0, 0), (-10, -10, 5))},
    {"group_by": ["split", "note"], "filter": "brightness > 0.4"},
    {"selected": sy.ConfusionCell(4, 5)},
    {"selected": sy.Ids((17, 4000, 5999, 123456))},
    {"selected": Range("confidence", 0.5, 0.7), "group_by": []},
    {"selected": Values("note", ("odd",)), "filter": ""},
]


def test_dashboard_on_two_partitions_matches_pandas(table):
    """The standard dashboard gives the same counts, views and selected ids on a
    dask DataFrame of two partitions as on the pandas table, change after change."""
    eager = dashboard(table)
    deferred = dashboard(dd.from_pandas(table, npartitions=2))
    assert deferred.selection.dataset.lazy and not eager.selection.dataset.lazy
    for change in CHANGES:
        for app in (eager, deferred):
            app.selection.param.update(**change)
        assert observe(deferred) == observe(eager), change
    assert observe(eager)["counts"]["selected"] > 0


def test_dashboard_on_a_local_cluster_matches_pandas(table, cluster, tmp_path):
    """With a dask.distributed client, the workers read the Parquet parts and do
    the work; the answers are the same."""
    for number, part in enumerate(np.array_split(np.arange(len(table)), 3)):
        table.iloc[part].to_parquet(tmp_path / f"part-{number}.parquet", index=False)
    eager = dashboard(table)
    deferred = dashboard(dd.read_parquet(tmp_path))
    assert deferred.selection.dataset.frame.npartitions == 3
    for change in CHANGES[:5]:
        for app in (eager, deferred):
            app.selection.param.update(**change)
    assert observe(deferred) == observe(eager)
    assert cluster.run(lambda: 1)  # the client was the one in use, and still answers


def test_one_dask_pass_per_change_once_views_have_asked(table):
    app = dashboard(dd.from_pandas(table, npartitions=4))
    selection = app.selection
    selection.selected = sy.Box("synthetic", 0, 10, -3, 3)  # views ask what they draw
    passes: list[int] = []
    with Callback(start=lambda graph: passes.append(1)):
        for change in (
            {"filter": "confidence < 0.8"},
            {"selected": sy.Box("synthetic", 0, 5, -3, 3)},
            {"selected": sy.Box("synthetic", -5, 5, -3, 3)},
            {"filter": "label == 3"},
        ):
            passes.clear()
            selection.param.update(**change)
            assert len(passes) == 1, change


def test_rows_are_lazy_and_match(table):
    selection = sy.Selection(sy.Dataset(dd.from_pandas(table, npartitions=2)))
    selection.filter = "label in [1, 2] and confidence > 0.9"
    rows = selection.rows()
    assert lazy.is_dask(rows)
    expected = table[table["label"].isin([1, 2]) & (table["confidence"] > 0.9)]
    assert rows.compute()["id"].tolist() == expected["id"].tolist()
    assert selection.filtered_count == len(expected)


def test_page_cuts_long_text_and_detail_shows_it_whole(table):
    """A page carries at most `max_chars` of a text; the focused detail all of it."""
    for data in (table, dd.from_pandas(table, npartitions=2)):
        grid = sy.InstanceGrid(sy.Dataset(data), max_chars=80)
        page = grid._table_page()
        assert page["caption"].str.len().max() == 80
        assert page["caption"].iloc[0] == "00000 " + "w" * 73 + "…"
        grid.pick(1)
        assert "w" * 995 in grid._detail()


def test_invalid_filter_and_selection_on_a_lazy_dataset(table):
    selection = sy.Selection(sy.Dataset(dd.from_pandas(table, npartitions=2)))
    selection.filter = "confidence < 0.5"
    count = selection.filtered_count
    selection.filter = "confidence < 'high'"
    assert "confidence" in selection.filter_error
    assert selection.filtered_count == count
    with pytest.raises(sy.DatasetError, match="No projection named .umap."):
        selection.selected = sy.Box("umap", 0, 1, 0, 1)
    assert selection.selected is None


def test_ids_are_checked_across_partitions():
    frame = pd.DataFrame({"id": [3, 1, 2, 1], "v": [1.0, 2.0, 3.0, 4.0]})
    with pytest.raises(sy.DatasetError, match="must be unique"):
        sy.Dataset(dd.from_pandas(frame, npartitions=2, sort=False))
    missing = pd.DataFrame({"id": [1.0, None, 3.0], "v": [1, 2, 3]})
    with pytest.raises(sy.DatasetError, match="1 missing values"):
        sy.Dataset(dd.from_pandas(missing, npartitions=2))
    with pytest.raises(sy.DatasetError, match="Did you mean 'id'"):
        sy.Dataset(dd.from_pandas(frame, npartitions=2), id_column="ids")


def test_numbered_ids_run_across_partitions():
    frame = pd.DataFrame({"v": np.arange(10) * 2})
    dataset = sy.Dataset(dd.from_pandas(frame, npartitions=3), id_column=None)
    assert dataset.frame.compute()["id"].tolist() == list(range(10))
    assert len(dataset) == 10 and dataset.offsets[0] == 0 and len(dataset.offsets) == 3


def test_large_parquet_opens_lazily(tmp_path, monkeypatch):
    path = write_parquet(tmp_path / "table.parquet", 30_000, chunk=10_000)
    assert not sy.Dataset(path).lazy
    assert sy.Dataset(path, lazy=True).lazy
    monkeypatch.setattr(dataset_module, "LAZY_PARQUET_BYTES", 1000)
    dataset = sy.Dataset(path)
    assert dataset.lazy and len(dataset) == 30_000
    selection = sy.Selection(dataset)
    selection.filter = "split == 'test'"
    expected = pd.read_parquet(path)
    assert selection.filtered_count == int((expected["split"] == "test").sum())


def test_only_parquet_opens_lazily(tmp_path):
    path = tmp_path / "table.csv"
    pd.DataFrame({"id": [1]}).to_csv(path, index=False)
    with pytest.raises(sy.DatasetError, match="Only Parquet opens lazily"):
        sy.Dataset(path, lazy=True)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_bin_codes_agree_with_searchsorted(dtype):
    """Binning by arithmetic lands every value, edges and their neighbours included,
    in the bin that a search among the edges finds."""
    rng = np.random.default_rng(1)
    for scale in (1e-3, 1.0, 7.0, 1e6):
        values = (rng.normal(size=5000) * scale).astype(dtype)
        edges = dataset_module._bin_edges(float(values.min()), float(values.max()), 12)
        near = np.concatenate(
            [edges, np.nextafter(edges, np.inf), np.nextafter(edges, -np.inf)]
        )
        values = np.concatenate([values, near.astype(dtype), [np.nan, np.inf, -np.inf]])
        values = values.astype(dtype)
        expected = np.full(len(values), -1)
        finite = np.isfinite(values)
        found = np.searchsorted(edges, values[finite].astype(float), side="right") - 1
        expected[finite] = np.clip(found, 0, 11)
        assert (lazy.bin_codes(values, edges) == expected).all()


def test_mask_properties_say_a_lazy_selection_keeps_no_mask(table):
    selection = sy.Selection(sy.Dataset(dd.from_pandas(table, npartitions=2)))
    for name in ("filtered_mask", "selected_mask", "selected_where", "filtered_positions"):
        with pytest.raises(TypeError, match=f"Selection.{name} is not kept for a lazy"):
            getattr(selection, name)


def test_a_filter_failing_on_partition_values_keeps_the_last_valid_one(tmp_path):
    """A Parquet column of categories opens with categories unknown to dask, so the
    filter's types are checked only on the partitions: a failure there reads as an
    invalid filter, and the next change works."""
    frame = pd.DataFrame(
        {"id": range(6), "ci": pd.Categorical([1, 2, 3, 1, 2, None]), "v": np.arange(6.0)}
    )
    frame.to_parquet(tmp_path / "table.parquet", index=False)
    selection = sy.Selection(sy.Dataset(tmp_path / "table.parquet", lazy=True))
    selection.filter = "v > 2"
    selection.filter = "ci == 'a'"
    assert "cannot compare column 'ci'" in selection.filter_error
    assert selection.filtered_count == 3
    selection.filter = "v > 1"
    assert (selection.filtered_count, selection.filter_error) == (4, "")


def awkward_table(n: int = 400) -> pd.DataFrame:
    """Columns that trip an engine: nullable integers with missing labels and
    predictions, categories never used, long texts, text with missing values."""
    rng = np.random.default_rng(5)
    label = pd.array(rng.integers(0, 4, n), dtype="Int64")
    label[rng.random(n) < 0.1] = pd.NA
    prediction = pd.array(np.where(rng.random(n) < 0.8, label.fillna(0), 3), dtype="Int64")
    prediction[rng.random(n) < 0.1] = pd.NA
    return pd.DataFrame(
        {
            "label": label,
            "prediction": prediction,
            "kind": pd.Categorical(
                rng.choice(["x", "y"], n), categories=["x", "y", "never"]
            ),
            "text": [("long " * 60)[: 250 + i % 3] if i % 4 else None for i in range(n)],
            "projection_p_x": rng.normal(size=n),
            "projection_p_y": rng.normal(size=n),
        }
    )


AWKWARD_CHANGES = [
    {"group_by": ["kind"]},
    {"selected": Values("text", (("long " * 60)[:251],))},
    {"group_by": ["text"], "filter": "notnull(label)"},
    {"selected": sy.ConfusionCell(1, 3)},
    {"group_by": ["kind", "text"]},
]


def test_awkward_columns_give_the_same_views():
    frame = awkward_table()
    eager = dashboard_numbered(frame)
    deferred = dashboard_numbered(dd.from_pandas(frame, npartitions=3))
    assert deferred.selection.dataset.id_column == "id"
    for change in AWKWARD_CHANGES:
        for app in (eager, deferred):
            app.selection.param.update(**change)
        assert observe(deferred) == observe(eager), change


def dashboard_numbered(data) -> sy.Symphony:
    app = sy.Symphony(sy.Dataset(data, id_column=None))
    document = Document()
    document.add_root(pn.panel(app).get_root(document))
    return app
