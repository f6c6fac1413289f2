"""Parse filter text into the tree of :mod:`.tree`, checking what the text alone tells.

The grammar, from the loosest operator to the tightest (``{ x }`` repeats,
``[ x ]`` is optional, quoted text is literal)::

    filter      = [ disjunction ] END ;
    disjunction = conjunction { ( "or" | "|" ) conjunction } ;
    conjunction = negation { ( "and" | "&" ) negation } ;
    negation    = { "not" | "~" } comparison ;
    comparison  = sum [ membership | chain ] ;
    membership  = [ "not" ] "in" list ;
    chain       = compare_op sum { compare_op sum } ;
    compare_op  = "==" | "!=" | "<" | "<=" | ">" | ">=" ;
    sum         = product { ( "+" | "-" ) product } ;
    product     = unary { ( "*" | "/" | "%" ) unary } ;
    unary       = { "-" } primary ;
    primary     = literal | column | call | "(" disjunction ")" ;
    call        = function "(" [ disjunction { "," disjunction } ] ")" ;
    function    = "abs" | "isnull" | "isna" | "notnull" | "notna" | "contains"
                | "startswith" | "endswith" | "lower" | "upper" | "len" ;
    list        = "[" [ item { "," item } [ "," ] ] "]" ;
    item        = [ "-" ] NUMBER | literal ;
    literal     = STRING | NUMBER | boolean | null | date ;
    date        = "date" "(" STRING ")" ;
    boolean     = "true" | "false" | "True" | "False" ;
    null        = "null" | "None" ;
    column      = NAME | "`" any text, with \\` and \\\\ escaped "`" ;

A chain such as ``0 < x < 1`` means ``0 < x and x < 1``, as in Python. ``&``,
``|`` and ``~`` are spellings of ``and``, ``or`` and ``not`` and bind like them,
as in ``DataFrame.query``. A NAME is ASCII letters, digits and underscores; it
must be a column of the table, and the words of the grammar and Python's
keywords are never column names unless written in backticks.

Design notes:

- The parser is a recursive descent over the tokens of :mod:`.lexer`. Every
  construct that nests (parentheses, calls, ``not``, unary minus) counts one
  level against :data:`~.lexer.MAX_DEPTH` *before* it descends, so the Python
  stack stays shallow whatever the text. Runs of the same operator make one
  n-ary node (``a and b and c`` is one :class:`~.tree.And`), so long flat texts
  give shallow trees too.
- Types are checked here where the text alone tells them (a number compared
  with quoted text, ``contains(x, 1)``, a filter that is not a condition). What
  depends on the table's dtypes is checked by :mod:`.evaluate`.
- Each node records the position of its first token, for error messages.
"""

from __future__ import annotations

import datetime
import difflib
import heapq
import keyword
from collections.abc import Callable, Iterable
from functools import partial

from symphony.language.lexer import (
    MAX_DEPTH,
    MAX_LIST_ITEMS,
    FilterError,
    Token,
    quote,
    shorten,
    tokenize,
)
from symphony.language.tree import (
    BOOLEAN_WORDS,
    COMPARE_OPS,
    GRAMMAR_WORDS,
    KIND_NAMES,
    NULL_WORDS,
    PRODUCT_OPS,
    SUM_OPS,
    And,
    Arithmetic,
    Boolean,
    Call,
    Column,
    Compare,
    Date,
    Expression,
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
    format_name,
    is_bare_name,
    quote_name,
    show,
)

FUNCTIONS = (
    "abs",
    "contains",
    "date",
    "endswith",
    "isna",
    "isnull",
    "len",
    "lower",
    "notna",
    "notnull",
    "startswith",
    "upper",
)
_ALIASES = {"isna": "isnull", "notna": "notnull"}
_TEXT_TESTS = ("contains", "startswith", "endswith")
_TEXT_CHANGES = ("lower", "upper", "len")

