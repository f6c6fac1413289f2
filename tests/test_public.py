import symphony


def test_all_is_literal_and_importable():
    assert sorted(symphony.__all__) == symphony.__all__
    for name in symphony.__all__:
        assert getattr(symphony, name) is not None
