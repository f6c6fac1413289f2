"""The dataset: one table about a model's data, one row per instance.

A `Dataset` owns the table, knows which column holds the id and which columns play
the roles components look for (label, prediction, projections, duplicates,
familiarity, instance files), and resolves instance files under one root folder.
It is shared read-only by every Selection and every served session, so nothing here
changes after construction.
"""

from __future__ import annotations

import difflib
import mimetypes
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import param

from . import lazy as _lazy_module

__all__ = ["Codes", "Dataset", "DatasetError", "FileAccessError", "Projection"]

MISSING = "(missing)"

_LABEL_NAMES = ("label", "labels", "target", "y_true", "ground_truth", "class")
_PREDICTION_NAMES = ("prediction", "predictions", "pred", "predicted", "y_pred")
_FILE_NAMES = ("file", "path", "filename", "image", "image_path", "audio", "text_path")
_PROJECTION = re.compile(r"^projection_(?P<name>.+)_(?P<axis>[xy])$")

_KINDS = {"image": "image", "audio": "audio", "text": "text"}

LAZY_PARQUET_BYTES = 1 << 30  # Parquet larger than this opens through dask


class DatasetError(ValueError):
    """The table given to a Dataset breaks one of its rules."""


class FileAccessError(PermissionError):
    """An instance file was asked for outside the dataset's root folder."""


@dataclass(frozen=True)
class Projection:
    """A 2-D embedding of the instances: the names of its x and y columns."""

    name: str
    x: str
    y: str


@dataclass(frozen=True)
class Codes:
    """A column turned into small integers, for counting with `numpy.bincount`.

    `codes[i]` is the category of instance i, an index into `labels`; -1 marks an
    instance that falls in no category (a missing or infinite number in a binned
    column). `edges` holds the bin edges of a binned numeric column; `values` the
    original value of each category of a categorical one ('(missing)' has none).
    `encoder` codes any part of the table alike (a dask partition, say); on a lazy
    dataset `codes` is None, since the column stays with dask.
    """

    codes: np.ndarray | None
    labels: tuple[str, ...]
    edges: np.ndarray | None = None
    values: tuple | None = None
    encoder: Any = None

    def count(self, where: np.ndarray) -> np.ndarray:
        """How many of the instances `where` picks fall in each category.

        `where` is a boolean mask or an array of row positions; positions are
        cheaper when they pick few instances.
        """
        picked = self.codes[where]
        return np.bincount(picked[picked >= 0], minlength=len(self.labels))


def _categorise(series: pd.Series) -> Codes:
    """Codes of a column's values as text, a missing value as '(missing)'."""
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    labels = tuple(str(v) for v in uniques)
    values = tuple(v.item() if isinstance(v, np.generic) else v for v in uniques)
    codes = codes.astype(np.int32)
    missing = -1
    if (codes < 0).any():
        missing = len(labels)
        codes[codes < 0] = missing
        labels += (MISSING,)
    codes.flags.writeable = False
    encoder = _lazy_module.Categories(str(series.name), values, missing)
    return Codes(codes, labels, values=values, encoder=encoder)


def _bin_edges(low: float, high: float, bins: int) -> np.ndarray:
    """`bins` equal-width bins over [low, high]; one unit wide when they are equal."""
    if not (np.isfinite(low) and np.isfinite(high)):
        low, high = 0.0, 1.0
    return np.linspace(low, high if high > low else low + 1, bins + 1)


def _bin_labels(edges: np.ndarray) -> tuple[str, ...]:
    return tuple(f"{a:.3g} – {b:.3g}" for a, b in zip(edges[:-1], edges[1:], strict=True))


def _bin(series: pd.Series, bins: int) -> Codes:
    """Codes of equal-width bins over a numeric column's finite values."""
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(values)
    if finite.any():
        edges = _bin_edges(values[finite].min(), values[finite].max(), bins)
    else:
        edges = _bin_edges(0.0, 1.0, bins)
    codes = _lazy_module.bin_codes(values, edges)
    codes.flags.writeable = False
    encoder = _lazy_module.Bins(str(series.name), tuple(float(e) for e in edges))
    return Codes(codes, _bin_labels(edges), edges, encoder=encoder)


