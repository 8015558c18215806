"""Sets of documents as sorted arrays of distinct docnums: union and intersection.

numpy's own (``np.union1d``, ``np.intersect1d``) sort the two arrays' concatenation from scratch, or hash
it: 375 ms for the union and 47 ms for the intersection of two sets of 280,000 documents (numpy 2.4), the
whole time budget of a query at 735,300 articles. Both inputs are sorted already, so a stable sort of the
concatenation is a merge of two runs (7.5 and 3.7 ms); a set much smaller than the other is looked up in
it instead (0.07 ms for 1,600 documents in 700,000).
"""

from __future__ import annotations

import numpy as np

#: Below this ratio of sizes the smaller set is looked up in the larger one rather than merged with it.
_LOOKUP_RATIO = 32


def union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The docnums of ``a`` or ``b`` (each sorted and distinct), sorted and distinct."""
    if not len(a) or not len(b):
        return b if not len(a) else a
    both = np.concatenate((a, b))
    both.sort(kind="stable")  # two sorted runs: merged
    return both[np.concatenate(([True], both[1:] != both[:-1]))]


def intersect(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The docnums of both ``a`` and ``b`` (each sorted and distinct), sorted."""
    if len(a) > len(b):
        a, b = b, a
    if not len(a):
        return a
    if len(a) * _LOOKUP_RATIO < len(b):
        at = np.searchsorted(b, a)
        at[at == len(b)] = 0
        return a[b[at] == a]
    both = np.concatenate((a, b))
    both.sort(kind="stable")
    return both[:-1][both[1:] == both[:-1]]
