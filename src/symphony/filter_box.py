"""FilterBox: a text box for filter expressions that offers column names as you type.

What the user types stays in the browser until Enter: only then does the text
reach Python, as ``value``, so a half-typed filter never reaches the Selection.
Completion runs in the browser, with no round trip per key stroke. The function
:func:`complete` states the same rules in Python, for tests and for readers; the
browser test runs the widget's own JavaScript on the same cases and checks that
the two agree.

The rules, in both languages:

- The name being typed is the run of letters, digits and underscores that ends
  at the cursor and starts with a letter or underscore (so ``0.5e`` is a number,
  not a name), or everything after an unclosed backtick.
- Inside quoted text nothing is offered.
- Column names that start with the fragment come first, then those that merely
  contain it, both ignoring case and both in the order of ``columns``; at most
  :data:`LIMIT` are offered.
- A bare name already typed in full is offered nothing, so that Enter after
  ``label != prediction`` applies the filter instead of completing ``prediction``.
- A name is offered as the parser reads it: bare when it is a plain ASCII
  identifier and not a reserved word, in backticks otherwise (the column
  ``my col`` is offered as ``my col`` between backticks).

All user text (what is typed, column names, the error message) is put on the
page through ``value`` and ``textContent``, never as HTML.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import param
from panel.custom import JSComponent

from .language.tree import RESERVED, format_name

__all__ = ["LIMIT", "FilterBox", "complete"]

LIMIT = 8
"""The most column names offered at once."""

_QUOTES = frozenset("'\"`")
_ESCAPED = re.compile(r"\\(.)", re.DOTALL)


def complete(text: str, cursor: int, columns: Sequence[str]) -> list[str]:
    """The column names to offer for the name being typed at ``cursor``.

    Parameters
    ----------
    text : str
        The filter text in the box.
    cursor : int
        Where the cursor is, as an index into ``text`` (0 is before the first
        character, ``len(text)`` after the last).
    columns : sequence of str
        The column names that may be offered, in the order to offer them.

    Returns
    -------
    list of str
        At most :data:`LIMIT` names, ready to insert: those starting with the
        fragment before those containing it, and in backticks where the filter
        language needs them. Empty inside quoted text, where no name is being
        typed, and after a bare name typed in full.

    Examples
    --------
    A filter is being typed; the cursor is at the end of ``conf``:

    >>> columns = ["label", "prediction", "confidence", "my col"]
    >>> complete("label != prediction and conf", 28, columns)
    ['confidence']

    Names that start with the fragment come first; one with a space comes in
    backticks, the way the filter language reads it:

    >>> complete("l", 1, columns)
    ['label', '`my col`']

    Inside quoted text, nothing is offered:

    >>> complete("label == 'conf", 14, columns)
    []
    """
    found = _fragment(text, max(0, min(cursor, len(text))))
    if found is None:
        return []
    fragment, quoted = found
    return _matches(fragment, quoted, columns)


def _fragment(text: str, cursor: int) -> tuple[str, bool] | None:
    """The part of a name typed before ``cursor``, and whether it is in backticks."""
    opening = _open_quote(text, cursor)
    if opening is not None:
        if text[opening] != "`":
            return None
        return _ESCAPED.sub(r"\1", text[opening + 1 : cursor]), True

    start = cursor
    while start > 0 and _is_word_char(text[start - 1]):
        start -= 1
    fragment = text[start:cursor]
    if not fragment or not (fragment[0] == "_" or fragment[0].isalpha()):
        return None
    return fragment, False


def _open_quote(text: str, cursor: int) -> int | None:
    """Index of the quote or backtick left open before ``cursor``, or None."""
    opening = None
    index = 0
    while index < cursor:
        char = text[index]
        if opening is None:
            if char in _QUOTES:
                opening = index
        elif char == "\\":
            index += 1
        elif char == text[opening]:
            opening = None
        index += 1
    return opening


def _matches(fragment: str, quoted: bool, columns: Sequence[str]) -> list[str]:
    """Columns starting with ``fragment``, then containing it, ignoring case."""
    names = list(dict.fromkeys(columns))
    if not quoted and fragment in names and format_name(fragment) == fragment:
        return []

    wanted = fragment.lower()
    starting = [name for name in names if name.lower().startswith(wanted)]
    containing = [
        name
        for name in names
        if wanted in name.lower() and not name.lower().startswith(wanted)
    ]
    return [format_name(name) for name in (starting + containing)[:LIMIT]]


def _is_word_char(char: str) -> bool:
    """True for letters, digits and underscore in any script."""
    return char == "_" or char.isalnum()


# The completion rules in JavaScript, mirroring `complete` line for line. Kept apart
# from the rendering code so the browser test can run this very text on its cases.
_COMPLETE_JS = """
const LIMIT = __LIMIT__;
const RESERVED = new Set(__RESERVED__);
const WORD = /^[\\p{L}\\p{N}_]$/u;
const NAME_START = /^[\\p{L}_]$/u;
const BARE = /^[A-Za-z_][A-Za-z0-9_]*$/;

