"""The Selection: the one shared state of an interface.

Who owns the state
    A `Selection` belongs to one interface: a notebook cell's `Symphony`, or one
    browser session of a served dashboard. It points at a `Dataset` that many
    Selections may share; it never changes the dataset.

Who may write it
    Python code (a notebook cell, a script) and components, and components write
    only what a user did: a brush, a click, a text typed in the filter box.

How events flow
    `filter`, `selected` and `group_by` are the inputs. Whenever any of them
    changes, `_recompute` derives the boolean masks once, stores them, and bumps
    `revision`. Components depend on `revision` alone, so they redraw once per
    change however many inputs changed in one `param.update` batch. `focus` is read
    directly by the views that show one instance.

How loops are avoided
    Masks are derived in one place and never written by components. A component
    that both writes and reads the Selection (the embedding's box, the grid's
    click) writes from a user gesture only, and redraws from `revision`; redrawing
    never produces a gesture, so there is no cycle.

An invalid filter never raises into the interface: it sets `filter_error` and
keeps the masks of the last valid filter, so views stay as they were.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import param

from .dataset import Dataset
from .language import Expression, FilterError, parse
from .predicates import Ids, Predicate, _plain, predicate_from_dict

__all__ = ["MISSING_GROUP", "Selection"]

log = logging.getLogger(__name__)

MISSING_GROUP = "(missing)"


class Selection(param.Parameterized):
    """Filter, selected instances, grouping and focus, shared by components.

    Parameters
    ----------
    dataset : Dataset, DataFrame or path
        What the selection is over; anything but a Dataset is wrapped in one.

    Examples
    --------
    >>> import pandas as pd
    >>> from symphony import Dataset
    >>> ds = Dataset(pd.DataFrame({"id": list("abcd"), "score": [0.1, 0.5, 0.7, 0.9]}))
    >>> sel = Selection(ds)
    >>> sel.filter = "score > 0.4"
    >>> list(sel.rows()["id"])
    ['b', 'c', 'd']
    >>> sel.select_ids(["a", "c"])
    >>> list(sel.selected_rows()["id"])
    ['c']
    """

    dataset = param.ClassSelector(
        class_=Dataset,
        constant=True,
        doc="""
        The dataset the selection is over; shared, never changed.""",
    )

    filter = param.String(
        default="",
        doc="""
        An expression in the filter language, such as "label != prediction";
        only instances it holds for are shown. Empty means every instance.""",
    )

    filter_error = param.String(
        default="",
        constant=True,
        doc="""
        Why the current filter text is invalid, or empty when it is valid. While it
        is set, the last valid filter stays applied.""",
    )

    selected = param.ClassSelector(
        class_=Predicate,
        default=None,
        allow_None=True,
        doc="""
        What the user picked, as a predicate (ids, a box, a confusion cell), or None.""",
    )

    group_by = param.List(
        default=[],
        item_type=str,
        doc="""
        Columns whose value combinations split every view into groups.""",
    )

    focus = param.Parameter(
        default=None,
        doc="""
        The id of one instance shown in detail, or None.""",
    )

    revision = param.Integer(
        default=0,
        constant=True,
        doc="""
        Bumped once each time the masks are recomputed; components redraw on it.""",
    )

    def __init__(self, dataset: Any, **params: Any) -> None:
        if not isinstance(dataset, Dataset):
            dataset = Dataset(dataset)
        super().__init__(dataset=dataset, **params)
        self._expression: Expression = parse("", dataset.columns)
        self._filtered = np.ones(len(dataset), dtype=bool)
        self._picked = np.zeros(len(dataset), dtype=bool)
        self._groups: pd.Series | None = None
        self._filter_seen: str | None = None
        self._recompute()

    # -- deriving the masks ----------------------------------------------------------

    @param.depends("filter", "selected", "group_by", watch=True)
    def _recompute(self) -> None:
        """Derive the masks from filter, selected and group_by, then bump revision."""
        self._apply_filter()
        self._check_group_by()
        self._picked = (
            np.zeros(len(self.dataset), dtype=bool)
            if self.selected is None
            else self.selected.mask(self.dataset)
        )
        self._groups = self._derive_groups()
        with param.edit_constant(self):
            self.revision += 1
        log.debug("selection %s recomputed: revision %d", self.name, self.revision)

    def _apply_filter(self) -> None:
        """Parse and evaluate the filter; on an error keep the last valid masks."""
        if self.filter == self._filter_seen:
            return
        self._filter_seen = self.filter
        try:
            expression = parse(self.filter, self.dataset.columns)
            if str(expression) != str(self._expression) or not self.revision:
                mask = expression.evaluate(self.dataset.frame)
                self._filtered = mask.fillna(False).to_numpy(dtype=bool)
                self._expression = expression
        except FilterError as error:
            with param.edit_constant(self):
                self.filter_error = str(error)
            self.param.warning(f"Filter not applied: {error.message}")
            return
        with param.edit_constant(self):
            self.filter_error = ""

    def _check_group_by(self) -> None:
        """Drop group_by columns the table lacks, with a warning that names them."""
        unknown = [c for c in self.group_by if c not in self.dataset.columns]
        if unknown:
            self.param.warning(f"group_by ignores {unknown}: not columns of the dataset.")
            with param.discard_events(self):
                self.group_by = [c for c in self.group_by if c in self.dataset.columns]

    def _derive_groups(self) -> pd.Series | None:
        """A group label per instance, '(missing)' standing for a missing value."""
        if not self.group_by:
            return None
        parts = [
            self.dataset.frame[column]
            .astype(object)
            .where(self.dataset.frame[column].notna(), MISSING_GROUP)
            .astype(str)
            for column in self.group_by
        ]
        labels = parts[0]
        for part in parts[1:]:
            labels = labels + " · " + part
        return labels

    # -- reading -------------------------------------------------------------------------

    @property
    def filtered_mask(self) -> np.ndarray:
        """True for each instance that passes the filter."""
        return self._filtered

    @property
    def selected_mask(self) -> np.ndarray:
        """True for each selected instance that also passes the filter."""
        return self._picked & self._filtered

    @property
    def has_selection(self) -> bool:
        """Whether anything is selected (even if the filter hides it)."""
        return self.selected is not None

    @property
    def groups(self) -> pd.Series | None:
        """The group of every instance as text, or None without group_by."""
        return self._groups

    def rows(self) -> pd.DataFrame:
        """The instances that pass the filter."""
        return self.dataset.frame[self._filtered]

    def selected_rows(self) -> pd.DataFrame:
        """The selected instances among those that pass the filter."""
        return self.dataset.frame[self.selected_mask]

    def group_counts(self) -> pd.DataFrame:
        """Filtered and selected counts per group; one row 'all' without group_by."""
        keys = (
            self._groups
            if self._groups is not None
            else pd.Series("all", index=self.dataset.frame.index)
        )
        counts = pd.DataFrame(
            {
                "group": keys,
                "filtered": self._filtered,
                "selected": self.selected_mask,
            }
        )
        return counts.groupby("group", sort=True)[["filtered", "selected"]].sum()

    # -- writing ------------------------------------------------------------------------

    def select_ids(self, ids: Iterable[Any]) -> None:
        """Select the instances with these ids; an empty list clears the selection."""
        ids = tuple(ids)
        self.selected = Ids(ids) if ids else None

    def clear(self) -> None:
        """Clear the filter, the selection, the grouping and the focus at once."""
        self.param.update(filter="", selected=None, group_by=[], focus=None)

    def check(self, text: str) -> Expression:
        """Parse a filter text against the dataset's columns, raising FilterError."""
        return parse(text, self.dataset.columns)

    # -- state as data ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON-safe data: filter, selected, group_by and focus."""
        return {
            "filter": self.filter,
            "selected": None if self.selected is None else self.selected.to_dict(),
            "group_by": list(self.group_by),
            "focus": _plain(self.focus),
        }

    @classmethod
    def from_dict(cls, dataset: Dataset, state: dict[str, Any]) -> Selection:
        """A new Selection over `dataset` with the state of `to_dict`."""
        unknown = set(state) - {"filter", "selected", "group_by", "focus"}
        if unknown:
            raise ValueError(
                f"Unknown selection state keys {sorted(unknown)}; expected filter, "
                "selected, group_by and focus."
            )
        return cls(
            dataset,
            filter=state.get("filter", ""),
            selected=predicate_from_dict(state.get("selected")),
            group_by=list(state.get("group_by", [])),
            focus=state.get("focus"),
        )