def _describe_lazy(series: Any, bins: int | None) -> Codes:
    """Codes of a dask column without its values: categories or bin edges, found in
    one pass, and an encoder that codes each partition."""
    import dask

    if bins is None:
        counts, missing = _lazy_module.value_counts(series)
        counts = counts[counts > 0]  # a categorical column's unused categories
        counts = counts.sort_values(ascending=False, kind="stable")
        values = tuple(v.item() if isinstance(v, np.generic) else v for v in counts.index)
        labels = tuple(str(v) for v in values)
        encoder = _lazy_module.Categories(
            str(series.name), values, len(values) if missing else -1
        )
        return Codes(
            None, labels + ((MISSING,) if missing else ()), values=values, encoder=encoder
        )
    numbers = series.astype(float).replace([np.inf, -np.inf], np.nan)
    low, high = dask.compute(numbers.min(), numbers.max())
    edges = _bin_edges(float(low), float(high), bins)
    encoder = _lazy_module.Bins(str(series.name), tuple(float(e) for e in edges))
    return Codes(None, _bin_labels(edges), edges, encoder=encoder)


def _read_table(source: Any, lazy_: bool | None) -> Any:
    """Turn a DataFrame, an Arrow table or a file path into a pandas or dask DataFrame."""
    if isinstance(source, pd.DataFrame) or _lazy_module.is_dask(source):
        return source
    if type(source).__module__.startswith("pyarrow"):
        return source.to_pandas()
    if isinstance(source, str | Path):
        return _read_file(Path(source), lazy_)
    raise DatasetError(
        f"Dataset expects a pandas or dask DataFrame, a pyarrow Table or a path to a "
        f"Parquet, CSV or Feather file; got {type(source).__name__}."
    )


def _read_file(path: Path, lazy_: bool | None) -> Any:
    """Read a table file by its extension; large Parquet lazily, through dask."""
    if not path.exists():
        raise DatasetError(f"Table file '{path}' does not exist.")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        size = (
            sum(p.stat().st_size for p in path.rglob("*"))
            if path.is_dir()
            else (path.stat().st_size)
        )
        if lazy_ or (lazy_ is None and size > LAZY_PARQUET_BYTES):
            import dask.dataframe as dd

            return dd.read_parquet(path)
        return pd.read_parquet(path)
    if lazy_:
        raise DatasetError(
            f"Only Parquet opens lazily; '{path.name}' is {suffix}. Convert it to Parquet, "
            "or pass a dask DataFrame."
        )
    if suffix in (".csv", ".tsv"):
        return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    if suffix in (".feather", ".arrow", ".ipc"):
        return pd.read_feather(path)
    raise DatasetError(
        f"Cannot read '{path.name}': the extension '{suffix}' is not one of .parquet, "
        ".csv, .tsv, .feather or .arrow."
    )


def _span(ids: pd.Series) -> tuple:
    """A partition's missing ids, first and last id, and whether its ids strictly
    increase."""
    missing = int(ids.isna().sum())
    if not len(ids) or missing:
        return (missing, None, None, False)
    increasing = ids.is_monotonic_increasing and ids.is_unique
    return (0, ids.iloc[0], ids.iloc[-1], bool(increasing))


def _number_rows(part: pd.DataFrame, name: str, offsets, partition_info=None):
    """A partition with its row numbers in column `name`."""
    start = int(offsets[partition_info["number"]]) if partition_info else 0
    return part.assign(**{name: np.arange(start, start + len(part), dtype=np.int64)})


def _numbered_meta(frame: Any, name: str) -> pd.DataFrame:
    return frame._meta.assign(**{name: np.array([], dtype=np.int64)})


def positions_of(ids: pd.Series, wanted: Sequence[Any]) -> np.ndarray:
    """The positions in `ids` of the wanted ids, in order; unknown ids are skipped."""
    wanted = pd.Index(list(wanted))
    if len(wanted) and ids.dtype.kind in "iuf":
        wanted = pd.Index(pd.to_numeric(wanted, errors="coerce"))
    return np.flatnonzero(ids.isin(wanted).to_numpy())


