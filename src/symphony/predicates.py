"""What a user selected, kept as a predicate rather than a list of rows.

A predicate is a small frozen value: a set of ids, a box in a named projection, a
cell of a confusion matrix. It costs a few numbers whatever the size of the
dataset, turns into a boolean mask over the instances on demand, and round-trips
through plain JSON-safe dictionaries so a selection can live in a URL or a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = [
    "Box",
    "Compound",
    "ConfusionCell",
    "DuplicateGroup",
    "Ids",
    "Lasso",
    "Predicate",
    "Range",
    "Values",
    "combine",
    "predicate_from_dict",
]

MODES = ("replace", "add", "subtract")


def _plain(value: Any) -> Any:
    """A JSON-safe Python scalar for a numpy or pandas scalar."""
    if isinstance(value, np.generic):
        return value.item()
    return value


def _scalar(value: Any, what: str) -> Any:
    """A JSON-safe scalar for an id, a value or a label, or a ValueError.

    Numbers must be finite and fit in 64 bits; text must be encodable.
    """
    value = _plain(value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) >= 2**63:
            raise ValueError(f"The {what} {str(value)[:20]}… is too large.")
        return value
    if isinstance(value, float):
        if not np.isfinite(value):
            raise ValueError(f"The {what} must be a finite number, not {value}.")
        return value
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"The {what} is not valid text.") from None
        return value
    raise ValueError(f"Each {what} must be text or a number; got {type(value).__name__}.")


class Predicate:
    """Base of every kind of selected predicate."""

    kind: ClassVar[str] = ""

    def mask(self, dataset: Dataset) -> np.ndarray:
        """True for each instance of `dataset` the predicate picks."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """The predicate as JSON-safe data, with its `kind`."""
        raise NotImplementedError

    def describe(self) -> str:
        """A short text for people, such as 'box in tsne'."""
        raise NotImplementedError


@dataclass(frozen=True)
class Ids(Predicate):
    """The instances whose id is one of `ids`."""

    ids: tuple
    kind: ClassVar[str] = "ids"

    def __post_init__(self) -> None:
        object.__setattr__(self, "ids", tuple(_scalar(i, "id") for i in self.ids))

    def mask(self, dataset: Dataset) -> np.ndarray:
        result = np.zeros(len(dataset), dtype=bool)
        result[dataset.positions(self.ids)] = True
        return result

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "ids": list(self.ids)}

    def describe(self) -> str:
        return f"{len(self.ids)} picked"


@dataclass(frozen=True)
class Box(Predicate):
    """The instances inside a rectangle of a projection, edges included.

    An instance whose x or y is missing or infinite is never inside.
    """

    projection: str
    x0: float
    x1: float
    y0: float
    y1: float
    kind: ClassVar[str] = "box"

    def __post_init__(self) -> None:
        x0, x1 = sorted((float(self.x0), float(self.x1)))
        y0, y1 = sorted((float(self.y0), float(self.y1)))
        if not np.isfinite([x0, x1, y0, y1]).all():
            raise ValueError("A box's corners must be finite numbers.")
        for name, value in (("x0", x0), ("x1", x1), ("y0", y0), ("y1", y1)):
            object.__setattr__(self, name, value)

    def mask(self, dataset: Dataset) -> np.ndarray:
        x, y = _coordinates(dataset, self.projection)
        # corners as float64 scalars: float32 coordinates are compared exactly,
        # element by element, without a float64 copy of each column
        x0, x1, y0, y1 = (np.float64(v) for v in (self.x0, self.x1, self.y0, self.y1))
        with np.errstate(invalid="ignore"):
            inside = x >= x0
            inside &= x <= x1
            inside &= y >= y0
            inside &= y <= y1
        return inside

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "projection": self.projection,
            "x": [self.x0, self.x1],
            "y": [self.y0, self.y1],
        }

    def describe(self) -> str:
        return f"box in {self.projection}"


@dataclass(frozen=True)
class ConfusionCell(Predicate):
    """The instances with true label `label` and predicted label `prediction`."""

    label: Any
    prediction: Any
    kind: ClassVar[str] = "confusion"

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", _scalar(self.label, "label"))
        object.__setattr__(self, "prediction", _scalar(self.prediction, "prediction"))

    def mask(self, dataset: Dataset) -> np.ndarray:
        if dataset.label is None or dataset.prediction is None:
            return np.zeros(len(dataset), dtype=bool)
        frame = dataset.frame
        picked = (frame[dataset.label] == self.label) & (
            frame[dataset.prediction] == self.prediction
        )
        return picked.fillna(False).to_numpy(dtype=bool)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "prediction": self.prediction}

    def describe(self) -> str:
        return f"label {self.label} predicted as {self.prediction}"


def _coordinates(dataset: Dataset, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The x and y values of a projection as floats, missing values as NaN; float
    columns as they are, without a copy."""
    from .lazy import floats

    projection = dataset.projection(name)
    frame = dataset.frame
    return floats(frame[projection.x]), floats(frame[projection.y])


