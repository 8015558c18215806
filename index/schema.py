"""The Whoosh schema: jieba words for ranking, plus the metadata used for filters."""

from __future__ import annotations

from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema

from index.analysis import word_analyzer

#: How much a word in the title outweighs one in the body (BM25F field boost).
TITLE_BOOST = 3.0


def build_schema() -> Schema:
    """``title``/``body`` hold folded jieba words with ordinal positions."""
    analyzer = word_analyzer()
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=analyzer, phrase=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=analyzer, phrase=True),
        authors=KEYWORD(commas=True, scorable=False),
        year=NUMERIC(int, bits=32, stored=True),
        place=ID(stored=True),
    )
