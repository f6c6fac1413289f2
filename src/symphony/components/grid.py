"""InstanceGrid: one page of instances at a time, as thumbnails or table rows.

Only the page shown reaches the browser: at most `page_size` thumbnails (small PNG
data URLs made on the server from files under the dataset's root) or table rows.
A click selects the instance and sets the focus; a shift-click adds it to, or
removes it from, a selection of picked ids.

With a `group_by`, the listed instances are ordered by group (in the order of the
group labels, keeping the table's order within a group), each thumbnail or row
shows its group, and the header says how many groups the listed instances span.
On a lazy (dask) dataset the page is fetched by the Selection's dask pass: the
group counts tell which groups the page spans, and only their first rows are read.

Texts longer than `max_chars` are cut on the server, so one page stays small
whatever the table holds; the focused instance's detail shows every field whole,
up to 20,000 characters.
"""

from __future__ import annotations

import base64
import io
import logging
from html import escape
from typing import Any

import numpy as np
import pandas as pd
import panel as pn
import param
from panel.custom import JSComponent

from .. import lazy
from ..dataset import FileAccessError
from ..predicates import Ids
from ..selection import Positions
from .base import Component, register, shorten

__all__ = ["InstanceGrid"]

log = logging.getLogger(__name__)

_THUMBNAIL_PX = 96


class ThumbnailWall(JSComponent):
    """A wrap of clickable thumbnails; captions are set as text, never as HTML."""

    items = param.List(
        default=[],
        doc="""
        One dict per thumbnail: id, src (a data URL or empty), caption, title, picked,
        focus, and group (its group label, empty without a grouping).""",
    )

    _esm = """
    export function render({ model, el }) {
      function draw() {
        el.replaceChildren();
        el.classList.add("sy-wall");
        let previous = "";
        model.items.forEach((item, index) => {
          if (item.group && item.group !== previous) {
            const heading = document.createElement("div");
            heading.className = "sy-group-heading";
            heading.textContent = item.group;
            el.appendChild(heading);
          }
          previous = item.group || "";
          const card = document.createElement("button");
          card.type = "button";
          card.className = "sy-thumb" + (item.picked ? " sy-picked" : "") +
                           (item.focus ? " sy-focus" : "");
          card.title = item.title;
          card.dataset.index = String(index);
          card.dataset.id = item.id;
          if (item.src && item.src.startsWith("data:image/")) {
            const img = document.createElement("img");
            img.src = item.src;
            img.alt = item.title;
            card.appendChild(img);
          } else {
            const missing = document.createElement("div");
            missing.className = "sy-missing";
            missing.textContent = item.problem || "no file";
            card.appendChild(missing);
          }
          const caption = document.createElement("div");
          caption.className = "sy-caption";
          caption.textContent = item.caption;
          card.appendChild(caption);
          if (item.group) {
            const group = document.createElement("div");
            group.className = "sy-thumb-group";
            group.textContent = item.group;
            card.appendChild(group);
          }
          card.addEventListener("click", (event) => {
            model.send_msg({ index: index, shift: event.shiftKey });
          });
          el.appendChild(card);
        });
      }
      draw();
      model.on("items", draw);
    }
    """

    _stylesheets = [
        """
    .sy-wall { display: flex; flex-wrap: wrap; gap: 6px; align-content: flex-start;
      width: 100%; }
    .sy-thumb { width: 104px; padding: 3px; border: 2px solid #ddd; border-radius: 4px;
      background: white; cursor: pointer; font: 11px sans-serif; color: #333; }
    .sy-thumb img { width: 96px; height: 96px; object-fit: contain;
      image-rendering: pixelated; display: block; }
    .sy-thumb.sy-picked { border-color: #f58518; background: #fff4e8; }
    .sy-thumb.sy-focus { box-shadow: 0 0 0 2px #4c78a8; }
    .sy-caption { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
    .sy-thumb-group { white-space: nowrap; overflow: hidden; text-overflow: ellipsis;
      color: #35547a; font-size: 10px; }
    .sy-group-heading { flex-basis: 100%; font: 600 12px sans-serif; color: #35547a;
      border-bottom: 1px solid #c9d5e3; padding: 4px 0 2px; }
    .sy-missing { width: 96px; height: 96px; display: flex; align-items: center;
      justify-content: center; color: #b00; text-align: center; }
    """
    ]

    def __init__(self, on_pick, **params):
        super().__init__(**params)
        self._on_pick = on_pick

    def _handle_msg(self, msg: Any) -> None:
        if isinstance(msg, dict) and isinstance(msg.get("index"), int):
            self._on_pick(msg["index"], bool(msg.get("shift")))