@dataclass(frozen=True)
class Lasso(Predicate):
    """The instances inside a polygon drawn in a projection.

    A point exactly on an edge may fall either side; a point whose x or y is
    missing or infinite is never inside.
    """

    projection: str
    xs: tuple
    ys: tuple
    kind: ClassVar[str] = "lasso"

    def __post_init__(self) -> None:
        xs, ys = tuple(float(v) for v in self.xs), tuple(float(v) for v in self.ys)
        if len(xs) != len(ys) or len(xs) < 3:
            raise ValueError(
                f"A lasso needs as many x as y values and at least three points; "
                f"got {len(xs)} x and {len(ys)} y values."
            )
        if not all(np.isfinite(xs + ys)):
            raise ValueError("A lasso's points must be finite numbers.")
        object.__setattr__(self, "xs", xs)
        object.__setattr__(self, "ys", ys)

    def mask(self, dataset: Dataset) -> np.ndarray:
        x, y = _coordinates(dataset, self.projection)
        inside = np.zeros(len(x), dtype=bool)
        finite = np.isfinite(x) & np.isfinite(y)
        px, py = x[finite], y[finite]
        xs, ys = np.asarray(self.xs), np.asarray(self.ys)
        hit = np.zeros(len(px), dtype=bool)
        for (x0, y0), (x1, y1) in zip(
            zip(xs, ys, strict=True),
            zip(np.roll(xs, -1), np.roll(ys, -1), strict=True),
            strict=True,
        ):
            # even-odd rule: count crossings of a ray going right from each point
            crosses = (y0 > py) != (y1 > py)
            with np.errstate(divide="ignore", invalid="ignore"):
                at = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
            hit ^= crosses & (px < at)
        inside[finite] = hit
        return inside

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "projection": self.projection,
            "xs": list(self.xs),
            "ys": list(self.ys),
        }

    def describe(self) -> str:
        return f"lasso in {self.projection}"


@dataclass(frozen=True)
class Range(Predicate):
    """The instances whose `column` lies between `low` and `high`, both included.

    Dates are given as ISO text ("2024-01-31"); a missing value is never inside.
    """

    column: str
    low: Any
    high: Any
    kind: ClassVar[str] = "range"

    def __post_init__(self) -> None:
        low, high = _scalar(self.low, "bound"), _scalar(self.high, "bound")
        for bound in (low, high):
            if isinstance(bound, float) and not np.isfinite(bound):
                raise ValueError("A range's bounds must be finite.")
            if bound is None or isinstance(bound, bool):
                raise ValueError("A range's bounds must be numbers or dates.")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def mask(self, dataset: Dataset) -> np.ndarray:
        dataset._require_column(self.column, "range column")
        values = dataset.frame[self.column]
        low, high = self.low, self.high
        if values.dtype.kind == "M":
            low, high = (_timestamp(v, values.dt.tz) for v in (low, high))
        elif values.dtype.kind not in "biuf":
            raise ValueError(
                f"A range needs a numeric or date column; '{self.column}' holds "
                f"{values.dtype}. Select values of it with Values instead."
            )
        picked = (values >= low) & (values <= high)
        return picked.fillna(False).to_numpy(dtype=bool)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "range": [self.low, self.high]}

    def describe(self) -> str:
        return f"{self.column} from {self.low} to {self.high}"


