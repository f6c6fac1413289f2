import json

import pandas as pd
import pytest

from symphony import Box, ConfusionCell, Dataset, Ids, Selection


@pytest.fixture
def selection(animals):
    return Selection(Dataset(animals))


def ids(frame):
    return list(frame["id"])


def test_filter_gives_exact_ids(selection):
    selection.filter = "label != prediction and confidence < 0.6"
    assert ids(selection.rows()) == ["r2", "r4", "r8"]
    assert selection.filter_error == ""


def test_box_select_gives_exact_ids_and_respects_filter(selection):
    selection.selected = Box("tsne", -0.5, 2.5, -0.5, 2.5)
    assert ids(selection.selected_rows()) == ["r1", "r2", "r7", "r8"]
    selection.filter = "split == 'test'"
    assert ids(selection.selected_rows()) == ["r2", "r7", "r8"]


def test_invalid_filter_keeps_last_valid_masks(selection):
    selection.filter = "confidence > 0.75"
    before = ids(selection.rows())
    selection.filter = "confidnce > 0.75 and"
    assert selection.filter_error != ""
    assert "confidnce" in selection.filter_error
    assert ids(selection.rows()) == before == ["r1", "r3", "r5"]
    selection.filter = ""
    assert selection.filter_error == "" and len(selection.rows()) == 8


def test_selection_survives_filter_changes(animals):
    selection = Selection(
        Dataset(pd.DataFrame({"id": list("abcde"), "num": [1, 2, 3, 5, 6]}))
    )
    selection.filter = "num >= 3"
    selection.select_ids([selection.rows()["id"].iloc[0]])
    assert ids(selection.selected_rows()) == ["c"]
    selection.filter = ""
    assert ids(selection.selected_rows()) == ["c"]


def test_one_revision_per_batched_change(selection):
    revisions = []
    selection.param.watch(lambda event: revisions.append(event.new), "revision")
    selection.param.update(
        filter="split == 'train'", selected=Ids(("r1",)), group_by=["label"]
    )
    assert len(revisions) == 1


def test_clear_resets_everything(selection):
    selection.param.update(
        filter="confidence > 0.5",
        selected=ConfusionCell("cat", "dog"),
        group_by=["split"],
        focus="r2",
    )
    selection.clear()
    assert selection.to_dict() == {
        "filter": "",
        "selected": None,
        "group_by": [],
        "focus": None,
    }
    assert len(selection.rows()) == 8 and selection.selected_mask.sum() == 0


def test_groups_count_up_to_the_total_with_missing_group():
    frame = pd.DataFrame({"id": [1, 2, 3], "kind": ["a", None, "b"], "v": [1, 2, 3]})
    selection = Selection(Dataset(frame), group_by=["kind"])
    counts = selection.group_counts()
    assert counts["filtered"].to_dict() == {"(missing)": 1, "a": 1, "b": 1}
    assert counts["filtered"].sum() == 3


def test_state_round_trips_through_json(selection):
    selection.param.update(
        filter="label == 'cat'",
        selected=Box("tsne", 0, 1, 0, 1),
        group_by=["split"],
        focus="r5",
    )
    state = json.loads(json.dumps(selection.to_dict()))
    restored = Selection.from_dict(selection.dataset, state)
    assert restored.to_dict() == selection.to_dict()
    assert ids(restored.selected_rows()) == ids(selection.selected_rows()) == ["r1", "r2"]


def test_from_dict_rejects_unknown_keys(selection):
    with pytest.raises(ValueError, match=r"Unknown selection state keys \['colour'\]"):
        Selection.from_dict(selection.dataset, {"colour": "red"})


def test_selections_over_one_dataset_are_independent(animals):
    dataset = Dataset(animals)
    first, second = Selection(dataset), Selection(dataset)
    first.filter = "label == 'dog'"
    first.select_ids(["r3"])
    assert len(second.rows()) == 8 and second.selected is None
