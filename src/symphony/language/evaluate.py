"""Evaluate a parsed filter on a pandas or dask DataFrame.

The evaluator walks the tree of :mod:`.tree` and combines whole columns with
Series operators (``==``, ``&``, ``.isnull()``, ``.isin()``, ``.str.contains(...,
regex=False)``), which pandas and dask both provide; nothing runs per row in
Python, and nothing the user wrote is ever handed to pandas as code.

Types are checked from the dtypes alone, before any data is touched, so a dask
DataFrame is never computed here and both engines refuse the same filters with
the same messages. A column's dtype gives its kind:

===============================  =========
dtype                            kind
===============================  =========
bool, boolean                    boolean
integers and floats              number
datetime64, with or without tz   date
str, string, object              text
categorical                      the kind of its categories
anything else                    other (only isnull/notnull apply)
===============================  =========

Object columns are read as text: they are cast to the ``string`` dtype first,
so a column mixing numbers, text and lists never raises, and pandas agrees
with dask, which makes that cast itself when it loads object columns.

Missing values make every comparison False, including ``!=``; ``not`` then
turns that False into True, as boolean logic wants. ``x == null`` means
``isnull(x)``.
"""

from __future__ import annotations

import math
import operator
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from symphony.language.lexer import FilterError, quote
from symphony.language.tree import (
    KIND_NAMES,
    And,
    Arithmetic,
    Boolean,
    Call,
    Column,
    Compare,
    Date,
    Junction,
    Membership,
    Negative,
    Node,
    Not,
    Null,
    Number,
    Or,
    Text,
    compare_problem,
    condition_message,
    describe,
    walk,
)

_COMPARE: dict[str, Callable[[Any, Any], Any]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_MIRRORED = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
    "/": operator.truediv,
    "%": operator.mod,
}
_INT64_MAX = 2**63 - 1


@dataclass(frozen=True)
class _Value:
    """What a node evaluates to: a Series or a Python scalar, with its kind."""

    data: Any
    kind: str
    node: Node
    is_series: bool


def evaluate_tree(tree: Node | None, frame: Any, text: str) -> Any:
    """Evaluate a parsed filter on ``frame`` and return its boolean mask.

    Parameters
    ----------
    tree : Node or None
        The root of a tree made by :func:`symphony.language.parse`; None keeps
        every instance.
    frame : pandas.DataFrame or dask.dataframe.DataFrame
        The table.
    text : str
        The text the tree was parsed from, for error messages.

    Returns
    -------
    pandas.Series or dask.dataframe.Series
        Booleans, no missing values, aligned to ``frame``'s index.

    Examples
    --------
    >>> import pandas as pd
    >>> from symphony.language import parse
    >>> frame = pd.DataFrame({"x": [1, None, 3]})
    >>> evaluate_tree(parse("x != 3", ["x"]).tree, frame, "x != 3").tolist()
    [True, False, False]
    """
    _check_frame(frame, tree, text)
    if _is_dask(frame):
        return _evaluate_dask(tree, frame, text)
    return _evaluate_pandas(frame, tree, text)


def _evaluate_pandas(frame: pd.DataFrame, tree: Node | None, text: str) -> pd.Series:
    """Evaluate on a pandas DataFrame whose columns have been checked."""
    if tree is None:
        return _fill_partition(frame, True)

    try:
        value = _Evaluator(frame, text).value(tree)
    except FilterError:
        raise
    except (TypeError, ValueError, OverflowError) as error:
        first_line = (str(error).splitlines() or [type(error).__name__])[0]
        raise FilterError(
            f"could not evaluate the filter on this table: {first_line[:200]}", text, None
        ) from error

    _require_condition(value, text, "a filter")
    if not value.is_series:
        return _fill_partition(frame, bool(value.data))
    return _to_mask(value.data).rename(None)


def _evaluate_dask(tree: Node | None, frame: Any, text: str) -> Any:
    """Evaluate on a dask DataFrame, one pandas partition at a time.

    The filter is first evaluated on an empty pandas frame with the same dtypes,
    so type errors are raised here rather than when the result is computed.
    Mapping the pandas evaluator over the partitions then adds one task per
    partition to the graph; combining dask Series operator by operator would
    instead build a graph as deep as the filter is long, which dask's optimizer
    walks recursively (a flat chain of a few hundred 'and's exhausts Python's
    recursion limit in dask 2026.8).
    """
    names = sorted({node.name for node in walk(tree) if isinstance(node, Column)})
    projected = frame[names]
    empty = pd.DataFrame(
        {name: pd.Series(dtype=dtype) for name, dtype in projected.dtypes.items()}
    )
    _evaluate_pandas(empty, tree, text)
    meta = pd.Series(dtype=bool)
    return projected.map_partitions(_evaluate_pandas, tree, text, meta=meta)


