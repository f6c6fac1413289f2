import json

import pytest

from symphony import Box, Dataset, Selection
from symphony.sharing import MAX_STATE_CHARS, encode_state, restore_state


@pytest.fixture
def selection(animals):
    return Selection(Dataset(animals))


def test_state_round_trips_through_link_text(selection, animals):
    selection.param.update(
        filter="split == 'test'",
        selected=Box("tsne", -1, 3, -1, 3),
        group_by=["label"],
        focus="r2",
    )
    text, whole = encode_state(selection)
    assert whole
    other = Selection(Dataset(animals))
    assert restore_state(other, text) is None
    assert other.to_dict() == selection.to_dict()


@pytest.mark.parametrize(
    "text, problem",
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a dict"),
        ('{"colour": 1}', "Unknown selection state keys ['colour']"),
        ('{"selected": {"kind": "star"}}', "needs a 'kind' among"),
        (
            '{"selected": {"kind": "box", "projection": "tsne", "x": [0], "y": [0, 1]}}',
            "malformed",
        ),
        (
            '{"selected": {"kind": "box", "projection": "umap", "x": [0, 1], "y": [0, 1]}}',
            "No projection named 'umap'",
        ),
        ('{"group_by": ["nope"]}', "group_by names columns the dataset lacks: ['nope']"),
        ('{"group_by": "label"}', "must be a list of column names"),
        ('{"filter": 3}', "filter must be text"),
        ('{"filter": "lable == 1"}', "filter does not apply"),
        ('{"focus": {"a": 1}}', "focus must be one id"),
        ("[" * 5000, "not valid JSON"),
        ('{"filter": "' + "x" * MAX_STATE_CHARS + '"}', "longer than"),
    ],
)
def test_bad_link_state_is_explained_and_nothing_else_changes(selection, text, problem):
    problem_text = restore_state(selection, text)
    assert problem_text is not None and problem in problem_text
    if "filter does not apply" not in problem:
        assert selection.to_dict() == {
            "filter": "",
            "selected": None,
            "group_by": [],
            "focus": None,
        }


def test_a_huge_id_selection_is_left_out_of_the_link(selection):
    selection.select_ids([f"id{i}" for i in range(5000)])
    text, whole = encode_state(selection)
    assert not whole and "selected" not in json.loads(text)


@pytest.mark.parametrize(
    "state, problem",
    [
        ({"selected": {"kind": "ids", "ids": [int("9" * 400)]}}, "too large"),
        ({"selected": {"kind": "ids", "ids": "r1"}}, "ids must be a list"),
        ({"selected": {"kind": "range", "column": "confidence", "range": ["a", "b"]}}, ""),
        ({"selected": {"kind": "range", "column": "confidence", "range": [{}, []]}}, ""),
        (
            {
                "selected": {
                    "kind": "compound",
                    "steps": [{"mode": "replace", "predicate": None}],
                }
            },
            "each step needs a mode and a predicate",
        ),
        ({"focus": "\ud800"}, "focus is not valid text"),
        ({"group_by": ["label"] * 700}, "at most 4 different columns"),
        ({"selected": {"kind": "ids", "ids": ["nobody"]}}, "matches no instance"),
    ],
)
def test_crafted_link_states_give_a_notice(selection, state, problem):
    text = json.dumps(state)
    found = restore_state(selection, text)
    assert found is not None and problem in found


def test_non_standard_json_numbers_are_refused(selection):
    box = '{"selected":{"kind":"box","projection":"tsne","x":[-1e400,1e400],"y":[NaN,1]}}'
    assert restore_state(selection, box) == "the link's state is not valid JSON"
    huge = '{"selected":{"kind":"box","projection":"tsne","x":[-1e400,1e400],"y":[0,1]}}'
    assert "finite" in restore_state(selection, huge)


def test_link_text_is_ascii_and_leaves_out_a_filter_too_long_to_apply(selection):
    selection.filter = 'label == "\ud800"'
    text, whole = encode_state(selection)
    assert whole and text.isascii()
    selection.filter = "x" * 3000
    text, whole = encode_state(selection)
    assert not whole and "filter" not in json.loads(text)


def test_an_invalid_filter_does_not_redraw_the_views(selection):
    selection.filter = "label == 'cat'"
    revision = selection.revision
    selection.filter = "label == "
    assert selection.filter_error and selection.revision == revision
