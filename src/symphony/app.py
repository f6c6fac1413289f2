"""Symphony: a toolbar over a shared Selection, and the components below it.

The same object displays inline in a notebook (through `__panel__`), and in a
Panel template when served (through `servable`). The toolbar owns no state of its
own: its widgets are two-way views of the Selection's parameters.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from html import escape
from typing import Any
from urllib.parse import parse_qsl, urlencode

import panel as pn
import param

from .components import Component, component_class
from .dataset import Dataset
from .filter_box import FilterBox
from .selection import Selection
from .sharing import encode_state, restore_state

log = logging.getLogger(__name__)

__all__ = ["DashboardTemplate", "Symphony", "Toolbar", "default_components"]


def default_components(dataset: Dataset) -> list[type[Component]]:
    """The standard components that the dataset's columns allow, in display order."""
    names = ["summary", "embedding", "confusionmatrix", "instancegrid"]
    classes = [component_class(name) for name in names]
    return [cls for cls in classes if cls.applies_to(dataset)]


class Toolbar(pn.viewable.Viewer):
    """The filter box, group-by picker, undo and redo, clear, and the counts.

    A filter is applied when the user presses Enter; an invalid one is shown
    in red below the box while the last valid filter stays applied.
    """

    selection = param.ClassSelector(
        class_=Selection,
        constant=True,
        doc="""
        The shared state the toolbar shows and edits.""",
    )

    notice = param.String(
        default="",
        doc="""
        A message for the user about the interface itself, such as a link whose
        state could not be restored; empty shows nothing.""",
    )

    def __init__(self, selection: Selection, **params: Any) -> None:
        super().__init__(selection=selection, **params)
        dataset = selection.dataset
        self._filter = FilterBox(
            value=selection.filter,
            columns=list(dataset.columns),
            placeholder="e.g. label != prediction and confidence < 0.6",
            css_classes=["sy-filter"],
            sizing_mode="stretch_width",
        )
        self._filter.param.watch(self._on_filter, "value")
        self._group_by = pn.widgets.MultiChoice(
            label="Group by",
            options=[c for c in dataset.columns if c != dataset.id_column],
            value=list(selection.group_by),
            width=240,
        )
        self._group_by.param.watch(self._on_group_by, "value")
        self._clear = pn.widgets.Button(
            label="Clear", width=90, align="end", css_classes=["sy-clear"]
        )
        self._clear.on_click(lambda event: self.selection.clear())
        self._undo = pn.widgets.Button(
            label="↶ Undo",
            width=80,
            align="end",
            css_classes=["sy-undo"],
            disabled=not selection.can_undo,
        )
        self._redo = pn.widgets.Button(
            label="↷ Redo",
            width=80,
            align="end",
            css_classes=["sy-redo"],
            disabled=not selection.can_redo,
        )
        self._undo.on_click(lambda event: self.selection.undo())
        self._redo.on_click(lambda event: self.selection.redo())
        selection.param.watch(self._on_selection, ["filter", "group_by"])
        selection.param.watch(self._on_history, ["can_undo", "can_redo"])

    def _on_filter(self, event) -> None:
        self.selection.filter = event.new.strip()
        if self._filter.value != self.selection.filter:
            # the box shows what applies, even when only spaces were trimmed
            self._filter.value = self.selection.filter

    def _on_group_by(self, event) -> None:
        self.selection.group_by = list(event.new)

    def _on_selection(self, *events) -> None:
        """Show changes made from Python or by the clear button in the widgets."""
        self._filter.value = self.selection.filter
        self._group_by.value = list(self.selection.group_by)

    def _status_pane(self) -> pn.pane.HTML:
        """The counts, the filter error and the notice, redrawn in place."""
        pane = pn.pane.HTML(
            self._status(), stylesheets=[_CSS], sizing_mode="stretch_width", margin=(0, 10)
        )

        def update(*events) -> None:
            pane.object = self._status()

        self.selection.param.watch(update, ["revision", "filter_error"])
        self.param.watch(update, "notice")
        return pane

    def _on_history(self, *events) -> None:
        self._undo.disabled = not self.selection.can_undo
        self._redo.disabled = not self.selection.can_redo

    def _status(self) -> str:
        selection = self.selection
        filtered = selection.filtered_count
        picked = selection.selected_count
        what = selection.selected.describe() if selection.selected is not None else ""
        text = (
            f"<div class='sy-status'><span class='sy-status-filtered'>{filtered:,}</span>"
            f" of {len(selection.dataset):,} instances · "
            f"<span class='sy-status-selected'>{picked:,}</span> selected"
            + (f" <small>({escape(what)})</small>" if what else "")
            + "</div>"
        )
        if selection.filter_error:
            text += (
                f"<pre class='sy-filter-error' role='alert'>{escape(selection.filter_error)}"
                "</pre><div class='sy-hint'>The last valid filter is still applied.</div>"
            )
        if self.notice:
            text += f"<div class='sy-notice' role='status'>{escape(self.notice)}</div>"
        return text

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.Row(
                self._filter,
                self._group_by,
                self._undo,
                self._redo,
                self._clear,
                sizing_mode="stretch_width",
            ),
            self._status_pane(),
            sizing_mode="stretch_width",
            css_classes=["sy-toolbar"],
        )


