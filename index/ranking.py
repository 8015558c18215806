"""BM25F of many documents at once: Whoosh's formula, statistics, weights and field lengths, in numpy.

Whoosh scores a document at a time in Python (tens of microseconds each), so ranking the 200,000 articles
that hold a common word took longer than finding them. Here each word's postings are read a block at a
time into arrays and every document of the group is scored in one vectorised pass. The scores are
Whoosh's own (:class:`whoosh.scoring.BM25F` with its defaults, the searcher's idf and average field
length, the field length byte of each document): a test holds them equal to Whoosh's scorer.

Reading a posting block and the length column goes through attributes of Whoosh's codec (``whoosh3``)
that are not public; Whoosh-Reloaded is pinned, and the tests would see a change.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.matching import Matcher
from whoosh.matching.wrappers import WrappingMatcher
from whoosh.scoring import BM25F
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from index.errors import N_, QueryTimeout
from index.sets import intersect

#: The fields a word is scored in, in the order their scores are added.
FIELDS = ("title", "body")
#: Each field length byte of Whoosh's, as the length it stands for.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
#: A group of more than one document in this many is placed through an array over every docnum.
_DENSE_SHARE = 16
_TIMEOUT = N_("ranking ran past the time limit; make the query more specific")


def _block_data(matcher) -> tuple:
    if matcher._data is None:
        matcher._read_data()  # the block's pickled (ids, weights, values), decompressed
    return matcher._data


def _block_ids(matcher) -> np.ndarray:
    """The segment docnums of the matcher's current block: stored as differences (Whoosh decodes them in a
    Python generator, a tenth of a microsecond each)."""
    ids = np.asarray(_block_data(matcher)[0], dtype=np.int64)
    return ids if matcher._byteids else np.cumsum(ids)


def _block_weights(matcher) -> np.ndarray:
    """The weights of the current block: stored as None (all 1.0), one float for all, or one each."""
    weights = _block_data(matcher)[1]
    if weights is None or isinstance(weights, float):
        return np.full(matcher._blocklength, 1.0 if weights is None else weights, dtype=np.float64)
    return np.asarray(weights, dtype=np.float64)


def word_documents(searcher: Searcher, word: str, among: np.ndarray | None = None) -> np.ndarray:
    """The docnums whose title or body holds ``word``, sorted (deleted documents included): read a block at
    a time, as :class:`Scorer` reads postings, but needing no scorer. Given ``among`` (sorted docnums), only
    those of them: the blocks that cannot hold one are passed over undecoded."""
    every = [ids for field in FIELDS for ids in (_blocks(searcher, field, word) if among is None
                                                 else _blocks_among(searcher, field, word, among))]
    if not every:
        return np.empty(0, np.int64)
    # Not np.unique: it imports numpy.ma (5 ms of every cold `archive search`) to rule out a masked array.
    ids = np.sort(np.concatenate(every))
    ids = ids[np.concatenate(([True], ids[1:] != ids[:-1]))]
    return ids if among is None else intersect(ids, among)


def _matchers(searcher: Searcher, field: str, word: str) -> Iterator[tuple[Matcher, int]]:
    """Each segment's posting matcher of ``word`` in ``field``, unfiltered (deleted documents included), with
    the segment's docnum offset."""
    for sub, offset in searcher.leaf_searchers():
        reader = sub.reader()
        if (field, word) not in reader:
            continue
        matcher = reader.postings(field, word)
        while isinstance(matcher, WrappingMatcher):  # the filter of deleted documents
            matcher = matcher.child
        yield matcher, offset


def _blocks(searcher: Searcher, field: str, word: str) -> Iterator[np.ndarray]:
    """The global docnums of each block of a word's postings in ``field``."""
    for matcher, offset in _matchers(searcher, field, word):
        while matcher.is_active():
            yield _block_ids(matcher) + offset
            matcher._next_block()


