"""ConfusionMatrix: counts of true label against prediction; a click selects a cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import panel as pn
import param

from ..dataset import Dataset
from ..predicates import ConfusionCell
from .base import Component, register

__all__ = ["ConfusionMatrix"]

_MAX_CLASSES = 30


def _text(value) -> str:
    """The display text of a class value."""
    return str(value)


@register
class ConfusionMatrix(Component):
    """A table of instance counts by true label (rows) and prediction (columns).

    Counts cover the instances that pass the filter. Clicking a cell selects the
    instances of that cell; the selected cell is outlined.

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
        frame = self.dataset.frame
        values = pd.concat([frame[self.dataset.label], frame[self.dataset.prediction]])
        self._classes = sorted(values.dropna().unique().tolist(), key=_sort_key)
        if len(self._classes) > _MAX_CLASSES:
            self.param.warning(
                f"{len(self._classes)} classes: the matrix shows the first {_MAX_CLASSES}."
            )
            self._classes = self._classes[:_MAX_CLASSES]
        self._names = [_text(c) for c in self._classes]
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
        self.selection.param.watch(self._refresh, "revision")

    @classmethod
    def applies_to(cls, dataset: Dataset) -> bool:
        return dataset.label is not None and dataset.prediction is not None

    def matrix(self) -> pd.DataFrame:
        """Counts of filtered instances, labels as rows and predictions as columns."""
        frame = self.dataset.frame[self.selection.filtered_mask]
        label, prediction = self.dataset.label, self.dataset.prediction
        table = pd.crosstab(frame[label], frame[prediction])
        return table.reindex(index=self._classes, columns=self._classes, fill_value=0)

    def accuracy(self) -> float | None:
        """Share of filtered instances predicted right, or None when none pass."""
        table = self.matrix()
        total = table.to_numpy().sum()
        return float(np.trace(table.to_numpy()) / total) if total else None

    def select_cell(self, label, prediction) -> None:
        """Select the instances with this true label and this prediction."""
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
        table = self._styled_matrix()
        self._table.value = table
        self._table.style.apply(self._cell_styles, axis=None)

    def _on_click(self, event) -> None:
        """Select the clicked cell's instances; clicks on the row header are ignored."""
        if event.column not in self._names or event.row is None:
            return
        self.select_cell(
            self._classes[event.row], self._classes[self._names.index(event.column)]
        )

    @param.depends("selection.revision")
    def _caption(self) -> pn.pane.HTML:
        accuracy = self.accuracy()
        text = (
            "no instance passes the filter"
            if accuracy is None
            else (f"accuracy on the filtered instances: <b>{accuracy:.1%}</b>")
        )
        return pn.pane.HTML(f"<div class='sy-accuracy'>{text}</div>", margin=(0, 10))

    def __panel__(self) -> pn.viewable.Viewable:
        self._refresh()
        return self._card(self._caption, self._table)


def _sort_key(value):
    """Sort numbers numerically and everything else as text, numbers first."""
    if isinstance(value, int | float | np.integer | np.floating):
        return (0, float(value), "")
    return (1, 0.0, str(value))
