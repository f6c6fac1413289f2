"""The tree of a parsed filter: small frozen dataclasses, and the Expression that holds one.

:mod:`.parser` builds the tree and :mod:`.evaluate` walks it; this module only
says what a tree is, how it is written back as text, and what its nodes give.

Design notes:

- Every node is a frozen dataclass, so trees are values: two trees are equal
  when they have the same shape and the same literals. The position of a node
  (the index of its first character in the source text, for error messages)
  takes no part in equality.
- ``str(node)`` gives the canonical text. Parentheses are written exactly where
  the tree needs them, by comparing the precedence of a node with that of its
  parent, so that parsing the text again gives an equal tree.
- A node's ``kind`` is what it gives when the text alone tells: 'number',
  'text', 'boolean', 'date' or 'null'. A column's kind is None, because it
  depends on the table's dtypes, which only :mod:`.evaluate` sees.
- Runs of one operator are one n-ary node (``a and b and c`` is one
  :class:`And`), so long flat texts give shallow trees; :func:`walk` visits a
  tree without recursion whatever its depth.
"""

from __future__ import annotations

import datetime
import keyword
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from symphony.language.lexer import quote, shorten

if TYPE_CHECKING:
    import pandas as pd

# Precedence, from the loosest operator to the tightest.
OR, AND, NOT, COMPARE, SUM, PRODUCT, NEGATIVE, ATOM = range(1, 9)

COMPARE_OPS = ("==", "!=", "<", "<=", ">", ">=")
SUM_OPS = ("+", "-")
PRODUCT_OPS = ("*", "/", "%")

BOOLEAN_WORDS = {
    "true": True,
    "True": True,
    "false": False,
    "False": False,
}
NULL_WORDS = ("null", "None")
GRAMMAR_WORDS = frozenset(("and", "or", "not", "in", *BOOLEAN_WORDS, *NULL_WORDS))
RESERVED = GRAMMAR_WORDS | frozenset(keyword.kwlist)

KIND_NAMES = {
    "number": "a number",
    "text": "text",
    "boolean": "true/false",
    "date": "a date",
    "null": "null",
}
_RESULT_KINDS = {
    "abs": "number",
    "len": "number",
    "lower": "text",
    "upper": "text",
    "contains": "boolean",
    "startswith": "boolean",
    "endswith": "boolean",
    "isnull": "boolean",
    "notnull": "boolean",
}


@dataclass(frozen=True)
class Node:
    """Base of the tree: every node knows its precedence, its kind and its children.

    Attributes
    ----------
    kind : str or None
        What the node gives: 'number', 'text', 'boolean', 'date', 'null', or
        None when only the table can tell.
    precedence : int
        How tightly the node binds, from :data:`OR` to :data:`ATOM`.
    position : int
        Index of the node's first character in the source text.
    """

    position: int = field(default=0, compare=False, repr=False, kw_only=True)
    precedence: ClassVar[int] = ATOM
    kind: ClassVar[str | None] = None

    @property
    def children(self) -> tuple[Node, ...]:
        """The nodes directly below this one."""
        return ()


@dataclass(frozen=True)
class Column(Node):
    """A column of the table, by name."""

    name: str

    def __str__(self) -> str:
        return format_name(self.name)


@dataclass(frozen=True)
class Text(Node):
    """Quoted text."""

    value: str
    kind: ClassVar[str] = "text"

    def __str__(self) -> str:
        escaped = self.value.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}"'


@dataclass(frozen=True)
class Number(Node):
    """An integer or float literal; a leading minus is folded into the value."""

    value: int | float
    kind: ClassVar[str] = "number"

    def __str__(self) -> str:
        return repr(self.value)


@dataclass(frozen=True)
class Boolean(Node):
    """``true`` or ``false``."""

    value: bool
    kind: ClassVar[str] = "boolean"

    def __str__(self) -> str:
        return "true" if self.value else "false"


@dataclass(frozen=True)
class Null(Node):
    """``null``: a missing value."""

    kind: ClassVar[str] = "null"

    def __str__(self) -> str:
        return "null"


@dataclass(frozen=True)
class Date(Node):
    """A date or date-time literal such as ``date("2024-01-31")``."""

    text: str
    kind: ClassVar[str] = "date"

    @property
    def value(self) -> datetime.datetime:
        """The literal as a naive datetime."""
        return datetime.datetime.fromisoformat(self.text)

    def __str__(self) -> str:
        return f'date("{self.text}")'