def _check_frame(frame: Any, tree: Node | None, text: str) -> None:
    """Refuse what is not a DataFrame, and filters that read columns it lacks."""
    if not (isinstance(frame, pd.DataFrame) or _is_dask(frame)):
        raise TypeError(
            f"a filter evaluates on a pandas or dask DataFrame, not {type(frame).__name__}"
        )
    counts = Counter(frame.columns)
    for node in walk(tree):
        if not isinstance(node, Column):
            continue
        count = counts[node.name]
        if count == 0:
            raise FilterError(f"{describe(node)} is not in the table", text, node.position)
        if count > 1:
            raise FilterError(
                f"{describe(node)} appears {count} times in the table; a filter needs "
                f"column names that are unique",
                text,
                node.position,
            )


def _is_dask(frame: Any) -> bool:
    """True for a dask DataFrame, without importing dask."""
    return type(frame).__module__.split(".")[0] == "dask" and hasattr(frame, "dtypes")


def _fill_partition(part: pd.DataFrame, value: bool) -> pd.Series:
    """A pandas Series holding ``value`` on the index of ``part``."""
    return pd.Series(value, index=part.index, dtype=bool)


def _may_be_missing(series: Any, operator_: str) -> bool:
    """Whether a comparison of `series` could be True where a value is missing:
    never for plain integers and booleans, which cannot be missing, nor for plain
    floats and dates except with '!=' (NaN and NaT compare False otherwise)."""
    kind = series.dtype.kind if isinstance(series.dtype, np.dtype) else "O"
    if kind in "iub":
        return False
    if kind in "fmM":
        return operator_ == "!="
    return True


def _to_mask(series: Any) -> Any:
    """Booleans with missing values made False."""
    if series.dtype == bool:
        return series
    return series.fillna(False).astype(bool)


def kind_of_dtype(dtype: Any) -> str:
    """The kind of values a dtype holds: number, text, boolean, date or other.

    Examples
    --------
    >>> import numpy as np
    >>> kind_of_dtype(np.dtype("float32")), kind_of_dtype(np.dtype("object"))
    ('number', 'text')
    """
    if isinstance(dtype, pd.CategoricalDtype):
        categories = dtype.categories
        return "text" if categories is None else kind_of_dtype(categories.dtype)
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_complex_dtype(dtype):
        return "other"
    if pd.api.types.is_numeric_dtype(dtype):
        return "number"
    if pd.api.types.is_datetime64_any_dtype(dtype):
        return "date"
    if pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        return "text"
    return "other"


def _require_condition(value: _Value, text: str, where: str) -> None:
    """Refuse a value that is not true/false for each instance."""
    if value.kind == "boolean":
        return
    message = condition_message(where, _describe_value(value))
    raise FilterError(message, text, value.node.position)


def _describe_value(value: _Value) -> str:
    """Name a value and its kind (and dtype, for a Series) for a message."""
    if not value.is_series:
        return f"{describe(value.node)} ({KIND_NAMES[value.kind]})"
    dtype = f"dtype {value.data.dtype}"
    if value.kind in KIND_NAMES:
        return f"{describe(value.node)} ({KIND_NAMES[value.kind]}, {dtype})"
    return f"{describe(value.node)} ({dtype})"


