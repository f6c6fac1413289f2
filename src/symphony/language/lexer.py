"""Split filter text into tokens, and the error every stage of the language raises.

The lexer walks the text once, left to right, one character at a time: there is
no regular expression and no backtracking, so its cost is linear in the length
of the text, which is itself bounded by :data:`MAX_TEXT_LENGTH`. Characters that
can only mean Python (``@``, ``{``, ``:``, ``;``, ``**`` ...) and characters that
can hide what the text says (control characters, bidirectional overrides,
surrogates) are refused here, with a message that names them.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass

MAX_TEXT_LENGTH = 2000
MAX_DEPTH = 32
MAX_LIST_ITEMS = 1000
MAX_DIGITS = 50

_WINDOW = 72
_SHORT = 40

_ASCII_LETTERS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_DIGITS = frozenset("0123456789")
_NAME_CHARS = _ASCII_LETTERS | _DIGITS
_WHITESPACE = frozenset(" \t\n\r")
_QUOTES = frozenset("'\"")
_SINGLE_OPS = frozenset("+-*/%()[],&|~<>=.")
_DOUBLE_OPS = frozenset(("==", "!=", "<=", ">="))
_HIDDEN_CATEGORIES = frozenset(("Cc", "Cf", "Cs", "Zl", "Zp"))
_CATEGORY_NAMES = {
    "Cc": "a control character",
    "Cf": "a format character",
    "Cs": "a surrogate",
    "Co": "a private-use character",
    "Cn": "an unassigned code point",
}
_STRING_PREFIXES = frozenset(("r", "b", "u", "f", "rb", "br", "fr", "rf"))

_REFUSED = {
    "**": "'**' (power) is not allowed; only + - * / % are",
    "//": "'//' (floor division) is not allowed; use '/'",
    "<<": "'<<' (bit shift) is not allowed",
    ">>": "'>>' (bit shift) is not allowed",
    ":=": "':=' (assignment) is not allowed; to compare, write '=='",
    "<>": "'<>' is not allowed; write '!='",
    "@": "'@' references to Python variables are not allowed; write the value itself",
    "{": "braces are not allowed: a filter has no sets or dicts",
    "}": "braces are not allowed: a filter has no sets or dicts",
    ":": "':' is not allowed: a filter has no slices, dicts or lambdas",
    ";": "';' is not allowed: a filter is a single expression",
    "#": "'#' comments are not allowed",
    "\\": "a backslash is only allowed inside quoted text",
    "^": "'^' is not allowed; use 'and', 'or' and 'not'",
    "!": "'!' is not allowed; write 'not' to negate or '!=' to compare",
    "$": "'$' is not allowed",
    "?": "'?' is not allowed",
}


class FilterError(ValueError):
    """A filter text that cannot be parsed or evaluated.

    Parameters
    ----------
    message : str
        What was expected and what was found, in one sentence.
    text : str
        The filter text the message is about.
    position : int or None
        0-based index into ``text`` of the problem, or None when the problem
        is not at one place.

    Examples
    --------
    >>> err = FilterError("expected a value after '>', found end of text", "score >", 7)
    >>> print(err)
    expected a value after '>', found end of text
      score >
             ^
    >>> err.position
    7
    """

    __module__ = "symphony.language"  # where users import it from; shown in tracebacks

    def __init__(self, message: str, text: str = "", position: int | None = None):
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = position

    def __str__(self) -> str:
        if not self.text:
            return self.message
        shown, offset = _window(self.text, self.position)
        lines = [self.message, "  " + shown]
        if offset is not None:
            lines.append("  " + " " * offset + "^")
        return "\n".join(lines)


@dataclass(frozen=True)
class Token:
    """One token: its kind, its value, and where it sits in the text.

    ``kind`` is one of ``"name"`` (a bare identifier), ``"quoted_name"`` (a
    backticked name), ``"string"``, ``"number"``, ``"op"``, ``"refused"`` (a
    character the language does not allow; ``value`` is the message) and
    ``"end"``.
    """

    kind: str
    value: object
    position: int
    end: int

    def describe(self) -> str:
        """Say what this token is, for the 'found ...' part of a message."""
        if self.kind == "end":
            return "end of text"
        if self.kind == "string":
            return f"the text {quote(str(self.value))}"
        if self.kind == "number":
            return f"the number {self.value!r}"
        if self.kind == "quoted_name":
            escaped = str(self.value).replace("\\", "\\\\").replace("`", "\\`")
            return "`" + shorten(escaped) + "`"
        return quote(str(self.value))


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens, ending with one ``"end"`` token.

    Parameters
    ----------
    text : str
        The filter text, at most :data:`MAX_TEXT_LENGTH` characters.

    Returns
    -------
    list of Token
        The tokens in order; the last one has kind ``"end"``.

    Raises
    ------
    FilterError
        When the text is too long or holds a character, quote or number that
        the language does not allow.

    Examples
    --------
    >>> [(t.kind, t.value) for t in tokenize("score >= .5")]
    [('name', 'score'), ('op', '>='), ('number', 0.5), ('end', None)]
    """
    check_length(text)
    return _Lexer(text).run()


