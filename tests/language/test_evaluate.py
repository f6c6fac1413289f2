"""Evaluation on pandas and dask: the exact instances each filter keeps."""

import datetime

import dask.dataframe as dd
import numpy as np
import pandas as pd
import pytest

from symphony.language import FilterError, parse
from symphony.language.lexer import MAX_DEPTH


def make_table() -> pd.DataFrame:
    """Eight instances with one column per kind the language handles."""
    when = pd.to_datetime(
        [
            "2024-01-01",
            "2024-01-31T10:00",
            "2024-02-15",
            None,
            "2023-12-31",
            "2024-01-31",
            "2024-03-01",
            "2024-01-15",
        ],
        format="ISO8601",
    )
    return pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5, 6, 7, 8],
            "score": [0.1, 0.45, 0.55, 0.9, np.nan, 0.5, 0.3, 0.75],
            "label": ["cat", "dog", "dog", "bird", None, "cat", "dog", "cat"],
            "prediction": ["cat", "cat", "dog", "bird", "dog", None, "cat", "cat"],
            "my col": [1, 2, 3, 4, 5, 6, 7, 8],
            "a.b": ["x", "y", "x", "y", "x", "y", "x", "y"],
            "x[0]": [0, 1, 0, 1, 0, 1, 0, 1],
            "größe": [1.5, 2.5, np.nan, 0.5, 3.0, 1.0, 2.0, 4.0],
            "for": [True, False, True, False, True, False, True, False],
            "caption": [
                "a dog's toy",
                'Say "hi"',
                None,
                "Cat nap",
                "DOG",
                "back\\slash",
                "",
                "dogma",
            ],
            "when": when,
            "when_utc": when.tz_localize("UTC"),
            "flag": pd.array([True, False, None, True, False, True, None, False]),
            "count": pd.array([1, None, 3, 0, 5, None, 7, 2], dtype="Int64"),
            "split": pd.Categorical(
                ["train", "test", "train", "val", "test", "train", "val", "test"]
            ),
            "level": pd.Categorical([1, 2, 3, 1, 2, None, 3, 1]),
            "mixed": np.array([1, "a", None, "b", 2.5, "a", None, "c"], dtype=object),
            "delta": pd.to_timedelta([1, 2, 3, 4, 5, 6, 7, 8], unit="D"),
        },
        index=pd.Index([10, 20, 30, 40, 50, 60, 70, 80], name="row"),
    )


@pytest.fixture(params=["pandas", "dask"])
def table(request):
    """The same table as a pandas DataFrame and as a dask DataFrame of two partitions."""
    frame = make_table()
    if request.param == "dask":
        return dd.from_pandas(frame, npartitions=2)
    return frame


def selected(text, table):
    """The ids of the instances the filter keeps, checking the mask on the way."""
    mask = parse(text, table.columns).evaluate(table)
    frame = table
    if isinstance(table, dd.DataFrame):
        assert isinstance(mask, dd.Series)
        mask, frame = mask.compute(), table.compute()
    assert isinstance(mask, pd.Series)
    assert mask.dtype == bool
    assert mask.index.equals(frame.index)
    return frame["id"][mask].tolist()


ALL = [1, 2, 3, 4, 5, 6, 7, 8]

