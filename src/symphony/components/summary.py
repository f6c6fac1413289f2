"""Summary: how many instances pass the filter, and how each column is distributed.

With a `group_by`, a table above the distributions gives each group's instances
passing the filter, selected ones and, when the dataset has a label and a
prediction, the accuracy among the group's filtered instances.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pandas as pd
import panel as pn
import param
from panel.custom import JSComponent

from .. import lazy
from ..dataset import Dataset
from ..predicates import MODES, Range, Values
from ..selection import MISSING_GROUP
from .base import Component, register, shorten

__all__ = ["Summary"]

_MAX_CATEGORIES = 20
_MAX_GROUP_ROWS = 30
_BINS = 12
_MAX_PACK = 1 << 20  # category combinations counted together in one bincount
_BAR = "#4c78a8"
_PICKED = "#f58518"


def _is_categorical(series: pd.Series) -> bool:
    """Whether a column is best shown as value counts rather than a histogram."""
    if series.dtype.kind in "biu":
        if lazy.is_dask(series):
            distinct = lazy.distinct(series, _MAX_CATEGORIES)
        else:
            distinct = series.nunique(dropna=True)
        if distinct <= _MAX_CATEGORIES:
            return True
    return series.dtype.kind not in "iufmM"


def _summarised_columns(dataset: Dataset) -> list[str]:
    """The columns worth a distribution: not the id, projections or file paths."""
    skip = {dataset.id_column, dataset.file_column}
    for projection in dataset.projections.values():
        skip |= {projection.x, projection.y}
    dtypes = dataset.frame.dtypes
    return [c for c in dataset.columns if c not in skip and not _is_time(dtypes[c])]


def _is_time(dtype) -> bool:
    """Dates and durations: not summarised yet, since their bins would need labels
    and edges of their own (a filter reads them: `when > "2024-01-01"`)."""
    return getattr(dtype, "kind", "") in "mM" or isinstance(dtype, pd.DatetimeTZDtype)


def _fmt(number: float) -> str:
    """A short label for a bin edge."""
    return f"{number:.3g}"


def _percent(share) -> str:
    """A share as a percentage, or a dash when it is missing."""
    return "–" if share is None or pd.isna(share) else f"{float(share):.1%}"


def _largest(table: pd.DataFrame, limit: int) -> pd.DataFrame:
    """At most `limit` rows with the most filtered instances, in the table's order."""
    if len(table) <= limit:
        return table
    ranked = table["filtered"].to_numpy().argsort(kind="stable")[::-1]
    keep = np.sort(ranked[:limit])
    return table.iloc[keep]


