"""Peer engines the benchmark runs beside ours on the same ``.txt`` corpus, so our numbers have a yardstick.

Each peer is used the way a normal user would use it, not tuned to win: SQLite FTS5 with its trigram tokenizer
(substring semantics) and Tantivy over jieba-segmented text (word semantics). Build in a subprocess to measure
time and peak memory per peer: ``python -m bench.peers build fts5|tantivy CORPUS WORKDIR``.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

QUERY_KINDS = ("word", "phrase", "rare", "and")  # common word, exact phrase, rare term, two-word AND
Hits = tuple[int, list[tuple[str, str]]]


class Peer(Protocol):
    name: str

    def build(self, corpus: Path, workdir: Path) -> None: ...
    def open(self, workdir: Path) -> None: ...
    def search(self, kind: str, terms: list[str], limit: int = 10) -> Hits: ...
    def matching_ids(self, kind: str, terms: list[str]) -> set[str]: ...
    def size_bytes(self, workdir: Path) -> int: ...


def read_corpus(corpus: Path) -> Iterator[tuple[str, str, str]]:
    """(id, title, body) per file: title is the first line, body the paragraph lines after the blank line."""
    for path in sorted(corpus.glob("*.txt")):
        title, _, body = path.read_text(encoding="utf-8").partition("\n")
        yield path.stem, title.strip(), body.strip("\n")


def _fresh(workdir: Path) -> None:
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)


def _du(workdir: Path) -> int:
    return sum(p.stat().st_size for p in workdir.rglob("*") if p.is_file())


class Fts5Peer:
    """SQLite FTS5, trigram tokenizer: every query is a substring search; <3-character terms fall back to LIKE."""

    name = "SQLite FTS5 (trigram)"
    DB = "fts5.db"

    def __init__(self) -> None:
        assert sqlite3.sqlite_version_info >= (3, 34, 0), "FTS5 trigram needs SQLite 3.34+"
        self.db: sqlite3.Connection | None = None

    def build(self, corpus: Path, workdir: Path) -> None:
        _fresh(workdir)
        db = sqlite3.connect(workdir / self.DB)
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='trigram')")
        with db:  # one transaction for all inserts
            db.executemany("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", read_corpus(corpus))
        # No INSERT INTO docs(docs) VALUES('optimize'): measured on inews it added 2.6 s to a 7 s build and left
        # MATCH latency unchanged (within noise; rare term 0.2 → 0.1 ms), since one transaction already merges well.
        db.close()

    def open(self, workdir: Path) -> None:
        self.db = sqlite3.connect(workdir / self.DB)
        self.db.execute("SELECT count(*) FROM docs").fetchone()

    @staticmethod
    def _where(terms: list[str]) -> tuple[str, list[str], bool]:
        """WHERE clause + parameters: MATCH for the ≥3-character terms, LIKE for the rest; True if ranked."""
        long = [t for t in terms if len(t) >= 3]
        parts, params = [], []
        if long:
            parts.append("docs MATCH ?")
            params.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in long))
        for t in terms:
            if len(t) < 3:
                pat = "%" + t.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
                parts.append(r"(title LIKE ? ESCAPE '\' OR body LIKE ? ESCAPE '\')")
                params += [pat, pat]
        return " AND ".join(parts), params, bool(long)

    def search(self, kind: str, terms: list[str], limit: int = 10) -> Hits:
        assert self.db is not None and kind in QUERY_KINDS
        where, params, ranked = self._where(terms)
        total = self.db.execute(f"SELECT count(*) FROM docs WHERE {where}", params).fetchone()[0]
        if ranked:
            sql = (f"SELECT id, snippet(docs, -1, '<mark>', '</mark>', '…', 16) FROM docs WHERE {where} "
                   "ORDER BY rank LIMIT ?")
            return total, list(self.db.execute(sql, [*params, limit]))
        # No MATCH possible: snippet by hand around the first occurrence of the first term (body, else title).
        q = terms[0]
        sql = ("SELECT id, p, substr(t, max(1, p - 16), p - max(1, p - 16)), substr(t, p + ?, 16), substr(t, 1, 32) "
               "FROM (SELECT id, t, instr(t, ?) AS p FROM (SELECT id, CASE WHEN instr(body, ?) > 0 THEN body "
               f"ELSE title END AS t FROM docs WHERE {where} ORDER BY rowid LIMIT ?))")
        hits = []
        for doc_id, p, pre, post, head in self.db.execute(sql, [len(q), q, q, *params, limit]):
            # p == 0 only when LIKE's ASCII case-folding matched but instr did not
            snip = f"…{html.escape(pre)}<mark>{html.escape(q)}</mark>{html.escape(post)}…" if p else html.escape(head)
            hits.append((doc_id, snip))
        return total, hits

    def matching_ids(self, kind: str, terms: list[str]) -> set[str]:
        assert self.db is not None
        where, params, _ = self._where(terms)
        return {r[0] for r in self.db.execute(f"SELECT id FROM docs WHERE {where}", params)}

    def size_bytes(self, workdir: Path) -> int:
        return _du(workdir)


# A space the segmentation inserted between two non-ASCII characters (possibly next to a highlight tag).
_SEG_SPACE = re.compile(r"(?:(?<=[^\x00-\x7f])|(?<=</mark>)) (?=[^\x00-\x7f]|<mark>)")


class TantivyPeer:
    """Tantivy over jieba words joined by spaces, the textbook Chinese setup: word semantics, BM25."""

    name = "Tantivy + jieba"

    def __init__(self) -> None:
        import rjieba
        import tantivy

        self.t, self.cut = tantivy, rjieba.cut
        # Same chain as tantivy's "default" tokenizer, so query terms equal the indexed ones.
        self.analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                         .filter(tantivy.Filter.remove_long(40)).filter(tantivy.Filter.lowercase()).build())

    def _segment(self, text: str) -> str:
        return " ".join(self.cut(text, hmm=False))

    def _schema(self):
        sb = self.t.SchemaBuilder()
        sb.add_text_field("id", stored=True, tokenizer_name="raw")
        sb.add_text_field("title", stored=True)
        sb.add_text_field("body", stored=True)
        return sb.build()

    def build(self, corpus: Path, workdir: Path) -> None:
        _fresh(workdir)
        index = self.t.Index(self._schema(), path=str(workdir))
        writer = index.writer(heap_size=256_000_000)
        for doc_id, title, body in read_corpus(corpus):
            writer.add_document(self.t.Document(id=doc_id, title=self._segment(title), body=self._segment(body)))
        writer.commit()
        writer.wait_merging_threads()

    def open(self, workdir: Path) -> None:
        self.index = self.t.Index.open(str(workdir))
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _tokens(self, term: str) -> list[str]:
        return self.analyzer.analyze(self._segment(term))

    def _either(self, make) -> object:
        """The same sub-query on title OR body."""
        Occur = self.t.Occur
        return self.t.Query.boolean_query([(Occur.Should, make("title")), (Occur.Should, make("body"))])

    def _query(self, kind: str, terms: list[str]):
        """Built with Query constructors (no query-language parsing, so special characters are harmless)."""
        Q, Occur = self.t.Query, self.t.Occur
        if kind == "phrase":
            toks = self._tokens(terms[0])
            if len(toks) > 1:  # tantivy's PhraseQuery needs ≥2 terms
                return self._either(lambda f: Q.phrase_query(self.schema, f, toks))
        musts = [(Occur.Must, self._either(lambda f, w=w: Q.term_query(self.schema, f, w)))
                 for t in terms for w in self._tokens(t)]
        return Q.boolean_query(musts) if musts else Q.empty_query()

    def _snippet(self, gens: dict, query, doc) -> str:
        for field in ("body", "title"):
            if field not in gens:
                gens[field] = self.t.SnippetGenerator.create(self.searcher, query, self.schema, field)
                gens[field].set_max_num_chars(100)  # bytes of segmented text: ~30 Chinese characters
            snip = gens[field].snippet_from_doc(doc)
            if snip.highlighted():
                break
        out = snip.to_html().replace("<b>", "<mark>").replace("</b>", "</mark>")
        return _SEG_SPACE.sub("", out)  # display only: drop the spaces segmentation put between Chinese words

    def search(self, kind: str, terms: list[str], limit: int = 10) -> Hits:
        assert kind in QUERY_KINDS
        query = self._query(kind, terms)
        result = self.searcher.search(query, limit)
        gens: dict = {}
        hits = []
        for _score, addr in result.hits:
            doc = self.searcher.doc(addr)
            hits.append((doc.get_first("id"), self._snippet(gens, query, doc)))
        return result.count, hits

    def matching_ids(self, kind: str, terms: list[str]) -> set[str]:
        result = self.searcher.search(self._query(kind, terms), max(1, self.searcher.num_docs), count=False)
        return {self.searcher.doc(addr).get_first("id") for _score, addr in result.hits}

    def size_bytes(self, workdir: Path) -> int:
        return _du(workdir)


PEERS: dict[str, type] = {"fts5": Fts5Peer, "tantivy": TantivyPeer}


def main(argv: list[str]) -> None:
    """``build PEER CORPUS WORKDIR``: one build in this process, so the caller can measure its peak memory."""
    if len(argv) != 4 or argv[0] != "build" or argv[1] not in PEERS:
        sys.exit(f"usage: python -m bench.peers build {'|'.join(PEERS)} CORPUS WORKDIR")
    peer = PEERS[argv[1]]()
    workdir = Path(argv[3])
    start = time.perf_counter()
    peer.build(Path(argv[2]), workdir)
    build_s = time.perf_counter() - start
    size_mb = round(peer.size_bytes(workdir) / 1e6, 1)
    print(json.dumps({"peer": argv[1], "build_s": round(build_s, 2), "size_mb": size_mb}))


if __name__ == "__main__":
    main(sys.argv[1:])
