"""The Whoosh schema: jieba words for ranking, plus the metadata used for filters."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import formats
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from index.analysis import count_words, word_analyzer

#: How much a word in the title outweighs one in the body (BM25F field boost).
TITLE_BOOST = 3.0


class WordField(TEXT):
    """Folded jieba words; each posting's weight is the word's count in the document (times the field boost).

    Exact phrases are matched on the stored folded text (``index.scan``), never on word positions, so
    positions would only cost build time and disk. The count needs no separate value either: Whoosh's
    BM25F reads a term's frequency from the posting's weight, so the format is ``Existence`` (no
    per-posting value bytes) carrying those weights. ``index`` yields what Whoosh's ``Frequency`` format
    makes of :func:`word_analyzer`'s tokens, counted without building a Token per word (the build's
    hot path; a test holds them equal, and another the BM25F scores to a ``Frequency`` field's).
    """

    def __init__(self, field_boost: float = 1.0) -> None:
        super().__init__(analyzer=word_analyzer(), phrase=False, field_boost=field_boost)
        self.format = formats.Existence(field_boost=field_boost)

    def index(self, value: str, **kwargs) -> Iterator[tuple[bytes, int, float, bytes]]:
        boost = self.format.field_boost
        for word, n in count_words(value).items():
            yield word.encode("utf-8"), n, n * boost, b""


def build_schema() -> Schema:
    """``title``/``body`` hold folded jieba words and their counts."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=WordField(field_boost=TITLE_BOOST),
        body=WordField(),
        authors=KEYWORD(commas=True, scorable=False),
        year=NUMERIC(int, bits=32, stored=True),
        place=ID(stored=True),
    )