@register
class Summary(Component):
    """How many instances pass the filter and are selected, and each column's shape.

    Bars count the instances that pass the filter; their orange part counts the
    selected ones. With a `group_by`, a table gives the counts per group (see
    `group_table`); the column distributions stay those of all groups together.

    Examples
    --------
    >>> import pandas as pd
    >>> summary = Summary(pd.DataFrame({"id": [1, 2, 3], "size": ["s", "m", "s"]}))
    >>> summary.selection.filter = "size == 's'"
    >>> summary.counts()
    {'total': 3, 'filtered': 2, 'selected': 0}
    """

    title = param.String(default="Summary")

    description = param.String(
        default=(
            "How many instances pass the filter, and how each column is distributed; "
            "orange marks the selected instances. Click a bar to select its instances."
        )
    )

    columns = param.List(
        default=None,
        allow_None=True,
        item_type=str,
        doc="""
        The columns to summarise; all but the id, projections and file paths when None.""",
    )

    max_columns = param.Integer(
        default=12,
        bounds=(1, None),
        doc="""
        At most this many column distributions are drawn.""",
    )

    def __init__(self, source=None, **params):
        super().__init__(source, **params)
        names = (
            self.columns if self.columns is not None else _summarised_columns(self.dataset)
        )
        self._columns = names[: self.max_columns]
        self._counted: dict[str, tuple[int, dict[str, np.ndarray]]] = {}
        self._positions: dict[str, dict[str, int]] = {}
        self._edges = {
            name: self.dataset.codes(name, _BINS).edges
            for name in self._columns
            if not self.dataset.derived(
                ("categorical", name),
                lambda name=name: _is_categorical(self.dataset.frame[name]),
            )
        }

    def _counts(self, scope: str, column: str, codes) -> np.ndarray:
        """Counts per category of the filtered or the selected instances; every
        column's are made at once and kept while the filter (or the selection)
        stays."""
        selection = self.selection
        if self.dataset.lazy:
            return selection.answer(lazy.Count(scope, (codes.encoder,)))
        filtered = scope == "filtered"
        version = selection.filter_version if filtered else selection.revision
        where = selection.filtered_where if filtered else selection.selected_where
        if self._counted.get(scope, (None,))[0] != version:
            self._counted[scope] = (version, self._count(where))
        known = self._counted[scope][1]
        return known[column] if column in known else codes.count(where)

    def _count(self, where: np.ndarray) -> dict[str, np.ndarray]:
        """Counts per category of every summarised column, for the instances `where`
        picks (a mask or positions): one gather and one bincount per pack."""
        counts = {}
        for columns, sizes, joint in self._packs():
            total = np.bincount(joint[where], minlength=int(np.prod(sizes))).reshape(sizes)
            for axis, column in enumerate(columns):
                others = tuple(i for i in range(len(columns)) if i != axis)
                counts[column] = total.sum(axis=others)[1:]  # slot 0: no category
        return counts

    def _packs(self) -> list[tuple[tuple[str, ...], tuple[int, ...], np.ndarray]]:
        """The summarised columns' codes packed into few integer columns, shared by
        every session: each pack numbers the combinations of its columns'
        categories (at most `_MAX_PACK` of them), so counting every column of a
        pack is one bincount."""

        def compute():
            codes = {c: self._codes(c) for c in self._columns}
            groups: list[list[str]] = [[]]
            product = 1
            for column in self._columns:
                size = len(codes[column].labels) + 1
                if groups[-1] and product * size > _MAX_PACK:
                    groups.append([])
                    product = 1
                groups[-1].append(column)
                product *= size
            packs = []
            for columns in filter(None, groups):
                sizes = tuple(len(codes[c].labels) + 1 for c in columns)
                joint = np.zeros(len(self.dataset), dtype=np.int64)
                for column, size in zip(columns, sizes, strict=True):
                    joint *= size
                    joint += codes[column].codes + 1
                if np.prod(sizes) < 2**31:
                    joint = joint.astype(np.int32)
                joint.flags.writeable = False
                packs.append((tuple(columns), sizes, joint))
            return packs

        return self.dataset.derived(("summary packs", tuple(self._columns)), compute)

    def counts(self) -> dict[str, int]:
        """Instances in all, passing the filter, and selected among those."""
        return {
            "total": len(self.dataset),
            "filtered": self.selection.filtered_count,
            "selected": self.selection.selected_count,
        }

    def distribution(self, column: str) -> pd.DataFrame:
        """Filtered and selected counts per value (or per bin) of one column.

        Values are listed by filtered count, at most ten; bins in order.
        """
        binned = column in self._edges
        codes = self.dataset.codes(column, _BINS if binned else None)
        table = pd.DataFrame(
            {
                "value": list(codes.labels),
                "filtered": self._counts("filtered", column, codes),
                "selected": self._counts("selected", column, codes),
            }
        )
        if binned:
            return table
        # equal counts by label, so pandas and dask tables list the same values
        table = table.sort_values(
            ["filtered", "value"], ascending=[False, True], kind="stable"
        ).head(10)
        return table.reset_index(drop=True)

    def group_table(self) -> pd.DataFrame:
        """Instances passing the filter, selected, and accuracy, one row per group.

        The index holds the group labels of `Selection.groups` ('(missing)' standing
        for a missing value), or the single row 'all' without a `group_by`. The
        `filtered` counts add up to the instances passing the filter. An `accuracy`
        column is present when the dataset has a label and a prediction: the share of
        the group's filtered instances, among those with both a label and a
        prediction, whose prediction equals the label; <NA> when there are none.

        Returns
        -------
        DataFrame
            Columns `filtered`, `selected` and possibly `accuracy`, indexed by group.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"id": [1, 2, 3, 4], "split": ["train", "train", "test", None],
        ...                    "label": ["a", "b", "a", "b"],
        ...                    "prediction": ["a", "a", "a", "b"]})
        >>> summary = Summary(df)
        >>> summary.selection.group_by = ["split"]
        >>> summary.group_table().reset_index()
               group  filtered  selected  accuracy
        0  (missing)         1         0       1.0
        1       test         1         0       1.0
        2      train         2         0       0.5
        >>> summary.selection.filter = "split == 'test'"
        >>> summary.group_table().loc["train", "accuracy"]
        <NA>
        """
        selection = self.selection
        table = selection.group_counts().astype("int64")
        table.index.name = "group"
        label, prediction = self.dataset.label, self.dataset.prediction
        if label is None or prediction is None:
            return table

        if self.dataset.lazy:
            sums = self._lazy_judged(table.index)
        else:
            judged, right = self._judged_and_right()
            keys = selection.groups if selection.groups is not None else "all"
            sums = (
                pd.DataFrame({"group": keys, "judged": judged, "right": right})
                .groupby("group", sort=True)[["judged", "right"]]
                .sum()
                .reindex(table.index, fill_value=0)
            )
        judged_count = sums["judged"].astype("Float64")
        table["accuracy"] = sums["right"] / judged_count.where(judged_count > 0)
        return table

    def _lazy_judged(self, index: pd.Index) -> pd.DataFrame:
        """Judged and right counts per group of a lazy dataset, in one request."""
        correct = lazy.Correct(self.dataset.label, self.dataset.prediction)
        groups = self.selection.group_codes
        encoders = (correct,) if groups is None else (groups, correct)
        counts = self.selection.answer(lazy.Count("filtered", encoders)).reshape(-1, 2)
        return pd.DataFrame(
            {"judged": counts.sum(axis=1), "right": counts[:, 1]}, index=index
        )

    def _judged_and_right(self) -> tuple[np.ndarray, np.ndarray]:
        """Filtered instances with both a label and a prediction, and those among
        them whose prediction equals the label."""
        frame = self.dataset.frame
        label, prediction = frame[self.dataset.label], frame[self.dataset.prediction]
        present = (label.notna() & prediction.notna()).to_numpy(dtype=bool)
        judged = present & self.selection.filtered_mask
        where = np.flatnonzero(judged)
        right = np.zeros(len(frame), dtype=bool)
        # compared as Python objects, so differing dtypes or categories never raise
        truth = label.to_numpy(dtype=object)[where]
        right[where] = truth == prediction.to_numpy(dtype=object)[where]
        return judged, right

    def _groups_html(self) -> str:
        """The group table, when the selection groups instances; the largest groups
        first when there are too many to list, shown in the order of their labels."""
        if not self.selection.group_by:
            return ""
        table = self.group_table()
        total = int(table["filtered"].sum())
        picked = int(table["selected"].sum())
        shown = _largest(table, _MAX_GROUP_ROWS)
        has_accuracy = "accuracy" in table.columns
        top = max(int(shown["filtered"].max()) if len(shown) else 0, 1)

        rows = [
            self._group_row_html(str(group), row, top, has_accuracy)
            for group, row in shown.iterrows()
        ]
        overall = self._overall_accuracy() if has_accuracy else None
        rows.append(
            "<tr class='sy-groups-total'><td>all groups</td>"
            f"<td><span class='sy-group-count'>{total:,}</span></td><td>{picked:,}</td>"
            + (f"<td>{_percent(overall)}</td>" if has_accuracy else "")
            + "</tr>"
        )
        names = escape(" · ".join(self.selection.group_by))
        note = ""
        if len(shown) < len(table):
            left = len(table) - len(shown)
            note = (
                f"<div class='sy-groups-note'>{left:,} smaller groups are not listed; "
                "the totals count them.</div>"
            )
        return (
            f"<table class='sy-groups'><tr><th>{names}</th><th>instances</th>"
            "<th>selected</th>"
            + ("<th>accuracy</th>" if has_accuracy else "")
            + f"</tr>{''.join(rows)}</table>{note}"
        )

    @staticmethod
    def _group_row_html(group: str, row: pd.Series, top: int, has_accuracy: bool) -> str:
        """One group's row: its label, a bar of its filtered count, selected, accuracy."""
        filtered, picked = int(row["filtered"]), int(row["selected"])
        width = 60 * filtered / top
        missing = MISSING_GROUP in group.split(" · ")
        style = " class='sy-group-missing'" if missing else ""
        return (
            f"<tr><td{style}>{escape(shorten(group))}</td><td><span class='sy-group-count'>"
            f"{filtered:,}</span><span class='sy-group-bar' style='width:{width:.1f}px'>"
            f"</span></td><td>{picked:,}</td>"
            + (f"<td>{_percent(row['accuracy'])}</td>" if has_accuracy else "")
            + "</tr>"
        )

    def _overall_accuracy(self) -> float | None:
        """Accuracy among all filtered instances with a label and a prediction."""
        if self.dataset.lazy:
            correct = lazy.Correct(self.dataset.label, self.dataset.prediction)
            wrong, right = self.selection.answer(lazy.Count("filtered", (correct,)))
            return float(right / (wrong + right)) if wrong + right else None
        judged, right = self._judged_and_right()
        count = int(judged.sum())
        return float(right.sum() / count) if count else None

    def _view(self) -> str:
        counts = self.counts()
        header = (
            f"<div class='sy-counts'><span class='sy-count-filtered'>{counts['filtered']:,}"
            f"</span> of {counts['total']:,} instances pass the filter · "
            f"<span class='sy-count-selected'>{counts['selected']:,}</span> selected</div>"
        )
        return header + self._groups_html()

    def _bars(self) -> list[dict]:
        """Every summarised column's bars, as data for the browser."""
        charts = []
        for column in self._columns:
            table = self.distribution(column)
            positions = self._label_positions(column)
            top = max(int(table["filtered"].max()) if len(table) else 0, 1)
            charts.append(
                {
                    "column": column,
                    "kind": "histogram" if column in self._edges else "top values",
                    "bars": [
                        {
                            "label": shorten(str(value)),
                            "key": positions[value],
                            "filtered": int(filtered),
                            "selected": int(picked),
                            "width": round(100 * filtered / top, 1),
                            "part": round(100 * picked / top, 1),
                        }
                        for value, filtered, picked in table.itertuples(index=False)
                    ],
                }
            )
        return charts

    def select_bar(self, column: str, label: str, mode: str = "replace") -> None:
        """Select the instances of one bar: a value of a column, or a histogram bin.

        Examples
        --------
        >>> import pandas as pd
        >>> summary = Summary(pd.DataFrame({"id": [1, 2, 3], "size": ["s", "m", "s"]}))
        >>> summary.select_bar("size", "s")
        >>> list(summary.selection.selected_rows()["id"])
        [1, 3]
        """
        binned = column in self._edges
        codes = self.dataset.codes(column, _BINS if binned else None)
        if label not in codes.labels:
            raise ValueError(f"Column {column!r} has no bar {label!r}.")
        index = codes.labels.index(label)
        if binned:
            edges = codes.edges
            predicate = Range(column, float(edges[index]), float(edges[index + 1]))
        elif codes.values is None or index >= len(codes.values):
            return  # the '(missing)' bar: missing values are selected with a filter
        else:
            predicate = Values(column, (codes.values[index],))
        self.selection.apply(predicate, mode)

    def __panel__(self) -> pn.viewable.Viewable:
        view = self._live_html(self._view, stylesheets=[_CSS], sizing_mode="stretch_width")
        bars = BarCharts(self._on_bar, charts=self._bars(), sizing_mode="stretch_width")

        def update(*events) -> None:
            bars.charts = self._bars()

        self.selection.param.watch(update, "revision")
        return self._card(view, bars)

    def _on_bar(self, column: str, key: int | str, mode: str) -> None:
        """Select a clicked bar, named by its position among the column's categories
        (as the browser sends it) or by its label."""
        if column not in self._columns:
            return
        if isinstance(key, int):
            labels = self._codes(column).labels
            if not 0 <= key < len(labels):
                return
            key = labels[key]
        self.select_bar(column, key, mode)

    def _codes(self, column: str):
        return self.dataset.codes(column, _BINS if column in self._edges else None)

    def _label_positions(self, column: str) -> dict[str, int]:
        """Where each label of a column sits among its categories; made once."""
        if column not in self._positions:
            self._positions[column] = {
                label: n for n, label in enumerate(self._codes(column).labels)
            }
        return self._positions[column]


