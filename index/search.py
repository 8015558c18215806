"""Searching the built index: query tree → exact document set → BM25F ranking → snippets."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from whoosh.query import Every, Query
from whoosh.searching import Searcher

from archive.model import Author, Document
from archive.segmenter import dictionary_loaded
from index import query as q
from index.analysis import fold_text, is_punctuation_or_space, query_words
from index.dictionary import Dictionary
from index.errors import N_, QueryError, QueryTimeout
from index.generation import current_stamp, damaged_index, open_current
from index.limits import DEFAULT_LIMIT, DEFAULT_TIME_LIMIT, MAX_LIMIT, SEARCH_SORTS
from index.mapped import FOLDED, IDS, TITLES, Texts
from index.ranking import FIELDS as RANKED_FIELDS
from index.ranking import Scorer, word_documents
from index.scan import PARAGRAPH_SEP, Haystack
from index.schema import SORT_COLUMNS
from index.sets import intersect, union
from index.snippets import MAX_PASSAGES, Passage, Span, lead_passage, make_passages, match_spans
from index.store import FRONT_FIELDS, LISTING_SORTS, Listed, Store
from index.tables import FACETS, LIVE, SUPPLIED, Tables

if TYPE_CHECKING:
    from whoosh.collectors import Collector


@dataclass(frozen=True)
class _Generation:
    """What the engine reads of one generation, opened together and replaced together."""

    path: Path
    stamp: tuple[int, int] | None
    searchers: _SearcherPool
    store: Store
    haystack: Haystack
    titles: Haystack
    #: Each docnum's id, year, facets; the ids in order (mapped: nothing per document in memory).
    tables: Tables
    #: What is worked out once per generation, when first asked for (:meth:`Engine.collection`).
    memo: dict = field(default_factory=dict)


def _collect(searcher: Searcher, query: Query, child: Collector, allow: set[int], deadline: float) -> list:
    """The hits of ``query`` in ``allow`` as Whoosh's collector ``child`` keeps them (the first in a sort
    order), or QueryTimeout past ``deadline``.

    Not ``searcher.collector(filter=allow)`` inside a ``TimeLimitCollector``: Whoosh's ``FilterCollector``
    filters in its ``collect_matches``, which the time limit's own ``collect_matches`` replaces, so the pair
    collected every match, allowed or not (a ranking once listed documents the query had excluded).
    """
    from whoosh.collectors import TimeLimit, TimeLimitCollector  # only sorted pages: not at every start

    class Within(TimeLimitCollector):
        def collect_matches(self) -> None:
            child, offset = self.child, self.offset
            for sub_docnum in child.matches():
                if self.timedout:
                    raise TimeLimit
                if offset + sub_docnum in allow:
                    child.collect(sub_docnum)
            if self.timedout:
                raise TimeLimit

    # SIGALRM works only in the main thread: no alarm, the collector looks at the clock.
    collector = Within(child, timelimit=max(0.01, deadline - time.monotonic()), use_alarm=False)
    try:
        searcher.search_with_collector(query, collector)
    except TimeLimit as exc:
        raise QueryTimeout(_RANKING_TIMEOUT) from exc
    # Not list(results): list() asks len() first, and Whoosh's Results counts every match of the query in
    # the whole index for it (100 ms of a 105 ms search for a common word at 73,530 articles).
    return [hit for hit in collector.results()]


class _SearcherPool:
    """The Whoosh searchers of one generation, each lent to one thread at a time: Whoosh's readers seek and
    then read shared files, so a searcher cannot serve two threads at once. A few, not one per thread: each
    holds tens of megabytes of Whoosh's caches, and threads take turns on one interpreter anyway."""

    SIZE = 4

    def __init__(self, first: Searcher) -> None:
        self._free = [first]
        self._made = 1
        self._ix = first._ix  # the Whoosh index it came from (Whoosh keeps it there)
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def lend(self, timeout: float) -> Iterator[Searcher]:
        """A searcher for the block; waits at most ``timeout`` seconds for one to be free."""
        deadline = time.monotonic() + max(0.0, timeout)
        with self._cond:
            while not self._free and self._made >= self.SIZE:
                if not self._cond.wait(max(0.0, deadline - time.monotonic())) and time.monotonic() >= deadline:
                    raise QueryTimeout(_RANKING_TIMEOUT)
            searcher = self._free.pop() if self._free else None
            if searcher is None:
                self._made += 1
        if searcher is None:
            searcher = self._ix.searcher()
        try:
            yield searcher
        finally:
            with self._cond:
                self._free.append(searcher)
                self._cond.notify()

    def close(self) -> None:
        """Close the searchers not lent out (the engine closes when no request runs)."""
        with self._cond:
            for searcher in self._free:
                searcher.close()