@register
class InstanceGrid(Component):
    """A page of instances: thumbnails for images, rows for tabular data.

    The grid shows the selected instances while something is selected elsewhere,
    and every instance that passes the filter otherwise. Clicking an instance
    selects it and focuses it, without changing which instances the grid shows.
    With a `group_by`, the instances are listed group by group.

    Examples
    --------
    >>> import pandas as pd
    >>> grid = InstanceGrid(pd.DataFrame({"id": list("abcde"), "num": [1, 2, 3, 5, 6]}))
    >>> grid.selection.filter = "num >= 3"
    >>> grid.shown_ids()
    ['c', 'd', 'e']
    >>> grid.pick(0)
    >>> grid.selection.selected, grid.selection.focus
    (Ids(ids=('c',)), 'c')

    Grouped by a column, the instances come group by group, each with its group:

    >>> grid = InstanceGrid(pd.DataFrame({"id": list("abcd"), "kind": ["y", "x", None, "x"]}))
    >>> grid.selection.group_by = ["kind"]
    >>> grid.shown_ids(), grid.shown_groups()
    (['c', 'b', 'd', 'a'], ['(missing)', 'x', 'x', 'y'])
    """

    title = param.String(default="Instances")

    description = param.String(
        default=(
            "The instances behind the other views, one page at a time. Click one to "
            "select and inspect it; shift-click to add or remove it."
        )
    )

    page = param.Integer(default=1, bounds=(1, None), doc="The page shown, from 1.")

    page_size = param.Integer(default=40, bounds=(1, 500), doc="Instances per page.")

    scope = param.Selector(
        default="auto",
        objects=["auto", "filtered", "selected"],
        doc="""
        Which instances to list: 'selected', every one passing the filter
        ('filtered'), or the selected ones whenever a selection exists ('auto').""",
    )

    caption = param.List(
        default=None,
        allow_None=True,
        item_type=str,
        doc="""
        Columns shown under each thumbnail; the label and prediction when None.""",
    )

    max_chars = param.Integer(
        default=200,
        bounds=(10, None),
        doc="""
        Texts longer than this are cut on the page; the focused instance's detail
        shows them whole, up to 20,000 characters.""",
    )

    def __init__(self, source=None, **params):
        super().__init__(source, **params)
        if self.caption is None:
            roles = [self.dataset.label, self.dataset.prediction]
            self.caption = [c for c in roles if c is not None]
        self._showing = "filtered"
        self._positions: np.ndarray | Positions = np.array([], dtype=int)
        self._group_count = 0
        self._picking = False
        self._thumbnails: dict[int, str] = {}
        self._images = self.dataset.instance_kind == "image"
        self._refresh_positions()
        self.selection.param.watch(self._on_selection, "revision")

    # -- what is shown -------------------------------------------------------------

    def _refresh_positions(self) -> None:
        """Recompute which instances are listed, unless the grid itself was clicked."""
        selection = self.selection
        if not self._picking:
            wanted = self.scope
            if wanted == "auto":
                wanted = "selected" if selection.has_selection else "filtered"
            self._showing = wanted
            self.page = 1
        if self.dataset.lazy:
            self._positions, self._group_count = self._lazy_listing()
            return
        positions = (
            selection.selected_positions
            if self._showing == "selected"
            else selection.filtered_positions
        )
        self._positions = self._grouped(positions)

    def _lazy_listing(self) -> tuple[_Listing, int]:
        """How many instances a lazy dataset's grid lists, and in how many groups,
        from the Selection's counts."""
        selection, scope = self.selection, self._showing
        count = (
            selection.selected_count if scope == "selected" else selection.filtered_count
        )
        groups = 0
        if selection.group_by:
            counts = selection.answer(lazy.Count(scope, (selection.group_codes,)))
            groups = int(np.count_nonzero(counts))
        return _Listing(count), groups

    def _grouped(self, positions):
        """The positions ordered by group label, keeping their order within a group."""
        groups = self.selection.groups
        if groups is None:
            self._group_count = 0
            return positions
        positions = np.asarray(positions)
        codes, _ = pd.factorize(groups, sort=True)
        listed = codes[positions]
        self._group_count = len(np.unique(listed))
        return positions[np.argsort(listed, kind="stable")]

    def _on_selection(self, *events) -> None:
        self._refresh_positions()
        self.param.trigger("page")

    @param.depends("scope", watch=True)
    def _on_scope(self) -> None:
        self._on_selection()

    @property
    def pages(self) -> int:
        """How many pages the listed instances fill."""
        return max(1, -(-len(self._positions) // self.page_size))

    def _page_positions(self) -> np.ndarray:
        start = (min(self.page, self.pages) - 1) * self.page_size
        return self._positions[start : start + self.page_size]

    def _page_rows(self) -> pd.DataFrame:
        """The rows of the current page, whole, their row positions in a
        `_position` column. Texts are cut only in what is sent to the browser."""
        start = (min(self.page, self.pages) - 1) * self.page_size
        if self.dataset.lazy and self.selection.group_by:
            return self._lazy_grouped_rows(start, start + self.page_size)
        if self.dataset.lazy:
            request = lazy.Head(
                self._showing, start + self.page_size, tuple(self.dataset.columns)
            )
            return self.selection.answer(request).iloc[start:].reset_index(drop=True)
        positions = np.asarray(self._page_positions())
        rows = self.dataset.frame.iloc[positions].reset_index(drop=True)
        rows.insert(0, "_position", positions)
        return rows

    def _lazy_grouped_rows(self, start: int, stop: int) -> pd.DataFrame:
        """Rows `start` to `stop` of the listing ordered group by group, fetched from
        just the groups that the page spans."""
        selection = self.selection
        counts = selection.answer(lazy.Count(self._showing, (selection.group_codes,)))
        ends = np.cumsum(counts)
        spans = []
        for group in np.flatnonzero(counts):
            first, last = ends[group] - counts[group], ends[group]
            if last > start and first < stop:
                spans.append(
                    (int(group), int(max(start - first, 0)), int(min(stop, last) - first))
                )
        if not spans:
            return lazy.Head("all", 0, tuple(self.dataset.columns)).answer(
                self.dataset.frame._meta, None
            )
        request = lazy.GroupHead(
            self._showing,
            selection.group_codes,
            tuple((group, end) for group, _, end in spans),
            tuple(self.dataset.columns),
        )
        heads = selection.answer(request)
        parts = [heads[group].iloc[begin:end] for group, begin, end in spans]
        return pd.concat(parts, ignore_index=True)

    def _page_groups(self, rows: pd.DataFrame) -> list[str] | None:
        """The group label of each row of a page, or None without group_by."""
        if not self.selection.group_by:
            return None
        if self.dataset.lazy:
            labels = self.selection.group_labels
            return [labels[c] for c in self.selection.group_codes.encode(rows)]
        return [str(g) for g in self.selection.groups.iloc[rows["_position"]]]

    def shown_ids(self) -> list:
        """The ids of the instances on the current page, in order."""
        ids = self._page_rows()[self.dataset.id_column]
        return [v.item() if hasattr(v, "item") else v for v in ids]

    def shown_groups(self) -> list[str] | None:
        """The group of each instance on the current page, or None without group_by."""
        return self._page_groups(self._page_rows())

    # -- gestures ---------------------------------------------------------------------

    def pick(self, index: int, extend: bool = False) -> None:
        """Select and focus the `index`-th instance of the page; `extend` toggles it."""
        rows = self._page_rows()
        if not 0 <= index < len(rows):
            return
        instance = rows[self.dataset.id_column].iat[index]
        instance = instance.item() if hasattr(instance, "item") else instance
        current = self.selection.selected
        ids: tuple = (instance,)
        if extend and isinstance(current, Ids):
            kept = tuple(i for i in current.ids if i != instance)
            ids = kept if len(kept) < len(current.ids) else current.ids + (instance,)
        self._picking = True
        try:
            self.selection.param.update(selected=Ids(ids) if ids else None, focus=instance)
        finally:
            self._picking = False

    # -- drawing -------------------------------------------------------------------

    def _thumbnail(self, position: int, value: Any) -> tuple[str, str]:
        """A PNG data URL for one instance's image (at row `position`, with `value`
        in the file column), and a problem text if it failed."""
        if position in self._thumbnails:
            return self._thumbnails[position], ""
        try:
            path = self.dataset.file_for(value)
            if path is None:
                return "", "no file"
            url = _data_url(path, _THUMBNAIL_PX)
        except FileAccessError:
            return "", "file outside the root"
        except OSError as error:
            log.debug("thumbnail of row %d failed: %s", position, error)
            return "", "missing file"
        if len(self._thumbnails) > 2000:
            self._thumbnails.clear()
        if position >= 0:
            self._thumbnails[position] = url
        return url, ""

    def _cut(self, value: Any) -> Any:
        """A text value cut to `max_chars` for the page; other values as they are."""
        return shorten(value, self.max_chars) if isinstance(value, str) else value

    def _caption_text(self, row: dict) -> str:
        """Short text under a thumbnail: 'label → prediction' by default."""
        roles = [self.dataset.label, self.dataset.prediction]
        if self.caption == roles and None not in roles:
            truth, guess = (row[c] for c in roles)
            return f"{truth} → {guess}" + ("" if truth == guess else "  ✗")
        parts = [f"{c}: {row[c]}" for c in self.caption]
        return " · ".join(parts) if parts else str(row[self.dataset.id_column])

    def _picked(self, rows: pd.DataFrame) -> np.ndarray:
        """Which rows of a page are selected."""
        if self._showing == "selected":
            return np.ones(len(rows), dtype=bool)
        if not self.dataset.lazy:
            return self.selection.selected_mask[rows["_position"].to_numpy()]
        if self.selection.selected is None:
            return np.zeros(len(rows), dtype=bool)
        view = lazy.PartitionView(rows, self.dataset.roles)
        return self.selection.selected.mask(view)

    def _items(self) -> list[dict[str, Any]]:
        rows = self._page_rows()
        picked = self._picked(rows)
        groups = self._page_groups(rows)
        focus = self.selection.focus
        file_column = self.dataset.file_column
        items = []
        for n, row in enumerate(rows.to_dict("records")):
            instance = row[self.dataset.id_column]
            value = row[file_column] if file_column else None
            src, problem = self._thumbnail(int(row["_position"]), value)
            group = "" if groups is None else groups[n]
            caption = shorten(self._caption_text(row), self.max_chars)
            title = f"{shorten(str(instance), self.max_chars)}: {caption}"
            items.append(
                {
                    "src": src,
                    "problem": problem,
                    "caption": caption,
                    "id": shorten(str(instance), self.max_chars),
                    "title": f"{title} · {group}" if group else title,
                    "picked": bool(picked[n]),
                    "focus": focus is not None and instance == focus,
                    "group": shorten(group),
                }
            )
        return items

    def _table_page(self) -> pd.DataFrame:
        """The page's rows; with a grouping, their group comes first."""
        rows = self._page_rows()
        groups = self._page_groups(rows)
        page = rows.drop(columns="_position")
        for column in page.columns:
            if page[column].dtype == object or pd.api.types.is_string_dtype(page[column]):
                page[column] = page[column].map(self._cut)
        if groups is None:
            return page
        name = "group" if "group" not in page.columns else "(group)"
        return page.assign(**{name: groups})[[name, *page.columns]]

    def _header(self) -> str:
        total = len(self._positions)
        start = (min(self.page, self.pages) - 1) * self.page_size
        what = (
            "selected instances"
            if self._showing == "selected"
            else ("instances passing the filter")
        )
        shown = f"{start + 1:,}–{min(start + self.page_size, total):,}" if total else "0"
        groups = ""
        if self.selection.group_by:
            count = self._group_count
            names = escape(" · ".join(self.selection.group_by))
            groups = (
                f" in <span class='sy-grid-groups'>{count:,}</span> "
                f"{'group' if count == 1 else 'groups'} of {names}"
            )
        return (
            f"<div class='sy-grid-header'>Showing <span class='sy-grid-range'>{shown}"
            f"</span> of <span class='sy-grid-total'>{total:,}</span> {what}{groups}"
            f" · page {min(self.page, self.pages)} of {self.pages}</div>"
        )

    def _pager(self) -> pn.Row:
        previous = pn.widgets.Button(label="‹ previous", width=100)
        following = pn.widgets.Button(label="next ›", width=100)
        previous.on_click(lambda event: self._turn(-1))
        following.on_click(lambda event: self._turn(+1))
        header = self._live_html(self._header, on=_PAGE_EVENTS, margin=(0, 10))
        return pn.Row(previous, following, header)

    def _turn(self, step: int) -> None:
        self.page = min(max(1, self.page + step), self.pages)

    def _detail(self) -> str:
        """The focused instance: its picture and every field."""
        focus = self.selection.focus
        if focus is None:
            return "<div class='sy-detail sy-empty'>Click an instance to see its details.</div>"
        row = self.dataset.row_of(focus)
        if row is None:
            return f"<div class='sy-detail'>No instance has id {escape(repr(focus))}.</div>"
        fields = "".join(
            f"<span class='sy-field'><b>{escape(str(k))}</b> {escape(_whole(v))}</span>"
            for k, v in row.items()
        )
        picture = ""
        if self._images:
            src, problem = self._thumbnail(-1, row[self.dataset.file_column])
            picture = (
                f"<img src='{src}' style='width:96px;image-rendering:pixelated'>"
                if src
                else f"<div class='sy-missing'>{escape(problem)}</div>"
            )
        return (
            f"<div class='sy-detail'>{picture}<div><div class='sy-detail-title'>Focus: "
            f"{escape(str(focus))}</div><div class='sy-fields'>{fields}</div></div></div>"
        )

    def __panel__(self) -> pn.viewable.Viewable:
        if self._images:
            thumbnails = ThumbnailWall(
                self.pick, sizing_mode="stretch_width", min_height=240
            )

            def update(*events):
                thumbnails.items = self._items()

            update()
            self.param.watch(update, ["page", "page_size"])
            self.selection.param.watch(update, ["revision", "focus"])
            body = thumbnails
        else:
            table = pn.widgets.Tabulator(
                self._table_page(),
                disabled=True,
                selectable=False,
                show_index=False,
                sizing_mode="stretch_width",
                pagination=None,
                height=360,
            )

            def update(*events):
                table.value = self._table_page()

            table.on_click(lambda event: self.pick(event.row))
            self.param.watch(update, ["page", "page_size"])
            self.selection.param.watch(update, ["revision"])
            body = table
        detail = self._live_html(
            self._detail,
            on=("selection.focus",),
            stylesheets=[_DETAIL_CSS],
            sizing_mode="stretch_width",
        )
        return self._card(self._pager(), detail, body)


class _Listing:
    """A listing of a lazy dataset's instances that only knows how many there are."""

    def __init__(self, count: int) -> None:
        self._count = count

    def __len__(self) -> int:
        return self._count


_PAGE_EVENTS = ("page", "page_size", "selection.focus", "selection.revision")

_DETAIL_CSS = """
.sy-detail { display: flex; gap: 12px; align-items: flex-start; padding: 6px;
  background: #f6f8fb; border-left: 3px solid #4c78a8; font-size: 12px; }
.sy-detail.sy-empty { color: #666; border-left-color: #ccc; }
.sy-detail-title { font-weight: 600; margin-bottom: 4px; }
.sy-fields { display: flex; flex-wrap: wrap; gap: 2px 14px; }
.sy-field b { color: #555; font-weight: 600; }
"""


_DETAIL_CHARS = 20_000


def _whole(value: Any) -> str:
    """A field's text for the detail view: whole, unless it is longer than
    `_DETAIL_CHARS` characters, which no page needs at once."""
    text = str(value)
    if len(text) <= _DETAIL_CHARS:
        return text
    return f"{text[:_DETAIL_CHARS]}… ({len(text):,} characters in all)"


def _data_url(path, size: int) -> str:
    """A PNG data URL of the image at `path`, shrunk to fit `size` pixels."""
    from PIL import Image

    with Image.open(path) as image:
        image.thumbnail((size, size))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
