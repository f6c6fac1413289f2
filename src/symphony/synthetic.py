"""Large synthetic ML tables for benchmarks and scale tests.

The tables look like what a classifier's evaluation produces: a clustered 2-D
projection (one cluster per class, with some overlap), a true label, a prediction
that is right most of the time and confuses neighbouring classes otherwise, a
confidence that is lower on mistakes, a train/test split and a numeric feature.
`write_parquet` writes one in chunks, so a table far larger than memory can be
made on a small machine.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["synthetic_table", "write_parquet"]

_CLASSES = 10


def synthetic_table(
    n: int, seed: int = 0, start: int = 0, accuracy: float = 0.9
) -> pd.DataFrame:
    """A synthetic table of `n` instances, ids numbered from `start`.

    Parameters
    ----------
    n : int
        Number of instances.
    seed : int
        Seed of the random generator; the same seed and start give the same rows.
    start : int
        Number of the first instance, so chunks of one table get distinct ids.
    accuracy : float
        Share of instances whose prediction equals their label, on average.

    Examples
    --------
    >>> table = synthetic_table(1000)
    >>> len(table), table["id"].is_unique, sorted(table["split"].unique())
    (1000, True, ['test', 'train'])
    >>> bool(0.85 < (table["label"] == table["prediction"]).mean() < 0.95)
    True
    """
    rng = np.random.default_rng([seed, start])
    label = rng.integers(0, _CLASSES, size=n)
    angle = 2 * np.pi * label / _CLASSES
    spread = rng.normal(0, 1.2, size=(n, 2)).astype(np.float32)
    x = (8 * np.cos(angle) + spread[:, 0]).astype(np.float32)
    y = (8 * np.sin(angle) + spread[:, 1]).astype(np.float32)

    wrong = rng.random(n) > accuracy
    # mistakes go to a neighbouring class, as real confusions mostly do
    step = rng.choice([-1, 1], size=n)
    prediction = np.where(wrong, (label + step) % _CLASSES, label)
    confidence = np.where(
        wrong, rng.uniform(0.3, 0.75, size=n), rng.beta(8, 1.5, size=n)
    ).astype(np.float32)

    return pd.DataFrame(
        {
            "id": np.arange(start, start + n, dtype=np.int64),
            "label": label.astype(np.int8),
            "prediction": prediction.astype(np.int8),
            "confidence": confidence,
            "split": pd.Categorical(
                np.where(rng.random(n) < 0.8, "train", "test"), categories=["train", "test"]
            ),
            "brightness": rng.normal(0.5, 0.15, size=n).astype(np.float32),
            "projection_synthetic_x": x,
            "projection_synthetic_y": y,
        }
    )


def write_parquet(path: str | Path, n: int, chunk: int = 2_000_000, seed: int = 0) -> Path:
    """Write a synthetic table of `n` instances to a Parquet file, chunk by chunk.

    Memory use is bounded by `chunk` rows whatever `n` is; each chunk becomes one
    row group, so dask reads the file in parallel.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = None
    try:
        for start in range(0, n, chunk):
            table = pa.Table.from_pandas(
                synthetic_table(min(chunk, n - start), seed=seed, start=start),
                preserve_index=False,
            )
            if writer is None:
                writer = pq.ParquetWriter(path, table.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
    return path
