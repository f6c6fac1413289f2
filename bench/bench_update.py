"""How long a Selection change takes to reach every component, against the raw limit.

For each size N, a synthetic table is loaded into the standard dashboard
(`Symphony` with Summary, Embedding, ConfusionMatrix and InstanceGrid), rendered
into a Bokeh document as a served session would be, and then changed twice: a box
select on the embedding, then a filter. Each change is timed from the assignment to
the Selection until every component has recomputed and the document holds the new
models (param watchers and HoloViews stream callbacks run synchronously here).

The raw limit is measured in the same run on the same data: one boolean mask over
the columns the change reads, plus one datashader count aggregate of the
projection at the plot's size. The ratio is the update time over that limit.

The bytes are those of the document patch the server would send to the browser
for the update, serialized with Bokeh's own protocol. Memory is the resident size
of this process (the server), and the extra resident size of one more session.

A size written N:dask (such as 100000000:dask) runs the same dashboard on a lazy
dataset: the synthetic table is written to Parquet in chunks (once, under
$SYMPHONY_BENCH_DATA or /tmp/symphony-bench), opened with dask, persisted on a
dask.distributed LocalCluster of two worker processes, and every update is one dask
pass on the workers. Its raw limit is one boolean mask plus one datashader count
over the same dask DataFrame, on the same cluster. Memory then also counts the
workers' resident memory.

Run:  python bench/bench_update.py [N ...]      (default: 1000000 10000000)
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import time
from pathlib import Path

import datashader as ds
import panel as pn
from bokeh.document import Document
from bokeh.protocol import Protocol

import symphony as sy
from symphony.synthetic import synthetic_table

REPEATS = 5
PLOT = (600, 420)


def resident_mb() -> float:
    """The resident memory of this process now, in MB."""
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * 4096 / 1e6


def peak_mb() -> float:
    """The peak resident memory of this process, in MB."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def session(dataset: sy.Dataset):
    """A new session: its own Selection and components, rendered into a document."""
    app = sy.Symphony(dataset)
    document = Document()
    root = pn.panel(app).get_root(document)
    document.add_root(root)
    events: list = []
    document.on_change(events.append)
    return app, document, events


def patch_bytes(document: Document, events: list) -> int:
    """Size of the PATCH-DOC message carrying `events`, buffers included."""
    if not events:
        return 0
    message = Protocol().create("PATCH-DOC", events)
    size = len(message.header_json) + len(message.metadata_json) + len(message.content_json)
    return size + sum(len(buffer.to_bytes()) for buffer in message.buffers)


def embedding_bytes(events: list) -> int:
    """Bytes of the events that change the embedding's image."""
    image_events = [
        e
        for e in events
        if type(e.model).__name__ == "ColumnDataSource" and "image" in (e.model.data or {})
    ]
    if not image_events:
        return 0
    message = Protocol().create("PATCH-DOC", image_events)
    return len(message.content_json) + sum(len(b.to_bytes()) for b in message.buffers)


def raw_limit(frame, box, extent) -> float:
    """One boolean mask over the box's columns plus one datashader count, in seconds.

    On a dask DataFrame both run on the cluster, the mask's count brought back.
    """
    x, y = frame["projection_synthetic_x"], frame["projection_synthetic_y"]
    x0, x1, y0, y1 = box
    start = time.perf_counter()
    mask = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    canvas = ds.Canvas(
        plot_width=PLOT[0], plot_height=PLOT[1], x_range=extent[0], y_range=extent[1]
    )
    canvas.points(frame, "projection_synthetic_x", "projection_synthetic_y", ds.count())
    picked = mask.sum()
    assert int(picked.compute() if hasattr(picked, "dask") else picked)
    return time.perf_counter() - start


def timed(change) -> float:
    start = time.perf_counter()
    change()
    return time.perf_counter() - start


def extent_of(frame) -> tuple:
    """The x and y ranges of the projection, as the embedding's first view."""
    x, y = frame["projection_synthetic_x"], frame["projection_synthetic_y"]
    values = [x.min(), x.max(), y.min(), y.max()]
    if hasattr(x, "dask"):
        import dask

        values = dask.compute(*values)
    low_x, high_x, low_y, high_y = (float(v) for v in values)
    return (low_x, high_x), (low_y, high_y)


def workers_mb(client) -> float:
    """The resident memory of the cluster's worker processes, in MB."""
    if client is None:
        return 0.0
    import psutil

    sizes = client.run(lambda: psutil.Process().memory_info().rss)
    return sum(sizes.values()) / 1e6