@dataclass(frozen=True)
class Hit:
    """One matching document: text and match spans, for the web and the CLI to present."""

    id: str
    title: str
    score: float
    passages: list[Passage]
    #: Where the query matched in ``title``.
    title_spans: list[Span] = field(default_factory=list)
    #: The paragraph a link to this hit should open at: that of the best passage, if any passage matched.
    paragraph: int | None = None
    byline: str | None = None
    #: Where the query matched in ``byline`` (an author's name typed bare).
    byline_spans: list[Span] = field(default_factory=list)
    #: The people of the byline, each with the role printed before the name.
    authors: list[Author] = field(default_factory=list)
    year: int | None = None
    place: str | None = None
    title_supplied: bool = False
    #: The document's script (``hans``/``hant``): a page draws its text with that script's glyphs.
    script: str = "hans"
    #: The stored document the hit was made from (an export cites it: reading it again would double the
    #: cost of a long list).
    document: Document | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Occurrences:
    """Every document one of whose printed lines holds a phrase (:meth:`Engine.occurrences`), in id order,
    with how many times each holds it: arrays, not an object per document (的 is in nearly every one)."""

    #: The occurrences in each document, in id order.
    counts: np.ndarray
    #: The occurrences in the documents of each year (documents without a year are not counted here).
    per_year: Counter
    _docnums: np.ndarray
    _tables: Tables

    def __len__(self) -> int:
        return len(self.counts)

    def id(self, i: int) -> str:
        """The id of the ``i``-th document (in id order)."""
        return self._tables.doc_id(int(self._docnums[i]))


@dataclass(frozen=True)
class SearchPage:
    query: str
    total: int
    took_ms: float
    hits: list[Hit]
    offset: int = 0
    limit: int = DEFAULT_LIMIT
    #: For every matching document (not just this page): field → [(value, count)], most common first.
    #: A value is shown as most documents print it; the query :func:`index.query.narrow` makes of it
    #: finds exactly ``count`` documents.
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    #: The order of the hits (:data:`index.limits.SEARCH_SORTS`), and whether it is descending.
    sort: str = "relevance"
    descending: bool = False


@dataclass(frozen=True)
class Collection:
    """What the collection holds, for its home page: counted from the metadata the engine keeps in memory."""

    documents: int
    #: (year, documents) for every year, in order; then how many documents have no year.
    years: list[tuple[int, int]]
    undated: int
    #: (place, documents), most first (the spelling most documents print), and how many places there are.
    places: list[tuple[str, int]]
    place_count: int
    #: A few documents to start reading: the most recent by year (ties by id), or, when no document has a
    #: year, the first by title.
    sample: list[Listed]
    sample_by: str  # "year" or "title"


@dataclass
class _Plan:
    """What the evaluation learnt that ranking and snippets need."""

    needles: list[str] = field(default_factory=list)  # folded strings to highlight in the body
    primary: list[str] = field(default_factory=list)  # whole runs and phrases
    title_needles: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # jieba words for BM25F
    #: Per primary needle: the needle, the docnums holding it (sorted) among those searched, and the docnums
    #: searched (None: every one). An AND's later terms are searched only in what its earlier ones left, so
    #: a document an OR brings from elsewhere may hold the run unsearched: the ranking looks there.
    verbatim: list[tuple[str, np.ndarray, np.ndarray | None]] = field(default_factory=list)

    def extend(self, other: _Plan) -> None:
        """Add what ``other`` learnt after what this plan holds."""
        for name in ("needles", "primary", "title_needles", "words", "verbatim"):
            getattr(self, name).extend(getattr(other, name))


#: The least year the tables can hold (int16): years are counted as offsets from it.
_YEAR_MIN = -32768
#: No document: the start of a union.
_NONE = np.empty(0, dtype=np.int64)