def check_length(text: str) -> None:
    """Refuse a text longer than :data:`MAX_TEXT_LENGTH`."""
    if len(text) > MAX_TEXT_LENGTH:
        raise FilterError(
            f"a filter may be at most {MAX_TEXT_LENGTH:,} characters long; "
            f"this one has {len(text):,}",
            text,
            MAX_TEXT_LENGTH,
        )


def quote(value: str) -> str:
    """Quote user text for a message, shortened and with hidden characters shown."""
    return "'" + shorten(value) + "'"


def shorten(value: str) -> str:
    """Shorten a piece of user text and show hidden characters as escapes."""
    if len(value) > _SHORT:
        value = value[:_SHORT] + "..."
    return "".join(_show_char(char) for char in value)


def describe_char(char: str) -> str:
    """Name a character for a message: itself when visible, else its code point and name."""
    if char.isprintable() and not char.isspace():
        return repr(char)
    category = unicodedata.category(char)
    name = unicodedata.name(char, "") or _CATEGORY_NAMES.get(category, "unnamed")
    return f"U+{ord(char):04X} ({name})"


class _Lexer:
    """A single left-to-right pass over the text."""

    def __init__(self, text: str):
        self.text = text
        self.index = 0
        self.tokens: list[Token] = []

    def run(self) -> list[Token]:
        """Read every token of the text."""
        text = self.text
        while self.index < len(text):
            char = text[self.index]
            if char in _WHITESPACE:
                self.index += 1
            elif char in _ASCII_LETTERS:
                self._read_name()
            elif char in _DIGITS or (char == "." and self._peek(1) in _DIGITS):
                self._read_number()
            elif char in _QUOTES:
                self._read_string()
            elif char == "`":
                self._read_backticks()
            else:
                self._read_operator()
        self.tokens.append(Token("end", None, len(text), len(text)))
        return self.tokens

    def _peek(self, ahead: int) -> str:
        """The character ``ahead`` places on, or '' past the end."""
        index = self.index + ahead
        return self.text[index] if index < len(self.text) else ""

    def _fail(self, message: str, position: int) -> FilterError:
        """Build an error about this text."""
        return FilterError(message, self.text, position)

    def _read_name(self) -> None:
        """Read a bare identifier made of ASCII letters, digits and underscores."""
        start = self.index
        end = self._skip(_NAME_CHARS, start)
        name = self.text[start:end]
        following = self.text[end] if end < len(self.text) else ""
        if following in _QUOTES and name.lower() in _STRING_PREFIXES:
            raise self._refuse_prefix(name, start)
        if following and not following.isascii() and _is_word_char(following):
            raise self._refuse_non_ascii(start, end)
        self.tokens.append(Token("name", name, start, end))
        self.index = end

    def _refuse_prefix(self, prefix: str, start: int) -> FilterError:
        """Explain that f-strings and other string prefixes are not allowed."""
        if "f" in prefix.lower():
            return self._fail("f-strings are not allowed; write plain quoted text", start)
        return self._fail(
            f"string prefixes such as {prefix}'...' are not allowed; "
            f"write plain quoted text",
            start,
        )

    def _refuse_non_ascii(self, start: int, position: int) -> FilterError:
        """Explain that names with non-ASCII letters go in backticks."""
        end = position
        while end < len(self.text) and _is_word_char(self.text[end]):
            end += 1
        word = self.text[start:end]
        return self._fail(
            f"character {describe_char(self.text[position])} is not allowed outside "
            f"quotes; write a column name with non-ASCII letters in backticks, such as "
            f"`{shorten(word)}`",
            position,
        )

    def _skip(self, allowed: frozenset[str], index: int) -> int:
        """Index of the first character from ``index`` on that is not in ``allowed``."""
        text = self.text
        while index < len(text) and text[index] in allowed:
            index += 1
        return index

    def _read_number(self) -> None:
        """Read an integer or a float such as 12, 0.5, .5, 1e-3 or 2.5E+4."""
        start = self.index
        end = self._skip(_DIGITS, start)
        is_float = False
        if end < len(self.text) and self.text[end] == ".":
            is_float = True
            end = self._skip(_DIGITS, end + 1)
        if end < len(self.text) and self.text[end] in "eE":
            exponent = end + 1
            if exponent < len(self.text) and self.text[exponent] in "+-":
                exponent += 1
            if exponent < len(self.text) and self.text[exponent] in _DIGITS:
                is_float = True
                end = self._skip(_DIGITS, exponent)
        self._check_number_end(start, end)
        self.tokens.append(
            Token("number", self._convert_number(start, end, is_float), start, end)
        )
        self.index = end

    def _check_number_end(self, start: int, end: int) -> None:
        """Refuse a number glued to letters or dots, such as 0x1F, 1_000 or 1.2.3."""
        if end >= len(self.text):
            return
        following = self.text[end]
        if following in _NAME_CHARS or following == "." or _is_word_char(following):
            stop = end
            while stop < len(self.text) and (
                self.text[stop] in _NAME_CHARS or self.text[stop] == "."
            ):
                stop += 1
            found = self.text[start : max(stop, end + 1)]
            raise self._fail(
                f"{quote(found)} is not a number; write numbers such as 12, 0.5 or 1e-3",
                start,
            )

    def _convert_number(self, start: int, end: int, is_float: bool) -> int | float:
        """Turn the digits between ``start`` and ``end`` into an int or a float."""
        literal = self.text[start:end]
        digits = sum(1 for char in literal if char in _DIGITS)
        if digits > MAX_DIGITS:
            raise self._fail(
                f"a number may have at most {MAX_DIGITS} digits; this one has {digits}",
                start,
            )
        if not is_float:
            return int(literal)
        value = float(literal)
        if math.isinf(value):
            raise self._fail(f"the number {quote(literal)} is too large", start)
        return value

    def _read_string(self) -> None:
        """Read quoted text; backslash escapes the quotes and the backslash."""
        start = self.index
        value, end = self._read_quoted(self.text[start], "quoted text")
        self.tokens.append(Token("string", value, start, end))
        self.index = end

    def _read_backticks(self) -> None:
        """Read a column name in backticks."""
        start = self.index
        value, end = self._read_quoted("`", "a name in backticks")
        if not value:
            raise self._fail("empty backticks: write a column name between them", start)
        self.tokens.append(Token("quoted_name", value, start, end))
        self.index = end

    def _read_quoted(self, closing: str, what: str) -> tuple[str, int]:
        """Read from the opening quote to ``closing``; return the value and end index."""
        text = self.text
        start = self.index
        index = start + 1
        parts: list[str] = []
        while index < len(text):
            char = text[index]
            if char == closing:
                return "".join(parts), index + 1
            if char == "\\":
                parts.append(self._read_escape(index))
                index += 2
                continue
            if unicodedata.category(char) in _HIDDEN_CATEGORIES:
                raise self._fail(
                    f"character {describe_char(char)} is not allowed in {what}", index
                )
            parts.append(char)
            index += 1
        raise self._fail(
            f"{what} starting at column {start + 1} has no closing {closing}", start
        )

    def _read_escape(self, index: int) -> str:
        """Read the character after a backslash; only quotes and backslash may follow."""
        escaped = self.text[index + 1] if index + 1 < len(self.text) else ""
        if escaped in ("\\", "'", '"', "`"):
            return escaped
        shown = "\\" + escaped if escaped else "\\ at the end"
        raise self._fail(
            f"unknown escape {quote(shown)}; inside quotes a backslash may only come "
            f"before a quote or another backslash",
            index,
        )

    def _read_operator(self) -> None:
        """Read an operator or punctuation, or refuse the character."""
        start = self.index
        pair = self.text[start : start + 2]
        if len(pair) == 2 and pair in _REFUSED:
            self._refuse(_REFUSED[pair], start, start + 2)
            return
        if pair in _DOUBLE_OPS:
            self.tokens.append(Token("op", pair, start, start + 2))
            self.index += 2
            return
        char = self.text[start]
        if char in _SINGLE_OPS:
            self.tokens.append(Token("op", char, start, start + 1))
            self.index += 1
            return
        category = unicodedata.category(char)
        if category in _HIDDEN_CATEGORIES:
            raise self._fail(f"character {describe_char(char)} is not allowed", start)
        if _is_word_char(char):
            raise self._refuse_non_ascii(start, start)
        self._refuse(_refusal_for(char, category), start, start + 1)

    def _refuse(self, message: str, start: int, end: int) -> None:
        """Keep a refused character as a token; the parser reports it when it gets there.

        Refusing late lets a text such as ``lambda x: x`` be reported at its first
        problem, 'lambda', rather than at the colon.
        """
        self.tokens.append(Token("refused", message, start, end))
        self.index = end