_KEYWORD_MESSAGES = {
    "lambda": "lambda functions are not allowed",
    "for": "comprehensions and loops ('for') are not allowed",
    "if": "conditional expressions ('if ... else') are not allowed",
    "else": "conditional expressions ('if ... else') are not allowed",
    "is": "'is' is not allowed; to find missing values write isnull(x) or x == null",
    "import": "imports are not allowed",
    "from": "imports are not allowed",
}

_SUGGESTION_POOL = 40
_ASSIGNMENT_MESSAGE = (
    "'=' is not allowed: to compare, write '=='; assignments are not allowed"
)
_IN_CHAIN_MESSAGE = "'in' cannot be chained with other comparisons; add parentheses"
_DATE_EXAMPLE = 'date("2024-01-31") or date("2024-01-31T10:00")'


def parse(text: str, columns: Iterable[str]) -> Expression:
    """Parse a filter text against the column names of a table.

    Parameters
    ----------
    text : str
        The filter, such as ``label != prediction and score < 0.6``. Empty or
        blank text means no filter: every instance is kept.
    columns : sequence of str
        The column names of the table; other names in the text are errors.
        Labels that are not strings are ignored.

    Returns
    -------
    Expression
        The parsed filter, ready to evaluate.

    Raises
    ------
    FilterError
        When the text is not a valid filter; the error says what was expected,
        what was found and where.

    Examples
    --------
    >>> text = "abs(score - 0.5) < 0.1 and `my col` in ['a', 'b']"
    >>> expr = parse(text, ["score", "my col"])
    >>> print(expr)
    abs(score - 0.5) < 0.1 and `my col` in ["a", "b"]
    >>> parse("lable == 1", ["label"])
    Traceback (most recent call last):
    ...
    symphony.language.FilterError: 'lable' is not a column; did you mean 'label'?
      lable == 1
      ^
    """
    if not isinstance(text, str):
        raise TypeError(f"a filter must be a str, not {type(text).__name__}")
    if isinstance(columns, str):
        raise TypeError("columns must be a sequence of column names, not one str")
    names = tuple(name for name in columns if isinstance(name, str))
    tokens = tokenize(text)
    tree = _Parser(text, tokens, names).run()
    return Expression(tree, text)


