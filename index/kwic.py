"""Concordance (KWIC): every occurrence of a phrase, in context, counted.

An occurrence is a match of the folded phrase in a printed line: the title (when printed, not supplied),
the subtitle, the byline, or a paragraph (folded as in phrase search: Traditional or Simplified, full or
half width), counted as ``str.count`` counts: left to right, not overlapping. Its context is the line's
*original* text, ``width`` characters either side, never crossing the line.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from index.analysis import fold_known, fold_text
from index.errors import QueryError, QueryTimeout
from index.limits import KWIC_DEFAULT_WIDTH as DEFAULT_WIDTH
from index.limits import KWIC_MAX_WIDTH as MAX_WIDTH
from index.limits import KWIC_SORTS as SORTS
from index.limits import MAX_QUERY_LENGTH
from index.query import unquote
from index.search import Engine
from index.store import FRONT_FIELDS


@dataclass(frozen=True)
class KwicLine:
    id: str
    title: str
    #: The paragraph number, or None for a row of the title, subtitle or byline (``field`` says which).
    paragraph: int | None
    left: str
    match: str
    right: str
    year: int | None = None
    field: str = "paragraph"

    @property
    def position(self) -> int:
        """Where the line stands in its document: title, subtitle, byline, then the paragraphs."""
        return FRONT_FIELDS.index(self.field) if self.paragraph is None else len(FRONT_FIELDS) + self.paragraph


@dataclass(frozen=True)
class Concordance:
    query: str
    lines: list[KwicLine]
    took_ms: float = 0.0
    per_document: Counter = field(default_factory=Counter)
    per_year: Counter = field(default_factory=Counter)

    @property
    def occurrences(self) -> int:
        return len(self.lines)

    @property
    def documents(self) -> int:
        return len(self.per_document)


def _phrase(query: str) -> str:
    """The phrase of a KWIC query: quotes around it are optional."""
    if len(query) > MAX_QUERY_LENGTH:
        raise QueryError(f"query too long ({len(query)} characters; the limit is {MAX_QUERY_LENGTH})")
    needle = fold_text(unquote(query))
    if not needle.strip():
        raise QueryError("a concordance needs a phrase to look for, e.g. 党建")
    return needle


def _printed_line(doc, k: int) -> tuple[str, int | None, str | None]:
    """Line ``k`` of a document's folded text, as printed: its label, paragraph number and text."""
    if k < len(FRONT_FIELDS):
        label = FRONT_FIELDS[k]
        text = None if label == "title" and doc.title_supplied else getattr(doc, label)
        return label, None, text
    n = k - len(FRONT_FIELDS) + 1
    return "paragraph", n, doc.paragraphs[n - 1]


def sort_lines(lines: list[KwicLine], by: str) -> list[KwicLine]:
    """``doc``: document and paragraph order; ``left``: by the words just before the match (read
    backwards, the classic concordance sort); ``right``: by the words just after it."""
    if by not in SORTS:
        raise QueryError(f"sort must be one of {', '.join(SORTS)}")
    if by == "left":
        return sorted(lines, key=lambda x: (fold_text(x.left)[::-1], x.id, x.position))
    if by == "right":
        return sorted(lines, key=lambda x: (fold_text(x.right), x.id, x.position))
    return lines


def concordance(engine: Engine, query: str, width: int = DEFAULT_WIDTH, sort: str = SORTS[0],
                time_limit: float | None = None) -> Concordance:
    """Every occurrence of the phrase ``query`` in the printed lines of the index, with context."""
    started = time.perf_counter()
    if not 0 <= width <= MAX_WIDTH:
        raise QueryError(f"width must be between 0 and {MAX_WIDTH}")
    needle = _phrase(query)
    deadline = engine.deadline(time_limit)
    lines: list[KwicLine] = []
    per_document: Counter = Counter()
    per_year: Counter = Counter()
    for doc_id in engine.documents_holding(needle, deadline):
        if time.monotonic() > deadline:
            raise QueryTimeout("the concordance ran past its time limit; look for a longer phrase")
        doc = None
        for k, folded_line in enumerate(engine.folded_lines(doc_id)):
            if needle not in folded_line:
                continue
            doc = doc or engine.document(doc_id, refresh=False)
            assert doc is not None
            label, n, par = _printed_line(doc, k)
            if par is None:
                continue  # a supplied title is not printed: no occurrence
            mapped = fold_known(par, folded_line)  # the stored folded text spares folding it again
            i = mapped.text.find(needle)
            while i != -1:
                a, b = mapped.original_span(i, i + len(needle))
                lines.append(KwicLine(doc_id, doc.title, n, par[max(0, a - width):a], par[a:b],
                                      par[b:b + width], doc.year, label))
                per_document[doc_id] += 1
                if doc.year is not None:
                    per_year[doc.year] += 1
                i = mapped.text.find(needle, i + len(needle))
    return Concordance(query, sort_lines(lines, sort), (time.perf_counter() - started) * 1000,
                       per_document, per_year)