def _timestamp(value: Any, zone: Any):
    """A pandas Timestamp of `value`, in `zone` when it has none of its own."""
    import pandas as pd

    stamp = pd.Timestamp(value)
    return stamp.tz_localize(zone) if zone is not None and stamp.tzinfo is None else stamp


@dataclass(frozen=True)
class Values(Predicate):
    """The instances whose `column` holds one of `values`."""

    column: str
    values: tuple
    kind: ClassVar[str] = "values"

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(_scalar(v, "value") for v in self.values))

    def mask(self, dataset: Dataset) -> np.ndarray:
        dataset._require_column(self.column, "values column")
        picked = dataset.frame[self.column].isin(list(self.values))
        return picked.fillna(False).to_numpy(dtype=bool)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "values": list(self.values)}

    def describe(self) -> str:
        count = len(self.values)
        return f"{count} {'value' if count == 1 else 'values'} of {self.column}"


@dataclass(frozen=True)
class DuplicateGroup(Predicate):
    """The instances of one duplicate group of a `duplicates_<name>` column.

    Each cell of that column lists the numbers of the duplicate groups its instance
    belongs to (a list, or text such as "[3, 17]"); an empty list means none.
    """

    column: str
    group: int
    kind: ClassVar[str] = "duplicates"

    def __post_init__(self) -> None:
        object.__setattr__(self, "group", int(self.group))

    def mask(self, dataset: Dataset) -> np.ndarray:
        dataset._require_column(self.column, "duplicates column")
        cells = dataset.frame[self.column]
        return np.fromiter(
            (self.group in _group_numbers(cell) for cell in cells),
            dtype=bool,
            count=len(cells),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "column": self.column, "group": self.group}

    def describe(self) -> str:
        return f"duplicate group {self.group}"


