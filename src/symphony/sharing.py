"""Selection state in a link: encode it into a URL query, restore it from one.

A served dashboard keeps its state in the ``state`` query parameter as JSON, so the
address bar always holds a link that reopens the same view. Text from a URL is
untrusted: it is size-checked, parsed as JSON (never evaluated) and applied through
`Selection.set_state`, which validates every key; the filter goes through the
filter language like any typed filter.
"""

from __future__ import annotations

import json
from typing import Any

from .selection import Selection

__all__ = ["MAX_STATE_CHARS", "encode_state", "restore_state"]

MAX_STATE_CHARS = 8_000
MAX_FILTER_CHARS = 2_000


def encode_state(selection: Selection) -> tuple[str, bool]:
    """The selection's state as compact JSON for a link, and whether it is whole.

    When the selected predicate makes the text longer than `MAX_STATE_CHARS` (a
    long list of picked ids, say), it is left out of the link and the second value
    is False.

    Examples
    --------
    >>> import pandas as pd
    >>> sel = Selection(pd.DataFrame({"id": [1, 2]}), filter="id > 1")
    >>> encode_state(sel)
    ('{"filter":"id > 1"}', True)
    """
    state = {key: value for key, value in selection.to_dict().items() if value}
    whole = True
    if len(state.get("filter", "")) > MAX_FILTER_CHARS:
        state.pop("filter")  # too long to be valid anyway: keep it out of the link
        whole = False
    text = _dumps(state)
    if len(text) <= MAX_STATE_CHARS:
        return text, whole
    state.pop("selected", None)
    return _dumps(state), False


def _dumps(state: dict[str, Any]) -> str:
    """Compact, strict JSON; non-ASCII text escaped, so any text fits in a URL."""
    return json.dumps(state, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def _refuse_constant(name: str) -> Any:
    """JSON's NaN and Infinity are not standard; a link holding them is refused."""
    raise ValueError(f"{name} is not allowed")


def restore_state(selection: Selection, text: str) -> str | None:
    """Apply a link's state to `selection`; return a problem for people, or None.

    Nothing is applied when the state is unreadable, so a bad or stale link shows
    the dashboard as it would be without one, with the problem said.
    """
    if len(text) > MAX_STATE_CHARS:
        return f"the link's state is longer than {MAX_STATE_CHARS:,} characters"
    try:
        state: Any = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return "the link's state is not valid JSON"
    try:
        selection.set_state(state)
    except (ValueError, TypeError, LookupError, OverflowError) as error:
        # set_state checks what it can; the rest is what a predicate raises when
        # it meets this dataset, and none of it may break the page
        return str(error) or type(error).__name__
    if selection.filter_error:
        return "its filter does not apply to this dataset (the error is shown above)"
    if selection.selected is not None and not selection.selected_count:
        return "its selection matches no instance of this dataset"
    return None
