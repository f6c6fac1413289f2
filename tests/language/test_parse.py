"""Parsing: the tree, the canonical text, and every error message."""

import pytest

import symphony.language
import symphony.language.parser
from symphony.language import Expression, FilterError, parse
from symphony.language.lexer import MAX_DEPTH, MAX_DIGITS, MAX_TEXT_LENGTH
from symphony.language.tree import (
    And,
    Arithmetic,
    Boolean,
    Call,
    Column,
    Compare,
    Date,
    Membership,
    Negative,
    Not,
    Null,
    Number,
    Or,
    Text,
)

COLUMNS = [
    "score",
    "label",
    "prediction",
    "caption",
    "when",
    "flag",
    "my col",
    "a.b",
    "x[0]",
    "größe",
    "for",
    "date",
    "label_2",
]


def test_public_names():
    assert symphony.language.__all__ == ["Expression", "FilterError", "parse"]
    assert issubclass(FilterError, ValueError)
    assert FilterError.__module__ == "symphony.language"


# -- the tree ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("score > 0.5", Compare((Column("score"), Number(0.5)), (">",))),
        (
            "0 < score <= 1",
            Compare((Number(0), Column("score"), Number(1)), ("<", "<=")),
        ),
        (
            "label == 'a' and score > 1 and flag",
            And(
                (
                    Compare((Column("label"), Text("a")), ("==",)),
                    Compare((Column("score"), Number(1)), (">",)),
                    Column("flag"),
                )
            ),
        ),
        ("flag & flag | flag", Or((And((Column("flag"), Column("flag"))), Column("flag")))),
        ("~flag", Not(Column("flag"))),
        ("not not flag", Not(Not(Column("flag")))),
        (
            "score - 1 - 2 > 0",
            Compare(
                (
                    Arithmetic((Column("score"), Number(1), Number(2)), ("-", "-")),
                    Number(0),
                ),
                (">",),
            ),
        ),
        (
            "score + 2 * score > 0",
            Compare(
                (
                    Arithmetic(
                        (Column("score"), Arithmetic((Number(2), Column("score")), ("*",))),
                        ("+",),
                    ),
                    Number(0),
                ),
                (">",),
            ),
        ),
        ("-score < -1", Compare((Negative(Column("score")), Number(-1)), ("<",))),
        ("score > -(-(1))", Compare((Column("score"), Number(1)), (">",))),
        (
            "`my col` in [1, -2.5, 'a', null, true]",
            Membership(
                Column("my col"),
                (Number(1), Number(-2.5), Text("a"), Null(), Boolean(True)),
            ),
        ),
        ("label not in []", Membership(Column("label"), (), negated=True)),
        ("isna(label)", Call("isnull", (Column("label"),))),
        ("notna(label)", Call("notnull", (Column("label"),))),
        (
            "contains(lower(caption), 'dog')",
            Call("contains", (Call("lower", (Column("caption"),)), Text("dog"))),
        ),
        (
            "when > date('2024-01-31')",
            Compare((Column("when"), Date("2024-01-31")), (">",)),
        ),
        (
            "date > date('2024-01-31')",
            Compare((Column("date"), Date("2024-01-31")), (">",)),
        ),
        ("`for` == True", Compare((Column("for"), Boolean(True)), ("==",))),
        ("label == None", Compare((Column("label"), Null()), ("==",))),
    ],
)
def test_tree(text, tree):
    assert parse(text, COLUMNS).tree == tree


@pytest.mark.parametrize(
    ("literal", "value"),
    [
        ("12", 12),
        ("0.5", 0.5),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e-3", 0.001),
        ("2.5E+2", 250.0),
        ("007", 7),
        ("9" * MAX_DIGITS, int("9" * MAX_DIGITS)),
        ('"dog\'s toy"', "dog's toy"),
        ("'dog\\'s toy'", "dog's toy"),
        ('"say \\"hi\\""', 'say "hi"'),
        ("'back\\\\slash'", "back\\slash"),
        ("''", ""),
        ("'größe ✓'", "größe ✓"),
    ],
)
def test_literals(literal, value):
    tree = parse(f"score == {literal}", COLUMNS).tree
    assert tree.operands[1].value == value


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("`my col` > 1", "my col"),
        ("`a.b` > 1", "a.b"),
        ("`x[0]` > 1", "x[0]"),
        ("`größe` > 1", "größe"),
        ("`for` > 1", "for"),
        ("`score` > 1", "score"),
    ],
)
def test_backticks(text, name):
    assert parse(text, COLUMNS).columns == frozenset([name])