def _best(found: np.ndarray, held: np.ndarray, scores: np.ndarray, need: int) -> np.ndarray:
    """The positions of the first ``need`` documents in the order (``held`` descending, ``scores``
    descending, docnum ascending), in that order: a full sort of 200,000 documents for a page of ten is
    most of a ranking's time, so only the documents that can be on the page are sorted, the rest set
    aside by a partition (ties at the page's edge all kept, then sorted)."""
    if len(found) > 4 * need:
        # The tier of the need-th best document: every document of a higher tier is on the page; of that
        # tier, those scoring at least the best it still needs (ties at the edge kept, for the docnum order).
        cut = np.partition(held, len(held) - need)[len(held) - need]
        above = np.flatnonzero(held > cut)
        tier = np.flatnonzero(held == cut)
        wanted = need - len(above)
        if len(tier) > wanted:
            edge = np.partition(scores[tier], len(tier) - wanted)[len(tier) - wanted]
            tier = tier[scores[tier] >= edge]
        keep = np.concatenate((above, tier))
        order = np.lexsort((found[keep], -scores[keep], -held[keep]))
        return keep[order][:need]
    return np.lexsort((found, -scores, -held))[:need]


def _array(docnums: set[int]) -> np.ndarray:
    """A set of docnums as a sorted array."""
    return np.sort(np.fromiter(docnums, dtype=np.int64, count=len(docnums)))


_RANKING_TIMEOUT = N_("ranking ran past the time limit; make the query more specific")


