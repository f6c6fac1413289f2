"""InstanceGrid: one page of instances at a time, as thumbnails or table rows.

Only the page shown reaches the browser: at most `page_size` thumbnails (small PNG
data URLs made on the server from files under the dataset's root) or table rows.
A click selects the instance and sets the focus; a shift-click adds it to, or
removes it from, a selection of picked ids.

With a `group_by`, the listed instances are ordered by group (in the order of the
group labels, keeping the table's order within a group), each thumbnail or row
shows its group, and the header says how many groups the listed instances span.
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

from ..dataset import FileAccessError
from ..predicates import Ids
from ..selection import Positions
from .base import Component, register

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
        positions = (
            selection.selected_positions
            if self._showing == "selected"
            else selection.filtered_positions
        )
        self._positions = self._grouped(positions)

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

    def shown_ids(self) -> list:
        """The ids of the instances on the current page, in order."""
        ids = self.dataset.ids.iloc[self._page_positions()]
        return [v.item() if hasattr(v, "item") else v for v in ids]

    def shown_groups(self) -> list[str] | None:
        """The group of each instance on the current page, or None without group_by."""
        groups = self.selection.groups
        if groups is None:
            return None
        return [str(g) for g in groups.iloc[self._page_positions()]]

    # -- gestures ---------------------------------------------------------------------

    def pick(self, index: int, extend: bool = False) -> None:
        """Select and focus the `index`-th instance of the page; `extend` toggles it."""
        positions = self._page_positions()
        if not 0 <= index < len(positions):
            return
        instance = self.dataset.ids.iat[int(positions[index])]
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

    def _thumbnail(self, position: int) -> tuple[str, str]:
        """A PNG data URL for one instance's image, and a problem text if it failed."""
        if position in self._thumbnails:
            return self._thumbnails[position], ""
        try:
            path = self.dataset.file_of(position)
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
        self._thumbnails[position] = url
        return url, ""

    def _caption_text(self, position: int) -> str:
        """Short text under a thumbnail: 'label → prediction' by default."""
        frame = self.dataset.frame
        roles = [self.dataset.label, self.dataset.prediction]
        if self.caption == roles and None not in roles:
            truth, guess = (frame[c].iat[position] for c in roles)
            return f"{truth} → {guess}" + ("" if truth == guess else "  ✗")
        parts = [f"{c}: {frame[c].iat[position]}" for c in self.caption]
        return " · ".join(parts) if parts else str(self.dataset.ids.iat[position])

    def _items(self) -> list[dict[str, Any]]:
        picked = self.selection.selected_mask
        focus = self.selection.focus
        groups = self.selection.groups
        items = []
        for position in self._page_positions():
            instance = self.dataset.ids.iat[position]
            src, problem = self._thumbnail(int(position))
            group = "" if groups is None else str(groups.iat[position])
            title = f"{instance}: {self._caption_text(position)}"
            items.append(
                {
                    "src": src,
                    "problem": problem,
                    "caption": self._caption_text(position),
                    "id": str(instance),
                    "title": f"{title} · {group}" if group else title,
                    "picked": bool(picked[position]),
                    "focus": focus is not None and instance == focus,
                    "group": group,
                }
            )
        return items

    def _table_page(self) -> pd.DataFrame:
        """The page's rows; with a grouping, their group comes first."""
        positions = self._page_positions()
        page = self.dataset.frame.iloc[positions]
        groups = self.selection.groups
        if groups is None:
            return page
        name = "group" if "group" not in page.columns else "(group)"
        return page.assign(**{name: groups.iloc[positions].to_numpy()})[
            [name, *page.columns]
        ]

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
        positions = self.dataset.positions([focus])
        if not len(positions):
            return f"<div class='sy-detail'>No instance has id {escape(repr(focus))}.</div>"
        position = int(positions[0])
        row = self.dataset.frame.iloc[position]
        fields = "".join(
            f"<span class='sy-field'><b>{escape(str(k))}</b> {escape(str(v))}</span>"
            for k, v in row.items()
        )
        picture = ""
        if self._images:
            src, problem = self._thumbnail(position)
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


_PAGE_EVENTS = ("page", "page_size", "selection.focus", "selection.revision")

_DETAIL_CSS = """
.sy-detail { display: flex; gap: 12px; align-items: flex-start; padding: 6px;
  background: #f6f8fb; border-left: 3px solid #4c78a8; font-size: 12px; }
.sy-detail.sy-empty { color: #666; border-left-color: #ccc; }
.sy-detail-title { font-weight: 600; margin-bottom: 4px; }
.sy-fields { display: flex; flex-wrap: wrap; gap: 2px 14px; }
.sy-field b { color: #555; font-weight: 600; }
"""


def _data_url(path, size: int) -> str:
    """A PNG data URL of the image at `path`, shrunk to fit `size` pixels."""
    from PIL import Image

    with Image.open(path) as image:
        image.thumbnail((size, size))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")