class _Parser:
    """Recursive descent over the tokens of one text."""

    def __init__(self, text: str, tokens: list[Token], columns: tuple[str, ...]):
        self.text = text
        self.tokens = tokens
        self.columns = columns
        self.column_set = frozenset(columns)
        self.index = 0
        self.depth = 0
        self.open: list[str] = []

    # -- token helpers ---------------------------------------------------------------

    @property
    def current(self) -> Token:
        """The token under the cursor."""
        return self.tokens[self.index]

    def _peek(self, ahead: int = 1) -> Token:
        """The token ``ahead`` places after the cursor (the end token past the end)."""
        return self.tokens[min(self.index + ahead, len(self.tokens) - 1)]

    def _previous(self) -> Token | None:
        """The token before the cursor, if any."""
        return self.tokens[self.index - 1] if self.index > 0 else None

    def _advance(self) -> Token:
        """Move past the current token and return it."""
        token = self.tokens[self.index]
        self.index = min(self.index + 1, len(self.tokens) - 1)
        return token

    def _at_op(self, *values: str) -> bool:
        """True when the current token is one of the operators ``values``."""
        return self.current.kind == "op" and self.current.value in values

    def _at_word(self, *words: str, token: Token | None = None) -> bool:
        """True when the token (default: current) is one of the bare ``words``."""
        token = token or self.current
        return token.kind == "name" and token.value in words

    def _fail(self, message: str, position: int | None) -> FilterError:
        """Build an error about this text."""
        return FilterError(message, self.text, position)

    def _enter(self, token: Token) -> None:
        """Count one level of nesting, refusing to go past the limit."""
        if self.depth >= MAX_DEPTH:
            raise self._fail(
                f"the filter nests too deeply: at most {MAX_DEPTH} levels of parentheses, "
                f"calls, 'not' and minus signs are allowed",
                token.position,
            )
        self.depth += 1

    def _expect_op(self, value: str, note: str) -> Token:
        """Consume the operator ``value`` or fail saying it was expected."""
        if not self._at_op(value):
            raise self._unexpected(quote(value), note)
        return self._advance()

    # -- grammar ---------------------------------------------------------------------

    def run(self) -> Node | None:
        """Parse the whole text; None for an empty filter."""
        if self.current.kind == "end":
            return None
        tree = self._disjunction()
        if self.current.kind != "end":
            note = "there is no '(' for it to close" if self._at_op(")") else ""
            raise self._unexpected("'and', 'or' or the end of the text", note)
        self._check_condition(tree, "a filter")
        return tree

    def _disjunction(self) -> Node:
        """disjunction = conjunction { ("or" | "|") conjunction }"""
        return self._junction(Or, "|", self._conjunction)

    def _conjunction(self) -> Node:
        """conjunction = negation { ("and" | "&") negation }"""
        return self._junction(And, "&", self._negation)

    def _junction(
        self, node_class: type[Junction], symbol: str, parse_operand: Callable[[], Node]
    ) -> Node:
        """Parse a run of one logical word (or its symbol) into one n-ary node."""
        operands = [parse_operand()]
        while self._at_word(node_class.word) or self._at_op(symbol):
            self._advance()
            operands.append(parse_operand())
        if len(operands) == 1:
            return operands[0]
        for operand in operands:
            self._check_condition(operand, f"each side of {quote(node_class.word)}")
        return node_class(tuple(operands), position=operands[0].position)

    def _negation(self) -> Node:
        """negation = { "not" | "~" } comparison"""
        prefixes = []
        while (self._at_word("not") and not self._at_word("in", token=self._peek())) or (
            self._at_op("~")
        ):
            self._enter(self.current)
            prefixes.append(self._advance())
        node = self._comparison()
        for token in reversed(prefixes):
            self._check_condition(node, quote(str(token.value)))
            node = Not(node, position=token.position)
        self.depth -= len(prefixes)
        return node

    def _comparison(self) -> Node:
        """comparison = sum [ membership | chain ]"""
        first = self._sum()
        if self._at_word("in") or (
            self._at_word("not") and self._at_word("in", token=self._peek())
        ):
            node = self._membership(first)
            if self._at_op(*COMPARE_OPS) or self._at_word("in", "not"):
                raise self._fail(_IN_CHAIN_MESSAGE, self.current.position)
            return node
        if self._at_word("not"):
            self._advance()
            raise self._unexpected("'in'")
        if not self._at_op(*COMPARE_OPS):
            return first
        operands, operators = [first], []
        while self._at_op(*COMPARE_OPS):
            operators.append(str(self._advance().value))
            operands.append(self._sum())
        if self._at_word("in") or self._at_word("not"):
            raise self._fail(_IN_CHAIN_MESSAGE, self.current.position)
        node = Compare(tuple(operands), tuple(operators), position=first.position)
        self._check_compare(node)
        return node

    def _membership(self, operand: Node) -> Node:
        """membership = [ "not" ] "in" list"""
        negated = self._at_word("not")
        if negated:
            self._advance()
        self._advance()
        if not self._at_op("["):
            raise self._unexpected("a list such as [1, 2]")
        items = self._list()
        node = Membership(operand, items, negated, position=operand.position)
        self._check_membership(node)
        return node

    def _list(self) -> tuple[Node, ...]:
        """list = "[" [ item { "," item } [ "," ] ] "]" """
        opening = self._advance()
        items: list[Node] = []
        while not self._at_op("]"):
            if len(items) >= MAX_LIST_ITEMS:
                raise self._fail(
                    f"a list may hold at most {MAX_LIST_ITEMS:,} items",
                    self.current.position,
                )
            items.append(self._list_item(opening))
            if self._at_op(","):
                self._advance()
            elif not self._at_op("]"):
                raise self._unexpected(
                    "',' or ']'", "a list holds values separated by commas"
                )
        self._advance()
        return tuple(items)

    def _list_item(self, opening: Token) -> Node:
        """item = [ "-" ] NUMBER | literal"""
        token = self.current
        if self._at_op("-") and self._peek().kind == "number":
            self._advance()
            number = self._advance().value
            return Number(-number, position=token.position)
        literal = self._literal()
        if literal is not None:
            return literal
        self._refuse_comprehension(opening)
        raise self._unexpected(
            "a value",
            'a list holds only literal values, such as 1, "text", true, null or '
            'date("2024-01-31")',
        )

    def _sum(self) -> Node:
        """sum = product { ("+" | "-") product }"""
        return self._chain(self._product, SUM_OPS)

    def _product(self) -> Node:
        """product = unary { ("*" | "/" | "%") unary }"""
        return self._chain(self._unary, PRODUCT_OPS)

    def _chain(self, parse_operand: Callable[[], Node], operators: tuple[str, ...]) -> Node:
        """Parse a left-to-right run of one precedence level."""
        operands = [parse_operand()]
        seen: list[str] = []
        while self._at_op(*operators):
            seen.append(str(self._advance().value))
            operands.append(parse_operand())
        if not seen:
            return operands[0]
        for operand, operator in zip(operands, [seen[0], *seen], strict=True):
            self._check_number(operand, quote(operator))
        return Arithmetic(tuple(operands), tuple(seen), position=operands[0].position)

    def _unary(self) -> Node:
        """unary = { "-" } primary"""
        signs = []
        while self._at_op("-"):
            self._enter(self.current)
            signs.append(self._advance())
        node = self._primary()
        for sign in reversed(signs):
            self._check_number(node, "'-'")
            if isinstance(node, Number):
                node = Number(-node.value, position=sign.position)
            else:
                node = Negative(node, position=sign.position)
        self.depth -= len(signs)
        return node

    def _primary(self) -> Node:
        """primary = literal | column | call | "(" disjunction ")" """
        token = self.current
        if self._at_op("("):
            node = self._group()
        elif self._at_op("["):
            self._refuse_comprehension(token)
            raise self._fail(
                "a list [...] is only allowed after 'in' or 'not in'", token.position
            )
        elif (
            token.kind == "name" and self._peek().kind == "op" and self._peek().value == "("
        ):
            node = self._call()
        else:
            node = self._literal() or self._column()
        self._refuse_postfix(node)
        return node

    def _group(self) -> Node:
        """'(' disjunction ')'"""
        opening = self._advance()
        self._enter(opening)
        if self._at_op(")"):
            raise self._fail(
                "empty parentheses: write a condition or a value between them",
                opening.position,
            )
        self.open.append("(")
        node = self._disjunction()
        self._expect_op(")", f"the '(' at column {opening.position + 1} is never closed")
        self.open.pop()
        self.depth -= 1
        return node

    def _literal(self) -> Node | None:
        """literal = STRING | NUMBER | boolean | null | date; None when not at one."""
        token = self.current
        if token.kind == "string":
            self._advance()
            return Text(str(token.value), position=token.position)
        if token.kind == "number":
            self._advance()
            return Number(token.value, position=token.position)
        if token.kind != "name":
            return None
        if token.value in BOOLEAN_WORDS:
            self._advance()
            return Boolean(BOOLEAN_WORDS[str(token.value)], position=token.position)
        if token.value in NULL_WORDS:
            self._advance()
            return Null(position=token.position)
        if (
            token.value == "date"
            and self._peek().kind == "op"
            and self._peek().value == "("
        ):
            return self._date()
        return None

    def _date(self) -> Node:
        """date = "date" "(" STRING ")"; the text must be an ISO date or date-time."""
        name = self._advance()
        self._advance()
        argument = self.current
        if argument.kind != "string":
            raise self._unexpected("quoted text", f"write dates as {_DATE_EXAMPLE}")
        self._advance()
        self._expect_op(")", "date() takes one quoted date")
        value = str(argument.value)
        if not _is_iso_date(value):
            raise self._fail(
                f"date() needs a date such as {_DATE_EXAMPLE}; found {quote(value)}",
                argument.position,
            )
        return Date(value, position=name.position)

    def _call(self) -> Node:
        """call = function "(" [ disjunction { "," disjunction } ] ")" """
        name = self.current
        function = str(name.value)
        if function == "date":
            return self._date()
        self._refuse_keyword(name)
        if function not in FUNCTIONS:
            raise self._refuse_function(name)
        self._advance()
        opening = self._advance()
        self._enter(opening)
        arguments: list[Node] = []
        self.open.append(function)
        if not self._at_op(")"):
            arguments.append(self._disjunction())
            while self._at_op(","):
                self._advance()
                arguments.append(self._disjunction())
        if not self._at_op(")"):
            raise self._unexpected(
                "',' or ')'",
                f"the call to {function}() at column {name.position + 1} is never closed",
            )
        self._advance()
        self.open.pop()
        self.depth -= 1
        canonical = _ALIASES.get(function, function)
        node = Call(canonical, tuple(arguments), position=name.position)
        self._check_call(node, function)
        return node

    def _column(self) -> Node:
        """column = NAME | backticked name; it must be a column of the table."""
        token = self.current
        if token.kind == "quoted_name":
            name = str(token.value)
            if name not in self.column_set:
                raise self._fail(
                    self._unknown_name_message(name, quoted=True), token.position
                )
            self._advance()
            return Column(name, position=token.position)
        if token.kind != "name" or token.value in GRAMMAR_WORDS:
            raise self._unexpected("a value")
        self._refuse_keyword(token)
        name = str(token.value)
        self._refuse_attribute(token)
        self._refuse_assignment(token)
        if name not in self.column_set:
            raise self._fail(self._unknown_name_message(name, quoted=False), token.position)
        self._advance()
        return Column(name, position=token.position)

    # -- refusals ----------------------------------------------------------------------

    def _unexpected(self, expected: str, note: str = "") -> FilterError:
        """Say what was expected here and what was found instead, and maybe why."""
        token = self.current
        if token.kind == "refused":
            return self._fail(str(token.value), token.position)
        self._refuse_keyword(token)
        if self._at_op("="):
            return self._fail(_ASSIGNMENT_MESSAGE, token.position)
        if self._at_op("."):
            return self._fail("attribute access with '.' is not allowed", token.position)
        previous = self._previous()
        after = ""
        if previous is not None and previous.kind != "end":
            after = f" after {previous.describe()}"
        message = (
            f"expected {expected}{after} at column {token.position + 1}, "
            f"found {token.describe()}"
        )
        return self._fail(f"{message}; {note}" if note else message, token.position)

    def _refuse_keyword(self, token: Token) -> None:
        """Refuse Python keywords, which mean nothing in a filter."""
        if token.kind != "name" or token.value in GRAMMAR_WORDS:
            return
        word = str(token.value)
        if not keyword.iskeyword(word):
            return
        message = _KEYWORD_MESSAGES.get(
            word, f"{quote(word)} is a Python keyword and is not allowed in a filter"
        )
        if word in self.column_set:
            message += _backtick_hint(word)
        raise self._fail(message, token.position)

    def _refuse_function(self, name: Token) -> FilterError:
        """Explain that only the listed functions can be called."""
        function = str(name.value)
        allowed = ", ".join(FUNCTIONS)
        if function in self.column_set:
            message = f"{quote(function)} is a column, not a function"
        else:
            message = f"function {quote(function)} is not allowed"
        return self._fail(f"{message}; allowed functions are {allowed}", name.position)

    def _refuse_attribute(self, token: Token) -> None:
        """Refuse ``name.attribute`` and ``name[...]`` before looking the name up."""
        following = self._peek()
        if following.kind != "op" or following.value not in (".", "["):
            return
        name = str(token.value)
        if following.value == ".":
            after = self._peek(2)
            dotted = f"{name}.{after.value}" if after.kind == "name" else None
            message = f"attribute access {quote(dotted or name + '.')} is not allowed"
            if dotted in self.column_set:
                message += _backtick_hint(dotted)
            raise self._fail(message, following.position)
        message = f"subscripts such as {quote(name + '[...]')} are not allowed"
        matches = [col for col in self.columns if col.startswith(name + "[")][:1]
        if matches:
            message += _backtick_hint(shorten(matches[0]))
        raise self._fail(message, following.position)

    def _refuse_assignment(self, token: Token) -> None:
        """Refuse ``name = ...``: a keyword argument inside a call, else an assignment."""
        following = self._peek()
        if following.kind == "refused" and following.end - following.position == 2:
            raise self._fail(str(following.value), following.position)
        if following.kind != "op" or following.value != "=":
            return
        if self.open and self.open[-1] != "(":
            function = self.open[-1]
            raise self._fail(
                f"keyword arguments such as {quote(str(token.value) + '=')} are not "
                f"allowed; {function}() takes its arguments in order",
                token.position,
            )
        raise self._fail(_ASSIGNMENT_MESSAGE, following.position)

    def _refuse_postfix(self, node: Node) -> None:
        """Refuse '.', '[' or '(' after a value: no attributes, subscripts or calls."""
        token = self.current
        if token.kind != "op" or token.value not in (".", "[", "("):
            return
        shown = quote(shorten(str(node)))
        if token.value == ".":
            message = f"attribute access on {shown} is not allowed"
        elif token.value == "[":
            message = f"subscripts on {shown} are not allowed"
        else:
            message = (
                f"calling {shown} is not allowed; only the functions "
                f"{', '.join(FUNCTIONS)} can be called"
            )
        raise self._fail(message, token.position)

    def _refuse_comprehension(self, opening: Token) -> None:
        """Refuse ``[... for ...]`` with a message that names comprehensions."""
        level = 0
        for token in self.tokens[self.tokens.index(opening) :]:
            if token.kind == "op" and token.value in "([":
                level += 1
            elif token.kind == "op" and token.value in ")]":
                level -= 1
                if level == 0:
                    return
            elif level == 1 and self._at_word("for", token=token):
                raise self._fail(
                    "comprehensions ('[... for ...]') are not allowed", opening.position
                )

    def _unknown_name_message(self, name: str, quoted: bool) -> str:
        """Say that a name is not a column, with close matches or a backtick hint."""
        shown = shorten(format_name(name)) if quoted else quote(name)
        message = f"{shown} is not a column"
        if not quoted and name.startswith("__"):
            return message + "; names starting with '__' are not allowed"
        hint = self._suggest_columns(name, quoted)
        return f"{message}; {hint}" if hint else message

    def _suggest_columns(self, name: str, quoted: bool) -> str:
        """Suggest close column names, or backticks for a name cut short by a space."""
        if not quoted:
            starts = [
                column
                for column in self.columns
                if column.startswith(name)
                and len(column) > len(name)
                and not is_bare_name(column[: len(name) + 1])
            ]
            if starts:
                shown = quote_name(starts[0])
                return (
                    f"did you mean {shown}? Names with spaces, dots or other characters "
                    f"go in backticks"
                )
        if len(name) > 100 or not self.columns:
            return ""
        matches = _close_matches(name, self.columns)
        if not matches:
            return ""
        shown = [quote_name(match) for match in matches]
        listed = shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]
        return f"did you mean {listed}?"

    # -- type checks --------------------------------------------------------------------

    def _check_condition(self, node: Node, where: str) -> None:
        """Require a condition (true/false for each instance) at ``where``."""
        kind = node.kind
        if kind is None or kind == "boolean":
            return
        found = f"{show(node)}, which is {KIND_NAMES[kind]}"
        raise self._fail(condition_message(where, found), node.position)

    def _check_number(self, node: Node, operator: str) -> None:
        """Require a number (or a column, checked later) around an arithmetic operator."""
        kind = node.kind
        if kind is None or kind == "number":
            return
        raise self._fail(
            f"arithmetic with {operator} needs numbers; found {show(node)}, "
            f"which is {KIND_NAMES[kind]}",
            node.position,
        )

    def _check_compare(self, node: Compare) -> None:
        """Refuse comparisons whose two sides can never be compared."""
        pairs = zip(node.operands, node.operators, node.operands[1:], strict=False)
        for left, operator, right in pairs:
            message = compare_problem(left.kind, operator, right.kind)
            if message:
                shown = f"{show(left)} {operator} {show(right)}"
                raise self._fail(f"cannot compare {shown}: {message}", right.position)

    def _check_membership(self, node: Membership) -> None:
        """Refuse list items that can never equal the tested value."""
        kind = node.operand.kind
        if kind in (None, "null"):
            return
        for item in node.items:
            if item.kind not in (kind, "null"):
                raise self._fail(
                    f"the list holds {show(item)}, which is {KIND_NAMES[item.kind]}, "
                    f"but {show(node.operand)} is {KIND_NAMES[kind]}",
                    item.position,
                )

    def _check_call(self, node: Call, written: str) -> None:
        """Check the number and kinds of a call's arguments."""
        function = node.function
        expected = 2 if function in _TEXT_TESTS else 1
        if len(node.arguments) != expected:
            raise self._fail(
                f"{written}() takes {expected} argument{'s' if expected > 1 else ''} "
                f"({_signature(function)}); found {len(node.arguments)}",
                node.position,
            )
        first = node.arguments[0]
        if function == "abs":
            self._check_number(first, "abs()")
        elif function in _TEXT_TESTS or function in _TEXT_CHANGES:
            self._check_text_argument(node, first, written)
        if function in _TEXT_TESTS and not isinstance(node.arguments[1], Text):
            second = node.arguments[1]
            raise self._fail(
                f"the second argument of {written}() must be quoted text, such as "
                f'{written}(caption, "dog"); found {show(second)}',
                second.position,
            )

    def _check_text_argument(self, node: Call, first: Node, written: str) -> None:
        """The first argument of a text function must be a column or a text function."""
        if first.kind in (None, "text") and not isinstance(first, Text):
            return
        raise self._fail(
            f"the first argument of {written}() must be a column of text, such as "
            f"{written}({_signature(node.function)}); found {show(first)}",
            first.position,
        )