def _refusal_for(char: str, category: str) -> str:
    """The message for a visible character that starts no token."""
    if char in _REFUSED:
        return _REFUSED[char]
    if category == "Zs":
        return f"character {describe_char(char)} is not allowed; use an ordinary space"
    return f"character {describe_char(char)} is not allowed"


def _is_word_char(char: str) -> bool:
    """True for letters, digits and underscore in any script."""
    return char == "_" or char.isalnum()


def _show_char(char: str) -> str:
    """Show a character in a message, as an escape when it is hidden or invisible."""
    if char == " " or (char.isprintable() and not char.isspace()):
        return char
    code = ord(char)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _window(text: str, position: int | None) -> tuple[str, int | None]:
    """The part of ``text`` to show under a message, and the caret offset in it."""
    shown = "".join(_show_char_fixed(char) for char in text)
    if position is not None:
        position = max(0, min(position, len(text)))
    if len(shown) <= _WINDOW:
        return shown, position
    center = position if position is not None else 0
    start = max(0, min(center - _WINDOW // 2, len(shown) - _WINDOW))
    end = start + _WINDOW
    prefix = "..." if start > 0 else ""
    suffix = "..." if end < len(shown) else ""
    offset = None if position is None else position - start + len(prefix)
    return prefix + shown[start:end] + suffix, offset


def _show_char_fixed(char: str) -> str:
    """Show a character in one column, so that the caret lines up under it."""
    if char == " " or (char.isprintable() and not char.isspace()):
        return char
    return " " if char in _WHITESPACE else "?"