def test_backtick_escapes():
    assert parse("`a\\`b` > 1", ["a`b"]).columns == frozenset(["a`b"])
    assert parse("`a\\\\b` > 1", ["a\\b"]).columns == frozenset(["a\\b"])


def test_columns_attribute():
    expr = parse("label != prediction and abs(score) < `my col`", COLUMNS)
    assert expr.columns == frozenset(["label", "prediction", "score", "my col"])
    assert parse("1 < 2", COLUMNS).columns == frozenset()


@pytest.mark.parametrize("text", ["", " ", "\n\t  \r\n"])
def test_empty_text_means_no_filter(text):
    expr = parse(text, COLUMNS)
    assert expr.tree is None
    assert expr.columns == frozenset()
    assert str(expr) == ""
    assert expr == parse("", [])


def test_columns_accepts_any_sequence_and_skips_non_strings():
    assert parse("a > 1", ("a", 0, 1.5, None)).columns == frozenset(["a"])
    assert parse("a > 1", iter(["a"])).columns == frozenset(["a"])


def test_wrong_argument_types():
    with pytest.raises(TypeError, match="a filter must be a str, not int"):
        parse(1, COLUMNS)
    with pytest.raises(TypeError, match="not one str"):
        parse("score > 1", "score")


# -- the canonical text -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("score>0.5", "score > 0.5"),
        ("score > .5 & label == 'a'", 'score > 0.5 and label == "a"'),
        ("flag | ~flag", "flag or not flag"),
        ("(flag or flag) and flag", "(flag or flag) and flag"),
        ("(flag and flag) and flag", "(flag and flag) and flag"),
        ("flag or (flag and flag)", "flag or flag and flag"),
        ("not (flag and flag)", "not (flag and flag)"),
        ("(not flag) == true", "(not flag) == true"),
        ("score - (1 - score) > 0", "score - (1 - score) > 0"),
        ("(score - 1) - score > 0", "(score - 1) - score > 0"),
        ("-(score + 1) > 0", "-(score + 1) > 0"),
        ("--score > 0", "--score > 0"),
        ("score - -1 > 0", "score - -1 > 0"),
        ("score*-2>0", "score * -2 > 0"),
        ("(score > 1) == (score < 2)", "(score > 1) == (score < 2)"),
        ("0<score<1", "0 < score < 1"),
        ("label in ['a','b',]", 'label in ["a", "b"]'),
        ("label not in [None, True, False]", "label not in [null, true, false]"),
        ("1e3 < score", "1000.0 < score"),
        ("score < 1e-5", "score < 1e-05"),
        ("caption == 'dog\\'s'", 'caption == "dog\'s"'),
        ("caption == 'say \"hi\"'", 'caption == "say \\"hi\\""'),
        ("caption == '\\\\'", 'caption == "\\\\"'),
        ("isna(label) | notna(label)", "isnull(label) or notnull(label)"),
        ("when > date('2024-01-31T10:00')", 'when > date("2024-01-31T10:00")'),
        ("`score` > 1", "score > 1"),
        ("`my col` > 1", "`my col` > 1"),
        ("`for` > 1", "`for` > 1"),
        ("`größe` > 1", "`größe` > 1"),
    ],
)
def test_canonical_text(text, canonical):
    expr = parse(text, COLUMNS)
    assert str(expr) == canonical
    assert parse(canonical, COLUMNS) == expr


@pytest.mark.parametrize(
    "name",
    ["and", "True", "null", "lambda", "__x", "1a", "a b", "a`b", "a\\b", "é", "date"],
)
def test_names_round_trip(name):
    tree = Compare((Column(name), Number(1)), (">",))
    assert parse(str(tree), [name]).tree == tree


