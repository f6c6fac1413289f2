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

What a session keeps
    Two boolean masks, one byte per instance each: the filtered instances, and the
    selected ones among them; and the instances the selected predicate picks, one
    bit per instance, kept so that a new filter does not apply the predicate
    again. Positions, counts and codes are derived from them on demand or shared
    by the dataset, so one more session costs little. A lazy (dask) dataset keeps
    no mask at all: each change is one dask pass that answers what the views ask
    (`Selection.answer`, `symphony.lazy`), and the mask properties refuse.

Undo and redo
    Each change of filter, selected or group_by pushes the state shown before it
    onto a bounded history; `undo` and `redo` restore states in one batched update
    that is not itself recorded. Focus is not part of the history.

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
import math
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import param

from . import lazy
from .dataset import Dataset
from .language import Expression, FilterError, parse
from .predicates import Ids, Predicate, _plain, combine, predicate_from_dict

__all__ = ["MISSING_GROUP", "Positions", "Selection"]

log = logging.getLogger(__name__)

MISSING_GROUP = "(missing)"

MAX_GROUP_BY = 4


def _checked_focus(focus: Any) -> Any:
    """A focus from outside: None or one id, a finite number or encodable text."""
    if focus is None:
        return None
    if isinstance(focus, bool) or not isinstance(focus, str | int | float):
        raise ValueError("The state's focus must be one id.")
    if isinstance(focus, float) and not np.isfinite(focus):
        raise ValueError("The state's focus must be a finite number or text.")
    if isinstance(focus, int) and abs(focus) >= 2**63:
        raise ValueError("The state's focus is too large to be an id.")
    if isinstance(focus, str):
        try:
            focus.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("The state's focus is not valid text.") from None
    return focus


_HISTORY = 100

# a mask picking fewer than one instance in this many is used as row positions:
# gathering a column at positions is then cheaper than scanning a whole mask
_SPARSE = 4


def _positions(mask: np.ndarray) -> np.ndarray:
    """The positions of a mask's True entries, as int32 when they fit."""
    where = np.flatnonzero(mask)
    return where.astype(np.int32) if len(mask) < 2**31 else where


