"""ConfusionMatrix: counts of true label against prediction; a click selects a cell.

With a `group_by`, the component draws one matrix per group (small multiples),
each titled by its group, its count and its accuracy. A click in any of them sets
the same `ConfusionCell` predicate, which covers every group: the cell's
instances of all groups are selected, and the cell is outlined in every matrix.
"""

from __future__ import annotations

import difflib
from html import escape

import numpy as np
import pandas as pd
import panel as pn
import param

from .. import lazy
from ..dataset import Dataset
from ..predicates import ConfusionCell
from .base import Component, register, shorten

__all__ = ["ConfusionMatrix"]

_MAX_CLASSES = 30
_MAX_GROUPS = 12


def _text(value) -> str:
    """The display text of a class value."""
    return str(value)


@register
class ConfusionMatrix(Component):
    """A table of instance counts by true label (rows) and prediction (columns).

    Counts cover the instances that pass the filter. Clicking a cell selects the
    instances of that cell; the selected cell is outlined. With a `group_by`, one
    matrix is drawn per group (at most 12, the largest, with a note on how many
    were left out); a click in a group's matrix selects that cell's instances in
    every group, since a `ConfusionCell` does not depend on the grouping.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2, 3, 4], "label": ["a", "a", "b", "b"],
    ...                    "prediction": ["a", "b", "b", "b"]})
    >>> matrix = ConfusionMatrix(df)
    >>> matrix.matrix().to_dict(orient="index")
    {'a': {'a': 1, 'b': 1}, 'b': {'a': 0, 'b': 2}}
    >>> matrix.select_cell("a", "b")
    >>> list(matrix.selection.selected_rows()["id"])
    [2]
    >>> matrix.selection.group_by = ["label"]
    >>> matrix.matrix("b").to_dict(orient="index")
    {'a': {'a': 0, 'b': 0}, 'b': {'a': 0, 'b': 2}}
    """

    title = param.String(default="Confusion matrix")

    description = param.String(
        default=(
            "Rows are true labels, columns are predictions; the diagonal holds the correct "
            "predictions. Click a cell to select its instances."
        )
    )

    def __init__(self, source=None, **params):
        super().__init__(source, **params)
        if not self.applies_to(self.dataset):
            raise ValueError(
                "ConfusionMatrix needs a label and a prediction column: pass "
                "label='<column>' and prediction='<column>' to the Dataset."
            )
        label, prediction = self.dataset.label, self.dataset.prediction
        self._classes = list(
            self.dataset.derived(("classes", label, prediction), self._find_classes)
        )
        if len(self._classes) > _MAX_CLASSES:
            self.param.warning(
                f"{len(self._classes)} classes: the matrix shows the first {_MAX_CLASSES}."
            )
            self._classes = self._classes[:_MAX_CLASSES]
        self._names = [_text(c) for c in self._classes]
        self._cells = None if self.dataset.lazy else self._cell_codes()
        self._cell_encoder = lazy.Cells(label, prediction, tuple(self._classes))
        self._counted: dict[tuple, np.ndarray] = {}
        self._table = pn.widgets.Tabulator(
            self._styled_matrix(),
            disabled=True,
            selectable=False,
            show_index=True,
            sortable=False,
            sizing_mode="stretch_width",
            layout="fit_data_table",
            text_align="center",
            # a hovered row must not look selected: only the clicked cell is
            stylesheets=[".tabulator-row:hover { background-color: inherit !important; }"],
            configuration={"columnDefaults": {"headerSort": False}},
        )
        self._table.on_click(self._on_click)
        self._group_views: dict[str, tuple[pn.pane.HTML, pn.widgets.Tabulator]] = {}
        self._shown: dict[int, tuple] = {}  # what each table shows, by id
        self._layout_key: tuple | None = None
        self._body = pn.Column(self._table, sizing_mode="stretch_width", margin=0)
        self.selection.param.watch(self._refresh, "revision")

    @classmethod
    def applies_to(cls, dataset: Dataset) -> bool:
        return dataset.label is not None and dataset.prediction is not None

    def _find_classes(self) -> list:
        """Every value of the label and prediction columns, in natural order."""
        frame = self.dataset.frame
        label, prediction = self.dataset.label, self.dataset.prediction
        if self.dataset.lazy:
            found = [self.dataset.codes(c).values for c in (label, prediction)]
        else:
            found = [frame[label].dropna().unique(), frame[prediction].dropna().unique()]
        values = pd.unique(np.concatenate([np.asarray(v, dtype=object) for v in found]))
        return sorted(
            (v.item() if hasattr(v, "item") else v for v in values), key=_sort_key
        )

    def _cell_codes(self) -> np.ndarray:
        """The matrix cell of every instance as one integer, -1 outside the matrix.

        Counting a mask's cells is then one `numpy.bincount`, whatever the number
        of instances; the codes are made once per component.
        """
        frame, size = self.dataset.frame, len(self._classes)

        def compute() -> np.ndarray:
            index = pd.Index(self._classes)
            rows = index.get_indexer(frame[self.dataset.label])
            columns = index.get_indexer(frame[self.dataset.prediction])
            cells = (rows * size + columns).astype(np.int32)
            cells[(rows < 0) | (columns < 0)] = -1
            return cells

        key = ("confusion cells", self.dataset.label, self.dataset.prediction, size)
        return self.dataset.derived(key, compute)

    def matrix(self, group: str | None = None) -> pd.DataFrame:
        """Counts of filtered instances, labels as rows and predictions as columns.

        Parameters
        ----------
        group : str, optional
            A group label of `Selection.groups`, such as 'test' or '(missing)'; only
            the group's instances are counted. All filtered instances when None.

        Returns
        -------
        DataFrame
            One row per true label and one column per prediction, zeros included.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"id": [1, 2, 3], "label": ["a", "a", "b"],
        ...                    "prediction": ["a", "b", "b"], "split": ["x", "y", "y"]})
        >>> matrix = ConfusionMatrix(df)
        >>> matrix.selection.group_by = ["split"]
        >>> matrix.matrix("y").to_dict(orient="index")
        {'a': {'a': 0, 'b': 1}, 'b': {'a': 0, 'b': 1}}
        """
        if self.dataset.lazy:
            counts = self._lazy_matrix(group)  # the Selection keeps the answers
        else:
            counts = self._eager_matrix(group)
        label, prediction = self.dataset.label, self.dataset.prediction
        return pd.DataFrame(
            counts,
            index=pd.Index(self._classes, name=label),
            columns=pd.Index(self._classes, name=prediction),
        )

    def accuracy(self, group: str | None = None) -> float | None:
        """Share of filtered instances predicted right, or None when none pass.

        `group` narrows it to one group's instances, as in `matrix`.
        """
        table = self.matrix(group).to_numpy()
        total = table.sum()
        return float(np.trace(table) / total) if total else None

    def _eager_matrix(self, group: str | None) -> np.ndarray:
        """A matrix of counts of a pandas dataset, kept while the filter and the
        grouping stay."""
        key = (self.selection.filter_version, tuple(self.selection.group_by), group)
        if key not in self._counted:
            keep = self.selection.filtered_where
            if group is not None:
                keep = self.selection.filtered_mask & self._group_mask(group)
            cells = self._cells[keep]
            size = len(self._classes)
            counts = np.bincount(cells[cells >= 0], minlength=size * size)
            if len(self._counted) > 64:
                self._counted.clear()
            self._counted[key] = counts.reshape(size, size)
        return self._counted[key]

    def _lazy_matrix(self, group: str | None) -> np.ndarray:
        """A matrix of counts from the dask pass: of all filtered instances, or of
        one group's."""
        size = len(self._classes)
        if group is None:
            counts = self.selection.answer(lazy.Count("filtered", (self._cell_encoder,)))
            return counts.reshape(size, size)
        if not self.selection.group_by:
            self._no_grouping(group)
        labels = self.selection.group_labels
        if group not in labels:
            self._unknown_group(group, list(labels))
        return self._lazy_group_counts()[labels.index(group)].reshape(size, size)

    def _lazy_group_counts(self) -> np.ndarray:
        """Per group, counts per cell of the filtered instances."""
        encoders = (self.selection.group_codes, self._cell_encoder)
        return self.selection.answer(lazy.Count("filtered", encoders))

    @staticmethod
    def _no_grouping(group: str) -> None:
        raise ValueError(
            f"ConfusionMatrix.matrix(group={group!r}) needs a grouping: set "
            "selection.group_by to the columns that define the groups first."
        )

    def _unknown_group(self, group: str, known: list[str]) -> None:
        """Raise the error for a group name that the grouping does not have."""
        close = difflib.get_close_matches(str(group), known, n=3)
        hint = f" Did you mean {', '.join(map(repr, close))}?" if close else ""
        raise ValueError(
            f"No group {group!r} in the grouping by {self.selection.group_by}.{hint} "
            f"Groups: {', '.join(map(repr, known[:10]))}"
            + (f" and {len(known) - 10} more." if len(known) > 10 else ".")
        )

    def _group_mask(self, group: str) -> np.ndarray:
        """True for the instances of one group; a clear error for an unknown one."""
        groups = self.selection.groups
        if groups is None:
            self._no_grouping(group)
        mask = (groups == group).to_numpy(dtype=bool)
        if not mask.any():
            self._unknown_group(group, sorted(groups.unique().tolist()))
        return mask

    def select_cell(self, label, prediction) -> None:
        """Select the instances with this true label and this prediction.

        The selection covers every group: a `ConfusionCell` ignores `group_by`.
        """
        self.selection.selected = ConfusionCell(label, prediction)

    # -- drawing -----------------------------------------------------------------

    def _styled_matrix(self) -> pd.DataFrame:
        table = self.matrix()
        table.index = pd.Index(self._names, name="label ↓ / prediction →")
        table.columns = self._names
        return table

    def _cell_styles(self, table: pd.DataFrame) -> pd.DataFrame:
        """A background per cell: blue on the diagonal, red off it, by count."""
        values = table.to_numpy(dtype=float)
        top = max(values.max(), 1.0)
        styles = np.empty(values.shape, dtype=object)
        picked = self.selection.selected
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                alpha = 0.08 + 0.8 * values[i, j] / top if values[i, j] else 0.0
                rgb = "76,120,168" if i == j else "228,87,86"
                style = f"background-color: rgba({rgb},{alpha:.2f});"
                if (
                    isinstance(picked, ConfusionCell)
                    and picked.label == self._classes[i]
                    and picked.prediction == self._classes[j]
                ):
                    style += "outline: 3px solid #f58518; outline-offset: -3px;"
                styles[i, j] = style
        return pd.DataFrame(styles, index=table.index, columns=table.columns)

    def _refresh(self, *events) -> None:
        if not self.selection.group_by:
            self._show([self._table])
            self._restyle(self._table, self._styled_matrix())
            return

        counts = self._group_matrices()
        shown = _largest(counts, _MAX_GROUPS)
        for group in set(self._group_views) - set(shown):
            self._shown.pop(id(self._group_views.pop(group)[1]), None)
        for group in shown:
            title, table = self._group_view(group, counts[group])
            title.object = self._group_title(group, counts[group])
            self._restyle(table, self._named(counts[group]))
        key = (tuple(self.selection.group_by), tuple(shown), len(counts))
        if key != self._layout_key:
            self._show(self._grouped_layout(shown, len(counts)))
            self._layout_key = key

    def _show(self, objects: list) -> None:
        """Put these views in the body, unless they are there already."""
        if list(self._body.objects) != objects:
            self._body.objects = objects
        if objects == [self._table]:
            self._layout_key = None

    def _restyle(self, widget: pn.widgets.Tabulator, table: pd.DataFrame) -> None:
        """Show new counts, unless the table already shows these counts with this
        cell outlined (a brush elsewhere leaves the filtered matrix as it is)."""
        picked = self.selection.selected
        outlined = picked if isinstance(picked, ConfusionCell) else None
        shown = (table.to_numpy().tobytes(), tuple(table.index), tuple(table.columns))
        if self._shown.get(id(widget)) == (shown, outlined):
            return
        self._shown[id(widget)] = (shown, outlined)
        widget.value = table
        widget.style.apply(self._cell_styles, axis=None)

    def _named(self, table: pd.DataFrame) -> pd.DataFrame:
        """A group's count table with the class names as shown on screen; the index
        header is kept short so that two small matrices fit side by side."""
        table = table.copy()
        table.index = pd.Index(self._names, name="label ↓")
        table.columns = self._names
        return table

    def _group_matrices(self) -> dict[str, pd.DataFrame]:
        """The count table of every group with filtered instances, in one pass."""
        if self.dataset.lazy:
            size = len(self._classes)
            return {
                group: pd.DataFrame(
                    counts.reshape(size, size), index=self._classes, columns=self._classes
                )
                for group, counts in zip(
                    self.selection.group_labels, self._lazy_group_counts(), strict=True
                )
                if counts.any()
            }
        keep = self.selection.filtered_mask
        frame = self.dataset.frame[keep]
        groups = self.selection.groups[keep].rename("group")
        label, prediction = frame[self.dataset.label], frame[self.dataset.prediction]
        counts = pd.crosstab([groups, label], prediction)
        return {
            str(group): table.droplevel(0).reindex(
                index=self._classes, columns=self._classes, fill_value=0
            )
            for group, table in counts.groupby(level=0, sort=True)
        }

    def _group_view(
        self, group: str, counts: pd.DataFrame
    ) -> tuple[pn.pane.HTML, pn.widgets.Tabulator]:
        """The title and table of one group's matrix, made on first use."""
        if group not in self._group_views:
            title = pn.pane.HTML("", stylesheets=[_GROUP_CSS], margin=(4, 0, 0, 0))
            table = pn.widgets.Tabulator(
                self._named(counts),
                disabled=True,
                selectable=False,
                show_index=True,
                sortable=False,
                layout="fit_data_table",
                text_align="center",
                stylesheets=[_SMALL_TABLE_CSS],
                configuration={"columnDefaults": {"headerSort": False, "minWidth": 24}},
            )
            table.on_click(self._on_click)
            self._group_views[group] = (title, table)
        return self._group_views[group]

    def _group_title(self, group: str, table: pd.DataFrame) -> str:
        values = table.to_numpy()
        total = int(values.sum())
        accuracy = f"{np.trace(values) / total:.1%}" if total else "–"
        return (
            f"<div class='sy-group-title'><b>{escape(shorten(group))}</b> · "
            f"{total:,} instances · accuracy {accuracy}</div>"
        )

    def _grouped_layout(self, shown: list[str], count: int) -> list:
        """A line naming the grouping, a note on left-out groups, and the matrices."""
        names = escape(" · ".join(self.selection.group_by))
        note = (
            f"One matrix per group of <b>{names}</b>; a click selects that cell's "
            "instances in every group."
        )
        if not shown:
            note = f"No instance passes the filter in any group of <b>{names}</b>."
        elif len(shown) < count:
            note += (
                f"<div class='sy-groups-left-out'>{len(shown)} of {count:,} groups shown; "
                f"{count - len(shown):,} smaller ones are left out.</div>"
            )
        cards = [
            pn.Column(*self._group_views[group], css_classes=["sy-group-matrix"], margin=4)
            for group in shown
        ]
        return [
            pn.pane.HTML(
                f"<div class='sy-groups-note'>{note}</div>",
                stylesheets=[_GROUP_CSS],
                sizing_mode="stretch_width",
                margin=(0, 10),
            ),
            pn.FlexBox(*cards, sizing_mode="stretch_width"),
        ]

    def _on_click(self, event) -> None:
        """Select the clicked cell's instances; clicks on the row header are ignored."""
        if event.column not in self._names or event.row is None:
            return
        self.select_cell(
            self._classes[event.row], self._classes[self._names.index(event.column)]
        )

    def _caption(self) -> str:
        accuracy = self.accuracy()
        text = (
            "no instance passes the filter"
            if accuracy is None
            else (f"accuracy on the filtered instances: <b>{accuracy:.1%}</b>")
        )
        return f"<div class='sy-accuracy'>{text}</div>"

    def __panel__(self) -> pn.viewable.Viewable:
        self._refresh()
        return self._card(self._live_html(self._caption, margin=(0, 10)), self._body)


def _sort_key(value):
    """Sort numbers numerically and everything else as text, numbers first."""
    if isinstance(value, int | float | np.integer | np.floating):
        return (0, float(value), "")
    return (1, 0.0, str(value))


def _largest(counts: dict[str, pd.DataFrame], limit: int) -> list[str]:
    """The `limit` groups with the most instances, in the order of their labels."""
    sizes = {group: int(table.to_numpy().sum()) for group, table in counts.items()}
    ranked = sorted(sizes, key=lambda group: -sizes[group])[:limit]
    return [group for group in counts if group in ranked]


_SMALL_TABLE_CSS = """
.tabulator-row:hover { background-color: inherit !important; }
.tabulator { font-size: 11px !important; }
.tabulator .tabulator-cell { padding: 2px 4px !important; }
.tabulator .tabulator-col .tabulator-col-content { padding: 2px 4px !important; }
"""

_GROUP_CSS = """
.sy-groups-note { font-size: 12px; color: #444; margin: 2px 0 4px; }
.sy-groups-left-out { color: #b35900; font-weight: 600; margin-top: 2px; }
.sy-group-title { font-size: 12px; white-space: nowrap; }
"""