class _Evaluator:
    """Turn each node into a :class:`_Value`, checking kinds as it goes."""

    def __init__(self, frame: Any, text: str):
        self.frame = frame
        self.text = text

    def value(self, node: Node) -> _Value:
        """Evaluate one node."""
        return _HANDLERS[type(node)](self, node)

    def _fail(self, message: str, node: Node) -> FilterError:
        """Build an error pointing at ``node``."""
        return FilterError(message, self.text, node.position)

    # -- leaves ------------------------------------------------------------------------

    def _column(self, node: Column) -> _Value:
        """A column of the frame, its categories unpacked for everything but text."""
        series = self.frame[node.name]
        kind = kind_of_dtype(series.dtype)
        if isinstance(series.dtype, pd.CategoricalDtype) and kind != "text":
            series = _uncategorize(series)
        return _Value(series, kind, node, True)

    def _literal(self, node: Node) -> _Value:
        """A literal as a Python scalar (None for null)."""
        if isinstance(node, Number):
            return _Value(_normalize_number(node.value), "number", node, False)
        if isinstance(node, Date):
            return _Value(pd.Timestamp(node.value), "date", node, False)
        if isinstance(node, Null):
            return _Value(None, "null", node, False)
        if isinstance(node, Text | Boolean):
            return _Value(node.value, node.kind, node, False)
        raise TypeError(f"not a literal: {type(node).__name__}")

    # -- logic -------------------------------------------------------------------------

    def _logic(self, node: Junction) -> _Value:
        """``and`` / ``or`` of two or more conditions."""
        word = quote(node.word)
        combine = operator.and_ if isinstance(node, And) else operator.or_
        values = [self.value(operand) for operand in node.operands]
        for value in values:
            _require_condition(value, self.text, f"each side of {word}")
        series = [_to_mask(value.data) for value in values if value.is_series]
        scalars = [bool(value.data) for value in values if not value.is_series]
        scalar = all(scalars) if isinstance(node, And) else any(scalars)
        if not series:
            return _Value(scalar, "boolean", node, False)
        result = series[0]
        for other in series[1:]:
            result = combine(result, other)
        if scalars:
            result = combine(result, scalar)
        return _Value(result, "boolean", node, True)

    def _not(self, node: Not) -> _Value:
        """``not`` of a condition; a missing value, already False, becomes True."""
        value = self.value(node.operand)
        _require_condition(value, self.text, "'not'")
        if value.is_series:
            return _Value(~_to_mask(value.data), "boolean", node, True)
        return _Value(not value.data, "boolean", node, False)

    # -- comparisons -------------------------------------------------------------------

    def _compare(self, node: Compare) -> _Value:
        """A comparison, or a chain of them joined by 'and'."""
        values = [self.value(operand) for operand in node.operands]
        results = [
            self._compare_pair(left, operator_, right)
            for left, operator_, right in zip(
                values, node.operators, values[1:], strict=False
            )
        ]
        if len(results) == 1:
            return _Value(results[0].data, "boolean", node, results[0].is_series)
        return self._logic_of(results, node)

    def _logic_of(self, results: list[_Value], node: Node) -> _Value:
        """Join the links of a comparison chain with 'and'."""
        series = [result.data for result in results if result.is_series]
        scalar = all(bool(result.data) for result in results if not result.is_series)
        if not series:
            return _Value(scalar, "boolean", node, False)
        combined = series[0]
        for other in series[1:]:
            combined = combined & other
        return _Value(combined & scalar, "boolean", node, True)

    def _compare_pair(self, left: _Value, operator_: str, right: _Value) -> _Value:
        """Compare two values; missing values give False."""
        self._check_comparable(left, operator_, right)
        if "null" in (left.kind, right.kind):
            return _compare_null(left, operator_, right)
        if not left.is_series and right.is_series:
            left, operator_, right = right, _MIRRORED[operator_], left
        if not left.is_series:
            found = not _is_nan(left.data) and not _is_nan(right.data)
            found = found and bool(_COMPARE[operator_](left.data, right.data))
            return _Value(found, "boolean", left.node, False)
        if not right.is_series and _is_nan(right.data):
            return _Value(left.data.isnull() & False, "boolean", left.node, True)

        left_data, right_data = self._align_kinds(left, right)
        mask = _to_mask(_COMPARE[operator_](left_data, right_data))
        for side in (left, right):
            if side.is_series and _may_be_missing(side.data, operator_):
                mask = mask & side.data.notnull()
        return _Value(mask, "boolean", left.node, True)

    def _check_comparable(self, left: _Value, operator_: str, right: _Value) -> None:
        """Refuse comparisons of kinds that never compare, naming columns and dtypes."""
        if "other" in (left.kind, right.kind):
            odd = left if left.kind == "other" else right
            raise self._fail(
                f"{_describe_value(odd)} cannot be compared; only isnull() and notnull() "
                f"apply to it",
                odd.node,
            )
        problem = compare_problem(left.kind, operator_, right.kind)
        if problem:
            hint = _date_hint(left, right)
            raise self._fail(
                f"cannot compare {_describe_value(left)} with {_describe_value(right)}: "
                f"{problem}{hint}",
                right.node if right.is_series and not left.is_series else left.node,
            )
        if left.kind == "date" and left.is_series and right.is_series:
            if (_time_zone(left.data) is None) != (_time_zone(right.data) is None):
                raise self._fail(_zone_message(left, right), left.node)

    def _align_kinds(self, left: _Value, right: _Value) -> tuple[Any, Any]:
        """Cast both sides so that pandas compares them without raising."""
        if left.kind == "text":
            left_data = _as_text(left.data)
            if not right.is_series:
                return left_data, right.data
            right_data = _as_text(right.data)
            if left_data.dtype != right_data.dtype:
                return left_data.astype("string"), right_data.astype("string")
            return left_data, right_data
        if left.kind == "date" and not right.is_series:
            return left.data, _localize(right.data, left.data)
        return left.data, right.data

    def _membership(self, node: Membership) -> _Value:
        """``x in [...]`` / ``x not in [...]``."""
        value = self.value(node.operand)
        items = [self.value(item) for item in node.items]
        has_null = any(item.kind == "null" for item in items)
        literals = [item for item in items if item.kind != "null"]
        for item in literals:
            self._check_comparable(value, "==", item)
        if not value.is_series:
            return _Value(
                _scalar_in(value, literals, has_null, node), "boolean", node, False
            )

        data = _as_text(value.data) if value.kind == "text" else value.data
        if value.kind == "date":
            candidates = [_localize(item.data, data) for item in literals]
        else:
            candidates = [item.data for item in literals]
        present = data.notnull()
        hits = _to_mask(data.isin(candidates))
        result = (~hits & present) if node.negated else (hits & present)
        if has_null and not node.negated:
            result = result | ~present
        return _Value(result, "boolean", node, True)

    # -- arithmetic --------------------------------------------------------------------

    def _arithmetic(self, node: Arithmetic) -> _Value:
        """A left-to-right run of + - or * / %."""
        values = [self.value(operand) for operand in node.operands]
        for value, operator_ in zip(
            values, [node.operators[0], *node.operators], strict=True
        ):
            self._require_number(value, quote(operator_))
        result = values[0]
        for operator_, value in zip(node.operators, values[1:], strict=True):
            if result.is_series or value.is_series:
                data = _ARITHMETIC[operator_](result.data, value.data)
                result = _Value(data, "number", node, True)
            else:
                data = _scalar_arithmetic(operator_, result.data, value.data)
                result = _Value(data, "number", node, False)
        return _Value(result.data, "number", node, result.is_series)

    def _negative(self, node: Negative) -> _Value:
        """Unary minus."""
        value = self.value(node.operand)
        self._require_number(value, "'-'")
        if value.is_series:
            return _Value(-value.data, "number", node, True)
        return _Value(_normalize_number(-value.data), "number", node, False)

    def _require_number(self, value: _Value, operator_: str) -> None:
        """Refuse arithmetic on anything but numbers."""
        if value.kind != "number":
            raise self._fail(
                f"arithmetic with {operator_} needs numbers; "
                f"found {_describe_value(value)}",
                value.node,
            )

    # -- functions ---------------------------------------------------------------------

    def _call(self, node: Call) -> _Value:
        """One of the allowed functions."""
        argument = self.value(node.arguments[0])
        function = node.function
        if function in ("isnull", "notnull"):
            return self._missing(node, argument)
        if function == "abs":
            self._require_number(argument, "abs()")
            if argument.is_series:
                return _Value(argument.data.abs(), "number", node, True)
            return _Value(_normalize_number(abs(argument.data)), "number", node, False)
        self._require_text(argument, function)
        text = _as_text(argument.data)
        if function == "len":
            return _Value(text.str.len(), "number", node, True)
        if function == "lower":
            return _Value(text.str.lower(), "text", node, True)
        if function == "upper":
            return _Value(text.str.upper(), "text", node, True)
        pattern = str(node.arguments[1].value)
        if function == "contains":
            found = text.str.contains(pattern, regex=False)
        elif function == "startswith":
            found = text.str.startswith(pattern)
        else:
            found = text.str.endswith(pattern)
        return _Value(_to_mask(found), "boolean", node, True)

    def _missing(self, node: Call, argument: _Value) -> _Value:
        """``isnull(x)`` / ``notnull(x)``."""
        wanted = node.function == "isnull"
        if not argument.is_series:
            missing = argument.data is None or _is_nan(argument.data)
            return _Value(missing == wanted, "boolean", node, False)
        missing = argument.data.isnull() if wanted else argument.data.notnull()
        return _Value(missing, "boolean", node, True)

    def _require_text(self, value: _Value, function: str) -> None:
        """Refuse text functions on anything but a column of text."""
        if value.kind != "text" or not value.is_series:
            raise self._fail(
                f"{function}() needs a column of text; found {_describe_value(value)}",
                value.node,
            )