function formatName(name) {
  if (BARE.test(name) && !RESERVED.has(name) && !name.startsWith("__")) {
    return name;
  }
  return "`" + name.replace(/[\\\\`]/g, "\\\\$&") + "`";
}

function openQuote(text, cursor) {
  let opening = null;
  for (let index = 0; index < cursor; index++) {
    const char = text[index];
    if (opening === null) {
      if (char === "'" || char === '"' || char === "`") {
        opening = index;
      }
    } else if (char === "\\\\") {
      index++;
    } else if (char === text[opening]) {
      opening = null;
    }
  }
  return opening;
}

// Where the name being typed sits: the span a suggestion replaces, the part
// typed before the cursor, and whether it is in backticks; null if none.
function locate(text, cursor) {
  const opening = openQuote(text, cursor);
  if (opening !== null) {
    if (text[opening] !== "`") {
      return null;
    }
    let end = cursor;
    while (end < text.length && text[end] !== "`") {
      end += text[end] === "\\\\" ? 2 : 1;
    }
    end = end < text.length ? end + 1 : cursor;
    const fragment = text.slice(opening + 1, cursor).replace(/\\\\([\\s\\S])/g, "$1");
    return { start: opening, end: end, fragment: fragment, quoted: true };
  }
  let start = cursor;
  while (start > 0 && WORD.test(text[start - 1])) {
    start--;
  }
  let end = cursor;
  while (end < text.length && WORD.test(text[end])) {
    end++;
  }
  const fragment = text.slice(start, cursor);
  if (!fragment || !NAME_START.test(fragment[0])) {
    return null;
  }
  return { start: start, end: end, fragment: fragment, quoted: false };
}

function matches(fragment, quoted, columns) {
  const names = [...new Set(columns)];
  if (!quoted && names.includes(fragment) && formatName(fragment) === fragment) {
    return [];
  }
  const wanted = fragment.toLowerCase();
  const starting = names.filter((name) => name.toLowerCase().startsWith(wanted));
  const containing = names.filter(
    (name) => name.toLowerCase().includes(wanted) && !name.toLowerCase().startsWith(wanted)
  );
  return starting.concat(containing).slice(0, LIMIT).map(formatName);
}

function complete(text, cursor, columns) {
  const found = locate(text, Math.max(0, Math.min(cursor, text.length)));
  return found === null ? [] : matches(found.fragment, found.quoted, columns);
}
""".replace("__LIMIT__", str(LIMIT)).replace("__RESERVED__", json.dumps(sorted(RESERVED)))

_RENDER_JS = """
export function render({ model, el }) {
  const label = document.createElement("label");
  label.className = "sy-fb-label";
  label.htmlFor = "sy-fb-input";

  const field = document.createElement("div");
  field.className = "sy-fb-field";

  const input = document.createElement("input");
  input.type = "text";
  input.id = "sy-fb-input";
  input.className = "sy-fb-input";
  input.autocomplete = "off";
  input.spellcheck = false;
  input.setAttribute("autocapitalize", "off");
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", "sy-fb-list");
  input.setAttribute("aria-expanded", "false");

  const list = document.createElement("ul");
  list.id = "sy-fb-list";
  list.className = "sy-fb-list";
  list.setAttribute("role", "listbox");
  list.hidden = true;

  const error = document.createElement("div");
  error.className = "sy-fb-error";
  error.setAttribute("role", "alert");

  field.append(input, list);
  el.append(label, field, error);

  let offered = [];
  let active = -1;
  let span = null;

  function close() {
    offered = [];
    active = -1;
    span = null;
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function option(text, index) {
    const item = document.createElement("li");
    item.id = "sy-fb-option-" + index;
    item.className = "sy-fb-option";
    item.setAttribute("role", "option");
    const at = span.fragment ? text.toLowerCase().indexOf(span.fragment.toLowerCase()) : -1;
    if (at < 0) {
      item.textContent = text;
    } else {
      const hit = document.createElement("b");
      hit.textContent = text.slice(at, at + span.fragment.length);
      item.append(text.slice(0, at), hit, text.slice(at + span.fragment.length));
    }
    item.addEventListener("mousedown", (event) => event.preventDefault());
    item.addEventListener("mousemove", () => highlight(index));
    item.addEventListener("click", () => accept(index));
    return item;
  }

  function highlight(index) {
    active = index;
    list.querySelectorAll(".sy-fb-option").forEach((item, at) => {
      item.classList.toggle("sy-fb-active", at === index);
      item.setAttribute("aria-selected", at === index ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", "sy-fb-option-" + index);
  }

  function suggest() {
    const cursor = input.selectionStart ?? input.value.length;
    const found = locate(input.value, cursor);
    const names = found === null ? [] : matches(found.fragment, found.quoted, model.columns);
    if (names.length === 0) {
      close();
      return;
    }
    offered = names;
    span = found;
    list.replaceChildren(...names.map(option));
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(0);
  }

  function accept(index) {
    const name = offered[index];
    const { start, end } = span;
    close();
    input.setRangeText(name, start, end, "end");
    input.focus();
  }

  function move(step) {
    highlight((active + step + offered.length) % offered.length);
  }

  input.addEventListener("input", suggest);
  input.addEventListener("blur", close);
  input.addEventListener("click", close);
  input.addEventListener("keydown", (event) => {
    if (event.isComposing) {
      return;
    }
    const open = offered.length > 0;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (open) {
        move(event.key === "ArrowDown" ? 1 : -1);
      } else {
        suggest();
      }
    } else if ((event.key === "Tab" || event.key === "Enter") && open && active >= 0) {
      event.preventDefault();
      accept(active);
    } else if (event.key === "Enter") {
      event.preventDefault();
      model.value = input.value;
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      event.stopPropagation();
      close();
    } else if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      close();
    }
  });

  function showValue() {
    if (input.value !== model.value) {
      input.value = model.value;
    }
    close();
  }

  function showError() {
    error.textContent = model.error;
    error.hidden = !model.error;
    input.classList.toggle("sy-fb-invalid", Boolean(model.error));
    input.setAttribute("aria-invalid", model.error ? "true" : "false");
  }

  function showLabel() {
    label.textContent = model.label;
    label.hidden = !model.label;
  }

  showValue();
  showError();
  showLabel();
  input.placeholder = model.placeholder;
  model.on("value", showValue);
  model.on("error", showError);
  model.on("label", showLabel);
  model.on("placeholder", () => {
    input.placeholder = model.placeholder;
  });
  model.on("columns", () => {
    if (offered.length > 0) {
      suggest();
    }
  });
}
"""

_CSS = """
:host {
  z-index: 10;
  overflow: visible !important;
}
.sy-fb-label {
  display: block;
  margin: 0;
}
.sy-fb-field {
  position: relative;
}
.sy-fb-input {
  display: block;
  box-sizing: border-box;
  width: 100%;
  height: 31px;
  min-height: var(--input-min-height, 31px);
  padding: 0 var(--padding-horizontal, 12px);
  border: var(--border, 1px solid #bbbbbd);
  border-radius: var(--border-radius, 4px);
  background-color: var(--background-color, white);
  color: inherit;
  font-family: inherit;
  font-size: 13.33px;
  outline: none;
}
.sy-fb-input:focus {
  border-color: var(--focus-border-color, #65a2cb);
  box-shadow: inset 0 1px 1px rgba(0, 0, 0, 0.075),
    0 0 8px var(--focus-halo-color, rgba(101, 162, 203, 0.6));
}
.sy-fb-input.sy-fb-invalid {
  border-color: #b00020;
}
.sy-fb-list {
  position: absolute;
  top: calc(100% + 2px);
  left: 0;
  right: 0;
  z-index: 1000;
  margin: 0;
  padding: 4px 0;
  list-style: none;
  background: var(--background-color, white);
  border: var(--border, 1px solid #bbbbbd);
  border-radius: var(--border-radius, 4px);
  box-shadow: 0 6px 12px rgba(0, 0, 0, 0.175);
}
.sy-fb-option {
  padding: 4px var(--padding-horizontal, 12px);
  cursor: pointer;
  white-space: pre;
  overflow: hidden;
  text-overflow: ellipsis;
  font-size: 13.33px;
}
.sy-fb-option b {
  font-weight: 700;
}
.sy-fb-option.sy-fb-active {
  background: #e8f0fe;
  color: #1a4a8a;
}
.sy-fb-error {
  margin-top: 4px;
  color: #b00020;
  font-size: 12px;
  white-space: pre-wrap;
  font-family: var(--bokeh-mono-font, monospace);
}
.sy-fb-error[hidden], .sy-fb-list[hidden], .sy-fb-label[hidden] {
  display: none;
}
"""


class FilterBox(JSComponent):
    """A text box for filter expressions that offers column names as the user types.

    The text is applied, and sent to Python as ``value``, when the user presses
    Enter with no suggestion open; setting ``value`` from Python shows it in the
    box. While a name is being typed a list offers up to :data:`LIMIT` matching
    columns (see :func:`complete`): the arrow keys move through it, Tab, Enter or
    a click inserts the highlighted name and Escape closes it.

    Examples
    --------
    >>> box = FilterBox(columns=["label", "prediction", "my col"])
    >>> applied = []
    >>> watcher = box.param.watch(lambda event: applied.append(event.new), "value")
    >>> box.value = "label != prediction"
    >>> applied
    ['label != prediction']
    """

    value = param.String(
        default="",
        doc="""
        The applied filter text: set from the browser when the user presses Enter,
        and shown in the box when set from Python.""",
    )

    columns = param.List(
        default=[],
        item_type=str,
        doc="""
        The column names offered as completions, in the order to offer them.""",
    )

    error = param.String(
        default="",
        doc="""
        A message shown in red below the box, as plain text; empty hides it.""",
    )

    placeholder = param.String(
        default="",
        doc="""
        Text shown in the empty box, such as an example filter.""",
    )

    label = param.String(
        default="Filter",
        doc="""
        The label above the box; empty hides it.""",
    )

    _esm = _COMPLETE_JS + _RENDER_JS

    _stylesheets = [_CSS]

    def __init__(self, **params: Any) -> None:
        if "width" not in params:
            params.setdefault("sizing_mode", "stretch_width")
        params.setdefault("margin", (5, 10))
        super().__init__(**params)
