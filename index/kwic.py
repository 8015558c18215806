"""Concordance (KWIC): every occurrence of a phrase, in context, counted; any page of it, in bounded work.

An occurrence is a match of the folded phrase in a printed line: the title (when printed, not supplied),
the subtitle, the byline, or a paragraph (folded as in phrase search: Traditional or Simplified, full or
half width), counted as ``str.count`` counts: left to right, not overlapping. Its context is the line's
*original* text, ``width`` characters either side, never crossing the line.

A phrase such as ``，`` occurs a million times in a few thousand articles, so nothing here holds every
line. One pass counts the occurrences of each document (exact totals per document and per year, cheap:
a byte count in the mapped folded text, kept as arrays); then only the lines of the page asked for
are made. In document order a page is found by skipping whole documents by their counts. A sorted page
needs every occurrence's sort key, but only ``offset + limit`` of them are kept (a heap), and a sorted
order is offered for its first :data:`KWIC_MAX_SORTED` lines. The time limit covers counting, sorting
and making the lines; a caller writing a stream (CSV) makes them as it writes.
"""

from __future__ import annotations

import heapq
import threading
import time
from bisect import bisect_left
from collections import Counter, OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from archive.model import Document
from index.analysis import fold_known, fold_text
from index.errors import N_, QueryError, QueryTimeout
from index.limits import KWIC_DEFAULT_WIDTH as DEFAULT_WIDTH
from index.limits import KWIC_MAX_SORTED
from index.limits import KWIC_MAX_WIDTH as MAX_WIDTH
from index.limits import KWIC_SORTS as SORTS
from index.query import check_query_text, unquote
from index.search import Engine, Occurrences
from index.store import FRONT_FIELDS

TIMEOUT_MESSAGE = N_("the concordance ran past its time limit; look for a longer phrase")


@dataclass(frozen=True)
class KwicLine:
    id: str
    title: str
    #: The paragraph number, or None for a row of the title, subtitle, byline or a photo caption (``field``
    #: says which).
    paragraph: int | None
    left: str
    match: str
    right: str
    year: int | None = None
    field: str = "paragraph"
    #: The photo caption's number (1 is the page's first) when ``field`` is ``caption``.
    caption: int | None = None

    @property
    def position(self) -> tuple[int, int]:
        """Where the line stands in its document: title, subtitle, byline, the paragraphs, then the captions."""
        if self.caption is not None:
            return 2, self.caption
        return (0, FRONT_FIELDS.index(self.field)) if self.paragraph is None else (1, self.paragraph)


@dataclass(frozen=True)
class Concordance:
    """One page of a concordance, with the counts of all of it.

    ``lines`` is a list, or, when asked for lazily, an iterator that makes each line as it is read (for a
    stream); either way it holds at most ``limit`` lines from ``offset`` on, in ``sort`` order.
    """

    query: str
    lines: list[KwicLine] | Iterator[KwicLine]
    occurrences: int
    #: Each document's occurrences, by id (a :class:`DocumentCounts`, or any mapping).
    per_document: Mapping[str, int] = field(default_factory=dict)
    per_year: Counter = field(default_factory=Counter)
    offset: int = 0
    limit: int | None = None
    sort: str = SORTS[0]
    took_ms: float = 0.0

    @property
    def documents(self) -> int:
        return len(self.per_document)

    @property
    def reach(self) -> int:
        """How many of its lines can be read: all of them in document order, the first KWIC_MAX_SORTED sorted."""
        return self.occurrences if self.sort == "doc" else min(self.occurrences, KWIC_MAX_SORTED)

    @property
    def has_more(self) -> bool:
        """Whether lines that can be read remain after this page."""
        return bool(self.limit) and self.offset + self.limit < self.reach


def _phrase(query: str) -> str:
    """The phrase of a KWIC query: quotes around it are optional."""
    check_query_text(query)
    needle = fold_text(unquote(query))
    if not needle.strip():
        raise QueryError(N_("a concordance needs a phrase to look for, e.g. 党建"))
    return needle


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout(TIMEOUT_MESSAGE)


