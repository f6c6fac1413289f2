import pytest

from symphony import Box, ConfusionCell, Dataset, Ids
from symphony.predicates import predicate_from_dict


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
        ({"kind": "star"}, "needs a 'kind' among box, confusion, ids"),
        ({"kind": "box", "projection": "p", "x": [1]}, "'box' predicate .* is malformed"),
    ],
)
def test_malformed_dict_is_explained(data, message):
    with pytest.raises(ValueError, match=message):
        predicate_from_dict(data)