@dataclass(frozen=True)
class Call(Node):
    """A call of one of the allowed functions (``date`` excepted, which is a literal)."""

    function: str
    arguments: tuple[Node, ...]

    @property
    def kind(self) -> str:
        return _RESULT_KINDS[self.function]

    @property
    def children(self) -> tuple[Node, ...]:
        return self.arguments

    def __str__(self) -> str:
        return f"{self.function}({', '.join(str(arg) for arg in self.arguments)})"


@dataclass(frozen=True)
class Prefixed(Node):
    """An operator written before its one operand: :class:`Negative` or :class:`Not`."""

    operand: Node
    sign: ClassVar[str]

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def __str__(self) -> str:
        return self.sign + _wrap(self.operand, self.precedence)


@dataclass(frozen=True)
class Negative(Prefixed):
    """Unary minus of something that is not a number literal."""

    precedence: ClassVar[int] = NEGATIVE
    kind: ClassVar[str] = "number"
    sign: ClassVar[str] = "-"


@dataclass(frozen=True)
class Not(Prefixed):
    """Logical negation."""

    precedence: ClassVar[int] = NOT
    kind: ClassVar[str] = "boolean"
    sign: ClassVar[str] = "not "


@dataclass(frozen=True)
class Chain(Node):
    """Operands joined by binary operators of one precedence, such as ``a + b - c``."""

    operands: tuple[Node, ...]
    operators: tuple[str, ...]

    @property
    def children(self) -> tuple[Node, ...]:
        return self.operands

    def __str__(self) -> str:
        minimum = self.precedence + 1
        parts = [_wrap(self.operands[0], minimum)]
        for operator, operand in zip(self.operators, self.operands[1:], strict=True):
            parts.append(f"{operator} {_wrap(operand, minimum)}")
        return " ".join(parts)


@dataclass(frozen=True)
class Arithmetic(Chain):
    """A run of + and - (or of * / and %) at one precedence level, left to right."""

    kind: ClassVar[str] = "number"

    @property
    def precedence(self) -> int:
        return SUM if self.operators[0] in SUM_OPS else PRODUCT


@dataclass(frozen=True)
class Compare(Chain):
    """A comparison, or a chain of them such as ``0 < x <= 1``."""

    precedence: ClassVar[int] = COMPARE
    kind: ClassVar[str] = "boolean"


@dataclass(frozen=True)
class Membership(Node):
    """``x in [...]`` or ``x not in [...]``; the items are literals."""

    operand: Node
    items: tuple[Node, ...]
    negated: bool = False
    precedence: ClassVar[int] = COMPARE
    kind: ClassVar[str] = "boolean"

    @property
    def children(self) -> tuple[Node, ...]:
        return (self.operand,)

    def __str__(self) -> str:
        word = "not in" if self.negated else "in"
        items = ", ".join(str(item) for item in self.items)
        return f"{_wrap(self.operand, COMPARE + 1)} {word} [{items}]"


@dataclass(frozen=True)
class Junction(Node):
    """Two or more conditions joined by one logical word: :class:`And` or :class:`Or`."""

    operands: tuple[Node, ...]
    kind: ClassVar[str] = "boolean"
    word: ClassVar[str]

    @property
    def children(self) -> tuple[Node, ...]:
        return self.operands

    def __str__(self) -> str:
        minimum = self.precedence + 1
        return f" {self.word} ".join(_wrap(operand, minimum) for operand in self.operands)


@dataclass(frozen=True)
class And(Junction):
    """Two or more conditions that must all hold."""

    precedence: ClassVar[int] = AND
    word: ClassVar[str] = "and"


@dataclass(frozen=True)
class Or(Junction):
    """Two or more conditions of which one must hold."""

    precedence: ClassVar[int] = OR
    word: ClassVar[str] = "or"