def _close_matches(name: str, columns: tuple[str, ...]) -> list[str]:
    """Up to three column names close to ``name``, quickly even for wide tables.

    difflib compares ``name`` with every candidate at a cost that grows with the
    product of their lengths; on a table of thousands of similar names that takes
    a tenth of a second. Shared pairs of letters pick the 40 likeliest first.
    """
    if len(columns) > _SUGGESTION_POOL:
        wanted = _letter_pairs(name)
        columns = tuple(
            heapq.nlargest(_SUGGESTION_POOL, columns, key=partial(_shared_pairs, wanted))
        )
    return difflib.get_close_matches(name, columns, n=3, cutoff=0.6)


def _letter_pairs(text: str) -> frozenset[str]:
    """The pairs of adjacent letters in ``text``, ignoring case."""
    folded = text.casefold()
    return frozenset(folded[i : i + 2] for i in range(len(folded) - 1)) or frozenset(
        [folded]
    )


def _shared_pairs(wanted: frozenset[str], column: str) -> int:
    """How many letter pairs ``column`` shares with the unknown name."""
    return len(wanted & _letter_pairs(column))


def _backtick_hint(name: str) -> str:
    """Tell how to write ``name`` so that it means the column of that name."""
    return f"; to mean the column, write it in backticks: `{name}`"


def _signature(function: str) -> str:
    """The arguments of ``function`` as shown in messages."""
    if function in _TEXT_TESTS:
        return 'caption, "dog"'
    if function in _TEXT_CHANGES:
        return "caption"
    return "x"


def _is_iso_date(text: str) -> bool:
    """True for YYYY-MM-DD, optionally followed by T or a space and HH:MM[:SS[.ffffff]]."""
    if len(text) not in (10, 16, 19) and not 21 <= len(text) <= 26:
        return False
    pattern = "dddd-dd-dd?dd:dd:dd.dddddd"
    for char, expected in zip(text, pattern, strict=False):
        if expected == "d" and char not in "0123456789":
            return False
        if expected == "?" and char not in "T ":
            return False
        if expected not in "d?" and char != expected:
            return False
    try:
        datetime.datetime.fromisoformat(text)
    except ValueError:
        return False
    return True
