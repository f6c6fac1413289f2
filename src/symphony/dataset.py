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

__all__ = ["Codes", "Dataset", "DatasetError", "FileAccessError", "Projection"]

MISSING = "(missing)"

_LABEL_NAMES = ("label", "labels", "target", "y_true", "ground_truth", "class")
_PREDICTION_NAMES = ("prediction", "predictions", "pred", "predicted", "y_pred")
_FILE_NAMES = ("file", "path", "filename", "image", "image_path", "audio", "text_path")
_PROJECTION = re.compile(r"^projection_(?P<name>.+)_(?P<axis>[xy])$")

_KINDS = {"image": "image", "audio": "audio", "text": "text"}


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
    """

    codes: np.ndarray
    labels: tuple[str, ...]
    edges: np.ndarray | None = None
    values: tuple | None = None

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
    if (codes < 0).any():
        codes[codes < 0] = len(labels)
        labels += (MISSING,)
    codes.flags.writeable = False
    return Codes(codes, labels, values=values)


def _bin(series: pd.Series, bins: int) -> Codes:
    """Codes of equal-width bins over a numeric column's finite values."""
    values = pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    finite = np.isfinite(values)
    if finite.any():
        low, high = values[finite].min(), values[finite].max()
    else:
        low, high = 0.0, 1.0
    edges = np.linspace(low, high if high > low else low + 1, bins + 1)
    codes = np.full(len(values), -1, dtype=np.int32)
    inside = np.searchsorted(edges, values[finite], side="right") - 1
    codes[finite] = np.clip(inside, 0, bins - 1)
    labels = tuple(f"{a:.3g} – {b:.3g}" for a, b in zip(edges[:-1], edges[1:], strict=True))
    codes.flags.writeable = False
    return Codes(codes, labels, edges)


def _read_table(source: Any) -> pd.DataFrame:
    """Turn a DataFrame, an Arrow table or a file path into a pandas DataFrame."""
    if isinstance(source, pd.DataFrame):
        return source
    if type(source).__module__.startswith("pyarrow"):
        return source.to_pandas()
    if isinstance(source, str | Path):
        return _read_file(Path(source))
    raise DatasetError(
        f"Dataset expects a pandas DataFrame, a pyarrow Table or a path to a Parquet, "
        f"CSV or Feather file; got {type(source).__name__}."
    )


def _read_file(path: Path) -> pd.DataFrame:
    """Read a table file by its extension."""
    if not path.exists():
        raise DatasetError(f"Table file '{path}' does not exist.")
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        return pd.read_parquet(path)
    if suffix in (".csv", ".tsv"):
        return pd.read_csv(path, sep="\t" if suffix == ".tsv" else ",")
    if suffix in (".feather", ".arrow", ".ipc"):
        return pd.read_feather(path)
    raise DatasetError(
        f"Cannot read '{path.name}': the extension '{suffix}' is not one of .parquet, "
        ".csv, .tsv, .feather or .arrow."
    )


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
    data : pandas.DataFrame, pyarrow.Table, str or Path
        The table, or a path to a Parquet, CSV or Feather file.
    id_column : str or None
        The column of unique instance ids. ``None`` numbers the instances 0, 1, ...
    files : str or Path, optional
        Root folder of the instance files (images, audio, text). Paths in the file
        column are resolved under it and never outside it.

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

    def __init__(
        self, data: Any, id_column: str | None = "id", files: Any = None, **params: Any
    ) -> None:
        frame = _read_table(data)
        if id_column is None:
            id_column = _numbered_column([str(c) for c in frame.columns])
            frame = frame.reset_index(drop=True).assign(
                **{id_column: np.arange(len(frame))}
            )
        frame = self._index_frame(frame, id_column)
        files = None if files is None else str(Path(files).expanduser().resolve())
        if files is not None and not Path(files).is_dir():
            raise DatasetError(f"The files root '{files}' is not a folder.")
        super().__init__(id_column=id_column, files=files, **params)
        self._frame = frame
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
        sample = self._frame[self.file_column].dropna().astype(str).head(20)
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
        return len(self._frame)

    def __repr__(self) -> str:
        return f"Dataset({len(self)} instances, {len(self.columns)} columns, id={self.id_column!r})"

    __str__ = __repr__

    @property
    def frame(self) -> pd.DataFrame:
        """The table, indexed 0..n-1. Read it; never change it in place."""
        return self._frame

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
        return self.derived(
            ("codes", column, bins),
            lambda: _categorise(series) if bins is None else _bin(series, bins),
        )

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
        wanted = pd.Index(list(ids))
        if len(wanted) and self.ids.dtype.kind in "iuf":
            wanted = pd.Index(pd.to_numeric(wanted, errors="coerce"))
        return np.flatnonzero(self.ids.isin(wanted).to_numpy())

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
        value = self._frame[self.file_column].iat[position]
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        return self.resolve_file(str(value))