class _Reader:
    """The engine's folded lines and documents for one concordance, with a supplied (unprinted) title left
    out: it is searched as a title but is not text of the article, so it holds no occurrence."""

    def __init__(self, engine: Engine, needle: str) -> None:
        self.engine, self.needle = engine, needle
        self._docs: OrderedDict[str, Document] = OrderedDict()  # a few recent documents, not every one

    def document(self, doc_id: str) -> Document:
        doc = self._docs.get(doc_id)
        if doc is None:
            doc = self.engine.document(doc_id, refresh=False)
            assert doc is not None
            self._docs[doc_id] = doc
            if len(self._docs) > 64:
                self._docs.popitem(last=False)
        return doc

    def lines(self, doc_id: str) -> list[str]:
        """The document's folded printed lines (FRONT_FIELDS, the paragraphs, then the photo captions)."""
        lines = self.engine.folded_lines(doc_id)
        if self.needle in lines[0] and not self.engine.title_printed(doc_id):
            lines[0] = ""
        return lines

    def line(self, doc_id: str, k: int) -> tuple[str, int | None, str]:
        """Line ``k`` of a document as printed: its label, its number (a paragraph's or a caption's; None for
        the title, subtitle and byline) and its original text."""
        doc = self.document(doc_id)
        if k < len(FRONT_FIELDS):
            return FRONT_FIELDS[k], None, getattr(doc, FRONT_FIELDS[k]) or ""
        n = k - len(FRONT_FIELDS) + 1
        if n <= len(doc.paragraphs):
            return "paragraph", n, doc.paragraphs[n - 1]
        n -= len(doc.paragraphs)
        return "caption", n, doc.captions[n - 1]


class DocumentCounts(Mapping[str, int]):
    """Each document's number of occurrences, by id, in id order: read from the engine's arrays when asked
    (a dict of 700,000 ids would take longer to make than the counting)."""

    def __init__(self, held: Occurrences) -> None:
        self._held = held

    def __len__(self) -> int:
        return len(self._held)

    def __iter__(self) -> Iterator[str]:
        return (self._held.id(i) for i in range(len(self._held)))

    def __getitem__(self, doc_id: str) -> int:
        held = self._held
        i = bisect_left(range(len(held)), doc_id.encode("utf-8"), key=lambda k: held.id(k).encode("utf-8"))
        if i < len(held) and held.id(i) == doc_id:
            return int(held.counts[i])
        raise KeyError(doc_id)

    def most_common(self, n: int) -> list[tuple[str, int]]:
        """The ``n`` documents holding the most occurrences, most first (ties in id order), as
        :meth:`collections.Counter.most_common`."""
        best = np.argsort(-self._held.counts, kind="stable")[:n]
        return [(self._held.id(int(i)), int(self._held.counts[i])) for i in best]


#: Recent phrases' counts per generation: the next page of a concordance, or the same one asked for again,
#: skips the counting pass. An entry holds two numbers per document holding the phrase.
_COUNTS_KEPT = 16
_counts_cache: OrderedDict[tuple[Path, str], Occurrences] = OrderedDict()
_counts_lock = threading.Lock()


def _counts(engine: Engine, reader: _Reader, deadline: float) -> Occurrences:
    """:meth:`Engine.occurrences` of the phrase, remembered for the generation in service."""
    engine.refresh()  # the generation this request reads, and so the key
    key = (engine.generation, reader.needle)
    with _counts_lock:
        if (known := _counts_cache.get(key)) is not None:
            _counts_cache.move_to_end(key)
            return known
    held = engine.occurrences(reader.needle, deadline)
    with _counts_lock:
        # An entry holds its generation's mapped tables: drop those of the index's generations no longer in
        # service, so their files are unmapped once no request reads them.
        for old in [k for k in _counts_cache if k[0].parent == key[0].parent and k[0] != key[0]]:
            del _counts_cache[old]
        _counts_cache[key] = held
        while len(_counts_cache) > _COUNTS_KEPT:
            _counts_cache.popitem(last=False)
    return held


Place = tuple[str, int, int]  # document id, line number, folded offset of the match


def _occurrences(reader: _Reader, doc_id: str) -> Iterator[tuple[int, str, int]]:
    """Each occurrence in a document, in order: its line number, the folded line, the folded offset;
    counted as ``str.count`` counts (not overlapping)."""
    needle = reader.needle
    for k, line in enumerate(reader.lines(doc_id)):
        i = line.find(needle)
        while i != -1:
            yield k, line, i
            i = line.find(needle, i + len(needle))


def _places_in_order(reader: _Reader, held: Occurrences, offset: int, limit: int | None,
                     deadline: float) -> list[Place]:
    """The places of occurrences ``offset`` … ``offset + limit`` in document order: the documents before
    the page are skipped by their counts, all at once."""
    places: list[Place] = []
    before = np.cumsum(held.counts)
    d = int(np.searchsorted(before, offset, side="right"))  # the document holding occurrence ``offset``
    seen = int(before[d - 1]) if d else 0
    end = None if limit is None else offset + limit
    while d < len(held) and (end is None or seen < end):
        _check(deadline)
        for k, _, i in _occurrences(reader, held.id(d)):
            if end is not None and seen >= end:
                break
            if seen >= offset:
                places.append((held.id(d), k, i))
            seen += 1
        d += 1
    return places


