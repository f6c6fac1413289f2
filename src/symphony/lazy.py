"""The dask path: one pass over the partitions per Selection change.

A dataset backed by a dask DataFrame never holds its columns in the server. What a
session needs after a change (how many instances pass the filter and are selected,
counts per category for the charts and the confusion matrix, the embedding's
per-pixel counts, the first rows of the grid) is described by small hashable
requests, each asked of one scope: "all" instances, the "filtered" ones, or the
"selected" ones among those. `run` turns a list of requests into one task per partition that
evaluates the filter and the selected predicate on that partition and answers
every request from it; the answers are merged pairwise on the workers, so one
`dask.compute` brings back only aggregates, whatever the number of instances.

With a `dask.distributed` client active, `dask.compute` runs on its cluster;
without one, on dask's local threads. Everything sent to the workers is plain
data: the filter's parse tree, the selected predicate, the requests and the
column roles, never the Dataset object.

Encoders turn the columns of one partition into small integer codes, as
`Dataset.codes` does for a whole pandas table; their categories or bin edges are
found once per dataset (`Dataset.codes`), so every partition codes alike.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

log = logging.getLogger(__name__)

__all__ = [
    "Bins",
    "Categories",
    "Cells",
    "Correct",
    "Count",
    "Distinct",
    "Finite",
    "GroupHead",
    "Groups",
    "Head",
    "Lookup",
    "PartitionView",
    "Raster",
    "Roles",
    "bin_codes",
    "categories_of",
    "check_predicate",
    "distinct",
    "floats",
    "is_dask",
    "positions_in",
    "rows",
    "run",
    "value_counts",
]


def is_dask(data: Any) -> bool:
    """True for a dask DataFrame, without importing dask."""
    return type(data).__module__.split(".")[0] == "dask" and hasattr(data, "dtypes")


# -- encoders: a partition's columns as small integer codes --------------------------


@dataclass(frozen=True)
class Categories:
    """A column's values as positions in `values`; a missing value as `missing`."""

    column: str
    values: tuple
    missing: int = -1

    @property
    def size(self) -> int:
        return len(self.values) + (self.missing >= 0)

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        series = frame[self.column]
        codes = positions_in(series, pd.Index(list(self.values)))
        if self.missing >= 0:
            codes[series.isna().to_numpy()] = self.missing
        return codes


def positions_in(series: pd.Series, index: pd.Index) -> np.ndarray:
    """The position of each value of `series` in `index`, -1 where it is not there."""
    if _plain_integers(series) and index.dtype.kind in "iu" and len(index):
        return _small_int_codes(series.to_numpy(), index.to_numpy())
    if isinstance(series.dtype, pd.CategoricalDtype):
        table = np.append(index.get_indexer(series.cat.categories), -1).astype(np.int32)
        return table[series.cat.codes.to_numpy()]  # code -1 takes the last entry
    return index.get_indexer(series).astype(np.int32)


def _plain_integers(series: pd.Series) -> bool:
    """Whether a column holds numpy integers or booleans that fit in int64: never
    missing, so compared and coded without a check for missing values."""
    dtype = series.dtype
    if not isinstance(dtype, np.dtype) or dtype.kind not in "biu":
        return False
    return not (dtype.kind == "u" and dtype.itemsize == 8)


def floats(series: pd.Series) -> np.ndarray:
    """A column as floating-point numbers, missing ones as NaN, without a copy
    when it already is one."""
    if isinstance(series.dtype, np.dtype) and series.dtype.kind == "f":
        return series.to_numpy()
    values = pd.to_numeric(series, errors="coerce")
    return values.to_numpy(dtype=float, na_value=np.nan)


