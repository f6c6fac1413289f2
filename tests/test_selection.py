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


def test_undo_and_redo_walk_the_history(selection):
    selection.filter = "split == 'test'"
    selection.selected = Box("tsne", -0.5, 2.5, -0.5, 2.5)
    selection.group_by = ["label"]
    assert selection.undo() and selection.group_by == []
    assert selection.undo() and selection.selected is None
    assert selection.filter == "split == 'test'" and selection.can_redo
    assert selection.redo() and selection.selected == Box("tsne", -0.5, 2.5, -0.5, 2.5)
    assert ids(selection.selected_rows()) == ["r2", "r7", "r8"]
    selection.filter = ""  # a new change forgets what was undone
    assert not selection.can_redo and not selection.redo()
    while selection.undo():
        pass
    assert selection.to_dict()["filter"] == "" and selection.selected is None


def test_apply_combines_gestures(selection):
    selection.apply(Box("tsne", -0.5, 2.5, -0.5, 2.5))
    selection.apply(Ids(("r5",)), "add")
    selection.apply(Ids(("r1",)), "subtract")
    assert ids(selection.selected_rows()) == ["r2", "r5", "r7", "r8"]
    selection.apply(Ids(("r3",)))
    assert ids(selection.selected_rows()) == ["r3"]


def test_infinite_and_missing_coordinates_stay_in_the_other_views():
    import numpy as np

    from symphony import Embedding, InstanceGrid, Summary

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=1010), rng.normal(size=1010)
    x[:3], y[3:5], x[5:10] = np.inf, -np.inf, np.nan
    frame = pd.DataFrame({"id": range(1010), "projection_p_x": x, "projection_p_y": y})
    selection = Selection(Dataset(frame))
    embedding = Embedding(selection)
    assert embedding.missing_coordinates == 10
    assert "10 instances have no finite coordinates" in embedding._notice()
    low, high = embedding._dimensions[0].range
    assert np.isfinite([low, high]).all() and low < x[10:].min() and high > x[10:].max()
    image = embedding.render(width=200, height=200)
    assert image.dimension_values("A").max() > 0
    assert Summary(selection).counts()["filtered"] == 1010
    assert InstanceGrid(selection, page_size=20).shown_ids()[:10] == list(range(10))
    embedding.select_box(-100, 100, -100, 100)
    assert len(selection.selected_rows()) == 1000


def test_a_quoted_value_with_an_apostrophe_is_a_plain_string():
    frame = pd.DataFrame({"id": [1, 2], "toy": ["dog's toy", "cat toy"]})
    selection = Selection(Dataset(frame))
    selection.filter = '''toy == "dog's toy"'''
    assert ids(selection.rows()) == [1] and selection.filter_error == ""


def test_a_predicate_that_cannot_apply_is_refused_and_the_old_one_kept(selection):
    from symphony.predicates import Range

    selection.select_ids(["r1"])
    with pytest.raises(ValueError, match="numeric or date column; 'label'"):
        selection.selected = Range("label", "a", "b")
    assert selection.selected == Ids(("r1",))
    assert ids(selection.selected_rows()) == ["r1"]


def test_positions_slice_across_chunks(monkeypatch):
    import numpy as np

    from symphony.selection import Positions

    rng = np.random.default_rng(1)
    mask = rng.random(10_000) < 0.3
    expected = np.flatnonzero(mask)
    monkeypatch.setattr(Positions, "CHUNK", 97)
    positions = Positions(mask)
    assert len(positions) == len(expected)
    for start, stop in [
        (0, 40),
        (40, 80),
        (1000, 1040),
        (len(expected) - 5, len(expected) + 10),
    ]:
        assert list(positions[start:stop]) == list(expected[start:stop])
    assert list(np.asarray(positions)) == list(expected)
    assert len(Positions(np.zeros(5, dtype=bool))[0:40]) == 0
