"""A table larger than you would hold in pandas, through dask, for `panel serve`.

    panel serve gallery/dask_dashboard.py

The first start writes a synthetic table of SYMPHONY_ROWS instances (default ten
million; 100_000_000 takes about a minute and 2.4 GB) to Parquet under
SYMPHONY_CACHE (or ~/.cache/symphony), chunk by chunk. The server process then
starts a dask.distributed LocalCluster once, persists the table on its workers and
shares one lazy Dataset; every browser session gets its own Selection, and each of
its changes is one dask pass on the cluster. Set SYMPHONY_SCHEDULER to a scheduler
address (tcp://host:8786) to use a cluster of your own instead.
"""

import os
from pathlib import Path

import dask.dataframe as dd
import panel as pn
from distributed import Client, LocalCluster

import symphony as sy
from symphony.synthetic import write_parquet

pn.extension("tabulator")


def table_path() -> Path:
    rows = int(os.environ.get("SYMPHONY_ROWS", 10_000_000))
    cache = Path(os.environ.get("SYMPHONY_CACHE", Path.home() / ".cache" / "symphony"))
    path = cache / f"synthetic-{rows}.parquet"
    if not path.exists():
        partial = path.with_suffix(".part")
        write_parquet(partial, rows)
        partial.rename(path)
    return path


def client() -> Client:
    address = os.environ.get("SYMPHONY_SCHEDULER")
    if address:
        return Client(address)
    return Client(LocalCluster(host="127.0.0.1", dashboard_address=None))


def dataset() -> sy.Dataset:
    pn.state.as_cached("symphony-dask-client", client)
    frame = dd.read_parquet(table_path(), split_row_groups=True).persist()
    return sy.Dataset(frame, id_column="id")


shared = pn.state.as_cached("symphony-dask-dataset", dataset)
sy.Symphony(shared, title=f"Symphony · {len(shared):,} instances through dask").servable()
