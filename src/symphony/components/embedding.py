"""Embedding: a datashaded scatterplot of a projection, with box and lasso select.

The browser only ever receives a raster image of the points, so the payload of a
redraw depends on the plot's size, not on the number of instances. A box or lasso
drawn with Bokeh's select tools becomes a `Box` or `Lasso` predicate (a few
numbers) that replaces, adds to or subtracts from the selection, and the selected
instances are drawn in colour over the rest in grey. Points are coloured by the
groups of `Selection.group_by` when there are groups, else by `color`.
"""

from __future__ import annotations

from html import escape

import datashader as ds
import datashader.transfer_functions as tf
import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the bokeh backend for opts)
import numpy as np
import pandas as pd
import panel as pn
import param

from .. import lazy
from ..dataset import Dataset
from ..predicates import MODES, Box, Lasso
from .base import Component, register, shorten

__all__ = ["Embedding"]

_CATEGORY_COLORS = [
    "#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b",
    "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac",
]  # fmt: skip
_REST = "#c8c8c8"
_OTHER = "(other)"
_MAX_CATEGORIES = 20


@register
class Embedding(Component):
    """A scatterplot of one projection, drawn by datashader, with box and lasso select.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": [1, 2, 3], "projection_pca_x": [0.0, 1.0, 2.0],
    ...                    "projection_pca_y": [0.0, 1.0, 2.0]})
    >>> view = Embedding(df)
    >>> view.select_box(0.5, 2.5, 0.5, 2.5)
    >>> list(view.selection.selected_rows()["id"])
    [2, 3]
    >>> view.select_box(1.5, 2.5, 1.5, 2.5, mode="subtract")
    >>> list(view.selection.selected_rows()["id"])
    [2]
    """

    title = param.String(default="Embedding")

    description = param.String(
        default=(
            "Instances placed by a projection, so similar ones lie close together. "
            "Drag a box or a lasso to select the instances in a region; hold shift "
            "to add to the selection, or pick a mode below."
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
        Column whose values colour the points when nothing is grouped; the label
        column when None.""",
    )

    selection_mode = param.Selector(
        default="replace",
        objects=list(MODES),
        doc="""
        What the next box or lasso does: replace the selection, add to it, or
        subtract from it.""",
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
        self._finite = None if self.dataset.lazy else self._finite_mask()
        self._dimensions = self._bounded_dimensions()
        self._coloring_key: tuple | None = None
        self._base_cache: tuple | None = None
        self._plot = self._build_plot()

    @classmethod
    def applies_to(cls, dataset: Dataset) -> bool:
        return bool(dataset.projections)

    @staticmethod
    def _default_color(dataset: Dataset) -> str | None:
        """The label column when its values are few enough to colour by."""
        label = dataset.label
        if label is not None and len(dataset.codes(label).labels) <= _MAX_CATEGORIES:
            return label
        return None

    def _finite_mask(self) -> np.ndarray:
        """True where both coordinates are finite numbers; shared by all sessions."""
        frame, axes = self.dataset.frame, self._axes

        def compute() -> np.ndarray:
            x = frame[axes.x].to_numpy(dtype=float, na_value=np.nan)
            y = frame[axes.y].to_numpy(dtype=float, na_value=np.nan)
            return np.isfinite(x) & np.isfinite(y)

        return self.dataset.derived(("finite", axes.x, axes.y), compute)

    def _bounded_dimensions(self) -> list[hv.Dimension]:
        """x and y dimensions whose range covers every finite point, with a margin."""
        frame, finite = self.dataset.frame, self._finite

        def extent(column: str) -> tuple[float, float]:
            if self.dataset.lazy:
                low, high = _lazy_extent(frame, self._axes, column)
            else:
                values = frame[column].to_numpy(dtype=float, na_value=np.nan)[finite]
                low, high = (values.min(), values.max()) if len(values) else (0.0, 1.0)
            margin = 0.03 * (high - low) or 0.5
            return float(low - margin), float(high + margin)

        return [
            hv.Dimension(
                name,
                label=column,
                range=self.dataset.derived(
                    ("extent", column, self._axes.x, self._axes.y),
                    lambda c=column: extent(c),
                ),
            )
            for name, column in (("x", self._axes.x), ("y", self._axes.y))
        ]

    @property
    def missing_coordinates(self) -> int:
        """How many instances have no finite coordinates and cannot be drawn."""
        if self.dataset.lazy:
            finite = lazy.Finite(self._axes.x, self._axes.y)
            return int(self.selection.answer(lazy.Count("all", (finite,)))[0])
        finite = self._finite
        return self.dataset.derived(
            ("missing coordinates", self._axes.x, self._axes.y),
            lambda: int(len(finite) - np.count_nonzero(finite)),
        )

    # -- gestures --------------------------------------------------------------------

    def select_box(
        self, x0: float, x1: float, y0: float, y1: float, mode: str | None = None
    ) -> None:
        """Select the instances inside a box, as the box-select tool does."""
        box = Box(self.projection, x0, x1, y0, y1)
        self.selection.apply(box, mode or self.selection_mode)

    def select_lasso(self, xs, ys, mode: str | None = None) -> None:
        """Select the instances inside a polygon, as the lasso tool does."""
        lasso = Lasso(self.projection, tuple(xs), tuple(ys))
        self.selection.apply(lasso, mode or self.selection_mode)

    def _on_box(self, bounds=None):
        """Turn a finished box gesture into a Box predicate."""
        if bounds is None:
            return
        x0, y0, x1, y1 = bounds
        self.select_box(x0, x1, y0, y1)

    def _on_lasso(self, geometry=None):
        """Turn a finished lasso gesture into a Lasso predicate."""
        if geometry is None or len(geometry) < 3:
            return
        points = np.asarray(geometry, dtype=float)
        self.select_lasso(points[:, 0], points[:, 1])

    # -- colours -------------------------------------------------------------------

    def coloring(self) -> tuple[pd.Series, dict[str, str], str | None]:
        """A colour category per instance, the colour of each, and what they mean.

        Groups of the selection win over `color`; beyond the most common
        categories the rest share one colour as "(other)".
        """
        selection = self.selection
        key = (self.color, tuple(selection.group_by))
        if key == self._coloring_key:
            return self._coloring
        if self.dataset.lazy:
            categories, kept, title = self._lazy_colours()
        else:
            categories, kept, title = self._colours()
        palette = {
            c: _CATEGORY_COLORS[i % len(_CATEGORY_COLORS)] for i, c in enumerate(kept)
        }
        if _OTHER in palette:
            palette[_OTHER] = "#666666"
        self._coloring = (categories, palette, title)
        self._coloring_key = key
        return self._coloring

    def _colours(self) -> tuple[pd.Series, tuple[str, ...], str | None]:
        """The colour category of every instance of a pandas dataset, the category
        names and the legend title."""
        selection = self.selection
        if selection.groups is not None:
            title = " · ".join(selection.group_by)
            codes, labels = _factorize(selection.groups)
            made = _apply_colours(codes, labels)
        elif self.color is not None:
            title = self.color
            codes = self.dataset.codes(self.color)
            made = self.dataset.derived(
                ("colours", self.color), lambda: _apply_colours(codes.codes, codes.labels)
            )
        else:
            title = None
            made = self.dataset.derived(
                ("colours", None),
                lambda: _apply_colours(
                    np.zeros(len(self.dataset), np.int32), ("instance",)
                ),
            )
        codes, kept = made
        categories = pd.Categorical.from_codes(codes, categories=list(kept))
        return pd.Series(categories, copy=False), kept, title

    def _lazy_colours(self) -> tuple[lazy.Lookup, tuple[str, ...], str | None]:
        """An encoder of the colour category for a lazy dataset, the category names
        and the legend title."""
        selection = self.selection
        if selection.group_by:
            title = " · ".join(selection.group_by)
            encoder, labels = selection.group_codes, selection.group_labels
        elif self.color is not None:
            title = self.color
            codes = self.dataset.codes(self.color)
            encoder, labels = codes.encoder, codes.labels
        else:
            encoder, labels, title = None, (), None
        if not labels:  # nothing to colour by, or no instance at all
            finite = lazy.Finite(self._axes.x, self._axes.y)
            return lazy.Lookup(finite, (0, 0), 1), ("instance",), title
        counts = selection.answer(lazy.Count("all", (encoder,)))
        table, kept = _colour_table(counts, labels)
        return lazy.Lookup(encoder, tuple(table.tolist()), len(kept)), kept, title

    # -- drawing ------------------------------------------------------------------

    def _points(self, where: np.ndarray) -> pd.DataFrame:
        """The x, y and colour category of the drawable instances `where` picks.

        `where` is a boolean mask or an array of row positions.
        """
        frame = self.dataset.frame
        if where.dtype == bool:
            keep = np.flatnonzero(where & self._finite)
        else:
            keep = where[self._finite[where]]
        categories, _, _ = self.coloring()
        return pd.DataFrame(
            {
                "x": frame[self._axes.x].to_numpy()[keep],
                "y": frame[self._axes.y].to_numpy()[keep],
                "category": categories.array.take(keep),
            }
        )

    def _aggregate(self, where, canvas: ds.Canvas):
        """Counts per pixel and colour category of the instances `where` picks.

        `where` is a mask or row positions, or on a lazy dataset the scope
        'filtered' or 'selected'; None when nothing lands on the canvas.
        """
        if self.dataset.lazy:
            return self._lazy_aggregate(where, canvas)
        frame = self._points(where)
        if not len(frame):
            return None
        counts = canvas.points(frame, "x", "y", ds.count_cat("category"))
        return counts if int(counts.sum()) else None

    def _lazy_aggregate(self, scope: str, canvas: ds.Canvas):
        """Counts per pixel and colour category from the dask pass, as datashader's."""
        encoder, palette, _ = self.coloring()
        request = lazy.Raster(
            scope,
            self._axes.x,
            self._axes.y,
            encoder,
            tuple(canvas.x_range),
            tuple(canvas.y_range),
            canvas.plot_width,
            canvas.plot_height,
        )
        counts = self.selection.answer(request)
        if not counts.any():
            return None
        return _as_aggregate(counts, canvas, list(palette))

    def _shade(self, counts, key: dict | None, spread: int):
        """An image of per-category counts: in colour, or all grey with `key` None."""
        if counts is None:
            return None
        categories = list(counts.coords[counts.dims[-1]].values)
        colours = [_REST] * len(categories) if key is None else [key[c] for c in categories]
        rgba = _shade_categories(counts.values, colours, vary_alpha=key is not None)
        y, x = counts.dims[:2]
        image = tf.Image(
            rgba, coords={y: counts.coords[y], x: counts.coords[x]}, dims=(y, x)
        )
        return tf.spread(image, px=spread)

    def _base(self, canvas: ds.Canvas, grey: bool, view: tuple):
        """The filtered instances' layer; its counts are kept while the filter, the
        colours and the view stay put, so a brush only counts the selected ones."""
        selection = self.selection
        key = (selection.filter_version, self._coloring_key, view)
        if self._base_cache is None or self._base_cache[0] != key:
            where = "filtered" if self.dataset.lazy else selection.filtered_where
            self._base_cache = (key, self._aggregate(where, canvas), {})
        _, counts, images = self._base_cache
        if grey not in images:
            _, palette, _ = self.coloring()
            images[grey] = self._shade(counts, None if grey else palette, 1)
        return images[grey]

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
        _, palette, _ = self.coloring()
        view = (tuple(x_range), tuple(y_range), width, height)
        layers = [self._base(canvas, selection.selected is not None, view)]
        if selection.selected is not None:
            where = "selected" if self.dataset.lazy else selection.selected_where
            picked = self._aggregate(where, canvas)
            layers.append(self._shade(picked, palette, 2))
        layers = [layer for layer in layers if layer is not None]
        if layers:
            image = tf.stack(*layers) if len(layers) > 1 else layers[0]
            rgba = np.flipud(image.data.view(np.uint8).reshape(height, width, 4))
        else:
            rgba = np.zeros((height, width, 4), dtype=np.uint8)
        bounds = (x_range[0], y_range[0], x_range[1], y_range[1])
        return hv.RGB(rgba, bounds=bounds, kdims=self._dimensions)

    def _build_plot(self) -> hv.DynamicMap:
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
        self._lasso = hv.streams.Lasso(source=plot)
        self._lasso.add_subscriber(self._on_lasso)
        return plot.opts(
            tools=["box_select", "lasso_select"],
            active_tools=["box_select"],
            responsive=True,
            height=self.height,
            xaxis=None,
            yaxis=None,
        )

    def _notice(self) -> str:
        missing = self.missing_coordinates
        text = (
            f"<div class='sy-notice'>{missing:,} instances have no finite coordinates "
            f"in '{escape(self.projection)}' and are not drawn; they still count in "
            "the other views.</div>"
            if missing
            else ""
        )
        return self._legend() + text

    def _legend(self) -> str:
        """Colour swatches of the categories."""
        _, palette, title = self.coloring()
        if title is None:
            return ""
        swatches = "".join(
            f"<span style='margin-right:10px;white-space:nowrap'><span style='display:inline-"
            f"block;width:10px;height:10px;background:{color}'></span> {escape(shorten(c))}</span>"
            for c, color in palette.items()
        )
        return f"<div class='sy-legend'><b>{escape(title)}</b>: {swatches}</div>"

    def __panel__(self) -> pn.viewable.Viewable:
        plot = pn.pane.HoloViews(
            self._plot, sizing_mode="stretch_width", height=self.height
        )
        mode = pn.widgets.RadioButtonGroup.from_param(
            self.param.selection_mode,
            css_classes=["sy-selection-mode"],
        )
        keys = SelectionKeys(self)
        notice = self._live_html(
            self._notice,
            margin=(0, 10),
            sizing_mode="stretch_width",
            stylesheets=[".sy-notice { color: #8a5300; font-size: 12px; }"],
        )
        return self._card(notice, plot, pn.Row(pn.pane.HTML("Next gesture:"), mode, keys))


def _factorize(labels: pd.Series) -> tuple[np.ndarray, tuple[str, ...]]:
    """Integer codes and the distinct texts of a label per instance."""
    codes, uniques = pd.factorize(labels)
    return codes.astype(np.int32), tuple(str(u) for u in uniques)


def _apply_colours(codes: np.ndarray, labels: tuple[str, ...]):
    """The colour category of every instance (an int8 array) and the category names."""
    counts = np.bincount(codes[codes >= 0], minlength=len(labels))
    lookup, kept = _colour_table(counts, labels)
    result = lookup[np.clip(codes, 0, None)] if len(labels) else codes.astype(np.int8)
    result.flags.writeable = False
    return result, kept


def _colour_table(counts: np.ndarray, labels: tuple[str, ...]):
    """Colour categories: the most common labels in natural order, the rest '(other)'.

    Returns the colour category of each label (an int8 array) and the category names.
    """
    # the most common first, equal counts by label, so every engine keeps the same
    order = np.lexsort((np.array(labels, dtype=str), -counts))[: _MAX_CATEGORIES - 1]
    kept = sorted((labels[i] for i in order if counts[i]), key=_natural)
    position = {label: n for n, label in enumerate(kept)}
    other = len(labels) > len(kept)
    if other:
        kept.append(_OTHER)
    lookup = np.array(
        [position.get(label, len(kept) - 1) for label in labels] or [0], dtype=np.int8
    )
    return lookup, tuple(kept)


def _lazy_extent(frame, axes, column: str) -> tuple[float, float]:
    """The lowest and highest finite value of one coordinate where both are finite."""
    import dask

    x = frame[axes.x].astype(float)
    y = frame[axes.y].astype(float)
    finite = x.abs().lt(np.inf) & y.abs().lt(np.inf)
    values = frame[column].astype(float)[finite]
    low, high = dask.compute(values.min(), values.max())
    if not (np.isfinite(low) and np.isfinite(high)):
        return 0.0, 1.0
    return float(low), float(high)


def _as_aggregate(counts: np.ndarray, canvas: ds.Canvas, categories: list[str]):
    """Counts of shape (height, width, categories) as datashader's DataArray."""
    import xarray as xr

    (x0, x1), (y0, y1) = canvas.x_range, canvas.y_range
    width, height = canvas.plot_width, canvas.plot_height
    xs = x0 + (np.arange(width) + 0.5) * (x1 - x0) / width
    ys = y0 + (np.arange(height) + 0.5) * (y1 - y0) / height
    return xr.DataArray(
        counts,
        dims=("y", "x", "category"),
        coords={"y": ys, "x": xs, "category": categories},
    )


def _shade_categories(
    counts: np.ndarray, colours: list[str], vary_alpha: bool
) -> np.ndarray:
    """Counts per pixel and category, shaded as datashader's `shade` does with a
    colour key, `how="log"` and a `min_alpha` of 200, packed as RGBA in uint32.

    A pixel's colour is the mean of its categories' colours weighted by their
    counts. With `vary_alpha` its opacity grows with the log of its total count,
    from 200 at the least crowded pixel to 255 at the most crowded; without, every
    pixel with a count is opaque. One matrix product: several times faster than
    datashader's general shading, which matters once per update.
    """
    height, width, size = counts.shape
    flat = counts.reshape(-1, size).astype(np.float32)
    total = flat.sum(axis=1)
    filled = total > 0
    rgb = np.array(
        [[int(c[i : i + 2], 16) for i in (1, 3, 5)] for c in colours], np.float32
    )
    mixed = (flat[filled] @ rgb) / total[filled, None]
    level = np.log1p(total[filled])
    low, high = (level.min(), level.max()) if len(level) else (0.0, 0.0)
    alpha = np.full_like(level, 255)
    if vary_alpha and high > low:
        alpha = 200 + 55 * (level - low) / (high - low)
    packed = np.zeros(height * width, dtype=np.uint32)
    channels = np.concatenate([mixed, alpha[:, None]], axis=1)
    channels = np.clip(np.rint(channels), 0, 255).astype(np.uint32)
    packed[filled] = (
        channels[:, 0] | channels[:, 1] << 8 | channels[:, 2] << 16 | channels[:, 3] << 24
    )
    return packed.reshape(height, width)


def _natural(value: str):
    """Sort numbers numerically, then text."""
    try:
        return (0, float(value), "")
    except ValueError:
        return (1, 0.0, value)


class SelectionKeys(pn.custom.JSComponent):
    """Turns shift and alt held at the start of a gesture into a selection mode.

    Bokeh's select tools do not tell the server which keys were held, so this
    invisible element listens for pointer presses on the page and sends the mode
    before the gesture's geometry arrives over the same connection.
    """

    _esm = """
    export function render({ model }) {
      let last = null;
      const press = (event) => {
        const mode = event.shiftKey ? "add" : (event.altKey ? "subtract" : null);
        if (mode !== last) { last = mode; model.send_msg({ mode: mode }); }
      };
      document.addEventListener("pointerdown", press, true);
      model.on("remove", () => document.removeEventListener("pointerdown", press, true));
    }
    """

    def __init__(self, embedding: Embedding, **params):
        super().__init__(width=0, height=0, margin=0, **params)
        self._embedding = embedding
        self._chosen = "replace"

    def _handle_msg(self, msg) -> None:
        """Use the modifier's mode for the gesture; restore the chosen one after."""
        if not isinstance(msg, dict):
            return
        mode = msg.get("mode")
        embedding = self._embedding
        if mode in MODES:
            self._chosen = embedding.selection_mode
            embedding.selection_mode = mode
        elif mode is None:
            embedding.selection_mode = self._chosen