CASES = [
    # no filter, constants
    ("", ALL),
    ("  ", ALL),
    ("true", ALL),
    ("True", ALL),
    ("false", []),
    ("1 < 2", ALL),
    ("'a' == 'b'", []),
    ("null == null", ALL),
    ("1 / 0 > 1e300", ALL),
    ("0 / 0 != 1", []),
    ("score != 0 / 0", []),
    ("0 % 0 == 0 % 0", []),
    ("isnull(0 / 0)", ALL),
    ("0 / 0 == null", ALL),
    ("0 / 0 not in [1]", []),
    ("null in [1, null]", ALL),
    ("null not in [1]", []),
    # comparisons of numbers; a missing score is never kept
    ("score > 0.5", [3, 4, 8]),
    ("score >= 0.5", [3, 4, 6, 8]),
    ("score < 0.5", [1, 2, 7]),
    ("score <= 0.45", [1, 2, 7]),
    ("score == 0.5", [6]),
    ("score != 0.5", [1, 2, 3, 4, 7, 8]),
    ("0.5 < score", [3, 4, 8]),
    ("score == score", [1, 2, 3, 4, 6, 7, 8]),
    ("score != score", []),
    ("0.4 < score < 0.6", [2, 3, 6]),
    ("0.4 < score <= 0.5 < 1", [2, 6]),
    ("score < 99999999999999999999999999999999999999999999999999", [1, 2, 3, 4, 6, 7, 8]),
    ("`my col` > -99999999999999999999", ALL),
    # comparisons of text; missing text is never kept
    ("label == 'dog'", [2, 3, 7]),
    ('label == "dog"', [2, 3, 7]),
    ("label != 'dog'", [1, 4, 6, 8]),
    ("label > 'cat'", [2, 3, 7]),
    ("label == prediction", [1, 3, 4, 8]),
    ("label != prediction", [2, 7]),
    ("not label == prediction", [2, 5, 6, 7]),
    ("caption == 'Say \"hi\"'", [2]),
    ('caption == "a dog\'s toy"', [1]),
    ("caption == 'a dog\\'s toy'", [1]),
    ("caption == 'back\\\\slash'", [6]),
    ("caption == ''", [7]),
    # backticks
    ("`my col` > 6", [7, 8]),
    ("`a.b` == 'x'", [1, 3, 5, 7]),
    ("`x[0]` == 1", [2, 4, 6, 8]),
    ("`größe` > 2", [2, 5, 8]),
    ("`for`", [1, 3, 5, 7]),
    ("not `for`", [2, 4, 6, 8]),
    # null
    ("label == null", [5]),
    ("label == None", [5]),
    ("null == label", [5]),
    ("label != null", [1, 2, 3, 4, 6, 7, 8]),
    ("isnull(label)", [5]),
    ("isna(label)", [5]),
    ("notnull(score)", [1, 2, 3, 4, 6, 7, 8]),
    ("notna(score)", [1, 2, 3, 4, 6, 7, 8]),
    ("isnull(score + `größe`)", [3, 5]),
    ("isnull(1)", []),
    ("notnull(null)", []),
    # in / not in
    ("label in ['cat', 'bird']", [1, 4, 6, 8]),
    ("label not in ['cat', 'bird']", [2, 3, 7]),
    ("label in ['cat', null]", [1, 5, 6, 8]),
    ("label not in ['cat', null]", [2, 3, 4, 7]),
    ("`my col` in [1, 3, 5]", [1, 3, 5]),
    ("`my col` not in [1, 3, 5]", [2, 4, 6, 7, 8]),
    ("`my col` in [-1, 2.0]", [2]),
    ("score in []", []),
    ("score not in []", [1, 2, 3, 4, 6, 7, 8]),
    ("`for` in [true]", [1, 3, 5, 7]),
    ("1 in [1, 2]", ALL),
    ("'a' not in ['a']", []),
    # arithmetic
    ("abs(score - 0.5) < 0.1", [2, 3, 6]),
    ("score * 2 > 1", [3, 4, 8]),
    ("`my col` % 2 == 0", [2, 4, 6, 8]),
    ("`my col` / 4 <= 0.5", [1, 2]),
    ("-score < -0.7", [4, 8]),
    ("--score > 0.7", [4, 8]),
    ("score + `größe` > 3", [8]),
    ("`my col` - 1 - 1 == 1", [3]),
    ("`my col` - (1 - 1) == 1", [1]),
    ("2 * 3 == `my col`", [6]),
    ("`my col` / 0 > 1e300", ALL),
    ("`my col` % 0 == 0", []),
    ("abs(-`my col`) == 3", [3]),
    ("abs(-3) == `my col`", [3]),
    ("score + 1 / 0 > 0", [1, 2, 3, 4, 6, 7, 8]),
    # string functions; missing text never matches
    ('contains(caption, "dog\'s")', [1]),
    ("contains(caption, 'dog\\'s')", [1]),
    ("contains(caption, 'dog')", [1, 8]),
    ("contains(caption, '\\\\')", [6]),
    ("contains(caption, '.')", []),
    ("contains(caption, '[')", []),
    ("contains(caption, '')", [1, 2, 4, 5, 6, 7, 8]),
    ("contains(lower(caption), 'dog')", [1, 5, 8]),
    ("not contains(caption, 'dog')", [2, 3, 4, 5, 6, 7]),
    ("startswith(caption, 'D')", [5]),
    ("endswith(caption, 'nap')", [4]),
    ("endswith(upper(caption), 'G')", [5]),
    ("upper(label) == 'CAT'", [1, 6, 8]),
    ("lower(upper(label)) == label", [1, 2, 3, 4, 6, 7, 8]),
    ("len(caption) == 0", [7]),
    ("len(caption) > 7", [1, 2, 6]),
    ("contains(`a.b`, 'x')", [1, 3, 5, 7]),
    # dates
    ("when > date('2024-01-31')", [2, 3, 7]),
    ("when >= date('2024-01-31T10:00')", [2, 3, 7]),
    ("when == date('2024-01-31')", [6]),
    ("when != date('2024-01-31')", [1, 2, 3, 5, 7, 8]),
    ("when < date('2024-01-01')", [5]),
    ("when == null", [4]),
    ("when in [date('2024-01-01'), date('2024-03-01')]", [1, 7]),
    ("date('2024-01-20') < when < date('2024-02-20')", [2, 3, 6]),
    ("when_utc > date('2024-01-31')", [2, 3, 7]),
    ("when_utc in [date('2024-01-01')]", [1]),
    ("when < date('0001-01-01')", []),
    ("date('2024-01-01') < date('2024-01-02')", ALL),
    # nullable booleans and integers; a missing flag is not kept, and 'not' keeps it
    ("flag", [1, 4, 6]),
    ("not flag", [2, 3, 5, 7, 8]),
    ("flag == true", [1, 4, 6]),
    ("flag != true", [2, 5, 8]),
    ("flag == false", [2, 5, 8]),
    ("flag and score > 0.5", [4]),
    ("count > 2", [3, 5, 7]),
    ("count == null", [2, 6]),
    ("count != 3", [1, 4, 5, 7, 8]),
    ("count + 1 > 3", [3, 5, 7]),
    # categoricals read as their categories
    ("split == 'train'", [1, 3, 6]),
    ("split in ['val', 'test']", [2, 4, 5, 7, 8]),
    ("split > 'train'", [4, 7]),
    ("contains(split, 'ai')", [1, 3, 6]),
    ("level >= 2", [2, 3, 5, 7]),
    ("level in [1]", [1, 4, 8]),
    ("isnull(level)", [6]),
    # object columns read as text
    ("mixed == 'a'", [2, 6]),
    ("mixed == '1'", [1]),
    ("contains(mixed, '.')", [5]),
    ("mixed < 'b'", [1, 2, 5, 6]),
    ("len(mixed) == 1", [1, 2, 4, 6, 8]),
    # other dtypes: only missing-value tests
    ("isnull(delta)", []),
    ("notnull(delta)", ALL),
    # and, or, not, precedence
    ("score > 0.5 and label == 'dog'", [3]),
    ("score > 0.5 & label == 'dog'", [3]),
    ("score > 0.8 or label == 'cat'", [1, 4, 6, 8]),
    ("score > 0.8 | label == 'cat'", [1, 4, 6, 8]),
    ("~(score > 0.5)", [1, 2, 5, 6, 7]),
    ("not score > 0.5", [1, 2, 5, 6, 7]),
    ("score <= 0.5", [1, 2, 6, 7]),
    ("not (score > 0.5 or label == 'cat')", [2, 5, 7]),
    ("(score > 0.5 or label == 'cat') and `my col` < 5", [1, 3, 4]),
    ("label == 'cat' or label == 'dog' and score > 0.5", [1, 3, 6, 8]),
    ("(label == 'cat' or label == 'dog') and score > 0.5", [3, 8]),
    ("score > 0.5 and true", [3, 4, 8]),
    ("score > 0.5 or true", ALL),
    ("score > 0.5 and false", []),
    ("(score > 0.5) == true", [3, 4, 8]),
    ("(score > 0.5) != (label == 'cat')", [1, 3, 4, 6]),
]