class Engine:
    """One open generation of an index directory; reopens when a build swaps ``CURRENT``.

    Inside, documents are Whoosh docnums (ints); ids appear only in what is returned. Everything outside
    this class (the concordance, the web, the CLI) goes through its public methods.
    """

    def __init__(self, index_dir: Path, time_limit: float = DEFAULT_TIME_LIMIT) -> None:
        self.index_dir = Path(index_dir)
        self.time_limit = time_limit
        self._lock = threading.Lock()
        self._shared: _Generation | None = None  # the newest generation opened
        self._local = threading.local()  # per thread: the generation its request uses, its Whoosh searcher
        self._open()

    def _open(self) -> None:
        stamp = current_stamp(self.index_dir)
        gen, searcher, store = open_current(self.index_dir)
        try:
            # What phrase scans search, mapped from the generation's files: every printed line of each
            # document (title, subtitle, byline, paragraphs), and the titles alone; each under its docnum.
            haystack, titles, ids = Haystack.open(gen, FOLDED), Haystack.open(gen, TITLES), Texts(gen, IDS)
            tables = Tables(gen, ids)
            reader = searcher.reader()
            if not len(haystack) == len(titles) == len(ids) == reader.doc_count_all():
                raise damaged_index(gen, "its word index and phrase files disagree on how many documents it holds")
            if not tables.live == reader.doc_count() == store.count():
                raise damaged_index(gen, "its word index and document store disagree on which documents it holds")
        except BaseException as exc:
            searcher.close()
            store.close()
            if isinstance(exc, OSError | EOFError | ValueError | KeyError | sqlite3.DatabaseError):
                raise damaged_index(gen, f"it cannot be read: {type(exc).__name__}: {exc}") from exc
            raise
        # The generation it replaces is not closed here: a request in another thread may still be reading
        # it. It is closed when the last reference goes (its SQLite connection and Whoosh files with it).
        self._shared = _Generation(gen, stamp, _SearcherPool(searcher), store, haystack, titles, tables)
        self._local.generation = self._shared

    def refresh(self) -> None:
        """Reopen if a build has swapped in a new generation since we opened, and serve this thread's
        request from the newest generation: until its next refresh, the thread keeps to it, so one answer
        never mixes two generations. While one thread opens the new generation, the others go on with the
        one in service rather than wait for it."""
        if current_stamp(self.index_dir) != self._newest().stamp and self._lock.acquire(blocking=False):
            try:
                if current_stamp(self.index_dir) != self._newest().stamp:
                    self._open()
            finally:
                self._lock.release()
        self._local.generation = self._newest()

    def release(self) -> None:
        """Forget the generation this thread's last request used (called when a web request ends), so that
        an old generation, its searchers with it, is freed when no request holds it."""
        self._local.__dict__.pop("generation", None)

    def _newest(self) -> _Generation:
        assert self._shared is not None
        return self._shared

    @property
    def _g(self) -> _Generation:
        """The generation this thread's request reads."""
        return self._local.__dict__.get("generation") or self._newest()

    @property
    def generation(self) -> Path:
        return self._g.path

    @property
    def document_count(self) -> int:
        """How many documents the generation in service holds."""
        return self._g.tables.live

    def _live(self) -> np.ndarray:
        """Every live document's docnum, sorted (made when a query needs it: NOT, or a year range): read off
        the flags in docnum order, no sort."""
        return np.flatnonzero(np.asarray(self._g.tables.flags) & LIVE)

    # --- evaluation: the exact set of matching docnums, a sorted array -------------------------------
    # ``within`` is the set an enclosing AND has narrowed the search to (None: everything), so a
    # later term of ``a b`` is only looked for in the documents that hold ``a``.

    def _scan(self, needle: str, deadline: float, within: np.ndarray | None,
              titles_only: bool = False) -> np.ndarray:
        return (self._g.titles if titles_only else self._g.haystack).find(needle, deadline, within)

    def _docs_with_word(self, word: str, deadline: float, among: np.ndarray | None = None) -> np.ndarray:
        """The live documents whose title or body holds the jieba word ``word``, sorted (only those of the
        sorted ``among``, when given)."""
        with self._g.searchers.lend(deadline - time.monotonic()) as searcher:
            found = word_documents(searcher, word, among)  # one searcher at a time: never a second one while holding it
        tables = self._g.tables
        # Postings hold deleted documents until a merge; documents ``among`` are live already.
        if among is None and tables.live < len(tables.years) and len(found):
            found = found[(np.asarray(tables.flags)[found] & LIVE) > 0]
        return found

    def _frequencies(self, words: list[str], deadline: float) -> list[int]:
        """How many documents each word's postings hold, title and body counted apart (deleted documents
        included): read off the terms' headers, an estimate for ordering the work."""
        with self._g.searchers.lend(deadline - time.monotonic()) as searcher:
            return [sum(searcher.doc_frequency(f, w) for f in RANKED_FIELDS) for w in words]

    def _docs_with_words(self, words: list[str], deadline: float) -> np.ndarray:
        """The live documents that hold every one of ``words``: the rarest word's postings read whole, each
        other's only in the blocks that may hold a document found so far (none once nothing is left)."""
        frequencies = self._frequencies(words, deadline)
        order = sorted(range(len(words)), key=frequencies.__getitem__)
        every = self._docs_with_word(words[order[0]], deadline)
        for i in order[1:]:
            if not len(every):
                break
            every = self._docs_with_word(words[i], deadline, among=every)
        return every

    def _eval(self, node: q.Node, plan: _Plan, deadline: float, positive: bool = True,
              within: np.ndarray | None = None) -> np.ndarray:
        if isinstance(node, q.And):
            # The children in the order cheapest to narrow by first (:meth:`_and_order`): the set is the same
            # in any order, but a rare word scanned first leaves the common one only its few documents to
            # look in. What each child teaches the plan is kept in the query's own order (snippets and
            # ranking read it in that order).
            plans = [_Plan() for _ in node.nodes]
            found = within
            for i in self._and_order(node.nodes, deadline):
                found = self._eval(node.nodes[i], plans[i], deadline, positive, found)
            assert found is not None
            for child_plan in plans:
                plan.extend(child_plan)
            return found
        if isinstance(node, q.Or):
            found = _NONE
            for child in node.nodes:
                found = union(found, self._eval(child, plan, deadline, positive, within))
            return found
        if isinstance(node, q.Not):
            return np.setdiff1d(self._live() if within is None else within,
                                self._eval(node.node, plan, deadline, not positive, within), assume_unique=True)
        found = self._eval_leaf(node, plan, deadline, positive, within)
        return found if within is None else intersect(found, within)

    def _and_order(self, nodes: tuple[q.Node, ...], deadline: float) -> list[int]:
        """The positions of an AND's ``nodes`` in the order to evaluate them: first what needs no scan of the
        articles (years, authors, places, titles: the tables and the short titles file), then words and
        phrases, the rarest first, then what combines others (NOT, OR, nested AND), as written.

        A word or phrase's rarity is the fewest documents any of its words' postings hold: cheap to read (the
        term's document frequency) and close to the documents the scan will find, which hold those words.
        """
        ranks: list[tuple[int, int, int]] = []
        for i, node in enumerate(nodes):
            if isinstance(node, q.Year | q.NoYear | q.Author | q.Place | q.Title):
                ranks.append((0, 0, i))
            elif isinstance(node, q.Words | q.Phrase):
                ranks.append((1, self._rarity(node.text, deadline), i))
            else:
                ranks.append((2, 0, i))
        return [i for *_, i in sorted(ranks)]

    def _rarity(self, text: str, deadline: float) -> int:
        """The fewest documents any word of ``text`` is indexed in (its title and body postings counted apart,
        deleted documents included): an estimate, used only to order an AND's scans."""
        words = [w for w in self._query_words(text) if not is_punctuation_or_space(w)]
        return min(self._frequencies(words, deadline)) if words else len(self._g.haystack)

    def _eval_leaf(self, node: q.Node, plan: _Plan, deadline: float, positive: bool,
                   within: np.ndarray | None) -> np.ndarray:
        if isinstance(node, q.Year | q.NoYear):
            candidates = self._live() if within is None else within
            years = np.asarray(self._g.tables.years)[candidates]
            if isinstance(node, q.NoYear):
                return candidates[years == 0]
            return candidates[(years != 0) & (years >= node.start) & (years <= node.end)]
        if isinstance(node, q.Author | q.Place):
            field_name, key = ("author" if isinstance(node, q.Author) else "place"), q.field_key(node.text)
            return _array(self._g.tables.with_key(field_name, key))
        if isinstance(node, q.Title):
            needle = fold_text(node.text)
            if positive:
                plan.title_needles.append(needle)
                plan.words.extend(self._query_words(node.text))
            return self._scan(needle, deadline, within, titles_only=True)
        assert isinstance(node, q.Words | q.Phrase)
        needle = fold_text(node.text)
        if not needle:
            raise QueryError(N_("%(text)r has nothing searchable in it"), text=node.text)
        words = [] if isinstance(node, q.Phrase) else [w for w in self._query_words(node.text)
                                                        if not is_punctuation_or_space(w)]
        marks = [fold_text(w) for w in words]  # the words as the scanned text is folded (with variants)
        verbatim = self._scan(needle, deadline, within)
        found = verbatim
        # A run that is one word needs no postings: every document holding the word holds the run.
        if words and marks != [needle]:
            found = union(found, self._docs_with_words(words, deadline))
        if positive:
            plan.primary.append(needle)
            plan.needles.extend([needle, *marks])
            plan.title_needles.extend([needle, *marks])
            plan.words.extend(words or self._query_words(node.text))
            plan.verbatim.append((needle, verbatim, within))
        return found

    def _query_words(self, text: str) -> list[str]:
        """:func:`query_words`, cut with the generation's dictionary while this process has not built jieba's
        whole one: a cold command saves ~0.1 s; a server's worker builds it at start. The same words."""
        if dictionary_loaded():
            return query_words(text)
        g = self._g
        dictionary = g.memo.get("dictionary")
        if dictionary is None:
            try:  # a generation built before it has none; an unreadable one is only slower
                dictionary = Dictionary(g.path) if Dictionary.exists(g.path) else False
            except (OSError, ValueError):
                dictionary = False
            g.memo["dictionary"] = dictionary
        return query_words(text, dictionary.segment) if dictionary else query_words(text)

    # --- ranking: only as far as the page needs ---------------------------------------------------

    def _scorer(self) -> Scorer:
        """The generation's scorer, made when first needed (it lends a searcher: call it holding none)."""
        g = self._g
        scorer = g.memo.get("scorer")
        if scorer is None:
            with g.searchers.lend(self.time_limit) as searcher:
                scorer = g.memo["scorer"] = Scorer(searcher)
        return scorer

    def _scores(self, docnums: np.ndarray, words: list[str], deadline: float) -> np.ndarray:
        """BM25F of each of ``docnums`` (sorted) over ``words`` (:mod:`index.ranking`)."""
        if not words or not len(docnums):
            return np.zeros(len(docnums), dtype=np.float64)
        scorer = self._scorer()
        with self._g.searchers.lend(deadline - time.monotonic()) as searcher:
            return scorer.score(searcher, docnums, words, deadline)

    def _rank(self, found: np.ndarray, plan: _Plan, deadline: float, need: int) -> list[tuple[int, float]]:
        """The best ``need`` of the documents ``found`` (sorted docnums), best first: more verbatim runs
        first, then BM25F, then docnum."""
        if not need or not len(found):
            return []
        held = np.zeros(len(found), dtype=np.int64)  # verbatim runs per document
        for needle, verbatim, searched in plan.verbatim:
            if verbatim is found:
                held += 1
                continue
            holds = np.isin(found, verbatim, assume_unique=True)
            if searched is not None and len(unsearched := found[~np.isin(found, searched, assume_unique=True)]):
                # Found through another branch of an OR, outside what this run was looked for in: look now.
                holds |= np.isin(found, self._scan(needle, deadline, unsearched), assume_unique=True)
            held += holds
        scores = self._scores(found, list(dict.fromkeys(plan.words)), deadline)
        best = _best(found, held, scores, need)
        return [(int(found[i]), float(scores[i])) for i in best]

    # --- public ------------------------------------------------------------------------------

    def deadline(self, time_limit: float | None = None) -> float:
        """The ``time.monotonic()`` by which a query started now must end (``time_limit`` or the engine's)."""
        return time.monotonic() + (self.time_limit if time_limit is None else time_limit)

    def search(self, query: str, limit: int = DEFAULT_LIMIT, offset: int = 0,
               time_limit: float | None = None, sort: str = "relevance", descending: bool = False,
               passages: int = MAX_PASSAGES) -> SearchPage:
        """Run ``query``; ``total`` counts every matching document, ``hits`` is one page.

        ``passages``: the most passages each hit carries (the best first). Snippets are most of the cost of
        a long page (half a millisecond a hit, against a tenth for the rest), so a page that does not show
        them asks for none (``0``: each hit's ``passages`` is empty, its ``paragraph`` None, no spans).

        ``sort`` is one of :data:`index.limits.SEARCH_SORTS`: ``relevance`` (best first; ``descending`` is
        ignored), ``year`` or ``title`` (ascending, or ``descending``; documents without a year last either
        way, titles by code point, ties by id), sorted by Whoosh on the columns of
        :data:`index.schema.SORT_COLUMNS`. The total and the facets are the same whatever the order.
        """
        started = time.perf_counter()
        deadline = self.deadline(time_limit)
        if not 0 <= limit <= MAX_LIMIT:
            raise QueryError(f"limit must be between 0 and {MAX_LIMIT}")
        if not 0 <= passages <= MAX_PASSAGES:
            raise QueryError(f"passages must be between 0 and {MAX_PASSAGES}")
        if offset < 0:
            raise QueryError("offset must not be negative")
        if sort not in SEARCH_SORTS:
            raise QueryError(f"results can be sorted by {', '.join(SEARCH_SORTS)}, not {sort[:20]!r}")
        self.refresh()
        tree = q.parse_query(query)
        plan = _Plan()
        found = self._eval(tree, plan, deadline)
        if sort == "relevance":
            page = self._rank(found, plan, deadline, need=offset + limit)[offset:offset + limit]
        else:
            column = SORT_COLUMNS[sort, descending]
            order = self._sorted(set(found.tolist()), column, deadline, need=offset + limit)[offset:]
            # The score of each hit shown, as relevance would give it (the JSON's ``score``): the page's alone.
            shown = np.array(sorted(order), dtype=np.int64)
            shown_scores = self._scores(shown, list(dict.fromkeys(plan.words)), deadline)
            scores = dict(zip(shown.tolist(), shown_scores.tolist(), strict=True))
            page = [(n, scores[n]) for n in order]
        hits = [self._hit(self._g.tables.doc_id(n), score, plan, deadline, passages) for n, score in page]
        return SearchPage(query=query, total=len(found), took_ms=(time.perf_counter() - started) * 1000,
                          hits=hits, offset=offset, limit=limit, facets=self._facets(found),
                          sort=sort, descending=descending and sort != "relevance")

    def _sorted(self, docnums: set[int], column: str, deadline: float, need: int) -> list[int]:
        """The first ``need`` of ``docnums`` in the order of the sort-key ``column`` (ties broken by id within
        the key): Whoosh's sorting collector over every document, filtered to ``docnums``, within the time
        limit."""
        if not need or not docnums:
            return []
        if time.monotonic() > deadline:
            raise QueryTimeout(_RANKING_TIMEOUT)
        from whoosh.sorting import FieldFacet

        facet = FieldFacet(column)
        with self._g.searchers.lend(deadline - time.monotonic()) as searcher:
            return [hit.docnum for hit in
                    _collect(searcher, Every(), searcher.collector(limit=need, sortedby=facet), docnums, deadline)]

    def _facets(self, found: np.ndarray, top: int = 8) -> dict[str, list[tuple[str, int]]]:
        """The ``top`` values of each facet over the documents ``found``, most common first (ties: years in
        order, other values in the order the archive first holds them); the year facet ends with the
        documents without a year (value
        :data:`index.query.NO_YEAR`), if any match."""
        tables = self._g.tables
        counts = np.bincount(np.asarray(tables.years)[found].astype(np.int64) - _YEAR_MIN)
        values = np.flatnonzero(counts)
        years = Counter(dict(zip((values + _YEAR_MIN).tolist(), counts[values].tolist(), strict=True)))
        undated = years.pop(0, 0)
        facets = {"year": [(str(year), n) for year, n in years.most_common(top)]}
        for name in FACETS:
            numbers = tables.count_facet(name, found)
            facets[name] = [(tables.label(name, number), n) for number, n in numbers.most_common(top)]
        if undated:
            facets["year"].append((q.NO_YEAR, undated))
        return {name: values for name, values in facets.items() if values}

    def _hit(self, doc_id: str, score: float, plan: _Plan, deadline: float | None = None,
             passages_wanted: int = MAX_PASSAGES) -> Hit:
        doc = self._g.store.document(doc_id)
        assert doc is not None
        if not passages_wanted:  # what is printed about the document, without looking for the matches in it
            return Hit(id=doc.id, title=doc.title, score=score, passages=[], byline=doc.byline,
                       authors=doc.author_names, year=doc.year, place=doc.place,
                       title_supplied=doc.title_supplied, script=doc.script, document=doc)
        needles = list(dict.fromkeys(plan.needles))
        # Where the whole run or phrase occurs, mark only that: the run's single words
        # (一, 肩挑) scattered through the text would drown the passage that matters.
        folded = self.folded_text(doc_id)
        present = [p for p in dict.fromkeys(plan.primary) if p in folded]
        if present:
            needles = present
        lines = folded.split(PARAGRAPH_SEP)
        after = len(FRONT_FIELDS) + len(doc.paragraphs)
        # Inside the query's time limit: a thousand hits' snippets are work too (QueryTimeout past it). Every
        # primary needle rather than those present: one list for all the hits, which the snippets compile once
        # (a needle a document lacks is simply not found in it).
        wanted = list(dict.fromkeys(plan.primary)) if present else needles
        passages = make_passages(doc.paragraphs, wanted, plan.primary, limit=passages_wanted,
                                 folded=lines[len(FRONT_FIELDS):after], deadline=deadline) if needles else []
        if needles and doc.captions and len(passages) < passages_wanted:
            # The photo captions' matches, after the paragraphs' (a caption is printed, not the article).
            passages += [replace(p, paragraph=None, caption=p.paragraph) for p in make_passages(
                doc.captions, wanted, plan.primary, limit=passages_wanted - len(passages), folded=lines[after:],
                deadline=deadline)]
        # No passage matched: the hit matched by title or metadata only, so show the lead and link the top.
        paragraph = passages[0].paragraph if passages else None  # None too for a caption's: the top
        return Hit(
            id=doc.id, title=doc.title, score=score, passages=passages or lead_passage(doc.paragraphs),
            title_spans=match_spans(doc.title, list(dict.fromkeys(plan.title_needles))), paragraph=paragraph,
            byline=doc.byline, byline_spans=match_spans(doc.byline, needles) if doc.byline else [],
            authors=list(doc.authors), year=doc.year, place=doc.place,
            title_supplied=doc.title_supplied, script=doc.script, document=doc,
        )

    def occurrences(self, needle: str, deadline: float) -> Occurrences:
        """How many times each document's folded printed lines hold ``needle`` (already folded): counted in
        the mapped text in one pass, less the matches in a supplied title (searched as a title, but not
        text of the article)."""
        self.refresh()
        g = self._g
        tables = g.tables
        docnums, counts = g.haystack.count_each(needle, deadline)
        for j in np.flatnonzero(np.asarray(tables.flags)[docnums] & SUPPLIED):
            counts[j] -= g.titles.count(int(docnums[j]), needle)
        held = counts > 0
        docnums, counts = docnums[held], counts[held]
        years = np.asarray(tables.years)[docnums]
        dated = years > 0
        values, where = np.unique(years[dated], return_inverse=True)
        sums = np.bincount(where, weights=counts[dated], minlength=len(values)).astype(np.int64)
        per_year = Counter(dict(zip(values.tolist(), sums.tolist(), strict=True)))
        # In id order: the order of all the ids, kept to the documents found.
        order = np.asarray(tables.order)
        count_of = np.zeros(len(tables.years), dtype=np.int64)
        count_of[docnums] = counts
        in_order = order[count_of[order] > 0]
        return Occurrences(count_of[in_order], per_year, in_order, tables)

    def title_printed(self, doc_id: str) -> bool:
        """Whether the title of ``doc_id`` is printed in the article (not supplied from a file name or heading)."""
        return not self._g.tables.supplied(self._docnum(doc_id))

    def folded_text(self, doc_id: str) -> str:
        """The folded title, subtitle, byline and paragraphs of ``doc_id``, one per line (empty when not
        printed): what phrases are matched against."""
        return self._g.haystack.text(self._docnum(doc_id))

    def _docnum(self, doc_id: str) -> int:
        n = self._g.tables.docnum(doc_id)
        if n is None:
            raise KeyError(doc_id)
        return n

    def folded_lines(self, doc_id: str) -> list[str]:
        """:meth:`folded_text` as lines: :data:`FRONT_FIELDS`, the paragraphs (``[3]`` is ¶1), then the photo
        captions."""
        return self.folded_text(doc_id).split(PARAGRAPH_SEP)

    def document(self, doc_id: str, refresh: bool = True) -> Document | None:
        """The stored document ``doc_id``, or None. ``refresh=False`` keeps to the generation already open,
        for a caller reading several documents of one answer."""
        if refresh:
            self.refresh()
        return self._g.store.document(doc_id)

    def listing(self, sort: str = "title", descending: bool = False, offset: int = 0,
                limit: int = 50) -> list[Listed]:
        """One page of the list of every document, sorted (see :meth:`index.store.Store.listing`)."""
        if sort not in LISTING_SORTS:
            raise QueryError(f"the list can be sorted by {', '.join(LISTING_SORTS)}")
        self.refresh()
        return self._g.store.listing(sort, descending, offset, limit)

    def collection(self, places: int = 30, sample: int = 5) -> Collection:
        """The collection in numbers: documents, per year, per place (the ``places`` most common), and
        ``sample`` documents to start from. Worked out once per generation (a build swaps in a new one)."""
        self.refresh()
        g = self._g
        key = ("collection", places, sample)
        found = g.memo.get(key)
        if found is None:
            years = Counter(map(g.tables.years.__getitem__, g.tables.order))
            undated = years.pop(0, 0)
            by_place = Counter({g.tables.label("place", number): n
                                for number, n in g.tables.count_facet("place", self._live()).items()})
            sample_by = "year" if years else "title"
            found = g.memo[key] = Collection(
                documents=g.tables.live, years=sorted(years.items()), undated=undated,
                places=by_place.most_common(places),
                place_count=len(by_place),
                sample=[r for r in g.store.listing(sample_by, sample_by == "year", 0, sample)
                        if sample_by == "title" or r.year is not None],
                sample_by=sample_by)
        return found

    def documents(self) -> list[Document]:
        self.refresh()
        g = self._g
        return [d for n in g.tables.order if (d := g.store.document(g.tables.doc_id(n))) is not None]

    def segments(self) -> int:
        """How many Whoosh segments the generation in service holds (each is searched in turn)."""
        with self._g.searchers.lend(self.time_limit) as searcher:
            return len(list(searcher.reader().leaf_readers()))

    def close(self) -> None:
        g = self._newest()
        g.searchers.close()
        g.store.close()