_CSS = f"""
.sy-counts {{ font-size: 1.1em; margin: 4px 0 10px; }}
.sy-count-filtered, .sy-count-selected {{ font-weight: 600; }}
.sy-groups {{ border-collapse: collapse; margin-bottom: 10px; font-size: 13px; }}
.sy-groups td, .sy-groups th {{ padding: 2px 10px; border-bottom: 1px solid #ddd;
  text-align: left; }}
.sy-groups-total td {{ font-weight: 600; border-top: 1px solid #999; }}
.sy-group-missing {{ color: #777; font-style: italic; }}
.sy-group-count {{ display: inline-block; min-width: 4em; margin-right: 6px;
  text-align: right; }}
.sy-group-bar {{ display: inline-block; height: 9px; background: {_BAR};
  vertical-align: middle; }}
.sy-groups-note {{ color: #666; font-size: 12px; margin: -6px 0 10px; }}
"""


class BarCharts(JSComponent):
    """Bar charts of column distributions; clicking a bar selects its instances.

    Shift-click adds the bar's instances to the selection, alt-click subtracts them.
    All text is set as text, never as HTML.
    """

    charts = param.List(
        default=[],
        doc="""
        One dict per column: column, kind, and bars (label cut to 60 characters,
        key (the bar's position among the column's categories, sent back on a
        click), filtered, selected, and width and part as percentages of the
        longest bar).""",
    )

    _esm = """
    export function render({ model, el }) {
      function draw() {
        el.replaceChildren();
        el.className = "sy-dists";
        for (const chart of model.charts) {
          const box = document.createElement("div");
          box.className = "sy-dist";
          const title = document.createElement("div");
          title.className = "sy-dist-title";
          title.textContent = chart.column + " ";
          const kind = document.createElement("small");
          kind.textContent = chart.kind;
          title.appendChild(kind);
          box.appendChild(title);
          for (const bar of chart.bars) {
            const row = document.createElement("button");
            row.type = "button";
            row.className = "sy-bar-row";
            row.title = chart.column + ": " + bar.label +
              " (click to select; shift adds, alt removes)";
            const label = document.createElement("span");
            label.className = "sy-bar-label";
            label.textContent = bar.label;
            const track = document.createElement("span");
            track.className = "sy-bar-track";
            const full = document.createElement("span");
            full.className = "sy-bar";
            full.style.width = bar.width + "%";
            const part = document.createElement("span");
            part.className = "sy-bar sy-picked";
            part.style.width = bar.part + "%";
            track.append(full, part);
            const count = document.createElement("span");
            count.className = "sy-bar-count";
            count.textContent = bar.filtered.toLocaleString("en-US") +
              (bar.selected ? " (" + bar.selected.toLocaleString("en-US") + ")" : "");
            row.append(label, track, count);
            row.addEventListener("click", (event) => {
              const mode = event.shiftKey ? "add" : (event.altKey ? "subtract" : "replace");
              model.send_msg({ column: chart.column, key: bar.key, mode: mode });
            });
            box.appendChild(row);
          }
          el.appendChild(box);
        }
      }
      draw();
      model.on("charts", draw);
    }
    """

    _stylesheets = [
        f"""
    .sy-dists {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr));
      gap: 10px 18px; font-family: inherit; }}
    .sy-dist-title {{ font-weight: 600; margin-bottom: 2px; font-size: 13px; }}
    .sy-dist-title small {{ color: #777; font-weight: normal; }}
    .sy-bar-row {{ display: flex; align-items: center; gap: 6px; font-size: 12px; height: 17px;
      width: 100%; border: 0; background: none; padding: 0; cursor: pointer;
      font-family: inherit; }}
    .sy-bar-row:hover .sy-bar-track {{ outline: 1px solid #999; }}
    .sy-bar-label {{ width: 80px; overflow: hidden; text-overflow: ellipsis;
      white-space: nowrap; text-align: right; color: #444; }}
    .sy-bar-track {{ position: relative; flex: 1; height: 12px; background: #f1f1f1; }}
    .sy-bar {{ position: absolute; left: 0; top: 0; height: 12px; background: {_BAR}; }}
    .sy-bar.sy-picked {{ background: {_PICKED}; }}
    .sy-bar-count {{ flex: none; min-width: 70px; color: #333; text-align: left;
      white-space: nowrap; }}
    """
    ]

    def __init__(self, on_bar, **params):
        super().__init__(**params)
        self._on_bar = on_bar

    def _handle_msg(self, msg) -> None:
        if not isinstance(msg, dict):
            return
        column, key, mode = msg.get("column"), msg.get("key"), msg.get("mode")
        if isinstance(column, str) and type(key) is int and mode in MODES:
            self._on_bar(column, key, mode)