@pytest.mark.parametrize(
    "text",
    [
        "score > 0.5",
        "abs(score - 0.5) < 0.1 and label != prediction",
        'not (flag or score >= 1) and contains(lower(caption), "dog\'s")',
        "`my col` % 3 == 1 or `a.b` / 2 * 3 - 1 < -4",
        "label in [1, -2, 'a', null, date('2024-01-31')]",
        "date('2024-01-01') <= when < date('2024-02-01T12:30:15.5')",
        "startswith(upper(label), 'C') and endswith(caption, '!') and len(label) > 2",
        "((((flag))))",
        "score == 99999999999999999999999999999999999999999999999999",
        "-(-(score)) > -(1)",
        "isnull(score + 1) or notnull(-score)",
        "1 < 2 and 'a' != 'b' and true and not false and null == null",
    ],
)
def test_round_trip(text):
    expr = parse(text, COLUMNS)
    again = parse(str(expr), COLUMNS)
    assert again == expr
    assert str(again) == str(expr)
    assert hash(again) == hash(expr)


def test_repr():
    assert repr(parse("score>1", COLUMNS)) == "Expression('score > 1')"


# -- errors ------------------------------------------------------------------------------


def error_of(text, columns=COLUMNS):
    with pytest.raises(FilterError) as info:
        parse(text, columns)
    return info.value


def test_error_layout():
    error = error_of("score > 0.5 and label ==")
    assert error.text == "score > 0.5 and label =="
    assert error.position == 24
    assert error.message == ("expected a value after '==' at column 25, found end of text")
    assert str(error) == (
        "expected a value after '==' at column 25, found end of text\n"
        "  score > 0.5 and label ==\n"
        "                          ^"
    )


def test_error_caret_on_long_text():
    text = "score > 1 and " * 10 + "lable == 2 and " + "score > 1 and " * 10 + "flag"
    error = error_of(text)
    shown, caret = str(error).splitlines()[1:]
    assert shown.startswith("  ...") and shown.endswith("...")
    assert shown[caret.index("^") :].startswith("lable")


def test_error_caret_with_tabs_and_newlines():
    error = error_of("score >\n\tlable")
    shown, caret = str(error).splitlines()[1:]
    assert shown[caret.index("^") :].startswith("lable")


def test_unknown_column_suggests_close_names():
    error = error_of("lable == 'cat'", ["label", "prediction"])
    assert error.message == "'lable' is not a column; did you mean 'label'?"
    assert str(error).splitlines()[1:] == ["  lable == 'cat'", "  ^"]
    error = error_of("Label == 'a'")
    assert error.message == "'Label' is not a column; did you mean 'label' or 'label_2'?"
    assert error_of("zzz > 1").message == "'zzz' is not a column"