_HANDLERS: dict[type, Callable[[_Evaluator, Any], _Value]] = {
    Column: _Evaluator._column,
    Text: _Evaluator._literal,
    Number: _Evaluator._literal,
    Boolean: _Evaluator._literal,
    Null: _Evaluator._literal,
    Date: _Evaluator._literal,
    And: _Evaluator._logic,
    Or: _Evaluator._logic,
    Not: _Evaluator._not,
    Compare: _Evaluator._compare,
    Membership: _Evaluator._membership,
    Arithmetic: _Evaluator._arithmetic,
    Negative: _Evaluator._negative,
    Call: _Evaluator._call,
}


def _compare_null(left: _Value, operator_: str, right: _Value) -> _Value:
    """``x == null`` is isnull(x); ``x != null`` is notnull(x)."""
    wanted_missing = operator_ == "=="
    other = right if left.kind == "null" else left
    if other.kind == "null" or not other.is_series:
        missing = other.kind == "null" or _is_nan(other.data)
        return _Value(missing == wanted_missing, "boolean", left.node, False)
    data = other.data.isnull() if wanted_missing else other.data.notnull()
    return _Value(data, "boolean", other.node, True)


def _scalar_in(
    value: _Value, literals: list[_Value], has_null: bool, node: Membership
) -> bool:
    """``in`` / ``not in`` for a value known without the table; missing gives False."""
    if value.kind == "null" or _is_nan(value.data):
        return has_null and not node.negated
    found = any(value.data == item.data for item in literals)
    return found != node.negated