@pytest.mark.parametrize(("text", "ids"), CASES, ids=[case[0] or "empty" for case in CASES])
def test_selects(text, ids, table):
    assert selected(text, table) == ids


def test_pandas_and_dask_agree_and_round_trip():
    frame = make_table()
    lazy = dd.from_pandas(frame, npartitions=2)
    for text, _ in CASES:
        expr = parse(text, frame.columns)
        again = parse(str(expr), frame.columns)
        eager = expr.evaluate(frame)
        pd.testing.assert_series_equal(eager, again.evaluate(lazy).compute())


def test_dask_evaluation_is_lazy():
    lazy = dd.from_pandas(make_table(), npartitions=2)
    mask = parse("score > 0.5", lazy.columns).evaluate(lazy)
    assert isinstance(mask, dd.Series)
    assert mask.npartitions == 2


def test_mask_selects_rows_of_its_frame(table):
    mask = parse("score > 0.5", table.columns).evaluate(table)
    rows = table[mask]
    if isinstance(rows, dd.DataFrame):
        rows = rows.compute()
    assert rows["id"].tolist() == [3, 4, 8]


def test_deepest_nesting_evaluates(table):
    inner = "score"
    for _ in range(MAX_DEPTH // 2):
        inner = f"abs({inner} * 2 - 1)"
    condition = f"{inner} >= 0"
    for _ in range(MAX_DEPTH // 2):
        condition = f"({condition} or score > 100 and not flag)"
    expr = parse(condition, table.columns)
    assert parse(str(expr), table.columns) == expr
    assert selected(condition, table) == [1, 2, 3, 4, 6, 7, 8]


def test_long_flat_filters_evaluate(table):
    text = " and ".join(f"score > -{i}" for i in range(100))
    assert selected(text, table) == [1, 2, 3, 4, 6, 7, 8]
    text = "`my col`" + "+`my col`" * 200 + " > 1000"
    assert selected(text, table) == [5, 6, 7, 8]


# -- errors at evaluation ------------------------------------------------------------


def evaluation_error(text, table):
    expr = parse(text, table.columns)
    with pytest.raises(FilterError) as info:
        expr.evaluate(table)
    return info.value


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "label > 1",
            "cannot compare column 'label' (text, dtype {label}) with 1 (a number): text "
            "cannot be compared with a number",
        ),
        (
            "1 < label",
            "cannot compare 1 (a number) with column 'label' (text, dtype {label}): a "
            "number cannot be compared with text",
        ),
        (
            "label == score",
            "cannot compare column 'label' (text, dtype {label}) with column 'score' (a "
            "number, dtype float64): text cannot be compared with a number",
        ),
        (
            "lower(label) == score",
            "cannot compare 'lower(label)' (text, dtype {label}) with column 'score' (a "
            "number, dtype float64): text cannot be compared with a number",
        ),
        (
            "when > '2024-01-01'",
            "cannot compare column 'when' (a date, dtype datetime64[us]) with "
            '"2024-01-01" (text): a date cannot be compared with text; write dates as '
            'date("2024-01-31")',
        ),
        (
            "score in ['a']",
            "cannot compare column 'score' (a number, dtype float64) with \"a\" (text): "
            "a number cannot be compared with text",
        ),
        (
            "flag < true",
            "cannot compare column 'flag' (true/false, dtype boolean) with true "
            "(true/false): true/false values can only be compared with == or !=",
        ),
        (
            "when_utc > when",
            "cannot compare column 'when_utc' (a date, dtype datetime64[us, UTC]) with "
            "column 'when' (a date, dtype datetime64[us]): one has a time zone and the "
            "other has none",
        ),
        (
            "delta > 1",
            "column 'delta' (dtype {delta}) cannot be compared; only isnull() and "
            "notnull() apply to it",
        ),
        (
            "score + label > 1",
            "arithmetic with '+' needs numbers; found column 'label' (text, dtype {label})",
        ),
        (
            "abs(label) > 1",
            "arithmetic with abs() needs numbers; found column 'label' (text, dtype "
            "{label})",
        ),
        (
            "-`for` < 0",
            "arithmetic with '-' needs numbers; found column `for` (true/false, dtype bool)",
        ),
        (
            "contains(score, 'a')",
            "contains() needs a column of text; found column 'score' (a number, dtype "
            "float64)",
        ),
        (
            "len(when) > 1",
            "len() needs a column of text; found column 'when' (a date, dtype "
            "datetime64[us])",
        ),
        (
            "score",
            "a filter must be a condition that is true or false for each instance, such "
            "as score > 0.5; found column 'score' (a number, dtype float64)",
        ),
        (
            "flag and label",
            "each side of 'and' needs a condition, such as score > 0.5; found column "
            "'label' (text, dtype {label})",
        ),
        (
            "not `my col`",
            "'not' needs a condition, such as score > 0.5; found column `my col` (a "
            "number, dtype int64)",
        ),
    ],
)
def test_type_errors_found_while_evaluating(text, message, table):
    dtypes = table.dtypes
    error = evaluation_error(text, table)
    assert error.message == message.format(label=dtypes["label"], delta=dtypes["delta"])
    assert error.text == text