def parquet_table(n: int) -> Path:
    """The synthetic table of n instances as Parquet, written once in chunks."""
    from symphony.synthetic import write_parquet

    folder = Path(os.environ.get("SYMPHONY_BENCH_DATA", "/tmp/symphony-bench"))
    path = folder / f"synthetic-{n}.parquet"
    if not path.exists():
        print(f"writing {path} ...", file=sys.stderr)
        write_parquet(path.with_suffix(".part"), n)
        path.with_suffix(".part").rename(path)
    return path


def run(n: int, engine: str = "pandas") -> dict:
    client = None
    if engine == "dask":
        import dask.dataframe as dd
        from distributed import Client, LocalCluster

        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        )
        client = Client(cluster)
        # one partition per row group (two million rows), so both workers have work
        frame = dd.read_parquet(parquet_table(n), split_row_groups=True).persist()
        from distributed import wait

        wait(frame)
    else:
        frame = synthetic_table(n)
    opened = time.perf_counter()
    dataset = sy.Dataset(frame)
    app, document, events = session(dataset)
    opened = time.perf_counter() - opened
    selection = app.selection
    box = (-2.0, 6.0, -2.0, 6.0)
    extent = extent_of(frame)

    repeats = REPEATS if engine == "pandas" else 3
    limits = [raw_limit(frame, box, extent) for _ in range(repeats)]
    box_times, filter_times, box_bytes, filter_bytes, picture = [], [], [], [], []
    for i in range(repeats):
        selection.clear()
        events.clear()
        wiggle = i * 1e-3  # a new box each time, so nothing is served from a cache
        moved = sy.Box("synthetic", box[0] + wiggle, box[1], box[2], box[3])
        box_times.append(timed(lambda moved=moved: selection.apply(moved)))
        box_bytes.append(patch_bytes(document, events))
        picture.append(embedding_bytes(events))
        events.clear()
        text = f"label != prediction and confidence < {0.6 + wiggle}"
        filter_times.append(timed(lambda text=text: setattr(selection, "filter", text)))
        filter_bytes.append(patch_bytes(document, events))

    # a session keeps its state in the server: on a lazy dataset the workers hold the
    # persisted table and nothing per session, so only the server is measured here
    gc.collect()
    before = resident_mb()
    other, other_document, other_events = session(dataset)
    other.selection.apply(sy.Box("synthetic", *box))
    other.selection.filter = "label != prediction"
    gc.collect()
    extra = resident_mb() - before
    peak = peak_mb() + workers_mb(client)
    if client is not None:
        client.close()
        cluster.close()

    limit = statistics.median(limits)
    return {
        "n": n,
        "engine": engine,
        "opened": opened,
        "limit": limit,
        "box": statistics.median(box_times),
        "filter": statistics.median(filter_times),
        "box_bytes": statistics.median(box_bytes),
        "filter_bytes": statistics.median(filter_bytes),
        "embedding_bytes": statistics.median(picture),
        "peak": peak,
        "extra": extra,
        "keep": (other, other_document, other_events),
    }


def main(sizes: list[str]) -> None:
    rows = []
    for size in sizes:
        n, _, engine = size.partition(":")
        rows.append(run(int(n), engine or "pandas"))
    header = (
        f"{'N':>12} {'engine':>6} {'open s':>6} {'raw ms':>8} {'box ms':>8} {'ratio':>6}"
        f" {'filter ms':>9} {'ratio':>6}"
        f" {'embed KB':>9} {'box KB':>7} {'filt KB':>7} {'peak MB':>8} {'+session MB':>11}"
    )
    print(header)
    for row in rows:
        print(
            f"{row['n']:>12,} {row['engine']:>6} {row['opened']:>6.1f}"
            f" {row['limit'] * 1e3:>8.1f} {row['box'] * 1e3:>8.1f}"
            f" {row['box'] / row['limit']:>6.2f} {row['filter'] * 1e3:>9.1f}"
            f" {row['filter'] / row['limit']:>6.2f} {row['embedding_bytes'] / 1e3:>9.1f}"
            f" {row['box_bytes'] / 1e3:>7.1f} {row['filter_bytes'] / 1e3:>7.1f}"
            f" {row['peak']:>8.0f} {row['extra']:>11.1f}"
        )


if __name__ == "__main__":
    main(sys.argv[1:] or ["1000000", "10000000"])
