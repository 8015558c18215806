"""Design A for comparison only: a Whoosh field of folded characters with consecutive positions.

Paragraph breaks leave a gap in positions, so a phrase cannot span two paragraphs.
"""

from __future__ import annotations

from pathlib import Path

from whoosh import index as wi
from whoosh.analysis import Filter
from whoosh.fields import ID, TEXT, Schema
from whoosh.query import Phrase, Term

from index.analysis import CharTokenizer, fold_text


class DropSeparators(Filter):
    """Drops newline tokens but keeps their position, leaving a gap between paragraphs."""

    def __call__(self, tokens):
        for t in tokens:
            if t.text != "\n":
                yield t


def build_char_index(docs, path: Path) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    schema = Schema(id=ID(stored=True, unique=True), chars=TEXT(analyzer=CharTokenizer() | DropSeparators(),
                                                                phrase=True))
    ix = wi.create_in(str(path), schema)
    w = ix.writer(limitmb=256)
    for d in docs:
        w.add_document(id=d.id, chars="\n".join([d.title, *d.paragraphs]))
    w.commit()


def phrase_search(searcher, phrase: str) -> set[str]:
    chars = list(fold_text(phrase))
    q = Term("chars", chars[0]) if len(chars) == 1 else Phrase("chars", chars)
    return {searcher.stored_fields(n)["id"] for n in q.docs(searcher)}