def test_unknown_column_suggests_backticks():
    assert error_of("my col > 1").message == (
        "'my' is not a column; did you mean `my col`? Names with spaces, dots or other "
        "characters go in backticks"
    )
    assert error_of("`my colx` > 1").message == (
        "`my colx` is not a column; did you mean `my col`?"
    )


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        ("x.y > 1", "attribute access 'x.y' is not allowed", 1),
        (
            "a.b == 1",
            "attribute access 'a.b' is not allowed; to mean the column, write it in "
            "backticks: `a.b`",
            1,
        ),
        (
            "x[0] == 1",
            "subscripts such as 'x[...]' are not allowed; to mean the column, write it in "
            "backticks: `x[0]`",
            1,
        ),
        ("label.str.lower()", "attribute access 'label.str' is not allowed", 5),
        ("(1).real > 0", "attribute access on '1' is not allowed", 3),
        ("'a'.upper() == 'A'", "attribute access on '\"a\"' is not allowed", 3),
        ("label[0] == 'a'", "subscripts such as 'label[...]' are not allowed", 5),
        (
            "__import__('os')",
            "function '__import__' is not allowed; allowed functions are abs, contains, "
            "date, endswith, isna, isnull, len, lower, notna, notnull, startswith, upper",
            0,
        ),
        (
            "system('ls')",
            "function 'system' is not allowed; allowed functions are abs, contains, date, "
            "endswith, isna, isnull, len, lower, notna, notnull, startswith, upper",
            0,
        ),
        (
            "label('x')",
            "'label' is a column, not a function; allowed functions are abs, contains, "
            "date, endswith, isna, isnull, len, lower, notna, notnull, startswith, upper",
            0,
        ),
        (
            "abs(score)(1)",
            "calling 'abs(score)' is not allowed; only the functions abs, contains, date, "
            "endswith, isna, isnull, len, lower, notna, notnull, startswith, upper can be "
            "called",
            10,
        ),
        ("lambda x: x", "lambda functions are not allowed", 0),
        ("[c for c in label]", "comprehensions ('[... for ...]') are not allowed", 0),
        (
            "label in [c for c in label]",
            "comprehensions ('[... for ...]') are not allowed",
            9,
        ),
        (
            "for",
            "comprehensions and loops ('for') are not allowed; to mean the column, "
            "write it in backticks: `for`",
            0,
        ),
        (
            "label if flag else prediction",
            "conditional expressions ('if ... else') are not allowed",
            6,
        ),
        (
            "label is None",
            "'is' is not allowed; to find missing values write isnull(x) or x == null",
            6,
        ),
        ("import os", "imports are not allowed", 0),
        ("yield 1", "'yield' is a Python keyword and is not allowed in a filter", 0),
        (
            "score > @limit",
            "'@' references to Python variables are not allowed; write the value itself",
            8,
        ),
        ('f"{score}" == "1"', "f-strings are not allowed; write plain quoted text", 0),
        (
            "rb'x' == label",
            "string prefixes such as rb'...' are not allowed; write plain quoted text",
            0,
        ),
        (
            "__class__",
            "'__class__' is not a column; names starting with '__' are not allowed",
            0,
        ),
        (
            "score = 1",
            "'=' is not allowed: to compare, write '=='; assignments are not allowed",
            6,
        ),
        ("(x := 1)", "':=' (assignment) is not allowed; to compare, write '=='", 3),
        (
            "contains(caption, pat='x')",
            "keyword arguments such as 'pat=' are not allowed; contains() takes its "
            "arguments in order",
            18,
        ),
        ("score ** 2 > 1", "'**' (power) is not allowed; only + - * / % are", 6),
        ("score // 2 > 1", "'//' (floor division) is not allowed; use '/'", 6),
        ("score <> 1", "'<>' is not allowed; write '!='", 6),
        ("score > 1; flag", "';' is not allowed: a filter is a single expression", 9),
        ("score > 1 # note", "'#' comments are not allowed", 10),
        ("{1: 2}", "braces are not allowed: a filter has no sets or dicts", 0),
        ("score ^ 1", "'^' is not allowed; use 'and', 'or' and 'not'", 6),
        ("!flag", "'!' is not allowed; write 'not' to negate or '!=' to compare", 0),
        ("score > $x", "'$' is not allowed", 8),
        ("score \\\n > 1", "a backslash is only allowed inside quoted text", 6),
    ],
)
def test_refused_constructs(text, message, position):
    error = error_of(text)
    assert error.message == message
    assert error.position == position


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("score >", "expected a value after '>' at column 8, found end of text"),
        ("> 1", "expected a value at column 1, found '>'"),
        ("score > 1 and", "expected a value after 'and' at column 14, found end of text"),
        ("score > 1 or or flag", "expected a value after 'or' at column 14, found 'or'"),
        ("not", "expected a value after 'not' at column 4, found end of text"),
        (
            "score > 1 flag",
            "expected 'and', 'or' or the end of the text after the number 1 at column 11, "
            "found 'flag'",
        ),
        (
            "score > 1)",
            "expected 'and', 'or' or the end of the text after the number 1 at column 10, "
            "found ')'; there is no '(' for it to close",
        ),
        (
            "(score > 1",
            "expected ')' after the number 1 at column 11, found end of text; the '(' at "
            "column 1 is never closed",
        ),
        ("()", "empty parentheses: write a condition or a value between them"),
        (
            "score in (1, 2)",
            "expected a list such as [1, 2] after 'in' at column 10, found '('",
        ),
        (
            "score in [label]",
            "expected a value after '[' at column 11, found 'label'; a list holds only "
            'literal values, such as 1, "text", true, null or date("2024-01-31")',
        ),
        (
            "score in [1 2]",
            "expected ',' or ']' after the number 1 at column 13, found the number 2; a "
            "list holds values separated by commas",
        ),
        ("[1, 2]", "a list [...] is only allowed after 'in' or 'not in'"),
        (
            "score in [1] == true",
            "'in' cannot be chained with other comparisons; add parentheses",
        ),
        (
            "score < 1 in [1]",
            "'in' cannot be chained with other comparisons; add parentheses",
        ),
        ("score not 1", "expected 'in' after 'not' at column 11, found the number 1"),
        (
            "contains(caption 'x')",
            "expected ',' or ')' after 'caption' at column 18, found the text 'x'; "
            "the call to contains() at column 1 is never closed",
        ),
        ("'abc", "quoted text starting at column 1 has no closing '"),
        ('label == "abc', 'quoted text starting at column 10 has no closing "'),
        ("`my col > 1", "a name in backticks starting at column 1 has no closing `"),
        ("`` > 1", "empty backticks: write a column name between them"),
        (
            "label == 'a\\n'",
            "unknown escape '\\n'; inside quotes a backslash may only come before a quote "
            "or another backslash",
        ),
        ("score > 1x", "'1x' is not a number; write numbers such as 12, 0.5 or 1e-3"),
        ("score > 0x1F", "'0x1F' is not a number; write numbers such as 12, 0.5 or 1e-3"),
        ("score > 1_000", "'1_000' is not a number; write numbers such as 12, 0.5 or 1e-3"),
        ("score > 1.2.3", "'1.2.3' is not a number; write numbers such as 12, 0.5 or 1e-3"),
        ("score > 1e", "'1e' is not a number; write numbers such as 12, 0.5 or 1e-3"),
        ("score > 1e999", "the number '1e999' is too large"),
        (
            "größe > 1",
            "character 'ö' is not allowed outside quotes; write a column name with "
            "non-ASCII letters in backticks, such as `größe`",
        ),
        (
            "score\u00a0> 1",
            "character U+00A0 (NO-BREAK SPACE) is not allowed; use an ordinary space",
        ),
        ("score > 1\u202e", "character U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed"),
        (
            "label == '\u202eabc'",
            "character U+202E (RIGHT-TO-LEFT OVERRIDE) is not allowed in quoted text",
        ),
        ("score\x00 > 1", "character U+0000 (a control character) is not allowed"),
        (
            "label == '\ud800'",
            "character U+D800 (a surrogate) is not allowed in quoted text",
        ),
        ("score > 1 €", "character '€' is not allowed"),
    ],
)
def test_syntax_errors(text, message):
    assert error_of(text).message == message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "score + 1",
            "a filter must be a condition that is true or false for each instance, such as "
            "score > 0.5; found 'score + 1', which is a number",
        ),
        (
            "'yes'",
            "a filter must be a condition that is true or false for each instance, such as "
            'score > 0.5; found "yes", which is text',
        ),
        (
            "flag and 1",
            "each side of 'and' needs a condition, such as score > 0.5; found 1, which "
            "is a number",
        ),
        (
            "abs(score) or flag",
            "each side of 'or' needs a condition, such as score > 0.5; found 'abs(score)', "
            "which is a number",
        ),
        (
            "not 'a'",
            "'not' needs a condition, such as score > 0.5; found \"a\", which is text",
        ),
        (
            "contains(score, 1)",
            "the second argument of contains() must be quoted text, such as "
            'contains(caption, "dog"); found 1',
        ),
        (
            "startswith(caption, label)",
            "the second argument of startswith() must be quoted text, such as "
            "startswith(caption, \"dog\"); found 'label'",
        ),
        (
            "contains('abc', 'a')",
            "the first argument of contains() must be a column of text, such as "
            'contains(caption, "dog"); found "abc"',
        ),
        (
            "lower(1) == 'a'",
            "the first argument of lower() must be a column of text, such as "
            "lower(caption); found 1",
        ),
        ("contains(caption)", 'contains() takes 2 arguments (caption, "dog"); found 1'),
        ("isnull()", "isnull() takes 1 argument (x); found 0"),
        ("isna(label, score)", "isna() takes 1 argument (x); found 2"),
        (
            "abs('a') > 1",
            'arithmetic with abs() needs numbers; found "a", which is text',
        ),
        ("1 + 'a' > 1", "arithmetic with '+' needs numbers; found \"a\", which is text"),
        ("-'a' > 1", "arithmetic with '-' needs numbers; found \"a\", which is text"),
        ("'a' < 1", 'cannot compare "a" < 1: text cannot be compared with a number'),
        (
            "score < null",
            "cannot compare 'score' < null: null can only be compared with == or !=; to "
            "find missing values write isnull(x)",
        ),
        (
            "true < false",
            "cannot compare true < false: true/false values can only be compared with "
            "== or !=",
        ),
        (
            "date('2024-01-01') == 1",
            'cannot compare date("2024-01-01") == 1: a date cannot be compared with a '
            "number",
        ),
        ("'a' in [1]", 'the list holds 1, which is a number, but "a" is text'),
        (
            "date('2024-13-01') < when",
            'date() needs a date such as date("2024-01-31") or date("2024-01-31T10:00"); '
            "found '2024-13-01'",
        ),
        (
            "when > date('2024-01-31T10:00+02:00')",
            'date() needs a date such as date("2024-01-31") or date("2024-01-31T10:00"); '
            "found '2024-01-31T10:00+02:00'",
        ),
        (
            "date(when) < when",
            "expected quoted text after '(' at column 6, found 'when'; write dates as "
            'date("2024-01-31") or date("2024-01-31T10:00")',
        ),
        (
            "when > date('2024-01-31', 1)",
            "expected ')' after the text '2024-01-31' at column 25, found ','; "
            "date() takes one quoted date",
        ),
    ],
)
def test_type_errors_found_while_parsing(text, message):
    assert error_of(text).message == message