def _group_numbers(cell: Any) -> set[int]:
    """The duplicate-group numbers held by one cell, however they were stored."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return set()
    if isinstance(cell, str):
        parts = cell.strip().strip("[]").replace(" ", "").split(",")
        return {int(p) for p in parts if p.lstrip("-").isdigit()}
    if np.ndim(cell) == 0:
        return {int(cell)}
    return {int(v) for v in cell}


@dataclass(frozen=True)
class Compound(Predicate):
    """Predicates combined in order: the first, then each added or subtracted.

    `steps` holds (mode, predicate) pairs whose first mode is "replace".
    """

    steps: tuple
    kind: ClassVar[str] = "compound"

    def __post_init__(self) -> None:
        steps = tuple((str(mode), predicate) for mode, predicate in self.steps)
        if not steps or steps[0][0] != "replace":
            raise ValueError("A compound selection starts with a 'replace' step.")
        for mode, predicate in steps:
            if mode not in MODES or not isinstance(predicate, Predicate):
                raise ValueError(
                    f"A compound step needs a mode among {MODES} and a "
                    f"predicate; got {mode!r}, {predicate!r}."
                )
        object.__setattr__(self, "steps", steps)

    def mask(self, dataset: Dataset) -> np.ndarray:
        result = np.zeros(len(dataset), dtype=bool)
        for mode, predicate in self.steps:
            picked = predicate.mask(dataset)
            if mode == "subtract":
                result &= ~picked
            else:
                result |= picked
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "steps": [
                {"mode": mode, "predicate": predicate.to_dict()}
                for mode, predicate in self.steps
            ],
        }

    def describe(self) -> str:
        signs = {"replace": "", "add": " + ", "subtract": " − "}
        return "".join(signs[m] + p.describe() for m, p in self.steps)


_MAX_STEPS = 50


def combine(
    current: Predicate | None, new: Predicate | None, mode: str = "replace"
) -> Predicate | None:
    """The selection after a gesture: `new` replaces, is added to, or subtracted
    from `current`, as with Bokeh's selection modes (shift adds, alt subtracts).

    Examples
    --------
    >>> combine(Ids(("a",)), Ids(("b",)), "add")
    Ids(ids=('a', 'b'))
    >>> combine(Ids(("a",)), Box("tsne", 0, 1, 0, 1), "subtract").describe()
    '1 picked − box in tsne'
    >>> combine(None, Ids(("b",)), "subtract") is None
    True
    """
    if mode not in MODES:
        raise ValueError(f"Selection mode must be one of {MODES}; got {mode!r}.")
    if mode == "replace" or new is None:
        return new if mode == "replace" else current
    if current is None:
        return new if mode == "add" else None
    if isinstance(current, Ids) and isinstance(new, Ids):
        if mode == "add":
            return Ids(current.ids + tuple(i for i in new.ids if i not in current.ids))
        kept = tuple(i for i in current.ids if i not in new.ids)
        return Ids(kept) if kept else None
    steps = current.steps if isinstance(current, Compound) else (("replace", current),)
    if len(steps) >= _MAX_STEPS:
        raise ValueError(f"A selection combines at most {_MAX_STEPS} gestures.")
    return Compound(steps + ((mode, new),))


_KINDS: dict[str, type[Predicate]] = {
    cls.kind: cls
    for cls in (Ids, Box, ConfusionCell, Lasso, Range, Values, DuplicateGroup, Compound)
}


def predicate_from_dict(data: dict[str, Any] | None) -> Predicate | None:
    """Rebuild a predicate from `Predicate.to_dict` output; None stays None.

    Examples
    --------
    >>> predicate_from_dict({"kind": "ids", "ids": ["a", "b"]})
    Ids(ids=('a', 'b'))
    """
    if data is None:
        return None
    if not isinstance(data, dict) or data.get("kind") not in _KINDS:
        kinds = ", ".join(sorted(_KINDS))
        raise ValueError(
            f"A selected predicate needs a 'kind' among {kinds}; got {_short(data)}."
        )
    kind = data["kind"]
    try:
        return _build(kind, data)
    except (KeyError, TypeError, ValueError, OverflowError) as error:
        raise ValueError(
            f"The {kind!r} predicate {_short(data)} is malformed: {error}."
        ) from None


def _listed(items: Any, what: str) -> list:
    """Items of a list in untrusted state, which must really be a list."""
    if not isinstance(items, list):
        raise ValueError(f"{what} must be a list")
    return items


def _short(data: Any, limit: int = 120) -> str:
    """A repr cut to `limit` characters, for messages about untrusted input."""
    text = repr(data)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _build(kind: str, data: dict[str, Any]) -> Predicate:
    """One predicate of a known kind from its dictionary."""
    if kind == "ids":
        return Ids(tuple(_listed(data["ids"], "ids")))
    if kind == "box":
        (x0, x1), (y0, y1) = data["x"], data["y"]
        return Box(str(data["projection"]), x0, x1, y0, y1)
    if kind == "confusion":
        return ConfusionCell(data["label"], data["prediction"])
    if kind == "lasso":
        return Lasso(str(data["projection"]), tuple(data["xs"]), tuple(data["ys"]))
    if kind == "range":
        low, high = data["range"]
        return Range(str(data["column"]), low, high)
    if kind == "values":
        return Values(str(data["column"]), tuple(_listed(data["values"], "values")))
    if kind == "duplicates":
        return DuplicateGroup(str(data["column"]), data["group"])
    steps = data["steps"]
    if not isinstance(steps, list) or len(steps) > _MAX_STEPS:
        raise ValueError(f"steps must be a list of at most {_MAX_STEPS} steps")
    if not all(
        isinstance(step, dict) and isinstance(step.get("predicate"), dict) for step in steps
    ):
        raise ValueError("each step needs a mode and a predicate")
    if any(step["predicate"].get("kind") == "compound" for step in steps):
        raise ValueError("a compound step cannot itself be compound")
    return Compound(
        tuple((step["mode"], predicate_from_dict(step["predicate"])) for step in steps)
    )
