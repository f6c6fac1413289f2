"""The base of every component, and the registry that finds components by name.

A component is a `pn.viewable.Viewer` over a `Selection`. It reads the state only
from the Selection, redraws when `Selection.revision` changes, and writes only user
gestures back. Given a Dataset, a table or a path instead of a Selection, it makes
a private Selection, so every component also works alone.
"""

from __future__ import annotations

import difflib
import logging
from importlib.metadata import entry_points
from typing import Any

import panel as pn
import param

from ..dataset import Dataset
from ..selection import Selection

__all__ = [
    "Component",
    "ComponentError",
    "component_class",
    "register",
    "registered",
    "shorten",
]

LABEL_CHARS = 60  # at most this many characters of a value shown as a label

log = logging.getLogger(__name__)

ENTRY_POINT_GROUP = "symphony.components"


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """A value's text as a label on the page: at most `limit` characters, so a view
    stays small whatever the table holds."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class ComponentError(LookupError):
    """No component is known by the name asked for."""


class Component(pn.viewable.Viewer):
    """A task-specific view over a shared Selection.

    Subclasses set `title` and `description`, declare their options as parameters,
    and implement `__panel__`. `applies_to(dataset)` tells a dashboard builder
    whether the component has what it needs in a given dataset.
    """

    selection = param.ClassSelector(
        class_=Selection,
        constant=True,
        doc="""
        The shared state the component reads and writes.""",
    )

    title = param.String(default="", doc="The heading shown above the component.")

    description = param.String(
        default="",
        doc="""
        One sentence telling a user what the component is for.""",
    )

    def __init__(self, source: Any = None, **params: Any) -> None:
        if "selection" in params:
            source = params.pop("selection")
        if source is None:
            raise TypeError(
                f"{type(self).__name__} needs a Selection, a Dataset, a DataFrame or a "
                "path to a table as its first argument."
            )
        if not isinstance(source, Selection):
            source = Selection(source if isinstance(source, Dataset) else Dataset(source))
        params.setdefault("title", type(self).title)
        super().__init__(selection=source, **params)

    @property
    def dataset(self) -> Dataset:
        """The dataset of the selection."""
        return self.selection.dataset

    @classmethod
    def applies_to(cls, dataset: Dataset) -> bool:
        """Whether `dataset` has the columns this component needs."""
        return True

    def _live_html(
        self, render, on: tuple[str, ...] = ("selection.revision",), **kwargs: Any
    ) -> pn.pane.HTML:
        """A pane showing `render()`, redrawn in place when a parameter in `on` changes.

        Names in `on` are the component's own parameters, or the selection's when
        written "selection.<name>". Updating one pane's text is far cheaper than
        building a new pane, which would make Bokeh walk the whole document.
        """
        pane = pn.pane.HTML(render(), **kwargs)

        def update(*events: Any) -> None:
            pane.object = render()

        for spec in on:
            owner, _, name = spec.rpartition(".")
            (self.selection if owner == "selection" else self).param.watch(update, name)
        return pane

    def _card(self, *objects: Any, **kwargs: Any) -> pn.Column:
        """Wrap views in a titled column with the component's description."""
        header = pn.pane.HTML(
            f"<h3 class='sy-title'>{self.title}</h3>"
            f"<p class='sy-description'>{self.description}</p>",
            margin=(0, 10),
            sizing_mode="stretch_width",
        )
        kwargs.setdefault("sizing_mode", "stretch_width")
        css = ["sy-component", f"sy-{type(self).__name__.lower()}"]
        return pn.Column(header, *objects, css_classes=css, **kwargs)


def _short_name(cls: type) -> str:
    """The registry name of a component class: its name in lower case."""
    return cls.__name__.lower()


def register(cls: type[Component]) -> type[Component]:
    """Class decorator that makes a component findable by its short name."""
    _BUILTIN[_short_name(cls)] = cls
    return cls


_BUILTIN: dict[str, type[Component]] = {}


def registered() -> dict[str, type[Component]]:
    """Every known component by short name: built-in ones and entry-point ones.

    Third-party packages add components through the ``symphony.components`` entry
    point group; a plugin that fails to load is logged and skipped.
    """
    found = dict(_BUILTIN)
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = entry.load()
        except (ImportError, AttributeError) as error:
            log.warning("component plugin %r could not be loaded: %s", entry.name, error)
            continue
        if isinstance(cls, type) and issubclass(cls, Component):
            found.setdefault(entry.name.lower(), cls)
        else:
            log.warning("component plugin %r is not a Component subclass", entry.name)
    return found


def component_class(name: str | type[Component]) -> type[Component]:
    """The component class called `name`, with suggestions on a miss.

    Examples
    --------
    >>> component_class("summary").__name__
    'Summary'
    """
    if isinstance(name, type) and issubclass(name, Component):
        return name
    known = registered()
    key = str(name).lower()
    if key in known:
        return known[key]
    close = difflib.get_close_matches(key, list(known), n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise ComponentError(
        f"No component called {name!r}.{hint} Known components: {', '.join(sorted(known))}."
    )
