"""The command line's choices, without serving."""

from __future__ import annotations

from symphony import cli
from symphony.synthetic import write_parquet


def loaded(*argv: str):
    args = cli._parser().parse_args(["serve", *argv])
    return cli._load(args)[0]


def test_a_scheduler_or_lazy_opens_parquet_through_dask(tmp_path):
    path = str(write_parquet(tmp_path / "table.parquet", 2_000, chunk=1_000))
    assert not loaded(path).lazy
    assert loaded(path, "--lazy").lazy
    # a scheduler has work only on a lazy table; the connection is made by serve()
    assert loaded(path, "--scheduler", "tcp://127.0.0.1:1").lazy