def _as_text(series: Any) -> Any:
    """The series itself when it has a text dtype, else cast to the string dtype."""
    if pd.api.types.is_object_dtype(series.dtype) or isinstance(
        series.dtype, pd.CategoricalDtype
    ):
        return series.astype("string")
    return series


def _time_zone(series: Any) -> Any:
    """The time zone of a datetime series, or None when it is naive."""
    dtype = series.dtype
    return dtype.tz if isinstance(dtype, pd.DatetimeTZDtype) else None


def _uncategorize(series: Any) -> Any:
    """A categorical series as its categories' dtype, keeping missing values missing."""
    target = series.dtype.categories.dtype
    if pd.api.types.is_bool_dtype(target):
        target = "boolean"
    elif pd.api.types.is_integer_dtype(target):
        target = "Int64"
    return series.astype(target)


def _localize(stamp: Any, series: Any) -> Any:
    """A naive date literal read in the time zone of ``series`` (if it has one)."""
    zone = _time_zone(series)
    return stamp if zone is None else stamp.tz_localize(zone)


def _zone_message(left: _Value, right: _Value) -> str:
    """Explain that naive and time-zone-aware dates do not compare."""
    return (
        f"cannot compare {_describe_value(left)} with {_describe_value(right)}: "
        f"one has a time zone and the other has none"
    )


def _date_hint(left: _Value, right: _Value) -> str:
    """A hint for comparing a date column with quoted text."""
    kinds = {left.kind, right.kind}
    if kinds == {"date", "text"}:
        return '; write dates as date("2024-01-31")'
    return ""


def _is_nan(value: Any) -> bool:
    """True for a float NaN, such as the result of 0 / 0."""
    return isinstance(value, float) and math.isnan(value)


def _normalize_number(value: int | float) -> int | float:
    """Keep integers within int64; larger ones become floats so pandas can use them."""
    if isinstance(value, int) and not -_INT64_MAX - 1 <= value <= _INT64_MAX:
        return float(value)
    return value


def _scalar_arithmetic(operator_: str, left: float, right: float) -> int | float:
    """Arithmetic on two numbers, with pandas' answers for division by zero."""
    if operator_ in ("/", "%") and right == 0:
        if operator_ == "%" or left == 0 or math.isnan(left):
            return math.nan
        with np.errstate(all="ignore"):
            return float(np.divide(np.float64(left), np.float64(right)))
    return _normalize_number(_ARITHMETIC[operator_](left, right))
