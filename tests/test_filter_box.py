"""FilterBox: the completion rules in Python, and the parameters the browser syncs."""

from __future__ import annotations

import param
import pytest
from bokeh.document import Document

from symphony.filter_box import LIMIT, FilterBox, complete

COLUMNS = ["label", "prediction", "confidence", "my col"]


def at_end(text: str, columns=COLUMNS) -> list[str]:
    """What is offered with the cursor at the end of `text`."""
    return complete(text, len(text), columns)


# -- complete ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("conf", ["confidence"]),
        ("label != prediction and conf", ["confidence"]),
        ("pred", ["prediction"]),
        ("(lab", ["label"]),
        ("abs(conf", ["confidence"]),
        ("label!=pre", ["prediction"]),
    ],
)
def test_prefix(text, expected):
    assert at_end(text) == expected


def test_prefix_matches_come_before_substring_matches():
    columns = ["my col", "score_conf", "confidence", "colour", "Conflict"]
    assert at_end("co", columns) == [
        "confidence",
        "colour",
        "Conflict",
        "`my col`",
        "score_conf",
    ]
    assert at_end("conf", columns) == ["confidence", "Conflict", "score_conf"]


def test_substring():
    assert at_end("dict") == ["prediction"]
    assert at_end("ence") == ["confidence"]


@pytest.mark.parametrize("text", ["CONF", "Conf", "cOnFiD"])
def test_case_is_ignored(text):
    assert at_end(text) == ["confidence"]


def test_case_of_the_column_is_kept():
    assert at_end("split", ["Split", "SPLIT_ID"]) == ["Split", "SPLIT_ID"]


@pytest.mark.parametrize(
    "text",
    [
        "label == 'conf",
        'label == "conf',
        "label == 'it\\'s conf",
        'label == "say \\"conf',
        "contains(label, 'my",
    ],
)
def test_nothing_inside_quoted_text(text):
    assert at_end(text) == []


def test_names_again_after_quoted_text_closes():
    assert at_end("label == 'a' and conf") == ["confidence"]
    assert at_end('label == "it\\"s" and conf') == ["confidence"]


def test_names_that_need_them_come_in_backticks():
    columns = ["my col", "for", "size.mm", "température", "a`b", "__x", "ok_name"]
    assert at_end("my", columns) == ["`my col`"]
    assert at_end("fo", columns) == ["`for`"]
    assert at_end("size", columns) == ["`size.mm`"]
    assert at_end("temp", columns) == ["`température`"]
    assert at_end("a", ["a`b"]) == ["`a\\`b`"]
    assert at_end("_", columns) == ["`__x`", "ok_name"]


def test_inside_backticks_the_whole_name_so_far_counts():
    assert at_end("`my") == ["`my col`"]
    assert at_end("`my c") == ["`my col`"]
    assert at_end("`my col") == ["`my col`"]
    assert at_end("`") == ["label", "prediction", "confidence", "`my col`"]
    assert at_end("`a\\`", ["a`b", "ab"]) == ["`a\\`b`"]


def test_a_name_typed_in_full_is_offered_nothing():
    """So that Enter applies 'label != prediction' rather than completing it."""
    assert at_end("label != prediction") == []
    assert at_end("label", ["label", "label_2"]) == []
    assert at_end("label_", ["label", "label_2"]) == ["label_2"]


def test_a_full_name_that_needs_backticks_is_still_offered():
    assert at_end("for", ["for", "format"]) == ["`for`", "format"]


def test_no_more_than_limit():
    columns = [f"col_{i}" for i in range(20)]
    offered = at_end("col", columns)
    assert LIMIT == 8
    assert offered == columns[:LIMIT]
    assert at_end("1", columns) == []


def test_limit_counts_prefix_matches_first():
    columns = [f"x_score_{i}" for i in range(6)] + [f"score_{i}" for i in range(6)]
    assert at_end("score", columns) == [f"score_{i}" for i in range(6)] + [
        "x_score_0",
        "x_score_1",
    ]


@pytest.mark.parametrize(
    "text",
    ["", " ", "label != ", "confidence < 0.5", "confidence < 0.5e", "x > 1_0", "(", "`a` "],
)
def test_nothing_where_no_name_is_being_typed(text):
    assert at_end(text) == []


def test_the_cursor_decides_which_name():
    text = "conf < 1 and lab"
    assert complete(text, 4, COLUMNS) == ["confidence"]
    assert complete(text, 2, COLUMNS) == ["confidence", "`my col`"]
    assert complete(text, 0, COLUMNS) == []
    assert complete(text, len(text), COLUMNS) == ["label"]


def test_cursor_out_of_range_is_clamped():
    assert complete("conf", 99, COLUMNS) == ["confidence"]
    assert complete("conf", -3, COLUMNS) == []


def test_repeated_columns_are_offered_once():
    assert at_end("la", ["label", "label", "lab"]) == ["label", "lab"]


def test_non_ascii_fragments_are_names_too():
    assert at_end("tempé", ["température"]) == ["`température`"]


# -- the widget's parameters -----------------------------------------------------


def test_parameters_keep_what_they_are_given():
    box = FilterBox(
        value="label != prediction",
        columns=["label", "prediction"],
        error="unknown column 'lable'",
        placeholder="e.g. confidence < 0.6",
    )
    assert box.value == "label != prediction"
    assert box.columns == ["label", "prediction"]
    assert box.error == "unknown column 'lable'"
    assert box.placeholder == "e.g. confidence < 0.6"
    assert box.label == "Filter"


def test_defaults():
    box = FilterBox()
    assert (box.value, box.columns, box.error, box.placeholder) == ("", [], "", "")
    assert box.sizing_mode == "stretch_width"


def test_a_fixed_width_keeps_the_box_fixed():
    box = FilterBox(width=300)
    assert (box.width, box.sizing_mode) == (300, None)


def test_parameters_round_trip_through_the_model():
    box = FilterBox(value="a > 1", columns=["a", "b c"], error="bad", placeholder="p")
    model = box.get_root(Document())
    assert model.data.value == "a > 1"
    assert model.data.columns == ["a", "b c"]
    assert (model.data.error, model.data.placeholder) == ("bad", "p")

    box.param.update(value="`b c` == 2", columns=["a"], error="", placeholder="q")
    assert model.data.value == "`b c` == 2"
    assert model.data.columns == ["a"]
    assert (model.data.error, model.data.placeholder) == ("", "q")


def test_value_from_the_browser_reaches_python_watchers():
    box = FilterBox(columns=["a"])
    box.get_root(Document())
    applied = []
    box.param.watch(lambda event: applied.append(event.new), "value")
    box._process_events({"value": "a > 1"})
    assert box.value == "a > 1"
    assert applied == ["a > 1"]


def test_columns_must_be_text():
    with pytest.raises(TypeError, match="FilterBox.columns"):
        FilterBox(columns=["a", 1])


def test_every_public_parameter_has_a_doc():
    own = set(FilterBox.param) - set(param.Parameterized.param)
    missing = [
        name
        for name in own
        if not name.startswith("_")
        and FilterBox.param[name].owner is FilterBox
        and not (FilterBox.param[name].doc or "").strip()
    ]
    assert missing == []
    assert {"value", "columns", "error", "placeholder", "label"} <= {
        name for name in own if FilterBox.param[name].owner is FilterBox
    }


def test_the_browser_code_never_writes_html():
    assert "innerHTML" not in FilterBox._esm
    assert "outerHTML" not in FilterBox._esm
    assert "insertAdjacentHTML" not in FilterBox._esm
