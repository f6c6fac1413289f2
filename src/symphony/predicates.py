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

__all__ = ["Box", "ConfusionCell", "Ids", "Predicate", "predicate_from_dict"]


def _plain(value: Any) -> Any:
    """A JSON-safe Python scalar for a numpy or pandas scalar."""
    if isinstance(value, np.generic):
        return value.item()
    return value


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
        object.__setattr__(self, "ids", tuple(_plain(i) for i in self.ids))

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
        for name, value in (("x0", x0), ("x1", x1), ("y0", y0), ("y1", y1)):
            object.__setattr__(self, name, value)

    def mask(self, dataset: Dataset) -> np.ndarray:
        projection = dataset.projection(self.projection)
        x = dataset.frame[projection.x].to_numpy(dtype=float, na_value=np.nan)
        y = dataset.frame[projection.y].to_numpy(dtype=float, na_value=np.nan)
        with np.errstate(invalid="ignore"):
            return (x >= self.x0) & (x <= self.x1) & (y >= self.y0) & (y <= self.y1)

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
        object.__setattr__(self, "label", _plain(self.label))
        object.__setattr__(self, "prediction", _plain(self.prediction))

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


_KINDS: dict[str, type[Predicate]] = {cls.kind: cls for cls in (Ids, Box, ConfusionCell)}


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
            f"A selected predicate needs a 'kind' among {kinds}; got {data!r}."
        )
    kind = data["kind"]
    try:
        if kind == "ids":
            return Ids(tuple(data["ids"]))
        if kind == "box":
            (x0, x1), (y0, y1) = data["x"], data["y"]
            return Box(str(data["projection"]), x0, x1, y0, y1)
        return ConfusionCell(data["label"], data["prediction"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(
            f"The {kind!r} predicate {data!r} is malformed: {error}."
        ) from None