@dataclass(frozen=True)
class Expression:
    """A parsed filter: evaluate it on a table, read its columns, print it.

    Make one with :func:`~symphony.language.parse`. Two expressions are equal
    when their trees are equal, whatever spacing or spelling (``&`` or ``and``)
    the texts used.

    Attributes
    ----------
    tree : Node or None
        The root of the parsed tree; None for an empty filter.
    text : str
        The text it was parsed from; error messages point into it.

    Examples
    --------
    >>> import pandas as pd
    >>> from symphony.language import parse
    >>> frame = pd.DataFrame({"score": [0.2, 0.7, None], "split": ["a", "b", "b"]})
    >>> expr = parse("score > 0.5 & split == 'b'", frame.columns)
    >>> str(expr)
    'score > 0.5 and split == "b"'
    >>> sorted(expr.columns)
    ['score', 'split']
    >>> expr.evaluate(frame).tolist()
    [False, True, False]
    """

    tree: Node | None
    text: str = field(default="", compare=False, repr=False)

    @property
    def columns(self) -> frozenset[str]:
        """The names of the columns the filter reads."""
        return frozenset(node.name for node in walk(self.tree) if isinstance(node, Column))

    def evaluate(self, frame: pd.DataFrame) -> pd.Series:
        """Evaluate on a pandas or dask DataFrame.

        Parameters
        ----------
        frame : pandas.DataFrame or dask.dataframe.DataFrame
            The table; it must hold every column in :attr:`columns`.

        Returns
        -------
        pandas.Series or dask.dataframe.Series
            Booleans aligned to ``frame``'s index: True for the instances the
            filter keeps. A comparison with a missing value is False.

        Raises
        ------
        FilterError
            When a column is missing or its dtype does not suit the filter,
            such as text compared with a number.

        Examples
        --------
        A missing score makes ``score > 0.5`` False, so ``not`` keeps it:

        >>> import pandas as pd
        >>> from symphony.language import parse
        >>> frame = pd.DataFrame({"score": [0.2, None, 0.9]})
        >>> parse("not score > 0.5", frame.columns).evaluate(frame).tolist()
        [True, True, False]
        """
        from symphony.language.evaluate import evaluate_tree

        return evaluate_tree(self.tree, frame, self.text or str(self))

    def __str__(self) -> str:
        return "" if self.tree is None else str(self.tree)

    def __repr__(self) -> str:
        return f"Expression({str(self)!r})"


def walk(tree: Node | None) -> Iterator[Node]:
    """Yield every node of a tree, parents before children, without recursion.

    Examples
    --------
    >>> from symphony.language import parse
    >>> [type(node).__name__ for node in walk(parse("x > 1", ["x"]).tree)]
    ['Compare', 'Column', 'Number']
    """
    stack = [] if tree is None else [tree]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def format_name(name: str) -> str:
    """Write a column name as the parser reads it: bare if it can be, else in backticks.

    Examples
    --------
    >>> format_name("score"), format_name("my col"), format_name("for")
    ('score', '`my col`', '`for`')
    """
    if is_bare_name(name):
        return name
    escaped = name.replace("\\", "\\\\").replace("`", "\\`")
    return f"`{escaped}`"


def is_bare_name(name: str) -> bool:
    """True when ``name`` can be written without backticks."""
    return (
        name.isascii()
        and name.isidentifier()
        and name not in RESERVED
        and not name.startswith("__")
    )


def quote_name(name: str) -> str:
    """A column name in quotes, or in backticks when it needs them."""
    return quote(name) if is_bare_name(name) else shorten(format_name(name))


def describe(node: Node) -> str:
    """Name a node for a message: a column as such, anything else as :func:`show` does."""
    if isinstance(node, Column):
        return f"column {quote_name(node.name)}"
    return show(node)


def show(node: Node) -> str:
    """Write a node in a message: a literal as it is, anything else in quotes."""
    if isinstance(node, Text | Number | Boolean | Null | Date):
        return shorten(str(node))
    return quote(str(node))


def condition_message(where: str, found: str) -> str:
    """Say that ``where`` needs a condition (true/false for each instance), not ``found``."""
    if where == "a filter":
        return (
            f"a filter must be a condition that is true or false for each instance, "
            f"such as score > 0.5; found {found}"
        )
    return f"{where} needs a condition, such as score > 0.5; found {found}"


def compare_problem(left: str | None, operator: str, right: str | None) -> str:
    """Why values of kinds ``left`` and ``right`` cannot be compared with ``operator``.

    Returns '' when they can (or when a kind is only known from the table).

    Examples
    --------
    >>> compare_problem("text", "<", "number")
    'text cannot be compared with a number'
    >>> compare_problem(None, "<", "number")
    ''
    """
    if "null" in (left, right):
        if operator in ("==", "!="):
            return ""
        return (
            "null can only be compared with == or !=; to find missing values "
            "write isnull(x)"
        )
    if left is None or right is None:
        return ""
    if left != right:
        return f"{KIND_NAMES[left]} cannot be compared with {KIND_NAMES[right]}"
    if left == "boolean" and operator not in ("==", "!="):
        return "true/false values can only be compared with == or !="
    return ""


def _wrap(node: Node, minimum: int) -> str:
    """The text of ``node``, in parentheses when it binds looser than ``minimum``."""
    text = str(node)
    return f"({text})" if node.precedence < minimum else text
