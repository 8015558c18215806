"""The Whoosh schema: jieba words for ranking, plus the metadata used for filters."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh import formats
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, NUMERIC, TEXT, Schema

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


#: Each order of the results but relevance → the column Whoosh sorts by (``FieldFacet``, ascending). Each
#: key ends in the document's id, so that ties (one year, one title) are in id order, as on ``/docs``, and
#: one column read decides. A descending order has a column of its own rather than Whoosh's ``reverse``:
#: reversed, the documents without a year would come first, and Whoosh reverses a text column by looking
#: each value up in the sorted list of all of them (time in the square of the documents).
SORT_COLUMNS = {("year", False): "year_up", ("year", True): "year_down",
                ("title", False): "title_up", ("title", True): "title_down"}
#: UTF-8 never holds the bytes 0xFE and 0xFF: each byte b becomes 0xFD - b (the order of bytes reversed),
#: and 0xFF ends the reversed title, so that it sorts after every longer title it begins (reversed too).
_REVERSE_BYTES = bytes(max(0, 0xFD - b) for b in range(256))


def title_key(title: str, descending: bool = False) -> bytes:
    """The title's part of its sort key: its UTF-8 bytes and a NUL (code point order, a title before the
    longer ones it begins, as SQLite sorts ``/docs``), or, descending, bytes that sort the other way."""
    raw = title.encode("utf-8")
    return raw.translate(_REVERSE_BYTES) + b"\xff" if descending else raw + b"\x00"


def year_key(year: int | None, descending: bool = False) -> bytes:
    """The year's part of its sort key: ``0`` and four bytes that sort as the year (or against it,
    descending), or ``1`` (after every year, either way) for a document without one."""
    if year is None:
        return b"1"
    return b"0" + ((2**31 - 1 - year) if descending else (year + 2**31)).to_bytes(4, "big")


def sort_keys(doc_id: str, title: str, year: int | None) -> dict[str, bytes]:
    """The value of each column of :data:`SORT_COLUMNS` for a document."""
    tail = doc_id.encode("utf-8")
    return {"year_up": year_key(year) + tail, "year_down": year_key(year, descending=True) + tail,
            "title_up": title_key(title) + tail, "title_down": title_key(title, descending=True) + tail}


def build_schema() -> Schema:
    """``title``/``body`` hold folded jieba words and their counts; the ``SORT_COLUMNS`` hold sort keys."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=WordField(field_boost=TITLE_BOOST),
        body=WordField(),
        authors=KEYWORD(commas=True, scorable=False),
        year=NUMERIC(int, bits=32, stored=True),
        place=ID(stored=True),
        **{name: COLUMN(VarBytesColumn()) for name in SORT_COLUMNS.values()},
    )