@pytest.mark.parametrize(
    "text",
    [
        "2024-01-31",
        "2024-01-31T10:00",
        "2024-01-31 10:00",
        "2024-01-31T10:00:59",
        "2024-01-31T10:00:59.123456",
    ],
)
def test_date_formats(text):
    assert parse(f"when > date('{text}')", COLUMNS).tree.operands[1] == Date(text)


@pytest.mark.parametrize(
    "text", ["2024-1-31", "20240131", "2024-W05-3", "2024-01-31T10", "2024-02-30"]
)
def test_bad_dates(text):
    assert error_of(f"when > date('{text}')").message.startswith("date() needs a date")


# -- bounds ------------------------------------------------------------------------------


def test_text_length_bound():
    text = "score > 1 or " * 200
    text = text[: MAX_TEXT_LENGTH - len("flag")] + "flag"
    assert len(text) == MAX_TEXT_LENGTH
    error = error_of(text + " ")
    assert error.message == (
        "a filter may be at most 2,000 characters long; this one has 2,001"
    )
    assert error.position == MAX_TEXT_LENGTH


def test_text_of_the_longest_length_parses():
    text = "score > 1" + " " * (MAX_TEXT_LENGTH - len("score > 1"))
    assert str(parse(text, COLUMNS)) == "score > 1"