def highlight_needles(query: str) -> list[str]:
    """Folded texts to highlight for ``query`` (its runs and phrases, not what it excludes); [] if it won't parse."""
    try:
        tree = q.parse_query(query)
    except QueryError:
        return []
    needles: list[str] = []

    def walk(node: q.Node, positive: bool) -> None:
        if isinstance(node, q.Not):
            walk(node.node, not positive)
        elif isinstance(node, q.And | q.Or):
            for child in node.nodes:
                walk(child, positive)
        elif isinstance(node, q.Words | q.Phrase) and positive:
            needles.append(fold_text(node.text))

    walk(tree, True)
    return [n for n in needles if n]


_engines: dict[Path, Engine] = {}
_engines_lock = threading.Lock()


def _forget_engines_in_child() -> None:
    """A forked child does not use the engines of its parent: it would share their open files, one offset
    for both processes, while Whoosh reads by seek-then-read. It opens its own on first use."""
    global _engines_lock
    _engines.clear()
    _engines_lock = threading.Lock()  # the parent's may have been held by another thread at the fork


os.register_at_fork(after_in_child=_forget_engines_in_child)


def get_engine(index_dir: Path) -> Engine:
    """One engine per index directory per process (jieba and the folded texts load once)."""
    key = Path(index_dir).resolve()
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = Engine(key)
    return engine


def release_engine(index_dir: Path) -> None:
    """End this thread's use of the engine of ``index_dir``, if one is open (see :meth:`Engine.release`)."""
    engine = _engines.get(Path(index_dir).resolve())
    if engine is not None:
        engine.release()


def search(index_dir: Path, query: str, limit: int = DEFAULT_LIMIT, offset: int = 0,
           time_limit: float | None = None, sort: str = "relevance", descending: bool = False,
           passages: int = MAX_PASSAGES) -> SearchPage:
    """Search the index in ``index_dir`` (see :meth:`Engine.search`)."""
    return get_engine(index_dir).search(query, limit=limit, offset=offset, time_limit=time_limit, sort=sort,
                                        descending=descending, passages=passages)
