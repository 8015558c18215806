"""The document store kept beside the Whoosh index: every Document, read one at a time.

SQLite, one row per document: the full cleaned document (JSON) for display and citation, the metadata the
collection's list sorts on, and what the next build needs to tell a changed file. The folded text that
exact phrase search scans is not here but in the generation's mapped files (:mod:`index.mapped`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from archive.model import Document, document_from_dict, document_to_dict, is_one_line
from index.analysis import fold_words

STORE_NAME = "docs.sqlite"


class SourceRecord(Protocol):
    """What the store keeps of a source file (``index.build.Source``)."""

    source: str
    fingerprint: str
    digest: str
    stat: str


#: How the document list can be sorted: name → column (never user text in the SQL).
LISTING_SORTS = {"title": "title", "year": "year", "place": "place", "id": "id"}


@dataclass(frozen=True)
class Listed:
    """A document's line in the list of the collection."""

    id: str
    title: str
    title_supplied: bool
    byline: str | None
    year: int | None
    place: str | None
    paragraphs: int
    repairs: int
    #: The date the article was printed or posted (ISO: ``2020-01-15``, ``2020-01`` or ``2020``), if known.
    date: str | None = None


#: The printed lines before the paragraphs, in the order a document's folded text holds them.
FRONT_FIELDS = ("title", "subtitle", "byline")


def printed_lines_for_words(doc: Document) -> list[str]:
    """Each printed line of ``doc`` (:data:`FRONT_FIELDS`, the paragraphs, then a saved page's photo captions;
    empty when not printed), folded for words (:func:`index.analysis.fold_words`), one at a time: a word
    never runs across lines. Captions are printed too, so they are searched; they stay apart from the
    paragraphs (after them, numbered on their own)."""
    return [fold_words(x or "") for x in (doc.title, doc.subtitle, doc.byline, *doc.paragraphs, *doc.captions)]


def _connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(path, check_same_thread=False)
    con.execute(
        "CREATE TABLE IF NOT EXISTS docs (id TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,"
        " data TEXT NOT NULL, year INTEGER, place TEXT, authors TEXT NOT NULL, paragraphs INTEGER NOT NULL,"
        " source TEXT NOT NULL, stat TEXT NOT NULL, sha256 TEXT NOT NULL, title_supplied INTEGER NOT NULL,"
        " title TEXT NOT NULL, byline TEXT, repairs INTEGER NOT NULL, date TEXT)"
    )
    return con


class StoreWriter:
    """Rows of one build, written in batches on one connection and committed together at the end."""

    BATCH = 500

    def __init__(self, path: Path) -> None:
        self._con = _connect(path)
        self._rows: list[tuple] = []

    def add(self, doc: Document, source: SourceRecord) -> None:
        """Store ``doc`` with what the next build needs to tell whether its file changed. (Its folded text
        is in the generation's mapped files: :mod:`index.mapped`.)"""
        self._rows.append((doc.id, source.fingerprint, json.dumps(document_to_dict(doc), ensure_ascii=False),
                           doc.year, doc.place,
                           json.dumps(doc.author_names, ensure_ascii=False), len(doc.paragraphs),
                           source.source, source.stat, source.digest, int(doc.title_supplied),
                           doc.title, doc.byline, len(doc.repairs), doc.date))
        if len(self._rows) >= self.BATCH:
            self._flush()

    def remove(self, ids: Iterable[str]) -> None:
        self._con.executemany("DELETE FROM docs WHERE id = ?", [(i,) for i in ids])

    def _flush(self) -> None:
        self._con.executemany(f"INSERT OR REPLACE INTO docs VALUES ({', '.join('?' * 15)})", self._rows)
        self._rows = []

    def commit(self) -> None:
        self._flush()
        self._con.commit()
        self._con.close()

    def cancel(self) -> None:
        self._con.rollback()
        self._con.close()


def read_sources(path: Path) -> dict[str, tuple[str, str, str, str]]:
    """id → (fingerprint, source path, stat signature, SHA-256 of the raw bytes), as the last build recorded them."""
    if not path.exists():
        return {}
    con = _connect(path)
    try:
        return {i: (fp, src, st, sha) for i, fp, src, st, sha in
                con.execute("SELECT id, fingerprint, source, stat, sha256 FROM docs")}
    finally:
        con.close()


def count_paragraphs(path: Path) -> int:
    """Paragraphs of every stored document (the build's summary line)."""
    con = _connect(path)
    try:
        return con.execute("SELECT COALESCE(SUM(paragraphs), 0) FROM docs").fetchone()[0]
    finally:
        con.close()


class Store:
    """Read access used by searches: documents on demand, the list of the collection."""

    def __init__(self, path: Path) -> None:
        self._con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def count(self) -> int:
        return self._con.execute("SELECT COUNT(*) FROM docs").fetchone()[0]

    def listing(self, sort: str, descending: bool, offset: int, limit: int) -> list[Listed]:
        """One page of every document's catalogue line, sorted by ``sort`` (a key of :data:`LISTING_SORTS`);
        documents without the sort's value come last, ties in id order. By year, the documents of one year
        are in the order of their dates (ISO, so as strings), those without a date after them."""
        column = LISTING_SORTS[sort]
        order = "DESC" if descending else "ASC"
        then = f"date IS NULL, date {order}, " if column == "year" else ""
        rows = self._con.execute(
            f"SELECT id, title, title_supplied, byline, year, place, paragraphs, repairs, date FROM docs"
            f" ORDER BY {column} IS NULL, {column} {order}, {then}id LIMIT ? OFFSET ?", (limit, offset))
        return [Listed(i, t, bool(s), b, y, p, n, r, d) for i, t, s, b, y, p, n, r, d in rows]

    def document(self, doc_id: str) -> Document | None:
        if not is_one_line(doc_id):  # no document has such an id (see load_seed)
            return None
        row = self._con.execute("SELECT data FROM docs WHERE id = ?", (doc_id,)).fetchone()
        return document_from_dict(json.loads(row[0])) if row else None

    def close(self) -> None:
        self._con.close()
