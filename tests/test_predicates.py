import pandas as pd
import pytest

from symphony import Box, ConfusionCell, Dataset, Ids
from symphony.predicates import (
    DuplicateGroup,
    Lasso,
    Range,
    Values,
    combine,
    predicate_from_dict,
)


def test_box_skips_missing_and_infinite_coordinates(animals):
    ds = Dataset(animals)
    mask = Box("tsne", -0.5, 2.5, -0.5, 2.5).mask(ds)
    assert list(ds.ids[mask]) == ["r1", "r2", "r7", "r8"]


def test_box_orders_its_corners(animals):
    ds = Dataset(animals)
    assert (
        Box("tsne", 2.5, -0.5, 2.5, -0.5).mask(ds)
        == Box("tsne", -0.5, 2.5, -0.5, 2.5).mask(ds)
    ).all()


def test_confusion_cell_and_ids(animals):
    ds = Dataset(animals)
    assert list(ds.ids[ConfusionCell("cat", "dog").mask(ds)]) == ["r2"]
    assert list(ds.ids[Ids(("r8", "r3", "zzz")).mask(ds)]) == ["r3", "r8"]


@pytest.mark.parametrize(
    "predicate",
    [
        Ids(("a", 1)),
        Box("tsne", 0, 1, 2, 3),
        ConfusionCell("cat", 3),
    ],
)
def test_round_trip(predicate):
    assert predicate_from_dict(predicate.to_dict()) == predicate


@pytest.mark.parametrize(
    "data, message",
    [
        ({"kind": "star"}, "needs a 'kind' among box, compound, confusion, duplicates"),
        ({"kind": "box", "projection": "p", "x": [1]}, "'box' predicate .* is malformed"),
    ],
)
def test_malformed_dict_is_explained(data, message):
    with pytest.raises(ValueError, match=message):
        predicate_from_dict(data)


def test_lasso_and_box_over_the_same_square_agree(animals):
    ds = Dataset(animals)
    square = Lasso("tsne", (-0.5, 2.5, 2.5, -0.5), (-0.5, -0.5, 2.5, 2.5))
    assert list(ds.ids[square.mask(ds)]) == ["r1", "r2", "r7", "r8"]
    assert (square.mask(ds) == Box("tsne", -0.5, 2.5, -0.5, 2.5).mask(ds)).all()


def test_lasso_follows_a_concave_outline(animals):
    ds = Dataset(animals)
    # an L shape around (0, 0) and (2, 2)... without (1, 1) and (1, 2)
    shape = Lasso(
        "tsne", (-0.5, 0.5, 0.5, 2.5, 2.5, -0.5), (-0.5, -0.5, 1.5, 1.5, 2.5, 2.5)
    )
    assert list(ds.ids[shape.mask(ds)]) == ["r1", "r7", "r8"]


def test_lasso_needs_three_finite_points():
    with pytest.raises(ValueError, match="at least three points"):
        Lasso("tsne", (0, 1), (0, 1))
    with pytest.raises(ValueError, match="finite"):
        Lasso("tsne", (0, 1, float("inf")), (0, 1, 2))


def test_range_values_and_duplicate_group():
    frame = pd.DataFrame(
        {
            "id": list("abcde"),
            "score": [0.1, 0.5, None, 0.9, 0.5],
            "when": pd.to_datetime(
                ["2024-01-01", "2024-02-01", None, "2024-03-01", "2024-01-15"]
            ),
            "kind": ["x", "y", None, "z", "x"],
            "duplicates_pixels": [[1], [], None, [1, 2], "[2]"],
        }
    )
    ds = Dataset(frame)
    assert list(ds.ids[Range("score", 0.5, 1).mask(ds)]) == ["b", "d", "e"]
    assert list(ds.ids[Range("when", "2024-01-10", "2024-02-01").mask(ds)]) == ["b", "e"]
    assert list(ds.ids[Values("kind", ("x", "z")).mask(ds)]) == ["a", "d", "e"]
    assert list(ds.ids[DuplicateGroup("duplicates_pixels", 2).mask(ds)]) == ["d", "e"]
    with pytest.raises(ValueError, match="numeric or date column; 'kind'"):
        Range("kind", "a", "b").mask(ds)


def test_combine_adds_and_subtracts_in_order(animals):
    ds = Dataset(animals)
    picked = combine(None, Box("tsne", -0.5, 2.5, -0.5, 2.5), "replace")
    picked = combine(picked, Ids(("r5",)), "add")
    picked = combine(picked, ConfusionCell("bird", "bird"), "subtract")
    assert list(ds.ids[picked.mask(ds)]) == ["r1", "r2", "r5", "r8"]
    assert predicate_from_dict(picked.to_dict()) == picked


def test_compound_from_untrusted_dict_is_bounded():
    nested = {
        "kind": "compound",
        "steps": [{"mode": "replace", "predicate": {"kind": "compound", "steps": []}}],
    }
    with pytest.raises(ValueError, match="cannot itself be compound"):
        predicate_from_dict(nested)
    long = {
        "kind": "compound",
        "steps": [{"mode": "add", "predicate": {"kind": "ids", "ids": [1]}}] * 51,
    }
    with pytest.raises(ValueError, match="at most 50 steps"):
        predicate_from_dict(long)


def test_box_reads_nullable_float_coordinates():
    frame = pd.DataFrame(
        {
            "id": [1, 2, 3],
            "projection_p_x": pd.array([0.1, None, 2.0], dtype="Float64"),
            "projection_p_y": pd.array([0.1, 1.0, 2.0], dtype="Float64"),
        }
    )
    assert list(Box("p", 0, 3, 0, 3).mask(Dataset(frame))) == [True, False, True]


def test_values_describe_one_or_many():
    assert Values("split", ("test",)).describe() == "1 value of split"
    assert Values("split", ("test", "train")).describe() == "2 values of split"
