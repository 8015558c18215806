"""index.sets: union and intersection of sorted docnum arrays, held equal to Python's sets."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from index.sets import intersect, union

_SETS = st.sets(st.integers(0, 2_000), max_size=400).map(lambda s: np.array(sorted(s), dtype=np.int64))


@settings(max_examples=400, deadline=None)
@given(_SETS, _SETS)
def test_union_and_intersection_are_the_sets(a, b):
    for got, expected in ((union(a, b), set(a.tolist()) | set(b.tolist())),
                          (intersect(a, b), set(a.tolist()) & set(b.tolist()))):
        assert got.tolist() == sorted(expected)
        assert got.dtype == np.int64


def test_a_small_set_is_looked_up_in_a_large_one():
    # Past the lookup ratio the smaller set is searched in the larger (and the last docnum is no edge case).
    large = np.arange(0, 100_000, 2, dtype=np.int64)
    small = np.array([0, 1, 3, 50_000, 99_998, 99_999, 100_000], dtype=np.int64)
    assert intersect(small, large).tolist() == intersect(large, small).tolist() == [0, 50_000, 99_998]
    assert union(small, large).tolist() == sorted(set(large.tolist()) | set(small.tolist()))
