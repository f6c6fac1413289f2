"""Embedding: a datashaded scatterplot of a projection, with box select.

The browser only ever receives a raster image of the points, so the payload of a
redraw depends on the plot's size, not on the number of instances. Drawing a box
with the box-select tool sets `Selection.selected` to a `Box` predicate (four
numbers), and the selected instances are drawn in colour over the rest in grey.
"""

from __future__ import annotations

import datashader as ds
import datashader.transfer_functions as tf
import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh backend for opts)
import numpy as np
import pandas as pd
import panel as pn
import param

from ..dataset import Dataset
from ..predicates import Box
from .base import Component, register

__all__ = ["Embedding"]

_CATEGORY_COLORS = [
    "#4c78a8",
    "#f58518",
    "#e45756",
    "#72b7b2",
    "#54a24b",
    "#eeca3b",
    "#b279a2",
    "#ff9da6",
    "#9d755d",
    "#bab0ac",
]
_REST = "#c8c8c8"
_MAX_CATEGORIES = 20


@register
class Embedding(Component):
    """A scatterplot of one projection, drawn by datashader, with box select.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2, 3], "projection_pca_x": [0.0, 1.0, 2.0],
    ...                    "projection_pca_y": [0.0, 1.0, 2.0]})
    >>> view = Embedding(df)
    >>> view.select_box(0.5, 2.5, 0.5, 2.5)
    >>> list(view.selection.selected_rows()["id"])
    [2, 3]
    """

    title = param.String(default="Embedding")

    description = param.String(
        default=(
            "Instances placed by a projection, so similar ones lie close together. "
            "Drag with the box-select tool to select the instances in a region."
        )
    )

    projection = param.String(
        default=None,
        allow_None=True,
        doc="""
        Name of the projection to draw; the dataset's first one when None.""",
    )

    color = param.String(
        default=None,
        allow_None=True,
        doc="""
        Column whose values colour the points; the label column when None.""",
    )

    height = param.Integer(default=420, bounds=(100, None), doc="Plot height in pixels.")

    def __init__(self, source=None, **params):
        super().__init__(source, **params)
        projection = self.dataset.projection(self.projection)
        with param.parameterized.discard_events(self):
            self.projection = projection.name
            if self.color is None:
                self.color = self._default_color(self.dataset)
        if self.color is not None:
            self.dataset._require_column(self.color, "color")
        self._axes = projection
        self._finite = self._finite_mask()
        self._dimensions = self._bounded_dimensions()
        self._plot = self._build_plot()

    @classmethod
    def applies_to(cls, dataset: Dataset) -> bool:
        return bool(dataset.projections)

    @staticmethod
    def _default_color(dataset: Dataset) -> str | None:
        """The label column when its values are few enough to colour by."""
        label = dataset.label
        if label is not None and dataset.frame[label].nunique() <= _MAX_CATEGORIES:
            return label
        return None

    def _finite_mask(self) -> np.ndarray:
        """True where both coordinates are finite numbers."""
        frame = self.dataset.frame
        x = frame[self._axes.x].to_numpy(dtype=float, na_value=np.nan)
        y = frame[self._axes.y].to_numpy(dtype=float, na_value=np.nan)
        return np.isfinite(x) & np.isfinite(y)

    def _bounded_dimensions(self) -> list[hv.Dimension]:
        """x and y dimensions whose range covers every finite point, with a margin."""
        frame = self.dataset.frame
        dimensions = []
        for name, column in (("x", self._axes.x), ("y", self._axes.y)):
            values = frame[column].to_numpy(dtype=float, na_value=np.nan)[self._finite]
            low, high = (values.min(), values.max()) if len(values) else (0.0, 1.0)
            margin = 0.03 * (high - low) or 0.5
            dimensions.append(
                hv.Dimension(name, label=column, range=(low - margin, high + margin))
            )
        return dimensions

    @property
    def missing_coordinates(self) -> int:
        """How many instances have no finite coordinates and cannot be drawn."""
        return int((~self._finite).sum())

    def select_box(self, x0: float, x1: float, y0: float, y1: float) -> None:
        """Select the instances inside a box, as the box-select tool does."""
        self.selection.selected = Box(self.projection, x0, x1, y0, y1)

    # -- drawing ------------------------------------------------------------------

    def _categories(self) -> list[str]:
        """The colour categories, as text, in a stable order."""
        if self.color is None:
            return ["instance"]
        return sorted(self.dataset.frame[self.color].dropna().astype(str).unique())

    def _points(self, mask: np.ndarray) -> hv.Points:
        """The drawable points under `mask`, with their colour category."""
        frame = self.dataset.frame
        keep = mask & self._finite
        columns = {"x": frame[self._axes.x][keep], "y": frame[self._axes.y][keep]}
        if self.color is None:
            category = np.full(int(keep.sum()), "instance", dtype=object)
        else:
            category = frame[self.color][keep].astype(str)
        data = pd.DataFrame(columns).assign(
            _category=pd.Categorical(category, categories=self._categories())
        )
        return hv.Points(data, kdims=self._dimensions, vdims=["_category"])

    def _shade(self, mask: np.ndarray, canvas: ds.Canvas, key: dict, spread: int):
        """The drawable instances under `mask` as a datashader image, or None."""
        frame = self._points(mask).data
        if not len(frame):
            return None
        counts = canvas.points(frame, "x", "y", ds.count_cat("_category"))
        if not int(counts.sum()):
            return None
        return tf.spread(tf.shade(counts, color_key=key, min_alpha=200), px=spread)

    def render(self, x_range=None, y_range=None, width=None, height=None) -> hv.RGB:
        """The filtered instances as an image, the selected ones drawn on top.

        Only this image reaches the browser: its size is the plot's, whatever the
        number of instances.
        """
        x_range = x_range or self._dimensions[0].range
        y_range = y_range or self._dimensions[1].range
        width, height = max(int(width or 600), 50), max(int(height or self.height), 50)
        canvas = ds.Canvas(
            plot_width=width,
            plot_height=height,
            x_range=tuple(x_range),
            y_range=tuple(y_range),
        )
        selection = self.selection
        base_key = (
            self._palette
            if selection.selected is None
            else dict.fromkeys(self._palette, _REST)
        )
        layers = [
            self._shade(selection.filtered_mask, canvas, base_key, 1),
            self._shade(selection.selected_mask, canvas, self._palette, 2),
        ]
        layers = [layer for layer in layers if layer is not None]
        if layers:
            image = tf.stack(*layers) if len(layers) > 1 else layers[0]
            rgba = np.flipud(image.data.view(np.uint8).reshape(height, width, 4))
        else:
            rgba = np.zeros((height, width, 4), dtype=np.uint8)
        bounds = (x_range[0], y_range[0], x_range[1], y_range[1])
        return hv.RGB(rgba, bounds=bounds, kdims=self._dimensions)

    def _build_plot(self):
        self._palette = {
            c: _CATEGORY_COLORS[i % len(_CATEGORY_COLORS)]
            for i, c in enumerate(self._categories())
        }
        x_range, y_range = self._dimensions[0].range, self._dimensions[1].range
        streams = [
            hv.streams.RangeXY(x_range=x_range, y_range=y_range),
            hv.streams.PlotSize(),
            hv.streams.Params(self.selection, ["revision"]),
        ]

        def draw(x_range, y_range, width, height, revision, **_):
            return self.render(x_range, y_range, width, height)

        plot = hv.DynamicMap(draw, streams=streams)
        self._bounds = hv.streams.BoundsXY(source=plot)
        self._bounds.add_subscriber(self._on_box)
        return plot.opts(
            tools=["box_select"],
            active_tools=["box_select"],
            responsive=True,
            height=self.height,
            xaxis=None,
            yaxis=None,
        )

    def _on_box(self, bounds=None):
        """Turn a finished box gesture into a Box predicate."""
        if bounds is None:
            return
        x0, y0, x1, y1 = bounds
        self.select_box(x0, x1, y0, y1)

    @param.depends("selection.revision")
    def _notice(self) -> pn.pane.HTML:
        missing = self.missing_coordinates
        text = (
            f"{missing:,} instances have no finite coordinates in "
            f"'{self.projection}' and are not drawn."
            if missing
            else ""
        )
        legend = self._legend()
        return pn.pane.HTML(
            legend + (f"<div class='sy-notice'>{text}</div>" if text else ""),
            margin=(0, 10),
            sizing_mode="stretch_width",
        )

    def _legend(self) -> str:
        """Colour swatches for the colour column."""
        if self.color is None:
            return ""
        from html import escape

        swatches = "".join(
            f"<span style='margin-right:10px;white-space:nowrap'><span style='display:inline-"
            f"block;width:10px;height:10px;background:{color}'></span> {escape(c)}</span>"
            for c, color in self._palette.items()
        )
        return f"<div class='sy-legend'><b>{escape(self.color)}</b>: {swatches}</div>"

    def __panel__(self) -> pn.viewable.Viewable:
        plot = pn.pane.HoloViews(
            self._plot, sizing_mode="stretch_width", height=self.height
        )
        return self._card(self._notice, plot)