def test_evaluation_error_points_at_the_column(table):
    error = evaluation_error("score > 0.5 and label > 1", table)
    assert error.position == 16
    assert str(error).splitlines()[1:] == [
        "  score > 0.5 and label > 1",
        "                  ^",
    ]


def test_missing_column(table):
    expr = parse("ghost > 1 or score > 1", ["ghost", "score"])
    with pytest.raises(FilterError) as info:
        expr.evaluate(table)
    assert info.value.message == "column 'ghost' is not in the table"
    assert info.value.position == 0


def test_duplicate_column_names():
    frame = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(FilterError, match="column 'a' appears 2 times in the table"):
        parse("a > 1", frame.columns).evaluate(frame)


def test_not_a_frame():
    expr = parse("a > 1", ["a"])
    with pytest.raises(TypeError, match="not Series"):
        expr.evaluate(pd.Series([1, 2], name="a"))
    with pytest.raises(TypeError, match="not dict"):
        expr.evaluate({"a": [1, 2]})


def test_empty_table(table):
    empty = table[table["id"] > 100]
    mask = parse("score > 0.5 and contains(label, 'a')", empty.columns).evaluate(empty)
    if isinstance(mask, dd.Series):
        mask = mask.compute()
    assert mask.dtype == bool and len(mask) == 0


def test_text_functions_never_raise_on_missing_values(table):
    for function in ("contains", "startswith", "endswith"):
        assert selected(f"{function}(label, 'zzz')", table) == []
        assert selected(f"not {function}(label, 'zzz')", table) == ALL


def test_string_dtypes():
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "python": pd.array(["a", None, "c"], dtype="string[python]"),
            "arrow": pd.array(["a", "b", None], dtype="string[pyarrow]"),
            "plain": ["a", "b", "c"],
        }
    )
    assert selected("python == arrow", frame) == [1]
    assert selected("python != plain", frame) == []
    assert selected("contains(arrow, 'b')", frame) == [2]


def test_python_dates_in_an_object_column_are_text():
    frame = pd.DataFrame({"id": [1], "day": [datetime.date(2024, 1, 1)]}, dtype=object)
    assert selected("day == '2024-01-01'", frame) == [1]