def _places_sorted(reader: _Reader, held: Occurrences, width: int, sort: str, offset: int,
                   limit: int | None, deadline: float) -> list[Place]:
    """The places of sorted occurrences ``offset`` … ``offset + limit``: every occurrence's key is made,
    only the first ``offset + limit`` are kept."""
    size = len(reader.needle)

    def keyed() -> Iterator[tuple[str, int, int, int, str]]:
        for d in range(len(held)):
            if d % 64 == 0:
                _check(deadline)
            doc_id = held.id(d)
            for k, line, i in _occurrences(reader, doc_id):
                # The folded context, as phrase search reads it: Traditional and Simplified sort together.
                key = line[max(0, i - width):i][::-1] if sort == "left" else line[i + size:i + size + width]
                yield key, d, k, i, doc_id

    total = int(held.counts.sum())
    want = total if limit is None else min(total, offset + limit)
    chosen = heapq.nsmallest(want, keyed())
    _check(deadline)
    return [(doc_id, k, i) for _, _, k, i, doc_id in chosen[offset:]]


def _make_lines(reader: _Reader, places: Iterable[Place], width: int, deadline: float | None) -> Iterator[KwicLine]:
    """The concordance line of each place, its context cut from the original text."""
    needle = reader.needle
    lines_of, folded_lines = None, []  # the folded lines of the document last seen
    mapped_key, mapped = None, None
    for j, (doc_id, k, i) in enumerate(places):
        if j % 256 == 0:
            _check(deadline)
        if (doc_id, k) != mapped_key:
            if doc_id != lines_of:
                lines_of, folded_lines = doc_id, reader.lines(doc_id)
            label, n, text = reader.line(doc_id, k)
            # The stored folded text spares folding the line again to map offsets back to the original.
            mapped_key, mapped = (doc_id, k), (label, n, text, fold_known(text, folded_lines[k]))
        label, n, text, folded = mapped
        a, b = folded.original_span(i, i + len(needle))
        doc = reader.document(doc_id)
        yield KwicLine(doc_id, doc.title, n if label == "paragraph" else None, text[max(0, a - width):a],
                       text[a:b], text[b:b + width], doc.year, label, n if label == "caption" else None)


def concordance(engine: Engine, query: str, width: int = DEFAULT_WIDTH, sort: str = SORTS[0],
                time_limit: float | None = None, offset: int = 0, limit: int | None = None,
                lazy: bool = False) -> Concordance:
    """Lines ``offset`` … ``offset + limit`` of the concordance of the phrase ``query``, in ``sort`` order,
    with the exact counts of every occurrence. ``limit=None`` asks for every line (the command line; a
    sorted one then holds every sort key at once); a sorted page must end within :data:`KWIC_MAX_SORTED`.

    ``lazy``: the lines come as an iterator that makes each one when it is read, so a stream holds one line
    at a time; the time limit then runs on while it is read.
    """
    started = time.perf_counter()
    if not 0 <= width <= MAX_WIDTH:
        raise QueryError(f"width must be between 0 and {MAX_WIDTH}")
    if sort not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}")
    if offset < 0 or (limit is not None and limit < 0):
        raise QueryError("offset and limit cannot be negative")
    needle = _phrase(query)
    deadline = engine.deadline(time_limit)
    reader = _Reader(engine, needle)
    held = _counts(engine, reader, deadline)
    occurrences = int(held.counts.sum())
    if sort != "doc" and limit is not None and min(offset + limit, occurrences) > KWIC_MAX_SORTED:
        # Every line of a page of a sorted concordance is kept until the end of the pass: bound them.
        raise QueryError(N_("a sorted concordance shows its first %(lines)s lines; sort by document to read further"),
                         lines=f"{KWIC_MAX_SORTED:,}")
    if sort == "doc":
        places = _places_in_order(reader, held, offset, limit, deadline)
    else:
        places = _places_sorted(reader, held, width, sort, offset, limit, deadline)
    lines: list[KwicLine] | Iterator[KwicLine] = _make_lines(reader, places, width, deadline)
    if not lazy:
        lines = list(lines)
    return Concordance(query, lines, occurrences, DocumentCounts(held), held.per_year, offset, limit, sort,
                       (time.perf_counter() - started) * 1000)
