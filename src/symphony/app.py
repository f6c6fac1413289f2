"""Symphony: a toolbar over a shared Selection, and the components below it.

The same object displays inline in a notebook (through `__panel__`), and in a
Panel template when served (through `servable`). The toolbar owns no state of its
own: its widgets are two-way views of the Selection's parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

import panel as pn
import param

from .components import Component, component_class
from .dataset import Dataset
from .selection import Selection

__all__ = ["DashboardTemplate", "Symphony", "Toolbar", "default_components"]


def default_components(dataset: Dataset) -> list[type[Component]]:
    """The standard components that the dataset's columns allow, in display order."""
    names = ["summary", "embedding", "confusionmatrix", "instancegrid"]
    classes = [component_class(name) for name in names]
    return [cls for cls in classes if cls.applies_to(dataset)]


class Toolbar(pn.viewable.Viewer):
    """The filter box, group-by picker, selection count and clear button.

    A filter is applied when the user presses Enter; an invalid one is shown
    in red beside the box while the last valid filter stays applied.
    """

    selection = param.ClassSelector(
        class_=Selection,
        constant=True,
        doc="""
        The shared state the toolbar shows and edits.""",
    )

    def __init__(self, selection: Selection, **params: Any) -> None:
        super().__init__(selection=selection, **params)
        dataset = selection.dataset
        self._filter = pn.widgets.TextInput(
            label="Filter",
            value=selection.filter,
            sizing_mode="stretch_width",
            placeholder="e.g. label != prediction and confidence < 0.6",
            css_classes=["sy-filter"],
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
        selection.param.watch(self._on_selection, ["filter", "group_by"])

    def _on_filter(self, event) -> None:
        self.selection.filter = event.new.strip()

    def _on_group_by(self, event) -> None:
        self.selection.group_by = list(event.new)

    def _on_selection(self, *events) -> None:
        """Show changes made from Python or by the clear button in the widgets."""
        self._filter.value = self.selection.filter
        self._group_by.value = list(self.selection.group_by)

    @param.depends("selection.revision", "selection.filter_error")
    def _status(self) -> pn.pane.HTML:
        selection = self.selection
        error = selection.filter_error
        if error:
            text = (
                f"<pre class='sy-filter-error' role='alert'>{escape(error)}</pre>"
                "<div class='sy-hint'>The last valid filter is still applied.</div>"
            )
        else:
            filtered = int(selection.filtered_mask.sum())
            picked = int(selection.selected_mask.sum())
            what = selection.selected.describe() if selection.selected is not None else ""
            text = (
                f"<div class='sy-status'><span class='sy-status-filtered'>{filtered:,}</span>"
                f" of {len(selection.dataset):,} instances · "
                f"<span class='sy-status-selected'>{picked:,}</span> selected"
                + (f" <small>({escape(what)})</small>" if what else "")
                + "</div>"
            )
        return pn.pane.HTML(
            text, stylesheets=[_CSS], sizing_mode="stretch_width", margin=(0, 10)
        )

    def __panel__(self) -> pn.viewable.Viewable:
        return pn.Column(
            pn.Row(self._filter, self._group_by, self._clear, sizing_mode="stretch_width"),
            self._status,
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

    def template(self, title: str | None = None) -> pn.template.BaseTemplate:
        """The interface in a Panel page template, the toolbar above the components."""
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
.sy-status { font-size: 14px; margin: 4px 0; }
.sy-status-filtered, .sy-status-selected { font-weight: 600; }
"""