def _few(values: Sequence[Any], limit: int = 5) -> str:
    """Show a few values of a list for an error message."""
    shown = ", ".join(repr(v) for v in list(values)[:limit])
    more = len(values) - limit
    return shown + (f" and {more} more" if more > 0 else "")


def _suggest(name: str, columns: Sequence[str]) -> str:
    """A ' Did you mean ...?' hint for a mistyped column name, or ''."""
    names = [str(c) for c in columns]
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
    close += [c for c in names if c.lower().startswith(name.lower()) and c not in close]
    close = close[:3]
    return f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""


def _numbered_column(columns: Sequence[str]) -> str:
    """The name of the column that numbers instances: 'id', or 'row_id' if taken."""
    return "id" if "id" not in list(columns) else "row_id"


def _find(names: Sequence[str], columns: Sequence[str]) -> str | None:
    """The first column whose name matches one of `names`, ignoring case."""
    lowered = {str(c).lower(): c for c in columns}
    for name in names:
        if name in lowered:
            return lowered[name]
    return None


class Dataset(param.Parameterized):
    """A table with one row per instance, its id column, and its column roles.

    Parameters
    ----------
    data : pandas.DataFrame, dask.dataframe.DataFrame, pyarrow.Table, str or Path
        The table, or a path to a Parquet, CSV or Feather file.
    id_column : str or None
        The column of unique instance ids. ``None`` numbers the instances 0, 1, ...
    files : str or Path, optional
        Root folder of the instance files (images, audio, text). Paths in the file
        column are resolved under it and never outside it.
    lazy : bool, optional
        Open a Parquet file through dask (True) or into pandas (False); when not
        given, files larger than 1 GB open through dask. A dask DataFrame is always
        lazy.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["a", "b"], "label": ["cat", "dog"],
    ...                    "prediction": ["cat", "cat"]})
    >>> ds = Dataset(df)
    >>> ds.label, ds.prediction, len(ds)
    ('label', 'prediction', 2)
    """

    id_column = param.String(
        default="id",
        allow_None=True,
        constant=True,
        doc="""
        The column holding each instance's unique id; None numbers the rows.""",
    )

    label = param.String(
        default=None,
        allow_None=True,
        constant=True,
        doc="""
        The column of true labels; found by the usual names when not given.""",
    )

    prediction = param.String(
        default=None,
        allow_None=True,
        constant=True,
        doc="""
        The column of model predictions; found by the usual names when not given.""",
    )

    file_column = param.String(
        default=None,
        allow_None=True,
        constant=True,
        doc="""
        The column of instance file paths, relative to `files`.""",
    )

    files = param.Path(
        default=None,
        allow_None=True,
        constant=True,
        doc="""
        Root folder of the instance files; nothing outside it is ever read.""",
    )

    instance_kind = param.Selector(
        default="tabular",
        objects=["tabular", "image", "audio", "text"],
        constant=True,
        doc="What an instance is, for views that show it: read from the file names.",
    )

    lazy = param.Boolean(
        default=False,
        constant=True,
        doc="""
        True when the table stays with dask (a dask DataFrame, or a Parquet file
        larger than 1 GB): counts and views are then computed partition by partition
        and only aggregates reach the server.""",
    )

    def __init__(
        self,
        data: Any,
        id_column: str | None = "id",
        files: Any = None,
        lazy: bool | None = None,
        **params: Any,
    ) -> None:
        frame = _read_table(data, lazy)
        is_lazy = _lazy_module.is_dask(frame)
        if is_lazy:
            frame, lengths, id_column = self._index_lazy(frame, id_column)
        else:
            if id_column is None:
                id_column = _numbered_column([str(c) for c in frame.columns])
                frame = frame.reset_index(drop=True).assign(
                    **{id_column: np.arange(len(frame))}
                )
            frame = self._index_frame(frame, id_column)
            lengths = (len(frame),)
        files = None if files is None else str(Path(files).expanduser().resolve())
        if files is not None and not Path(files).is_dir():
            raise DatasetError(f"The files root '{files}' is not a folder.")
        super().__init__(id_column=id_column, files=files, lazy=is_lazy, **params)
        self._frame = frame
        self._offsets = tuple(int(v) for v in np.cumsum((0, *lengths))[:-1])
        self._length = int(sum(lengths))
        with param.edit_constant(self):
            self._assign_roles()
        self._projections = self._find_projections()
        self._codes: dict[tuple, Codes] = {}
        self._codes_lock = threading.Lock()

    # -- construction helpers -------------------------------------------------------

    @staticmethod
    def _index_frame(frame: pd.DataFrame, id_column: str) -> pd.DataFrame:
        """Check the id column and give the table a fresh positional index."""
        frame = frame.reset_index(drop=True)
        frame.columns = [str(c) for c in frame.columns]
        if id_column not in frame.columns:
            hint = _suggest(id_column, frame.columns)
            raise DatasetError(
                f"The id column '{id_column}' is not in the table.{hint} "
                f"Columns are: {_few(list(frame.columns), 8)}. Pass id_column='<name>' "
                "to name the id column, or id_column=None to number the instances."
            )
        ids = frame[id_column]
        missing = ids.isna()
        if missing.any():
            rows = [int(i) for i in np.flatnonzero(missing.to_numpy())]
            raise DatasetError(
                f"The id column '{id_column}' has {int(missing.sum())} missing values "
                f"(rows {_few(rows)}); every instance needs an id."
            )
        duplicated = ids[ids.duplicated(keep=False)]
        if len(duplicated):
            repeated = list(pd.unique(duplicated))
            raise DatasetError(
                f"The id column '{id_column}' must be unique, but {len(repeated)} ids "
                f"repeat: {_few(repeated)}. Remove the duplicate rows, or pass "
                "id_column=None to number the instances in a new column."
            )
        return frame

    @staticmethod
    def _index_lazy(frame: Any, id_column: str | None) -> tuple[Any, tuple[int, ...], str]:
        """Check a dask table's id column in one pass; number the rows if asked.

        Returns the table, the length of each partition and the id column. Columns
        of categories that dask does not know yet (as read from Parquet) are made
        known, so filters see their values' type. Ids that increase
        within and across partitions are unique without comparing them all; only
        otherwise are the distinct ids counted.
        """
        import dask

        frame = frame.rename(columns={c: str(c) for c in frame.columns})
        unknown = [
            c
            for c, dtype in frame.dtypes.items()
            if isinstance(dtype, pd.CategoricalDtype) and not frame[c].cat.known
        ]
        if unknown:
            found = _lazy_module.categories_of([frame[c] for c in unknown])
            frame = frame.astype(
                {
                    c: pd.CategoricalDtype(values)
                    for c, values in zip(unknown, found, strict=True)
                }
            )
        lengths = tuple(int(n) for n in frame.map_partitions(len).compute())
        if id_column is None:
            id_column = _numbered_column(list(frame.columns))
            offsets = np.cumsum((0, *lengths))[:-1]
            frame = frame.map_partitions(
                _number_rows, id_column, offsets, meta=_numbered_meta(frame, id_column)
            )
            return frame, lengths, id_column
        if id_column not in frame.columns:
            hint = _suggest(id_column, list(frame.columns))
            raise DatasetError(
                f"The id column '{id_column}' is not in the table.{hint} "
                f"Columns are: {_few(list(frame.columns), 8)}. Pass id_column='<name>' "
                "to name the id column, or id_column=None to number the instances."
            )
        ids = frame[id_column]
        span = dask.delayed(_span, pure=True)
        (spans,) = dask.compute([span(p) for p in ids.to_delayed()])
        missing = sum(s[0] for s in spans)
        spans = [s[1:] for s in spans if s[1] is not None]
        if missing:
            raise DatasetError(
                f"The id column '{id_column}' has {int(missing)} missing values; every "
                "instance needs an id."
            )
        increasing = all(s[2] for s in spans) and all(
            a[1] < b[0] for a, b in zip(spans, spans[1:], strict=False)
        )
        if not increasing and int(ids.nunique().compute()) != sum(lengths):
            raise DatasetError(
                f"The id column '{id_column}' must be unique, but some ids repeat. "
                "Remove the duplicate rows, or pass id_column=None to number the "
                "instances in a new column."
            )
        return frame, lengths, id_column

    def _assign_roles(self) -> None:
        """Check the roles given and find the missing ones by the usual names."""
        columns = list(self._frame.columns)
        for role, names in (("label", _LABEL_NAMES), ("prediction", _PREDICTION_NAMES)):
            given = getattr(self, role)
            if given is None:
                setattr(self, role, _find(names, columns))
            else:
                self._require_column(given, role)
        if self.file_column is None and self.files is not None:
            self.file_column = _find(_FILE_NAMES, columns)
        if self.file_column is not None:
            self._require_column(self.file_column, "file_column")
            self.instance_kind = self._guess_kind()

    def _require_column(self, name: str, role: str) -> None:
        """Raise a DatasetError when a role names a column the table lacks."""
        if name not in self._frame.columns:
            raise DatasetError(
                f"{role}={name!r} names a column the table does not have."
                f"{_suggest(name, self._frame.columns)}"
            )

    def _guess_kind(self) -> str:
        """Read the instance kind from the extensions of the first file paths."""
        paths = self._frame[self.file_column].dropna().astype(str)
        sample = paths.head(20, npartitions=-1) if self.lazy else paths.head(20)
        kinds = set()
        for path in sample:
            mime, _ = mimetypes.guess_type(path)
            kinds.add((mime or "").split("/")[0])
        kinds &= set(_KINDS)
        return kinds.pop() if len(kinds) == 1 else "tabular"

    def _find_projections(self) -> dict[str, Projection]:
        """Pair the `projection_<name>_x` / `projection_<name>_y` columns."""
        axes: dict[str, dict[str, str]] = {}
        for column in self._frame.columns:
            match = _PROJECTION.match(column)
            if match:
                axes.setdefault(match["name"], {})[match["axis"]] = column
        return {
            name: Projection(name, pair["x"], pair["y"])
            for name, pair in axes.items()
            if set(pair) == {"x", "y"}
        }

    # -- reading ----------------------------------------------------------------------

    def __len__(self) -> int:
        return self._length

    def __repr__(self) -> str:
        return f"Dataset({len(self)} instances, {len(self.columns)} columns, id={self.id_column!r})"

    __str__ = __repr__

    @property
    def frame(self) -> Any:
        """The table: pandas indexed 0..n-1, or dask when `lazy`. Never change it."""
        return self._frame

    @property
    def offsets(self) -> tuple[int, ...]:
        """The row position of each partition's first row (one partition for pandas)."""
        return self._offsets

    @property
    def roles(self) -> _lazy_module.Roles:
        """The column roles as plain data, for work sent to dask workers."""
        return _lazy_module.Roles(
            self.id_column, self.label, self.prediction, dict(self._projections)
        )

    def row_of(self, instance: Any) -> pd.Series | None:
        """The row of the instance with this id, or None; one pass on a lazy dataset."""
        if not self.lazy:
            found = self.positions([instance])
            return self._frame.iloc[int(found[0])] if len(found) else None
        ids = self._frame[self.id_column]
        wanted = instance
        if ids.dtype.kind in "iuf":
            wanted = pd.to_numeric(pd.Series([instance]), errors="coerce").iloc[0]
            if pd.isna(wanted):
                return None
        rows = self._frame[ids == wanted].head(1, npartitions=-1)
        return rows.iloc[0] if len(rows) else None

    @property
    def columns(self) -> list[str]:
        """The column names of the table."""
        return list(self._frame.columns)

    @property
    def ids(self) -> pd.Series:
        """The id of every instance, in table order."""
        return self._frame[self.id_column]

    @property
    def projections(self) -> dict[str, Projection]:
        """The 2-D projections found in the table, by name."""
        return dict(self._projections)

    @property
    def duplicates(self) -> list[str]:
        """The `duplicates_<name>` columns."""
        return [c for c in self.columns if c.startswith("duplicates_")]

    @property
    def familiarity(self) -> list[str]:
        """The `familiarity_<name>` columns."""
        return [c for c in self.columns if c.startswith("familiarity_")]

    def derived(self, key: tuple, compute):
        """A value computed once from the table and shared by every session.

        `compute()` runs on the first call for `key`; numpy arrays it returns are
        made read-only, since many sessions read them at once.
        """
        if key not in self._codes:
            made = compute()
            if isinstance(made, np.ndarray):
                made.flags.writeable = False
            with self._codes_lock:
                self._codes.setdefault(key, made)
        return self._codes[key]

    def codes(self, column: str, bins: int | None = None) -> Codes:
        """The column as category codes, or as `bins` equal-width bins if given.

        Computed once per dataset and shared by every session, since the dataset
        never changes; components count with them instead of grouping rows.
        """
        self._require_column(column, "column")
        series = self._frame[column]
        if self.lazy:
            return self.derived(
                ("codes", column, bins), lambda: _describe_lazy(series, bins)
            )
        return self.derived(
            ("codes", column, bins),
            lambda: _categorise(series) if bins is None else _bin(series, bins),
        )

    def group_encoder(self, columns: tuple[str, ...]) -> tuple[Any, tuple[str, ...]]:
        """The groups of a lazy dataset by `columns`: an encoder giving each
        instance's group as an index into the labels, and the labels sorted as text.

        The combinations present are found in one pass, once per dataset.
        """

        def compute():
            from .language import parse

            parts = tuple(self.codes(c).encoder for c in columns)
            distinct = _lazy_module.Distinct(parts)
            found = _lazy_module.run(
                self._frame,
                self._offsets,
                self.roles,
                parse("", self.columns),
                None,
                [distinct],
            )[distinct]
            names = [self.codes(part.column).labels for part in parts]
            labels = []
            for number in found.tolist():
                texts = []
                for part, part_names in zip(reversed(parts), reversed(names), strict=True):
                    number, code = divmod(number, part.size)
                    texts.append(part_names[code])
                labels.append(" · ".join(reversed(texts)))
            order = sorted(range(len(labels)), key=labels.__getitem__)
            rank = np.empty(len(labels), dtype=np.int32)
            rank[order] = np.arange(len(labels))
            groups = _lazy_module.Groups(parts, tuple(found.tolist()))
            encoder = _lazy_module.Lookup(groups, tuple(rank.tolist()), len(labels))
            return encoder, tuple(labels[i] for i in order)

        return self.derived(("groups", columns), compute)

    def projection(self, name: str | None = None) -> Projection:
        """The projection called `name`, or the first one when no name is given."""
        if not self._projections:
            raise DatasetError(
                "The table has no projection: add two columns named "
                "'projection_<name>_x' and 'projection_<name>_y'."
            )
        if name is None:
            return next(iter(self._projections.values()))
        if name not in self._projections:
            raise DatasetError(
                f"No projection named {name!r}; the table has "
                f"{_few(sorted(self._projections))}.{_suggest(name, list(self._projections))}"
            )
        return self._projections[name]

    def positions(self, ids: Sequence[Any]) -> np.ndarray:
        """The row positions of the given ids, in table order; unknown ids are skipped."""
        if self.lazy:
            raise TypeError("positions of ids are not kept for a lazy dataset; use row_of")
        return positions_of(self.ids, ids)

    def resolve_file(self, relative: str) -> Path:
        """The absolute path of an instance file, checked to lie under the files root.

        Raises FileAccessError for absolute paths, paths that climb out of the root
        (``..`` or symbolic links) and when the dataset has no files root.
        """
        if self.files is None:
            raise FileAccessError("This dataset has no files root; pass files='<folder>'.")
        root = Path(self.files)
        text = str(relative)
        if "\x00" in text or Path(text).is_absolute():
            raise FileAccessError(f"Refusing {text!r}: instance paths must be relative.")
        path = (root / text).resolve()
        if not path.is_relative_to(root):
            raise FileAccessError(f"Refusing {text!r}: it resolves outside the files root.")
        return path

    def file_of(self, position: int) -> Path | None:
        """The resolved instance file of the row at `position`, or None."""
        if self.file_column is None or self.files is None:
            return None
        if self.lazy:
            raise TypeError("file_of(position) reads a pandas table; use file_for(value)")
        return self.file_for(self._frame[self.file_column].iat[position])

    def file_for(self, value: Any) -> Path | None:
        """The resolved instance file of a file-column value, or None when missing."""
        if self.files is None or value is None:
            return None
        if isinstance(value, float) and np.isnan(value):
            return None
        return self.resolve_file(str(value))