class DashboardTemplate(pn.template.VanillaTemplate):
    """Panel's vanilla page template without its web font, so a served dashboard
    loads nothing from outside its own server."""

    _resources = {"css": {}}


class Symphony(pn.viewable.Viewer):
    """An interface of components sharing one Selection, with a toolbar on top.

    Parameters
    ----------
    data : Dataset, Selection, DataFrame or path
        What to show; a Selection is shared as it is, anything else gets a new one.
    components : list of Component classes or short names, optional
        The components, in order; those the dataset's columns allow when None.

    Examples
    --------
    >>> import pandas as pd
    >>> import symphony as sy
    >>> df = pd.DataFrame({"id": [1, 2, 3], "label": ["a", "b", "b"],
    ...                    "prediction": ["a", "a", "b"]})
    >>> app = sy.Symphony(df, components=[sy.Summary, "confusionmatrix"])
    >>> app.selection.filter = "label != prediction"
    >>> list(app.selection.rows()["id"])
    [2]
    """

    selection = param.ClassSelector(
        class_=Selection,
        constant=True,
        doc="""
        The state every component of the interface shares.""",
    )

    components = param.List(
        default=[],
        constant=True,
        doc="""
        The component instances, in display order.""",
    )

    title = param.String(default="Symphony", doc="Title of the served page.")

    def __init__(
        self,
        data: Any,
        components: Sequence[type[Component] | str] | None = None,
        **params: Any,
    ) -> None:
        selection = data if isinstance(data, Selection) else Selection(data)
        classes = (
            default_components(selection.dataset)
            if components is None
            else [component_class(c) for c in components]
        )
        instances = [cls(selection) for cls in classes]
        super().__init__(selection=selection, components=instances, **params)
        self._toolbar = Toolbar(selection)

    @property
    def dataset(self) -> Dataset:
        """The dataset of the shared selection."""
        return self.selection.dataset

    @property
    def selected(self):
        """The selected instances that pass the filter, as a DataFrame."""
        return self.selection.selected_rows()

    def _body(self) -> pn.viewable.Viewable:
        cards = [pn.panel(c, sizing_mode="stretch_width") for c in self.components]
        return pn.FlexBox(
            *[
                pn.Column(
                    card,
                    styles={"flex": "1 1 520px", "min-width": "420px"},
                    sizing_mode="stretch_width",
                )
                for card in cards
            ],
            sizing_mode="stretch_width",
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(self._toolbar, self._body(), sizing_mode="stretch_width")

    def link_state(self) -> None:
        """Keep the selection in the page's URL, restoring it from the URL first.

        Only for served sessions: a bad or stale link leaves the dashboard as it
        would be without one, and the toolbar says what was wrong.
        """
        location = pn.state.location
        if location is None:
            return
        # read the raw text: Panel's own query parsing would interpret the value
        query = dict(parse_qsl(location.search.lstrip("?"), keep_blank_values=True))
        text = query.get("state", "")
        if text:
            problem = restore_state(self.selection, text)
            if problem:
                self._toolbar.notice = (
                    f"The link's selection could not be restored: {problem}"
                )
                log.info("session %s: bad state in link: %s", self.selection.name, problem)

        def write(*events) -> None:
            encoded, whole = encode_state(self.selection)
            query = dict(parse_qsl(location.search.lstrip("?"), keep_blank_values=True))
            query["state"] = encoded
            location.search = "?" + urlencode(query)
            if not whole:
                self._toolbar.notice = (
                    "The selection is too large to keep in the link; the link keeps "
                    "the filter and grouping only."
                )

        self.selection.param.watch(write, ["revision", "focus"])

    def template(self, title: str | None = None) -> pn.template.BaseTemplate:
        """The interface in a Panel page template, the toolbar above the components.

        In a served session the selection also lives in the page's URL.
        """
        self.link_state()
        return DashboardTemplate(
            title=title or self.title,
            header_background="#35547a",
            main=[self._toolbar, self._body()],
        )

    def servable(self, title: str | None = None, **kwargs: Any) -> pn.template.BaseTemplate:
        """Mark the interface, in its page template, to be served by `panel serve`."""
        return self.template(title).servable(**kwargs)


_CSS = """
.sy-filter-error { color: #b00020; background: #fdecee; padding: 6px 8px; margin: 4px 0;
  white-space: pre-wrap; font-size: 12px; border-left: 3px solid #b00020; }
.sy-hint { color: #666; font-size: 12px; }
.sy-notice { color: #6b4a00; background: #fff6df; padding: 6px 8px; margin: 4px 0;
  border-left: 3px solid #e0a800; font-size: 13px; }
.sy-status { font-size: 14px; margin: 4px 0; }
.sy-status-filtered, .sy-status-selected { font-weight: 600; }
"""