class Positions:
    """The row positions of a mask's True entries, found a chunk at a time.

    Holds only the mask, so a session does not keep a second large array; `len`
    is the count, and slicing scans just the chunks up to the slice's end.
    """

    CHUNK = 1 << 20

    def __init__(self, mask: np.ndarray, count: int | None = None) -> None:
        self._mask = mask
        self._count = int(np.count_nonzero(mask)) if count is None else count

    def __len__(self) -> int:
        return self._count

    def __array__(self, dtype=None, copy=None) -> np.ndarray:
        positions = np.flatnonzero(self._mask)
        return positions if dtype is None else positions.astype(dtype)

    def __getitem__(self, item: slice) -> np.ndarray:
        if not isinstance(item, slice):
            raise TypeError("Positions can only be sliced, as in positions[40:80].")
        start, stop, step = item.indices(self._count)
        if step != 1:
            raise ValueError("Positions are sliced with a step of 1.")
        found, seen = [], 0
        for offset in range(0, len(self._mask), self.CHUNK):
            if seen >= stop:
                break
            chunk = self._mask[offset : offset + self.CHUNK]
            count = int(np.count_nonzero(chunk))
            if seen + count > start:
                where = np.flatnonzero(chunk) + offset
                found.append(where[max(start - seen, 0) : stop - seen])
            seen += count
        return np.concatenate(found) if found else np.array([], dtype=np.int64)


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

    can_undo = param.Boolean(
        default=False,
        constant=True,
        doc="""
        Whether `undo` has an earlier state to go back to.""",
    )

    can_redo = param.Boolean(
        default=False,
        constant=True,
        doc="""
        Whether `redo` has an undone state to restore.""",
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
        lazy_ = dataset.lazy
        self._filtered = None if lazy_ else np.ones(len(dataset), dtype=bool)
        self._picked: tuple | None = None  # the selected predicate, its mask as bits
        self._grouped_by: tuple | None = None
        self._answers: dict[Any, Any] = {}
        self._answers_filter = -1
        self._asked: dict[Any, None] = {}  # asked since the last pass
        self._asked_of_filter: dict[Any, None] = {}  # filtered scope, this filter
        self._groups: pd.Series | None = None
        self._filter_seen: str | None = None
        self._valid_filter: tuple = (self._expression, 0)
        self._last_selected: Predicate | None = None
        self._inputs: tuple | None = None
        self.filter_version = 0  # bumped whenever filtered_mask changes
        self._filtered_count: tuple[int, int] = (-1, 0)
        self._selected_where: tuple[int, np.ndarray] = (-1, np.array([], dtype=np.int64))
        self._filtered_where: tuple[int, np.ndarray] = (-1, np.array([], dtype=np.int64))
        self._past: list[dict[str, Any]] = []
        self._future: list[dict[str, Any]] = []
        self._restoring = False
        self._recompute()
        self._shown = self._state()

    # -- deriving the masks ----------------------------------------------------------

    @param.depends("filter", "selected", "group_by", watch=True)
    def _on_change(self) -> None:
        """Recompute the masks and remember the previous state for undo."""
        self._recompute()
        self._remember()

    def _recompute(self) -> None:
        """Derive the masks from filter, selected and group_by, then bump revision.

        When nothing that the masks depend on changed (an invalid filter typed over
        a valid one, say), the views are left alone: only `filter_error` changes.
        """
        self._apply_filter()
        self._check_group_by()
        inputs = (self.filter_version, self.selected, tuple(self.group_by))
        if inputs == self._inputs:
            return
        if self.dataset.lazy:
            self._check_selected_lazily()
            try:
                self._answer_all()
            except FilterError as error:  # the filter failed on a partition's values
                self._refuse_filter(error)
                inputs = (self.filter_version, self.selected, tuple(self.group_by))
                if inputs == self._inputs:
                    return
                self._answer_all()  # what else changed with it still counts
            self._inputs = inputs
        else:
            if self._picked is None or self._picked[0] != self.selected:
                picked = self._selected_mask()
                self._picked = (self.selected, np.packbits(picked))
            else:
                picked = np.unpackbits(self._picked[1], count=len(self.dataset)).view(bool)
            self._inputs = inputs
            self._selected = picked & self._filtered
            self._selected_count = int(np.count_nonzero(self._selected))
            if self._grouped_by != tuple(self.group_by):
                self._groups = self._derive_groups()
                self._grouped_by = tuple(self.group_by)
        with param.edit_constant(self):
            self.revision += 1
        log.debug("selection %s recomputed: revision %d", self.name, self.revision)

    def _selected_mask(self) -> np.ndarray:
        """The mask of `selected`; a predicate that cannot apply is refused.

        The previous predicate is put back before the error is raised, so the
        state never holds a selection whose mask is unknown.
        """
        if self.selected is None:
            self._last_selected = None
            return np.zeros(len(self.dataset), dtype=bool)
        try:
            mask = self.selected.mask(self.dataset)
        except (ValueError, TypeError, LookupError):
            with param.discard_events(self):
                self.selected = self._last_selected
            raise
        self._last_selected = self.selected
        return mask

    def _check_selected_lazily(self) -> None:
        """Refuse a predicate the lazy table cannot apply, putting the last one back."""
        if self.selected is not None:
            try:
                lazy.check_predicate(self.dataset, self.selected)
            except (ValueError, TypeError, LookupError):
                with param.discard_events(self):
                    self.selected = self._last_selected
                raise
        self._last_selected = self.selected

    def _answer_all(self) -> None:
        """One dask pass answering what the components asked after the last change.

        Answers about every instance are kept for good, answers about the filtered
        instances while the filter stays; everything else is asked again. A view
        that keeps an answer about the filtered instances (the embedding's base
        layer) asks it once per filter, so those are remembered per filter.
        """
        kept = {
            request: answer
            for request, answer in self._answers.items()
            if not isinstance(request, str)
            and (
                request.scope == "all"
                or (
                    request.scope == "filtered"
                    and self._answers_filter == self.filter_version
                )
            )
        }
        wanted = [r for r in {**self._asked, **self._asked_of_filter} if r not in kept]
        self._answers = {**kept, **self._run(wanted)}
        if self._answers_filter != self.filter_version:
            self._asked_of_filter = {}
        self._answers_filter = self.filter_version
        self._asked = {}
        self._selected_count = int(self._answers["selected"])
        self._filtered_count = (self.filter_version, int(self._answers["filtered"]))

    def _run(self, requests: list) -> dict:
        dataset = self.dataset
        return lazy.run(
            dataset.frame,
            dataset.offsets,
            dataset.roles,
            self._expression,
            self.selected,
            requests,
        )

    def answer(self, request: Any) -> Any:
        """The answer to a request of `symphony.lazy` for the current state.

        Requests asked while the views draw are answered together in the one dask
        pass of the next change; one asked for the first time costs a pass now.
        """
        if not self.dataset.lazy:
            raise TypeError("Selection.answer serves lazy datasets only.")
        # the same question of the other scope is likely next (the embedding asks
        # for the selected layer only while something is selected): ask both
        both = [request]
        if request.scope != "all":
            both = [replace(request, scope=s) for s in ("filtered", "selected")]
        self._asked.update(dict.fromkeys(both))
        if request.scope != "all":
            self._asked_of_filter[replace(request, scope="filtered")] = None
        if request not in self._answers:
            answers = self._run(both)
            self._answers.update({r: answers[r] for r in both})
        return self._answers[request]

    @property
    def group_codes(self) -> Any:
        """The encoder of the current groups (a `symphony.lazy.Lookup` whose codes
        index `group_labels`), or None without group_by."""
        if not self.group_by:
            return None
        return self.dataset.group_encoder(tuple(self.group_by))[0]

    @property
    def group_labels(self) -> tuple[str, ...]:
        """The label of every group, sorted as text; empty without group_by."""
        if not self.group_by:
            return ()
        if not self.dataset.lazy:
            return tuple(sorted(set(self._groups)))
        return self.dataset.group_encoder(tuple(self.group_by))[1]

    def _apply_filter(self) -> None:
        """Parse and evaluate the filter; on an error keep the last valid masks."""
        if self.filter == self._filter_seen:
            return
        self._filter_seen = self.filter
        try:
            expression = parse(self.filter, self.dataset.columns)
            if str(expression) != str(self._expression) or not self.revision:
                mask = expression.evaluate(self.dataset.frame)  # lazy: checks types only
                if not self.dataset.lazy:
                    self._filtered = mask.fillna(False).to_numpy(dtype=bool)
                self._valid_filter = (self._expression, self.filter_version)
                self._expression = expression
                self.filter_version += 1
        except FilterError as error:
            with param.edit_constant(self):
                self.filter_error = str(error)
            self.param.warning(f"Filter not applied: {error.message}")
            return
        with param.edit_constant(self):
            self.filter_error = ""

    def _refuse_filter(self, error: FilterError) -> None:
        """Go back to the last valid filter after the new one failed on the values
        of a lazy table (its types had passed), and say why, as for invalid text."""
        self._expression, self.filter_version = self._valid_filter
        with param.edit_constant(self):
            self.filter_error = str(error)
        self.param.warning(f"Filter not applied: {error.message}")

    def _check_group_by(self) -> None:
        """Drop group_by columns the table lacks, with a warning that names them."""
        unknown = [c for c in self.group_by if c not in self.dataset.columns]
        if unknown:
            self.param.warning(f"group_by ignores {unknown}: not columns of the dataset.")
            with param.discard_events(self):
                self.group_by = [c for c in self.group_by if c in self.dataset.columns]
        if len(self.group_by) > MAX_GROUP_BY:
            self.param.warning(
                f"group_by takes at most {MAX_GROUP_BY} columns; ignoring "
                f"{self.group_by[MAX_GROUP_BY:]}."
            )
            with param.discard_events(self):
                self.group_by = self.group_by[:MAX_GROUP_BY]
        if self.dataset.lazy and self.group_by:
            sizes = [len(self.dataset.codes(c).labels) + 1 for c in self.group_by]
            if math.prod(sizes) >= 2**62:
                previous = list(self._inputs[2]) if self._inputs else []
                self.param.warning(
                    f"group_by {self.group_by} is not applied: its columns have too many "
                    "distinct values to number their combinations on a lazy dataset."
                )
                with param.discard_events(self):
                    self.group_by = previous

    def _derive_groups(self) -> pd.Series | None:
        """A group label per instance, '(missing)' standing for a missing value."""
        if not self.group_by or self.dataset.lazy:
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

    def _require_eager(self, name: str) -> None:
        """Refuse a mask property on a lazy dataset, which keeps no mask."""
        if self.dataset.lazy:
            raise TypeError(
                f"Selection.{name} is not kept for a lazy (dask) dataset: read "
                "rows() or selected_rows() (lazy DataFrames), or the counts "
                "filtered_count and selected_count."
            )

    @property
    def filtered_mask(self) -> np.ndarray:
        """True for each instance that passes the filter."""
        self._require_eager("filtered_mask")
        return self._filtered

    @property
    def selected_mask(self) -> np.ndarray:
        """True for each selected instance that also passes the filter."""
        self._require_eager("selected_mask")
        return self._selected

    @property
    def selected_positions(self) -> Positions:
        """Row positions of the selected instances that pass the filter, in order."""
        self._require_eager("selected_positions")
        return Positions(self._selected, self._selected_count)

    @property
    def filtered_positions(self) -> Positions:
        """Row positions of the instances that pass the filter, in order."""
        self._require_eager("filtered_positions")
        return Positions(self._filtered, self.filtered_count)

    @property
    def selected_where(self) -> np.ndarray:
        """The selected instances as row positions when they are few, else as a mask.

        Either indexes a column; positions are cheaper to gather when few are picked.
        """
        self._require_eager("selected_where")
        if self._selected_count * _SPARSE >= len(self._selected):
            return self._selected
        if self._selected_where[0] != self.revision:
            self._selected_where = (self.revision, _positions(self._selected))
        return self._selected_where[1]

    @property
    def filtered_where(self) -> np.ndarray:
        """The instances that pass the filter as row positions when they are few,
        else as the mask; kept until the filter changes."""
        self._require_eager("filtered_where")
        if self.filtered_count * _SPARSE >= len(self._filtered):
            return self._filtered
        if self._filtered_where[0] != self.filter_version:
            self._filtered_where = (self.filter_version, _positions(self._filtered))
        return self._filtered_where[1]

    @property
    def filtered_count(self) -> int:
        """How many instances pass the filter."""
        if self._filtered_count[0] != self.filter_version and not self.dataset.lazy:
            self._filtered_count = (
                self.filter_version,
                int(np.count_nonzero(self._filtered)),
            )
        return self._filtered_count[1]

    @property
    def selected_count(self) -> int:
        """How many selected instances pass the filter."""
        return self._selected_count

    @property
    def has_selection(self) -> bool:
        """Whether anything is selected (even if the filter hides it)."""
        return self.selected is not None

    @property
    def groups(self) -> pd.Series | None:
        """The group of every instance as text, or None without group_by."""
        return self._groups

    def rows(self) -> pd.DataFrame:
        """The instances that pass the filter; a lazy dask DataFrame when the
        dataset is lazy (call `.compute()` on it, or `.head()`)."""
        if self.dataset.lazy:
            return self._lazy_rows("filtered")
        return self.dataset.frame[self._filtered]

    def selected_rows(self) -> pd.DataFrame:
        """The selected instances among those that pass the filter; a lazy dask
        DataFrame when the dataset is lazy."""
        if self.dataset.lazy:
            return self._lazy_rows("selected")
        return self.dataset.frame[self.selected_mask]

    def _lazy_rows(self, scope: str):
        dataset = self.dataset
        return lazy.rows(
            dataset.frame, dataset.roles, self._expression, self.selected, scope
        )

    def group_counts(self) -> pd.DataFrame:
        """Filtered and selected counts per group; one row 'all' without group_by."""
        if self.dataset.lazy:
            return self._lazy_group_counts()
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

    def _lazy_group_counts(self) -> pd.DataFrame:
        if not self.group_by:
            index = pd.Index(["all"], name="group")
            counts = {"filtered": [self.filtered_count], "selected": [self.selected_count]}
            return pd.DataFrame(counts, index=index)
        encoder, labels = self.group_codes, self.group_labels
        counts = {
            scope: self.answer(lazy.Count(scope, (encoder,)))
            for scope in ("filtered", "selected")
        }
        return pd.DataFrame(counts, index=pd.Index(labels, name="group"))

    # -- writing ------------------------------------------------------------------------

    def select_ids(self, ids: Iterable[Any]) -> None:
        """Select the instances with these ids; an empty list clears the selection."""
        ids = tuple(ids)
        self.selected = Ids(ids) if ids else None

    def apply(self, predicate: Predicate | None, mode: str = "replace") -> None:
        """Combine a gesture's predicate with what is selected.

        `mode` is "replace", "add" (shift with Bokeh's tools) or "subtract" (alt).
        """
        self.selected = combine(self.selected, predicate, mode)

    def clear(self) -> None:
        """Clear the filter, the selection, the grouping and the focus at once."""
        self.param.update(filter="", selected=None, group_by=[], focus=None)

    def check(self, text: str) -> Expression:
        """Parse a filter text against the dataset's columns, raising FilterError."""
        return parse(text, self.dataset.columns)

    # -- history ----------------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        """The undoable part of the state: filter, selected and group_by."""
        state = self.to_dict()
        state.pop("focus")
        return state

    def _remember(self) -> None:
        """Push the state shown before this change onto the undo history."""
        current = self._state()
        if current == self._shown:
            return
        if not self._restoring:
            self._past = [*self._past, self._shown][-_HISTORY:]
            self._future = []
        self._shown = current
        self._update_history_flags()

    def _update_history_flags(self) -> None:
        with param.edit_constant(self):
            self.param.update(can_undo=bool(self._past), can_redo=bool(self._future))

    def _restore(self, state: dict[str, Any]) -> None:
        self._restoring = True
        try:
            self.param.update(
                filter=state["filter"],
                selected=predicate_from_dict(state["selected"]),
                group_by=list(state["group_by"]),
            )
        finally:
            self._restoring = False

    def undo(self) -> bool:
        """Go back to the state before the last change; False when there is none.

        Filter, selected and group_by are undone together; focus is not part of
        the history.
        """
        if not self._past:
            return False
        *self._past, state = self._past
        self._future = [*self._future, self._shown]
        self._restore(state)
        self._update_history_flags()
        return True

    def redo(self) -> bool:
        """Restore the state that the last `undo` left; False when there is none."""
        if not self._future:
            return False
        *self._future, state = self._future
        self._past = [*self._past, self._shown]
        self._restore(state)
        self._update_history_flags()
        return True

    # -- state as data ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The state as JSON-safe data: filter, selected, group_by and focus."""
        return {
            "filter": self.filter,
            "selected": None if self.selected is None else self.selected.to_dict(),
            "group_by": list(self.group_by),
            "focus": _plain(self.focus),
        }

    def set_state(self, state: dict[str, Any]) -> None:
        """Apply state from `to_dict` in one change; raise ValueError if malformed.

        Keys left out keep their value. A filter that does not parse is kept as
        text with `filter_error` set, as when a user types it.
        """
        if not isinstance(state, dict):
            raise ValueError(f"Selection state must be a dict; got {type(state).__name__}.")
        unknown = set(state) - {"filter", "selected", "group_by", "focus"}
        if unknown:
            raise ValueError(
                f"Unknown selection state keys {sorted(map(str, unknown))}; expected "
                "filter, selected, group_by and focus."
            )
        changes: dict[str, Any] = {}
        if "filter" in state:
            if not isinstance(state["filter"], str):
                raise ValueError("The state's filter must be text.")
            changes["filter"] = state["filter"]
        if "selected" in state:
            predicate = predicate_from_dict(state["selected"])
            if predicate is not None and self.dataset.lazy:
                lazy.check_predicate(self.dataset, predicate)
            elif predicate is not None:
                predicate.mask(self.dataset)  # raises now if it names what is not there
            changes["selected"] = predicate
        if "group_by" in state:
            group_by = state["group_by"]
            if not isinstance(group_by, list) or not all(
                isinstance(c, str) for c in group_by
            ):
                raise ValueError("The state's group_by must be a list of column names.")
            unknown_columns = [c for c in group_by if c not in self.dataset.columns]
            if unknown_columns:
                raise ValueError(
                    f"group_by names columns the dataset lacks: {unknown_columns}."
                )
            if len(set(group_by)) != len(group_by) or len(group_by) > MAX_GROUP_BY:
                raise ValueError(
                    f"group_by takes at most {MAX_GROUP_BY} different columns; "
                    f"got {len(group_by)}."
                )
            changes["group_by"] = group_by
        if "focus" in state:
            changes["focus"] = _checked_focus(state["focus"])
        self.param.update(**changes)

    @classmethod
    def from_dict(cls, dataset: Dataset, state: dict[str, Any]) -> Selection:
        """A new Selection over `dataset` with the state of `to_dict`.

        Examples
        --------
        >>> import pandas as pd
        >>> ds = Dataset(pd.DataFrame({"id": [1, 2, 3], "v": [5, 6, 7]}))
        >>> sel = Selection.from_dict(ds, {"filter": "v > 5", "selected": None,
        ...                                "group_by": [], "focus": 2})
        >>> list(sel.rows()["id"]), sel.focus
        ([2, 3], 2)
        """
        selection = cls(dataset)
        selection.set_state(state)
        selection._past, selection._future = [], []
        selection._update_history_flags()
        return selection