def _blocks_among(searcher: Searcher, field: str, word: str, docnums: np.ndarray,
                  weights: list[np.ndarray] | None = None) -> Iterator[np.ndarray]:
    """The global docnums of the blocks of a word's postings in ``field`` that may hold one of ``docnums``
    (sorted): a block ending before the next of them is passed over undecoded (its header tells its last
    docnum), so eight documents are looked up without reading the 700,000 postings of 的. Each block's
    weights are appended to ``weights`` when given."""
    for matcher, offset in _matchers(searcher, field, word):
        j = int(np.searchsorted(docnums, offset))  # the first of the group this segment may hold
        while matcher.is_active() and j < len(docnums):  # a block at a time
            k = int(np.searchsorted(docnums, matcher.block_max_id() + offset, side="right"))
            if k > j:  # some of the group fall in this block's range
                if weights is not None:
                    weights.append(_block_weights(matcher))
                yield _block_ids(matcher) + offset
            j = k
            matcher._next_block()


class Scorer:
    """BM25F for one generation: the field lengths of every document, read once from a searcher of it; any
    searcher of the same generation then scores (each thread its own)."""

    def __init__(self, searcher: Searcher) -> None:
        weighting = BM25F()
        self.B, self.K1 = weighting.B, weighting.K1
        self._avg = {f: searcher.avg_field_length(f) or 1 for f in FIELDS}
        # One byte per document and field (0.7 MB a field at 735,300 documents).
        self._length_bytes = {f: np.zeros(searcher.doc_count_all(), dtype=np.uint8) for f in FIELDS}
        for sub, offset in searcher.leaf_searchers():
            perdoc = sub.reader()._perdoc
            for f in FIELDS:
                column = perdoc._cached_reader(_lenfield(f), LENGTHS_COLUMN)
                if column is None:
                    continue
                raw = column._dbfile.get(column._basepos, column._count) if column._count else b""
                self._length_bytes[f][offset:offset + len(raw)] = np.frombuffer(raw, dtype=np.uint8)

    def _postings(self, searcher: Searcher, field: str, word: str,
                  docnums: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The global docnums and weights of a word's postings in ``field``, from the blocks that may hold one
        of ``docnums`` (sorted). Deleted documents are included: only documents of the group are scored."""
        weights: list[np.ndarray] = []
        ids = list(_blocks_among(searcher, field, word, docnums, weights))
        if not ids:
            return np.empty(0, np.int64), np.empty(0, np.float64)
        return np.concatenate(ids), np.concatenate(weights)

    def score(self, searcher: Searcher, docnums: np.ndarray, words: Sequence[str],
              deadline: float | None = None) -> np.ndarray:
        """The BM25F score of each of ``docnums`` (sorted, unique) over ``words``: for each field, then each
        word, the sum of Whoosh's ``bm25(idf, weight, length, avgfl, B, K1)``."""
        scores = np.zeros(len(docnums), dtype=np.float64)
        if not len(docnums):
            return scores
        every = len(self._length_bytes[FIELDS[0]])
        # Where each posting's document stands in the group: looked up in an array over every docnum when
        # the group is a large part of the archive (288,500 of 735,300 for 进行: 0.9 ms a word and field,
        # where a binary search of each posting took 6.7), else searched for.
        place = None
        if len(docnums) * _DENSE_SHARE > every:
            place = np.full(every, -1, dtype=np.int64)
            place[docnums] = np.arange(len(docnums))
        for field in FIELDS:
            lengths = _LENGTHS[self._length_bytes[field][docnums]]
            avg = self._avg[field]
            for word in words:
                if deadline is not None and time.monotonic() > deadline:
                    raise QueryTimeout(_TIMEOUT)
                ids, weights = self._postings(searcher, field, word, docnums)
                if not len(ids):
                    continue
                if place is not None:
                    at = place[ids]
                    inside = at >= 0
                else:
                    at = np.searchsorted(docnums, ids)
                    inside = at < len(docnums)
                    inside[inside] = docnums[at[inside]] == ids[inside]
                at, tf = at[inside], weights[inside]
                idf = searcher.idf(field, word)
                fl = lengths[at]
                scores[at] += idf * ((tf * (self.K1 + 1)) / (tf + self.K1 * ((1 - self.B) + self.B * fl / avg)))
        return scores