@pytest.mark.parametrize(
    ("opening", "closing"),
    [("(", ")"), ("abs(", ")"), ("-(", ")"), ("not ", ""), ("~", ""), ("-", "")],
)
def test_depth_bound(opening, closing):
    def nested(levels):
        core = f"{opening * levels}score{closing * levels}"
        return core if opening in ("not ", "~") else f"{core} > 0"

    assert parse(nested(MAX_DEPTH if opening != "-(" else MAX_DEPTH // 2), COLUMNS)
    error = error_of(nested(MAX_DEPTH + 1))
    assert error.message == (
        "the filter nests too deeply: at most 32 levels of parentheses, calls, 'not' and "
        "minus signs are allowed"
    )


def test_list_bound(monkeypatch):
    # 1,000 one-digit items and their commas already pass the length limit, so the
    # list limit is a second line of defence; lower it to see it work.
    items = ",".join(["1"] * 900)
    assert len(parse(f"score in [{items}]", COLUMNS).tree.items) == 900
    monkeypatch.setattr(symphony.language.parser, "MAX_LIST_ITEMS", 3)
    assert len(parse("score in [1, 2, 3]", COLUMNS).tree.items) == 3
    error = error_of("score in [1, 2, 3, 4]")
    assert error.message == "a list may hold at most 3 items"
    assert error.position == 19


def test_digits_bound():
    assert parse("score < " + "9" * MAX_DIGITS, COLUMNS)
    assert parse("score < 0." + "9" * (MAX_DIGITS - 1), COLUMNS)
    message = error_of("score < " + "9" * (MAX_DIGITS + 1)).message
    assert message == "a number may have at most 50 digits; this one has 51"
    message = error_of("score < 1." + "0" * MAX_DIGITS).message
    assert message == "a number may have at most 50 digits; this one has 51"


def test_long_flat_chains_make_shallow_trees():
    text = " or ".join(["flag"] * 200)
    tree = parse(text, COLUMNS).tree
    assert isinstance(tree, Or) and len(tree.operands) == 200
    tree = parse("score" + "+score" * 300 + " > 1", COLUMNS).tree
    assert len(tree.operands[0].operands) == 301


def test_expression_is_frozen():
    expr = parse("score > 1", COLUMNS)
    with pytest.raises(AttributeError):
        expr.tree = None
    assert isinstance(expr, Expression)
