import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from symphony import Dataset, DatasetError, FileAccessError


def test_roles_found_by_usual_names(animals):
    ds = Dataset(animals)
    assert (ds.label, ds.prediction) == ("label", "prediction")
    assert list(ds.projections) == ["tsne"]
    assert ds.projection().x == "projection_tsne_x"
    assert ds.instance_kind == "tabular"


def test_missing_id_column_names_it_and_suggests(animals):
    with pytest.raises(
        DatasetError, match=r"id column 'ident' is not in the table"
    ) as info:
        Dataset(animals, id_column="ident")
    assert "id_column=None" in str(info.value)
    with pytest.raises(DatasetError, match=r"Did you mean 'idd'"):
        Dataset(animals.rename(columns={"id": "idd"}), id_column="id")


def test_duplicate_ids_show_offending_values():
    df = pd.DataFrame({"id": ["a", "b", "a", "c", "c"], "x": range(5)})
    with pytest.raises(DatasetError) as info:
        Dataset(df)
    assert "must be unique, but 2 ids repeat: 'a', 'c'" in str(info.value)


def test_missing_ids_are_refused():
    with pytest.raises(DatasetError, match=r"1 missing values \(rows 1\)"):
        Dataset(pd.DataFrame({"id": ["a", None, "c"]}))


def test_id_column_none_numbers_rows():
    ds = Dataset(pd.DataFrame({"x": [5, 6, 7]}), id_column=None)
    assert ds.id_column == "id" and list(ds.ids) == [0, 1, 2]


def test_id_column_none_keeps_a_repeating_id_column():
    ds = Dataset(pd.DataFrame({"id": ["a", "a", "b"]}), id_column=None)
    assert ds.id_column == "row_id" and list(ds.ids) == [0, 1, 2]
    assert list(ds.frame["id"]) == ["a", "a", "b"]


def test_reads_arrow_parquet_csv_and_feather(animals, tmp_path):
    assert len(Dataset(pa.Table.from_pandas(animals))) == 8
    for suffix, write in (
        (".parquet", animals.to_parquet),
        (".feather", animals.to_feather),
        (".csv", lambda p: animals.to_csv(p, index=False)),
    ):
        path = tmp_path / f"table{suffix}"
        write(path)
        assert list(Dataset(path).ids) == list(animals["id"])


def test_unknown_file_type_and_missing_file(tmp_path):
    (tmp_path / "t.xlsx").write_text("x")
    with pytest.raises(DatasetError, match=r"extension '.xlsx'"):
        Dataset(tmp_path / "t.xlsx")
    with pytest.raises(DatasetError, match=r"does not exist"):
        Dataset(tmp_path / "nope.parquet")


def test_wrong_role_column_is_named(animals):
    with pytest.raises(
        DatasetError, match=r"prediction='pred' .* Did you mean 'prediction'"
    ):
        Dataset(animals, prediction="pred")


def test_unknown_projection_lists_known(animals):
    with pytest.raises(
        DatasetError, match=r"No projection named 'umap'; the table has 'tsne'"
    ):
        Dataset(animals).projection("umap")


def test_files_resolve_only_under_root(tmp_path):
    root = tmp_path / "files"
    (root / "images").mkdir(parents=True)
    (root / "images" / "a.png").write_bytes(b"png")
    (tmp_path / "secret.txt").write_text("secret")
    (root / "link.txt").symlink_to(tmp_path / "secret.txt")
    df = pd.DataFrame({"id": ["a"], "image": ["images/a.png"]})
    ds = Dataset(df, files=root)
    assert ds.file_column == "image" and ds.instance_kind == "image"
    assert ds.file_of(0) == (root / "images" / "a.png").resolve()
    for bad in (
        "../secret.txt",
        "/etc/passwd",
        "images/../../secret.txt",
        "link.txt",
        "a\x00b",
    ):
        with pytest.raises(FileAccessError):
            ds.resolve_file(bad)


def test_positions_of_ids_match_numeric_strings():
    ds = Dataset(pd.DataFrame({"id": [10, 20, 30]}))
    assert list(ds.positions([30, 10])) == [0, 2]
    assert list(ds.positions(["20"])) == [1]
    assert list(ds.positions([99])) == []
    assert ds.positions([]).dtype == np.int64