def bin_codes(values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """The bin of each value among equal-width `edges`, -1 where it is not finite.

    Gives what `searchsorted(edges, values, side="right") - 1` gives, clipped to
    the bins, but by arithmetic, then corrected by one where rounding put a value
    next to an edge in the neighbouring bin.
    """
    bins = len(edges) - 1
    low, width = edges[0], (edges[-1] - edges[0]) / bins
    with np.errstate(invalid="ignore"):
        guess = np.floor((values - low) / width)
    finite = np.isfinite(guess)
    codes = np.clip(np.where(finite, guess, 0), 0, bins - 1).astype(np.int32)
    codes -= (values < edges[codes]) & (codes > 0)
    codes += (values >= edges[np.minimum(codes + 1, bins)]) & (codes < bins - 1)
    codes[~finite] = -1
    return codes


def _small_int_codes(values: np.ndarray, known: np.ndarray) -> np.ndarray:
    """Positions of integer values among `known` integers, -1 for the others, by
    a lookup table when the known values span a small range."""
    if known.dtype.kind == "u" and known.dtype.itemsize == 8:
        return pd.Index(known).get_indexer(values)
    low, high = int(known.min()), int(known.max())
    if high - low > 1 << 20:
        return pd.Index(known).get_indexer(values)
    table = np.full(high - low + 2, -1, dtype=np.int32)  # the last entry: outside
    table[known - low] = np.arange(len(known), dtype=np.int32)
    shifted = values.astype(np.int64) - low
    outside = (shifted < 0) | (shifted > high - low)
    shifted[outside] = high - low + 1
    return table[shifted]


@dataclass(frozen=True)
class Bins:
    """A numeric column in equal-width bins between `edges`; -1 when not finite."""

    column: str
    edges: tuple

    @property
    def size(self) -> int:
        return len(self.edges) - 1

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        return bin_codes(floats(frame[self.column]), np.asarray(self.edges))


@dataclass(frozen=True)
class Cells:
    """The confusion-matrix cell of each instance: row * size + column, -1 outside."""

    label: str
    prediction: str
    classes: tuple

    @property
    def size(self) -> int:
        return len(self.classes) ** 2

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        index = pd.Index(list(self.classes))
        rows = positions_in(frame[self.label], index)
        columns = positions_in(frame[self.prediction], index)
        cells = (rows * len(self.classes) + columns).astype(np.int32)
        cells[(rows < 0) | (columns < 0)] = -1
        return cells


@dataclass(frozen=True)
class Correct:
    """1 where the prediction equals the label, 0 where not, -1 where one is missing."""

    label: str
    prediction: str
    size: int = 2

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        label, prediction = frame[self.label], frame[self.prediction]
        if _plain_integers(label) and _plain_integers(prediction):
            return (label.to_numpy() == prediction.to_numpy()).astype(np.int32)
        present = (label.notna() & prediction.notna()).to_numpy(dtype=bool)
        codes = np.full(len(frame), -1, dtype=np.int32)
        where = np.flatnonzero(present)
        # compared as Python objects, so differing dtypes or categories never raise
        truth = label.to_numpy(dtype=object)[where]
        codes[where] = truth == prediction.to_numpy(dtype=object)[where]
        return codes


@dataclass(frozen=True)
class Finite:
    """1 where both coordinates of a projection are finite numbers, else 0."""

    x: str
    y: str
    size: int = 2

    def encode(self, frame: pd.DataFrame) -> np.ndarray:
        finite = np.isfinite(floats(frame[self.x])) & np.isfinite(floats(frame[self.y]))
        return finite.view(np.int8)


@dataclass(frozen=True)
class Groups:
    """The group of each instance: its combination of `parts` codes, as a position
    in `combinations` (sorted mixed-radix numbers of the parts' codes)."""

    parts: tuple
    combinations: tuple

    @property
    def size(self) -> int:
        return len(self.combinations)

    def encode(self, frame: pd.DataFrame, coded=None) -> np.ndarray:
        coded = coded or (lambda encoder: encoder.encode(frame))
        number = np.zeros(len(frame), dtype=np.int64)
        for part in self.parts:
            number = number * part.size + coded(part)
        if not self.size:
            return np.full(len(frame), -1, dtype=np.int32)
        combinations = np.asarray(self.combinations, dtype=np.int64)
        found = np.clip(np.searchsorted(combinations, number), 0, self.size - 1)
        return np.where(combinations[found] == number, found, -1).astype(np.int32)


@dataclass(frozen=True)
class Lookup:
    """Another encoder's codes mapped through `table` (colour categories, say)."""

    inner: Any
    table: tuple
    size: int

    def encode(self, frame: pd.DataFrame, coded=None) -> np.ndarray:
        codes = coded(self.inner) if coded else self.inner.encode(frame)
        table = np.asarray(self.table or (0,), dtype=np.int32)
        return np.where(codes >= 0, table[np.clip(codes, 0, None)], -1).astype(np.int32)


# -- what a session asks of the partitions ------------------------------------------


@dataclass(frozen=True)
class Count:
    """Instances per code of `encoders` (a joint count of two), within `scope`."""

    scope: str
    encoders: tuple

    def answer(self, frame, mask, offset, coded) -> np.ndarray:
        sizes = [e.size for e in self.encoders]
        if len(self.encoders) == 1:
            codes = coded(self.encoders[0])
        else:
            codes = np.zeros(len(frame), dtype=np.int64)
            valid = np.ones(len(frame), dtype=bool)
            for encoder in self.encoders:
                part = coded(encoder)
                valid &= part >= 0
                codes = codes * encoder.size + part
            codes[~valid] = -1
        picked = codes if mask is None else codes[mask]
        counts = np.bincount(picked[picked >= 0], minlength=int(np.prod(sizes)))
        return counts.reshape(sizes)

    @staticmethod
    def merge(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return first + second


@dataclass(frozen=True)
class Distinct:
    """The distinct combinations of `encoders` codes among all instances, as sorted
    mixed-radix numbers."""

    encoders: tuple
    scope: str = "all"

    def answer(self, frame, mask, offset, coded) -> np.ndarray:
        number = np.zeros(len(frame), dtype=np.int64)
        for encoder in self.encoders:
            number = number * encoder.size + coded(encoder)
        return np.unique(number)

    @staticmethod
    def merge(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return np.union1d(first, second)


@dataclass(frozen=True)
class Raster:
    """Datashader counts per pixel and colour of the instances within `scope`."""

    scope: str
    x: str
    y: str
    colours: Any
    x_range: tuple
    y_range: tuple
    width: int
    height: int

    def answer(self, frame, mask, offset, coded) -> np.ndarray:
        import datashader as ds

        keep = coded(Finite(self.x, self.y)) > 0
        if mask is not None:
            keep &= mask
        where = np.flatnonzero(keep)
        points = pd.DataFrame(
            {
                "x": frame[self.x].to_numpy()[where],
                "y": frame[self.y].to_numpy()[where],
                "category": pd.Categorical.from_codes(
                    coded(self.colours)[where].clip(0),
                    categories=range(self.colours.size),
                ),
            }
        )
        canvas = ds.Canvas(
            plot_width=self.width,
            plot_height=self.height,
            x_range=self.x_range,
            y_range=self.y_range,
        )
        counts = canvas.points(points, "x", "y", ds.count_cat("category"))
        return counts.values

    @staticmethod
    def merge(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return first + second


@dataclass(frozen=True)
class Head:
    """The first `stop` instances within `scope`, in table order, with their row
    positions in a `_position` column."""

    scope: str
    stop: int
    columns: tuple

    def answer(self, frame, mask, offset=0, coded=None) -> pd.DataFrame:
        where = np.arange(len(frame)) if mask is None else np.flatnonzero(mask)
        where = where[: self.stop]
        rows = frame.iloc[where][list(self.columns)].reset_index(drop=True)
        rows.insert(0, "_position", where + offset)
        return rows

    def merge(self, first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
        if not len(second):
            return first
        return pd.concat([first, second], ignore_index=True).iloc[: self.stop]


@dataclass(frozen=True)
class GroupHead:
    """The first `stop` instances within `scope` of each group in `stops` (a tuple
    of (group code, stop) pairs), in table order; for a page listed group by group."""

    scope: str
    groups: Any
    stops: tuple
    columns: tuple

    def answer(self, frame, mask, offset, coded) -> dict:
        codes = coded(self.groups)
        heads = {}
        for group, stop in self.stops:
            picked = codes == group
            if mask is not None:
                picked &= mask
            head = Head("all", stop, self.columns)
            heads[group] = head.answer(frame, picked, offset)
        return heads

    def merge(self, first: dict, second: dict) -> dict:
        stops = dict(self.stops)
        return {
            group: Head("all", stops[group], ()).merge(rows, second[group])
            for group, rows in first.items()
        }


# -- one partition, and the merge of two answers --------------------------------------


@dataclass(frozen=True)
class Roles:
    """What predicates need of a dataset, without its table: column roles only."""

    id_column: str
    label: str | None
    prediction: str | None
    projections: dict = field(hash=False)


class PartitionView:
    """One pandas partition seen as a dataset, for predicates and the filter."""

    def __init__(self, frame: pd.DataFrame, roles: Roles) -> None:
        self.frame = frame
        self.id_column = roles.id_column
        self.label = roles.label
        self.prediction = roles.prediction
        self._projections = roles.projections

    def __len__(self) -> int:
        return len(self.frame)

    @property
    def columns(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def ids(self) -> pd.Series:
        return self.frame[self.id_column]

    def projection(self, name: str | None = None):
        if name is None:
            return next(iter(self._projections.values()))
        return self._projections[name]

    def positions(self, ids: Sequence[Any]) -> np.ndarray:
        from .dataset import positions_of

        return positions_of(self.ids, ids)

    def _require_column(self, name: str, role: str) -> None:
        if name not in self.frame.columns:
            raise LookupError(f"{role}={name!r} names a column the table does not have.")


def _answer_partition(frame, offset, roles, expression, predicate, requests):
    """Every request's answer from one partition, with the scope counts."""
    frame = frame.reset_index(drop=True)
    filtered = expression.evaluate(frame).fillna(False).to_numpy(dtype=bool)
    if predicate is None:
        selected = np.zeros(len(frame), dtype=bool)
    else:
        selected = predicate.mask(PartitionView(frame, roles)) & filtered
    masks = {"all": None, "filtered": filtered, "selected": selected}
    answers: dict[Any, Any] = {
        "filtered": int(filtered.sum()),
        "selected": int(selected.sum()),
    }
    # counting gathers codes: by position when few are picked, not at all when all are
    wheres = {
        scope: _cheapest(masks[scope], answers[scope]) for scope in ("filtered", "selected")
    }
    wheres["all"] = None
    memo: dict[Any, np.ndarray] = {}

    def coded(encoder) -> np.ndarray:
        if encoder not in memo:
            if isinstance(encoder, Lookup | Groups):
                memo[encoder] = encoder.encode(frame, coded)
            else:
                memo[encoder] = encoder.encode(frame)
        return memo[encoder]

    for request in requests:
        where = wheres if isinstance(request, Count) else masks
        answers[request] = request.answer(frame, where[request.scope], offset, coded)
    return answers


def _cheapest(mask: np.ndarray, count: int) -> np.ndarray | None:
    """The mask, its positions when it picks few, or None when it picks all."""
    if count == len(mask):
        return None
    if count * 16 < len(mask):
        return np.flatnonzero(mask)
    return mask


def _merge(first: dict, second: dict) -> dict:
    """Two partitions' answers as one: counts added, heads joined in table order."""
    return {
        key: value + second[key] if isinstance(key, str) else key.merge(value, second[key])
        for key, value in first.items()
    }


def run(frame, offsets: Sequence[int], roles: Roles, expression, predicate, requests):
    """Answer `requests` over every partition of a dask DataFrame, in one compute.

    `offsets` holds the row position of each partition's first row. Returns a dict
    from each request to its answer, plus 'filtered' and 'selected' counts.
    """
    import dask

    requests = tuple(requests)
    answer = dask.delayed(_answer_partition, pure=True)
    parts = [
        answer(part, offset, roles, expression, predicate, requests)
        for part, offset in zip(frame.to_delayed(), offsets, strict=True)
    ]
    (answers,) = dask.compute(_pairwise(None, _merge, parts))
    log.debug("dask pass answered %d requests", len(requests))
    return answers


def _rows_in(frame, roles, expression, predicate, scope):
    """The rows of one partition that pass the filter (and are selected)."""
    keep = expression.evaluate(frame).fillna(False).to_numpy(dtype=bool)
    if scope == "selected":
        if predicate is None:
            keep = np.zeros(len(frame), dtype=bool)
        else:
            keep = keep & predicate.mask(PartitionView(frame.reset_index(drop=True), roles))
    return frame[keep]


def rows(frame, roles: Roles, expression, predicate, scope: str):
    """A lazy dask DataFrame of the instances that pass the filter, or of the
    selected ones among them when `scope` is 'selected'."""
    return frame.map_partitions(
        _rows_in, roles, expression, predicate, scope, meta=frame._meta
    )


def check_predicate(dataset, predicate) -> None:
    """Raise now, not on the workers, when a predicate names what the table lacks:
    the predicate runs on the table's empty meta frame, with the dataset's own
    checks of projections and columns, so the errors are those of a pandas table."""
    view = PartitionView(dataset.frame._meta.reset_index(drop=True), dataset.roles)
    view.projection = dataset.projection
    view._require_column = dataset._require_column
    predicate.mask(view)


def _tally(part: pd.Series) -> tuple[pd.Series, int]:
    return part.value_counts(dropna=True, sort=False), int(part.isna().sum())


def _add_tallies(first: tuple, second: tuple) -> tuple:
    counts = first[0].add(second[0], fill_value=0)
    return counts, first[1] + second[1]


def value_counts(series) -> tuple[pd.Series, int]:
    """Counts of each value of a dask Series, most common first, and how many
    values are missing: one pass, merged pairwise, no shuffle."""
    import dask

    return dask.compute(_pairwise(_tally, _add_tallies, series.to_delayed()))[0]


def _categories(part: pd.Series) -> pd.Index:
    return part.cat.categories


def _union_categories(first: pd.Index, second: pd.Index) -> pd.Index:
    return first.append(second.difference(first))


def categories_of(columns: list) -> list[list]:
    """The categories of dask columns whose categories dask does not know (as read
    from Parquet), in one pass over their partitions."""
    import dask

    trees = [_pairwise(_categories, _union_categories, c.to_delayed()) for c in columns]
    return [list(found) for found in dask.compute(*trees)]


def _distinct(part: pd.Series, limit: int) -> np.ndarray:
    return pd.unique(part.dropna().to_numpy())[: limit + 1]


def _union(limit: int):
    def union(first: np.ndarray, second: np.ndarray) -> np.ndarray:
        return pd.unique(np.concatenate([first, second]))[: limit + 1]

    return union


def distinct(series, limit: int) -> int:
    """How many distinct values a dask Series holds, counted up to `limit` + 1."""
    import dask

    union = _union(limit)
    parts = [dask.delayed(_distinct, pure=True)(p, limit) for p in series.to_delayed()]
    return len(dask.compute(_pairwise(None, union, parts))[0])


def _pairwise(each, merge, parts: list):
    """A delayed tree that applies `each` to every part and merges pairwise."""
    import dask

    if each is not None:
        parts = [dask.delayed(each, pure=True)(p) for p in parts]
    merge = dask.delayed(merge, pure=True)
    while len(parts) > 1:
        paired = [merge(a, b) for a, b in zip(parts[::2], parts[1::2], strict=False)]
        parts = paired + ([parts[-1]] if len(parts) % 2 else [])
    return parts[0]
